"""Organisation: agencies (cơ quan, đơn vị) of a province and the officials who work in them."""

from __future__ import annotations

from collections.abc import Iterator

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from motcua.core.text import fold
from motcua.org.identifiers import AGENCY_IDENTIFIER_RE

PHONE_RE = r"^(\+84|0)(3|5|7|8|9|2\d)\d{7,8}$"
phone_validator = RegexValidator(
    PHONE_RE,
    _("Enter a Vietnamese phone number, e.g. 0912345678 or +84912345678."),
)
agency_identifier_validator = RegexValidator(
    AGENCY_IDENTIFIER_RE,
    _("The identifier must have the QCVN 102 shape V1V2V3.Z1Z2.Y1Y2.MX1X2, e.g. 000.00.00.H60."),
)


class AgencyKind(models.TextChoices):
    PROVINCE_COMMITTEE = "province_committee", _("Provincial People's Committee")
    DEPARTMENT = "department", _("Department or equivalent (Sở)")
    PROVINCE_CENTER = "province_center", _("Provincial Public Administrative Service Center")
    CENTRAL_LOCAL = "central_local", _("Locally placed central agency")
    COMMUNE = "commune", _("Commune People's Committee")
    WARD = "ward", _("Ward People's Committee")
    SPECIAL_ZONE = "special_zone", _("Special zone People's Committee")
    COMMUNE_CENTER = "commune_center", _("Commune Public Administrative Service Center")
    UNIT = "unit", _("Other unit")


# Kinds whose agency is a commune-level administrative unit and so carries its code.
ADMIN_UNIT_KINDS = frozenset({AgencyKind.COMMUNE, AgencyKind.WARD, AgencyKind.SPECIAL_ZONE})


class Agency(models.Model):
    """Agency — cơ quan, đơn vị: a node of the province's organisation tree."""

    name = models.CharField(_("name"), max_length=255)
    short_name = models.CharField(_("short name"), max_length=100, blank=True)
    kind = models.CharField(_("kind"), max_length=32, choices=AgencyKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    identifier = models.CharField(
        _("electronic identifier (QCVN 102)"),
        max_length=35,
        unique=True,
        validators=[agency_identifier_validator],
    )
    identifier_is_illustrative = models.BooleanField(
        _("identifier is illustrative"),
        default=False,
        help_text=_("Set while the identifier has not been checked against the official list."),
    )
    admin_unit_code = models.PositiveIntegerField(
        _("administrative unit code"),
        null=True,
        blank=True,
        unique=True,
        help_text=_("Code of the commune or ward in the national list of administrative units."),
    )
    sector = models.SlugField(
        _("sector"),
        max_length=50,
        blank=True,
        help_text=_(
            "Stable key of the sector a department or central agency answers for "
            "(e.g. justice, construction): procedures name their competent agency by it."
        ),
    )
    address = models.CharField(_("address"), max_length=255, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True, validators=[phone_validator])
    email = models.EmailField(_("e-mail"), blank=True)
    is_reception_point = models.BooleanField(
        _("one-stop reception point"),
        default=False,
        help_text=_("Receives and returns dossiers at a one-stop counter."),
    )
    active = models.BooleanField(_("active"), default=True)
    # Materialised path of ids ("/1/7/42/") so a subtree is one indexed prefix query.
    path = models.CharField(max_length=255, editable=False, db_index=True, default="")
    search_key = models.CharField(max_length=255, editable=False, default="")

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["path"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(parent=models.F("id")), name="agency_not_own_parent"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.admin_unit_code is not None and self.kind not in ADMIN_UNIT_KINDS:
            raise ValidationError(
                {"admin_unit_code": _("Only communes, wards and special zones have one.")}
            )
        ancestor = self.parent
        while ancestor is not None:
            if self.pk is not None and ancestor.pk == self.pk:
                raise ValidationError({"parent": _("An agency cannot be inside itself.")})
            ancestor = ancestor.parent

    def save(self, *args: object, **kwargs: object) -> None:
        self.search_key = fold(f"{self.name} {self.short_name} {self.identifier}")
        super().save(*args, **kwargs)  # type: ignore[arg-type]
        new_path = f"{self.parent.path if self.parent else '/'}{self.pk}/"
        if new_path != self.path:
            old_path = self.path
            self.path = new_path
            Agency.objects.filter(pk=self.pk).update(path=new_path)
            if old_path:
                for child in Agency.objects.filter(path__startswith=old_path).exclude(pk=self.pk):
                    child.path = new_path + child.path[len(old_path) :]
                    Agency.objects.filter(pk=child.pk).update(path=child.path)

    def ancestors(self) -> list[Agency]:
        """From the root down to the parent (excluding self)."""
        ids = [int(p) for p in self.path.strip("/").split("/")[:-1] if p]
        by_id = Agency.objects.in_bulk(ids)
        return [by_id[i] for i in ids if i in by_id]

    def subtree(self) -> models.QuerySet[Agency]:
        return Agency.objects.filter(path__startswith=self.path)


class Role(models.TextChoices):
    RECEPTION_OFFICER = "reception_officer", _("Reception officer")
    SPECIALIST = "specialist", _("Specialist")
    LEADER = "leader", _("Leader / signer")
    CENTER_MANAGER = "center_manager", _("Center manager")
    PROVINCE_ADMIN = "province_admin", _("Province administrator")
    AUDITOR = "auditor", _("Auditor")


class User(AbstractUser):
    """A person who signs in: an official (cán bộ, công chức) or, later, a citizen."""

    phone = models.CharField(_("phone"), max_length=20, blank=True, validators=[phone_validator])
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="officials",
    )
    job_title = models.CharField(_("job title"), max_length=150, blank=True)
    # Bumped by "sign out everywhere": it is part of the session hash, so every session
    # signed in before the bump stops verifying (django.contrib.auth.get_user).
    session_epoch = models.PositiveIntegerField(_("session epoch"), default=1, editable=False)

    def _epoch_hash(self, secret: str | bytes | None = None) -> str:
        # Django's HMAC of the password with ``secret`` (AbstractBaseUser's own helper).
        password_hash = self._get_session_auth_hash(secret=secret)  # type: ignore[attr-defined]
        return salted_hmac(
            "motcua.org.User.session_epoch",
            f"{password_hash}:{self.session_epoch}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()

    def get_session_auth_hash(self) -> str:
        """Django's hash of the password, mixed with ``session_epoch``."""
        return self._epoch_hash()

    def get_session_auth_fallback_hash(self) -> Iterator[str]:
        """The same with each of ``SECRET_KEY_FALLBACKS`` (sessions survive a key rotation)."""
        for secret in settings.SECRET_KEY_FALLBACKS:
            yield self._epoch_hash(secret)

    def get_full_name(self) -> str:
        """Vietnamese order: family and middle names (last_name) before the given name."""
        return f"{self.last_name} {self.first_name}".strip()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                condition=~models.Q(email=""),
                name="user_email_unique_ci",
            ),
        ]


class RoleAssignment(models.Model):
    """A role an official holds in an agency (and the units under it)."""

    user = models.ForeignKey(
        User, verbose_name=_("official"), on_delete=models.CASCADE, related_name="role_assignments"
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="role_assignments"
    )
    granted_at = models.DateTimeField(_("granted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "agency"], name="role_once_per_agency"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.agency}"
