"""What the citizen portal keeps of its own: drafts of online filings."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Draft(models.Model):
    """A dossier being filled in online — hồ sơ nháp — saved on the server at every step, so
    a dropped connection loses nothing.

    The applicant's name, personal ID and birth date are never typed: they come from the
    verified identity of the signed-in citizen, or, for assisted filing, from the consent
    the citizen gave (``consent``). ``eform_data`` keeps what was typed, as typed (so a
    form with errors comes back as it was); ``documents`` maps a required document's id
    (as text) to ``{"upload": <dossiers.UploadedFile id>}`` or ``{"store": <citizens.
    DataStoreItem id>}``. ``version`` grows with each save of the form: a save from a page
    showing an older version is refused.
    """

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="filing_drafts"
    )
    procedure_version = models.ForeignKey(
        "catalog.ProcedureVersion",
        verbose_name=_("procedure"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    consent = models.ForeignKey(
        "citizens.AssistanceConsent",
        verbose_name=_("assistance consent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="drafts",
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.CharField(_("e-mail"), max_length=254, blank=True)
    address = models.CharField(_("address"), max_length=500, blank=True)
    eform_data = models.JSONField(_("e-form"), default=dict, blank=True)
    documents = models.JSONField(_("papers"), default=dict, blank=True)
    competent_agency = models.ForeignKey(
        "org.Agency",
        verbose_name=_("commune or ward that decides"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    receiving_agency = models.ForeignKey(
        "org.Agency",
        verbose_name=_("receiving agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    return_method = models.CharField(_("return of the result"), max_length=16, blank=True)
    return_agency = models.ForeignKey(
        "org.Agency",
        verbose_name=_("return point"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("saved at"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    dossier = models.OneToOneField(
        "dossiers.Dossier",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="draft",
    )

    class Meta:
        verbose_name = _("draft dossier")
        verbose_name_plural = _("draft dossiers")
        ordering = ["-updated_at"]

    def __str__(self) -> str:
        return f"{self.procedure_version} #{self.pk}"

    @property
    def submitted(self) -> bool:
        return self.dossier_id is not None
