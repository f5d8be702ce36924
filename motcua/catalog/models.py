"""Procedure catalogue: thủ tục hành chính, their fields, versions, documents and fees."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.catalog.schemas import validate_eform_schema
from motcua.core.text import fold
from motcua.org.models import AgencyKind

procedure_code_validator = RegexValidator(
    r"^\d\.\d{6}$", _("A national procedure code has the shape d.dddddd, e.g. 1.001193.")
)


class Field(models.Model):
    """Field — lĩnh vực: the sector a procedure belongs to."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=255)
    search_key = models.CharField(max_length=255, editable=False, default="")

    class Meta:
        verbose_name = _("field")
        verbose_name_plural = _("fields")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        self.search_key = fold(f"{self.name} {self.code}")
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class LifeEvent(models.Model):
    """Life event — sự kiện: a situation of a citizen's life that groups procedures."""

    slug = models.SlugField(_("key"), unique=True)
    name = models.CharField(_("name"), max_length=255)

    class Meta:
        verbose_name = _("life event")
        verbose_name_plural = _("life events")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Procedure(models.Model):
    """Procedure — thủ tục hành chính (TTHC), identified by its national code.

    What the procedure says lives in its versions; at most one version is current.
    """

    code = models.CharField(
        _("national code"), max_length=20, unique=True, validators=[procedure_code_validator]
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("procedure")
        verbose_name_plural = _("procedures")
        ordering = ["code"]

    def __str__(self) -> str:
        current = self.current_version
        return f"{self.code} {current.name}" if current else self.code

    @property
    def current_version(self) -> ProcedureVersion | None:
        return self.versions.filter(status=VersionStatus.PUBLISHED).order_by("-number").first()


class Level(models.TextChoices):
    PROVINCE = "province", _("Province")
    COMMUNE = "commune", _("Commune")
    CENTRAL_LOCAL = "central_local", _("Locally placed central agency")


class TimeUnit(models.TextChoices):
    WORKING_HOURS = "working_hours", _("working hours")
    WORKING_DAYS = "working_days", _("working days")
    DAYS = "days", _("days")
    MONTHS = "months", _("months")


class ResultType(models.TextChoices):
    PAPER = "paper", _("Paper document")
    ELECTRONIC = "electronic", _("Electronic document")
    BOTH = "both", _("Paper and electronic")


class OnlineLevel(models.TextChoices):
    FULL = "full", _("Fully online (toàn trình)")
    PARTIAL = "partial", _("Partly online (một phần)")


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    RETIRED = "retired", _("Retired")


class ProcedureVersion(models.Model):
    """One version of a procedure's published content.

    A version that a dossier has used is frozen (``frozen_at`` set); editing then makes a
    new version (``catalog.services.procedure_version_edit``).
    """

    procedure = models.ForeignKey(
        Procedure, verbose_name=_("procedure"), on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    status = models.CharField(
        _("status"), max_length=16, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    name = models.CharField(_("name"), max_length=500)
    field = models.ForeignKey(
        Field, verbose_name=_("field"), on_delete=models.PROTECT, related_name="versions"
    )
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    competent_agency_kind = models.CharField(
        _("competent agency kind"), max_length=32, choices=AgencyKind.choices
    )
    competent_sector = models.SlugField(
        _("competent sector"),
        max_length=50,
        blank=True,
        help_text=_("For department or central-agency procedures: the sector key of the agency."),
    )
    time_limit = models.PositiveIntegerField(
        _("legal time limit"),
        null=True,
        blank=True,
        help_text=_(
            "0 means the result is given the same working day; empty means the law sets no "
            "time limit (no appointment is computed)."
        ),
    )
    time_unit = models.CharField(_("time unit"), max_length=16, choices=TimeUnit.choices)
    time_limit_note = models.CharField(_("time limit note"), max_length=500, blank=True)
    cutoff_time = models.TimeField(
        _("same-day cut-off"),
        null=True,
        blank=True,
        help_text=_("Dossiers accepted after this hour count from the next working day."),
    )
    result_type = models.CharField(_("result type"), max_length=16, choices=ResultType.choices)
    result_name = models.CharField(_("result name"), max_length=500)
    online_level = models.CharField(_("online level"), max_length=16, choices=OnlineLevel.choices)
    eligible_full_online = models.BooleanField(_("eligible for fully online"), default=False)
    eform_schema = models.JSONField(
        _("e-form schema"), default=dict, validators=[validate_eform_schema]
    )
    legal_basis = models.TextField(_("legal basis"), blank=True)
    steps = models.TextField(_("steps"), blank=True)
    applicant_types = models.CharField(_("applicants"), max_length=255, blank=True)
    max_upload_mb = models.PositiveIntegerField(_("upload size limit (MB)"), default=10)
    keywords = models.JSONField(
        _("keywords"),
        default=list,
        blank=True,
        help_text=_("Everyday words people search with, e.g. “giấy khai sinh”."),
    )
    life_events = models.ManyToManyField(
        LifeEvent, verbose_name=_("life events"), blank=True, related_name="versions"
    )
    source = models.CharField(
        _("source"), max_length=500, blank=True, help_text=_("Where the content was taken from.")
    )
    unverified = models.JSONField(
        _("unverified facts"),
        default=list,
        blank=True,
        help_text=_("Names of the facts that could not be checked against the published record."),
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    frozen_at = models.DateTimeField(
        _("frozen at"), null=True, blank=True, help_text=_("Set when a dossier first uses it.")
    )
    search_key = models.TextField(editable=False, default="")

    class Meta:
        verbose_name = _("procedure version")
        verbose_name_plural = _("procedure versions")
        ordering = ["procedure__code", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["procedure", "number"], name="version_number_unique"),
            models.UniqueConstraint(
                fields=["procedure"],
                condition=models.Q(status="published"),
                name="one_published_version",
            ),
        ]
        indexes = [models.Index(fields=["status", "level"])]

    def __str__(self) -> str:
        return f"{self.procedure.code} v{self.number} {self.name}"

    @property
    def is_frozen(self) -> bool:
        return self.frozen_at is not None

    @property
    def is_published(self) -> bool:
        return self.status == VersionStatus.PUBLISHED

    def clean(self) -> None:
        if self.competent_agency_kind in {AgencyKind.DEPARTMENT, AgencyKind.CENTRAL_LOCAL} and (
            not self.competent_sector
        ):
            raise ValidationError(
                {"competent_sector": _("Say which department or agency decides.")}
            )

    def save(self, *args: Any, **kwargs: Any) -> None:
        update_fields = kwargs.get("update_fields")
        lifecycle_only = update_fields is not None and set(update_fields) <= LIFECYCLE_FIELDS
        if self.pk is not None and not lifecycle_only and self._frozen_in_db():
            raise ValidationError(
                _("This version is used by dossiers and cannot change; create a new version.")
            )
        super().save(*args, **kwargs)

    def _frozen_in_db(self) -> bool:
        return ProcedureVersion.objects.filter(pk=self.pk, frozen_at__isnull=False).exists()

    def refresh_search_key(self) -> None:
        words = " ".join(str(k) for k in self.keywords)
        self.search_key = fold(f"{self.name} {self.procedure.code} {self.field.name} {words}")


# Fields that change while a version lives (publication, retirement, first use).
LIFECYCLE_FIELDS = frozenset({"status", "published_at", "frozen_at"})


class _VersionPart(models.Model):
    """A row that belongs to a version and so is frozen with it."""

    class Meta:
        abstract = True

    def _check_version_editable(self) -> None:
        version = getattr(self, "version", None)
        if version is not None and version.pk is not None and version._frozen_in_db():
            raise ValidationError(
                _("This version is used by dossiers and cannot change; create a new version.")
            )

    def save(self, *args: Any, **kwargs: Any) -> None:
        self._check_version_editable()
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        self._check_version_editable()
        return super().delete(*args, **kwargs)


class CopyKind(models.TextChoices):
    ORIGINAL = "original", _("Original")
    COPY = "copy", _("Copy")
    CERTIFIED_COPY = "certified_copy", _("Certified copy")
    ELECTRONIC = "electronic", _("Electronic")
    ORIGINAL_OR_COPY = "original_or_copy", _("Original or copy")


class RequiredDocument(_VersionPart):
    """A paper the applicant must submit — thành phần hồ sơ."""

    version = models.ForeignKey(
        ProcedureVersion, on_delete=models.CASCADE, related_name="documents"
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    name = models.CharField(_("name"), max_length=1000)
    copies = models.PositiveSmallIntegerField(_("copies"), default=1)
    kind = models.CharField(_("form"), max_length=20, choices=CopyKind.choices)
    mandatory = models.BooleanField(_("mandatory"), default=True)
    reusable = models.BooleanField(
        _("reusable from the citizen's data store"),
        default=False,
        help_text=_("May be taken from the citizen's data store instead of being uploaded."),
    )
    template_name = models.CharField(_("form template"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("required document")
        verbose_name_plural = _("required documents")
        ordering = ["version", "position"]

    def __str__(self) -> str:
        return self.name


class Fee(_VersionPart):
    """A fee or charge (phí, lệ phí) of a procedure, in đồng; may be 0."""

    version = models.ForeignKey(ProcedureVersion, on_delete=models.CASCADE, related_name="fees")
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    name = models.CharField(_("name"), max_length=500)
    amount = models.PositiveBigIntegerField(_("amount (VND)"))
    note = models.CharField(_("note"), max_length=1000, blank=True)

    class Meta:
        verbose_name = _("fee")
        verbose_name_plural = _("fees")
        ordering = ["version", "position"]

    def __str__(self) -> str:
        return f"{self.name}: {self.amount:,} đ"


class ProcedureGroup(models.Model):
    """Interconnected group — nhóm thủ tục liên thông: one filing, several agencies."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=500)
    legal_basis = models.TextField(_("legal basis"), blank=True)
    time_limit = models.PositiveIntegerField(_("legal time limit"))
    time_unit = models.CharField(_("time unit"), max_length=16, choices=TimeUnit.choices)
    cutoff_time = models.TimeField(_("same-day cut-off"), null=True, blank=True)
    published = models.BooleanField(_("published"), default=True)

    class Meta:
        verbose_name = _("interconnected group")
        verbose_name_plural = _("interconnected groups")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class GroupMember(models.Model):
    group = models.ForeignKey(ProcedureGroup, on_delete=models.CASCADE, related_name="members")
    procedure = models.ForeignKey(
        Procedure, verbose_name=_("procedure"), on_delete=models.PROTECT, related_name="groups"
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("group member")
        verbose_name_plural = _("group members")
        ordering = ["group", "position"]
        constraints = [
            models.UniqueConstraint(fields=["group", "procedure"], name="group_member_once"),
        ]

    def __str__(self) -> str:
        return f"{self.group.code}: {self.procedure.code}"
