"""Documents MotCua produces (slips Mẫu 01–07, signed results, receipts) and the agencies'
signing certificates (chứng thư số)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.dossiers.models import Dossier, DossierEvent, Result, _dossier_files
from motcua.org.models import Agency


class DocumentForm(models.TextChoices):
    """The form a generated document follows (Circular 03/2025/TT-VPCP, Phụ lục I)."""

    RECEIPT = "01", _("Form 01 – Receipt and appointment")
    SUPPLEMENT = "02", _("Form 02 – Request to supplement the dossier")
    REFUSAL = "03", _("Form 03 – Refusal to accept the dossier")
    APOLOGY = "04", _("Form 04 – Apology and extension of the time limit")
    STOP = "05", _("Form 05 – Notice of stopping the processing")
    CONTROL_SHEET = "06", _("Form 06 – Processing control sheet")
    REGISTER = "07", _("Form 07 – Dossier register")
    SIGNED_RESULT = "result", _("Signed result")
    PAYMENT_RECEIPT = "payment", _("Payment receipt")


class GeneratedDocument(models.Model):
    """A document MotCua generated (văn bản, phiếu), stored once with its SHA-256.

    A slip is linked to the dossier event that produced it; a register (Mẫu 07) to the
    agency and period it covers.
    """

    form = models.CharField(_("form"), max_length=16, choices=DocumentForm.choices)
    dossier = models.ForeignKey(
        Dossier,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="generated_documents",
    )
    event = models.ForeignKey(
        DossierEvent, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    result = models.ForeignKey(
        Result, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    period_start = models.DateField(null=True, blank=True)
    period_end = models.DateField(null=True, blank=True)
    file = models.FileField(_("file"), storage=_dossier_files, max_length=255)
    file_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField()
    content_type = models.CharField(max_length=100)
    created_at = models.DateTimeField(_("created at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("generated document")
        verbose_name_plural = _("generated documents")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # One slip of a form per event and file type: rendering twice returns the first.
            models.UniqueConstraint(
                fields=["event", "form", "content_type"],
                condition=models.Q(event__isnull=False, result__isnull=True),
                name="generated_document_once_per_event",
            ),
            # A signature event seals each of the dossier's electronic results once.
            models.UniqueConstraint(
                fields=["event", "result"],
                condition=models.Q(event__isnull=False, result__isnull=False),
                name="generated_document_once_per_result_event",
            ),
        ]
        indexes = [models.Index(fields=["sha256"], name="generated_document_sha256")]

    def __str__(self) -> str:
        return f"{self.get_form_display()} {self.file_name}"


class SigningCertificate(models.Model):
    """An agency's signing key and certificate (chứng thư số của cơ quan), kept as PKCS#12.

    The PKCS#12 passphrase is stored encrypted with a key derived from the installation's
    secret (``motcua.documents.certificates``), never in clear.
    """

    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="signing_certificates"
    )
    label = models.CharField(_("label"), max_length=255, blank=True)
    subject = models.CharField(_("subject"), max_length=500)
    issuer = models.CharField(_("issuer"), max_length=500)
    serial_number = models.CharField(_("serial number"), max_length=100)
    fingerprint_sha256 = models.CharField(_("SHA-256 fingerprint"), max_length=64, unique=True)
    not_before = models.DateTimeField(_("valid from"))
    not_after = models.DateTimeField(_("valid until"))
    certificate_pem = models.TextField(_("certificate (PEM)"))
    chain_pem = models.TextField(_("issuer chain (PEM)"), blank=True)
    pkcs12 = models.BinaryField(_("PKCS#12 bundle"), editable=False)
    passphrase_encrypted = models.BinaryField(editable=False)
    active = models.BooleanField(_("active"), default=True)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("signing certificate")
        verbose_name_plural = _("signing certificates")
        ordering = ["agency", "-not_after"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency"],
                condition=models.Q(active=True),
                name="one_active_signing_certificate_per_agency",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agency} — {self.subject}"


class TrustedRoot(models.Model):
    """A certificate authority whose signatures MotCua accepts when it verifies a PDF
    (e.g. the national root CA; the demo's local CA)."""

    name = models.CharField(_("name"), max_length=255)
    certificate_pem = models.TextField(_("certificate (PEM)"))
    fingerprint_sha256 = models.CharField(_("SHA-256 fingerprint"), max_length=64, unique=True)
    added_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        verbose_name = _("trusted root certificate")
        verbose_name_plural = _("trusted root certificates")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
