"""Citizens (công dân): their accounts from the identity provider, their data store, and
the community digital teams that help them file."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.dossiers.models import Dossier, Result, _dossier_files
from motcua.org.models import Agency


class Citizen(models.Model):
    """Citizen account — tài khoản công dân: a person as the OpenID provider vouched for
    them at their last sign-in (the national identity provider in production)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="citizen"
    )
    issuer = models.CharField(_("identity provider"), max_length=255)
    subject = models.CharField(_("identifier at the provider"), max_length=255)
    personal_id = models.CharField(_("personal ID number"), max_length=12, db_index=True)
    full_name = models.CharField(_("full name"), max_length=255)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    address = models.CharField(_("address"), max_length=500, blank=True)
    verified_at = models.DateTimeField(_("identity last verified at"))

    class Meta:
        verbose_name = _("citizen account")
        verbose_name_plural = _("citizen accounts")
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="citizen_identity_once"),
        ]

    def __str__(self) -> str:
        return self.full_name


class StoreItemKind(models.TextChoices):
    PAPER = "paper", _("Paper uploaded earlier")
    RESULT = "result", _("Result of an earlier dossier")


class DataStoreItem(models.Model):
    """A paper in the citizen's data store — kho quản lý dữ liệu điện tử của tổ chức, cá
    nhân: a result issued to them, or a paper accepted in an earlier dossier.

    ``key`` is the folded name of what the paper is (the required document it answered,
    or the result's name), so a later procedure asking for the same paper finds it.
    """

    personal_id = models.CharField(_("personal ID number"), max_length=12, db_index=True)
    kind = models.CharField(_("kind"), max_length=16, choices=StoreItemKind.choices)
    name = models.CharField(_("name"), max_length=1000)
    key = models.CharField(max_length=1000, db_index=True)
    file = models.FileField(_("file"), storage=_dossier_files, max_length=255)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField()
    content_type = models.CharField(max_length=100)
    source_dossier = models.ForeignKey(
        Dossier, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    result = models.ForeignKey(
        Result, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("stored at"))

    class Meta:
        verbose_name = _("data store item")
        verbose_name_plural = _("data store items")
        ordering = ["personal_id", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["personal_id", "key", "sha256"], name="store_item_once"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class DigitalTeam(models.Model):
    """Community digital-technology team — Tổ công nghệ số cộng đồng — of a commune."""

    name = models.CharField(_("name"), max_length=255)
    commune = models.ForeignKey(
        Agency, verbose_name=_("commune"), on_delete=models.PROTECT, related_name="digital_teams"
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("community digital team")
        verbose_name_plural = _("community digital teams")
        ordering = ["commune", "name"]

    def __str__(self) -> str:
        return self.name


class DigitalTeamMember(models.Model):
    """A member of a community digital team, with their own account."""

    team = models.ForeignKey(DigitalTeam, on_delete=models.PROTECT, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="digital_teams"
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        constraints = [
            models.UniqueConstraint(fields=["team", "user"], name="team_member_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.team}"


class ConsentMethod(models.TextChoices):
    OTP = "otp", _("One-time code sent to the citizen's phone")
    SIGNED_DOCUMENT = "document", _("Signed consent form, uploaded")


class AssistanceConsent(models.Model):
    """The citizen's consent to a team member filing for them — sự đồng ý của người dân
    được hỗ trợ. Once the dossier is filed, ``dossier`` records the assisted filing."""

    team = models.ForeignKey(DigitalTeam, on_delete=models.PROTECT, related_name="consents")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assistance_consents"
    )
    citizen_name = models.CharField(_("citizen's full name"), max_length=255)
    personal_id = models.CharField(_("personal ID number"), max_length=12)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    method = models.CharField(_("consent"), max_length=16, choices=ConsentMethod.choices)
    # One-time code: only its hash is kept; it expires and allows a few attempts.
    code_hash = models.CharField(max_length=128, blank=True)
    code_sent_at = models.DateTimeField(null=True, blank=True)
    code_expires_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    codes_sent = models.PositiveSmallIntegerField(default=0)
    # Signed consent form.
    document = models.FileField(storage=_dossier_files, max_length=255, blank=True)
    document_sha256 = models.CharField(max_length=64, blank=True)
    granted_at = models.DateTimeField(_("consent given at"), null=True, blank=True)
    dossier = models.OneToOneField(
        Dossier, null=True, blank=True, on_delete=models.PROTECT, related_name="assistance"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("assistance consent")
        verbose_name_plural = _("assistance consents")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.citizen_name} ({self.get_method_display()})"
