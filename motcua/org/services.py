"""Administering officials (cán bộ) and their roles from the operator pages (``/desk/manage/``).

Who may administer whom (least privilege):

* The province administrator (``province_admin``, or a superuser) administers every
  agency and may grant every role.
* An agency-level manager — an official holding ``center_manager`` or ``leader`` at an
  agency — administers the officials whose home agency lies in the subtree of those
  agencies. They may grant every role except ``province_admin``, and only at agencies of
  that subtree. They cannot change an official who holds a role outside their subtree,
  a province administrator or a superuser (that would reach beyond their scope).
* Nobody changes their own roles, deactivates themselves or resets their own second
  factor here: another administrator does it, so one account cannot raise itself.

Officials created here get no password: an administrator hands them a one-time
set-password link (:func:`password_setup_link_parts`), so no administrator ever knows an
official's password. Every change is written to the ``motcua.audit`` log (who, what).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from motcua.core.errors import Forbidden, InvalidInput
from motcua.core.text import nfc
from motcua.org.models import Agency, Role, RoleAssignment, User
from motcua.org.onboarding import normalise_phone, split_full_name
from motcua.org.selectors import agencies_in_scope, is_province_admin

audit = logging.getLogger("motcua.audit")

# Roles that make an official an agency-level manager of their agencies' subtrees.
MANAGER_ROLES: tuple[str, ...] = (Role.CENTER_MANAGER, Role.LEADER)
# What an agency-level manager may grant (the province administrator grants every role).
MANAGER_GRANTABLE: frozenset[str] = frozenset(Role.values) - {Role.PROVINCE_ADMIN.value}


# --- who may administer what --------------------------------------------------------------


def is_agency_manager(user: User) -> bool:
    return bool(
        user.is_active and RoleAssignment.objects.filter(user=user, role__in=MANAGER_ROLES).exists()
    )


def can_administer(user: User) -> bool:
    """May ``user`` open the operator pages at all?"""
    return is_province_admin(user) or is_agency_manager(user)


def managed_agencies(user: User) -> QuerySet[Agency]:
    """The agencies whose officials and workflows ``user`` administers (all for the province
    administrator; the subtrees of their manager roles for an agency-level manager)."""
    return agencies_in_scope(user, MANAGER_ROLES)


def grantable_roles(user: User) -> list[str]:
    if is_province_admin(user):
        return list(Role.values)
    if is_agency_manager(user):
        return [r for r in Role.values if r in MANAGER_GRANTABLE]
    return []


def has_second_factor() -> Exists:
    """True for a user with a confirmed TOTP device (a filter or annotation on User)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True))


def officials_in_scope(user: User) -> QuerySet[User]:
    """The officials ``user`` may see on the operator pages: people with a home agency in
    the managed subtree (and, for the province administrator, also accounts without an
    agency that hold a role). Annotated with ``has_second_factor``."""
    officials = User.objects.annotate(has_second_factor=has_second_factor())
    if is_province_admin(user):
        holds_role = Exists(RoleAssignment.objects.filter(user=OuterRef("pk")))
        return officials.filter(Q(agency__isnull=False) | holds_role)
    return officials.filter(agency__in=managed_agencies(user))


def official_visible(user: User, official: User) -> bool:
    return officials_in_scope(user).filter(pk=official.pk).exists()


def official_change_refusal(user: User, official: User) -> str | None:
    """Why ``user`` may not change ``official`` (None: they may). Assumes it is visible."""
    if user.pk == official.pk:
        return _("You cannot change your own account here; ask another administrator.")
    if official.is_superuser and not user.is_superuser:
        return _("Only a superuser can change a superuser's account.")
    if is_province_admin(user):
        return None
    held = RoleAssignment.objects.filter(user=official)
    if held.filter(role=Role.PROVINCE_ADMIN).exists():
        return _("Only a province administrator can change a province administrator.")
    if held.exclude(agency__in=managed_agencies(user)).exists():
        return _(
            "This official also holds roles outside the agencies you manage; "
            "a province administrator must change the account."
        )
    return None


def _require_change(user: User, official: User) -> None:
    if not can_administer(user):
        raise Forbidden(_("You do not administer officials."))
    refusal = official_change_refusal(user, official)
    if refusal is not None:
        raise Forbidden(refusal)


def _require_agency(user: User, agency: Agency, field: str) -> None:
    if not managed_agencies(user).filter(pk=agency.pk).exists():
        raise InvalidInput(
            _("You do not manage this agency."),
            details={"errors": {field: _("Choose an agency you manage.")}},
        )


def _who(user: User | None) -> str:
    return "-" if user is None else f"{user.username}#{user.pk}"


# --- profile ------------------------------------------------------------------------------


@dataclass(frozen=True)
class OfficialInput:
    username: str
    full_name: str
    agency: Agency
    email: str = ""
    phone: str = ""
    job_title: str = ""


def _clean_profile(data: OfficialInput, *, existing: User | None) -> dict[str, object]:
    errors: dict[str, str] = {}
    values: dict[str, object] = {}

    full_name = nfc(data.full_name)
    first_name, last_name = split_full_name(full_name)
    if not full_name:
        errors["full_name"] = _("Enter the official's full name.")
    elif len(first_name) > 150 or len(last_name) > 150:
        errors["full_name"] = _("The full name is too long.")
    values["first_name"], values["last_name"] = first_name, last_name

    if existing is None:
        username = User.normalize_username(nfc(data.username))
        if not username:
            errors["username"] = _("Enter a username.")
        else:
            try:
                User.username_validator(username)
                if len(username) > 150:
                    raise ValidationError("too long")
            except ValidationError:
                errors["username"] = _(
                    "Use only letters, digits and @ . + - _ (no spaces), at most 150 characters."
                )
            else:
                if User.objects.filter(username__iexact=username).exists():
                    errors["username"] = _("This username is already taken.")
        values["username"] = username

    email = nfc(data.email)
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = _("Enter a valid e-mail address.")
        else:
            email = User.objects.normalize_email(email)
            others = User.objects.filter(email__iexact=email)
            if existing is not None:
                others = others.exclude(pk=existing.pk)
            if others.exists():
                errors["email"] = _("Another account already uses this e-mail address.")
    values["email"] = email

    phone = ""
    if nfc(data.phone):
        normalised = normalise_phone(data.phone)
        if normalised is None:
            errors["phone"] = _("Enter a Vietnamese phone number, e.g. 0912345678 or +84912345678.")
        else:
            phone = normalised
    values["phone"] = phone

    job_title = nfc(data.job_title)
    if len(job_title) > 150:
        errors["job_title"] = _("At most 150 characters.")
    values["job_title"] = job_title

    if not data.agency.active:
        errors["agency"] = _("This agency is no longer active.")
    values["agency"] = data.agency

    if errors:
        raise InvalidInput(_("The official's details have errors."), details={"errors": errors})
    return values


@transaction.atomic
def official_create(*, by: User, data: OfficialInput, roles: Iterable[str] = ()) -> User:
    """Create an official at ``data.agency`` with ``roles`` held there. The account has no
    usable password until the official follows a set-password link."""
    if not can_administer(by):
        raise Forbidden(_("You do not administer officials."))
    _require_agency(by, data.agency, "agency")
    wanted = list(dict.fromkeys(roles))
    allowed = set(grantable_roles(by))
    errors: dict[str, str] = {}
    if any(role not in allowed for role in wanted):
        errors["roles"] = _("You cannot grant this role.")
    try:
        values = _clean_profile(data, existing=None)
    except InvalidInput as exc:
        exc.details["errors"].update(errors)
        raise
    if errors:
        raise InvalidInput(_("The official's details have errors."), details={"errors": errors})
    user = User(is_active=True, **values)
    user.set_unusable_password()
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        raise InvalidInput(
            _("The username or e-mail address was just taken by another account."),
            details={"errors": {"username": _("This username is already taken.")}},
        ) from None
    RoleAssignment.objects.bulk_create(
        RoleAssignment(user=user, role=role, agency=data.agency) for role in wanted
    )
    audit.info(
        "official_create by=%s official=%s agency=%s roles=%s",
        _who(by),
        _who(user),
        data.agency.identifier,
        ",".join(wanted),
    )
    return user


@transaction.atomic
def official_update(*, by: User, official: User, data: OfficialInput) -> User:
    """Change an official's name, contact details, job title or home agency (the username
    never changes). Their roles stay where they are."""
    _require_change(by, official)
    _require_agency(by, data.agency, "agency")
    values = _clean_profile(data, existing=official)
    changed = [name for name, value in values.items() if getattr(official, name) != value]
    for name in changed:
        setattr(official, name, values[name])
    if changed:
        official.save(update_fields=changed)
        audit.info(
            "official_update by=%s official=%s fields=%s",
            _who(by),
            _who(official),
            ",".join(changed),
        )
    return official


# --- roles --------------------------------------------------------------------------------


@transaction.atomic
def role_grant(*, by: User, official: User, role: str, agency: Agency) -> RoleAssignment:
    """Give ``official`` ``role`` at ``agency`` (and the units under it)."""
    _require_change(by, official)
    if role not in grantable_roles(by):
        raise InvalidInput(
            _("You cannot grant this role."),
            details={"errors": {"role": _("You cannot grant this role.")}},
        )
    _require_agency(by, agency, "agency")
    if not agency.active:
        raise InvalidInput(
            _("This agency is no longer active."),
            details={"errors": {"agency": _("This agency is no longer active.")}},
        )
    assignment, created = RoleAssignment.objects.get_or_create(
        user=official, role=role, agency=agency
    )
    if not created:
        raise InvalidInput(
            _("The official already holds this role at this agency."),
            details={"errors": {"role": _("The official already holds this role here.")}},
        )
    audit.info(
        "role_grant by=%s official=%s role=%s agency=%s",
        _who(by),
        _who(official),
        role,
        agency.identifier,
    )
    return assignment


@transaction.atomic
def role_revoke(*, by: User, assignment: RoleAssignment) -> None:
    """Take a role away; the official loses what it gave them from their next request."""
    official = assignment.user
    _require_change(by, official)
    if not managed_agencies(by).filter(pk=assignment.agency_id).exists():
        raise Forbidden(_("You do not manage this agency."))
    if assignment.role == Role.PROVINCE_ADMIN and not is_province_admin(by):
        raise Forbidden(_("Only a province administrator can change a province administrator."))
    role, agency_identifier = assignment.role, assignment.agency.identifier
    assignment.delete()
    audit.info(
        "role_revoke by=%s official=%s role=%s agency=%s",
        _who(by),
        _who(official),
        role,
        agency_identifier,
    )


# --- account state ------------------------------------------------------------------------


@transaction.atomic
def official_set_active(*, by: User, official: User, active: bool) -> User:
    """Deactivate (or reactivate) an account. A deactivated official is signed out at their
    next request (Django refuses sessions of inactive users) and cannot sign in."""
    _require_change(by, official)
    if official.is_active != active:
        official.is_active = active
        official.save(update_fields=["is_active"])
        audit.info(
            "official_%s by=%s official=%s",
            "reactivate" if active else "deactivate",
            _who(by),
            _who(official),
        )
    return official


@transaction.atomic
def second_factor_reset(*, by: User, official: User) -> int:
    """Delete the official's TOTP devices: at their next sign-in they enrol again.
    Returns how many devices were removed."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    _require_change(by, official)
    removed = int(TOTPDevice.objects.filter(user=official).delete()[0])
    audit.info(
        "second_factor_reset by=%s official=%s devices=%d", _who(by), _who(official), removed
    )
    return removed


def password_setup_link_parts(*, by: User, official: User) -> tuple[str, str]:
    """The ``(uidb64, token)`` of a one-time set-password link for ``official``.

    Django's password-reset token: it expires after ``PASSWORD_RESET_TIMEOUT`` and stops
    working once the password is set or the official signs in. The administrator hands the
    link over; nobody but the official learns the password.
    """
    _require_change(by, official)
    if not official.is_active:
        raise InvalidInput(
            _("Reactivate the account before giving it a password."),
            details={"errors": {"password": _("The account is deactivated.")}},
        )
    audit.info("password_link by=%s official=%s", _who(by), _who(official))
    uid = urlsafe_base64_encode(force_bytes(official.pk))
    return uid, default_token_generator.make_token(official)


def roles_of(officials: Sequence[User]) -> dict[int, list[RoleAssignment]]:
    """Every role assignment of ``officials`` with its agency, by user id: one query."""
    rows: dict[int, list[RoleAssignment]] = {u.pk: [] for u in officials}
    for assignment in (
        RoleAssignment.objects.filter(user__in=[u.pk for u in officials])
        .select_related("agency")
        .order_by("agency__path", "role")
    ):
        rows[assignment.user_id].append(assignment)
    return rows
