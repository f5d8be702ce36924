"""Consent to assisted filing — sự đồng ý của người dân được hỗ trợ nộp hồ sơ.

A member of a community digital team (Tổ công nghệ số cộng đồng) files for a citizen only
with the citizen's consent, obtained one of two ways:

* a one-time code sent by SMS to the citizen's phone (through the notification plugin),
  which the citizen reads out to the member in person: only a keyed hash of the code is
  kept; it expires after 10 minutes; a consent allows 5 wrong codes in all and 3 resends
  (at most once a minute), after which the member starts again an hour after the last
  code. When the citizen has an account whose phone the identity provider vouched for,
  the code goes only to that phone;
* the consent form signed by the citizen, uploaded (PDF, JPEG or PNG, checked like any
  dossier document), which grants the consent at once.

A granted consent serves exactly one dossier, filed by the member who obtained it while
still an active member of the team, within 24 hours of the grant (``consent_check_usable``).
Only a consent given by a code sent to the phone on the citizen's verified account opens
the citizen's data store to the member (``consent_opens_data_store``). Each step writes
one line to the ``motcua.audit`` logger (never the code).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import re
import secrets
from typing import IO

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from motcua.citizens.models import AssistanceConsent, Citizen, ConsentMethod, DigitalTeam
from motcua.core.errors import Forbidden, InvalidInput
from motcua.core.text import nfc
from motcua.dossiers.models import Dossier
from motcua.dossiers.storage import store_checked
from motcua.dossiers.uploads import CheckedUpload, check_upload
from motcua.notifications.services import send_code
from motcua.org.models import PHONE_RE, User
from motcua.org.personal_id import personal_id_messages, personal_id_problems

audit = logging.getLogger("motcua.audit")

CODE_LENGTH = 6
CODE_VALID_FOR = dt.timedelta(minutes=10)
RESEND_AFTER = dt.timedelta(seconds=60)
MAX_ATTEMPTS = 5  # wrong codes over the consent's life (a resend does not reset them)
MAX_RESENDS = 3  # codes sent after the first one
RESTART_AFTER = dt.timedelta(hours=1)  # a locked consent: start again after this
USABLE_FOR = dt.timedelta(hours=24)
MAX_FORM_BYTES = 10 * 1024 * 1024
FORM_TYPES = ("application/pdf", "image/jpeg", "image/png")
_DIGITS = re.compile(r"^\d{6}$")


# --- the code ---------------------------------------------------------------------------


def new_code() -> str:
    """A random 6-digit code (leading zeros kept)."""
    return f"{secrets.randbelow(10**CODE_LENGTH):0{CODE_LENGTH}d}"


def _digest(salt: str, code: str) -> str:
    key = hashlib.sha256(f"motcua.citizens.consent:{settings.SECRET_KEY}".encode()).digest()
    return hmac.new(key, f"{salt}:{code}".encode(), hashlib.sha256).hexdigest()


def hash_code(code: str) -> str:
    """``<salt>$<HMAC-SHA256>`` of the code, keyed with ``SECRET_KEY``."""
    salt = secrets.token_hex(8)
    return f"{salt}${_digest(salt, code)}"


def code_matches(stored: str, code: str) -> bool:
    """Whether ``code`` is the one hashed in ``stored`` (constant-time)."""
    salt, _sep, digest = stored.partition("$")
    if not salt or not digest:
        return False
    return hmac.compare_digest(_digest(salt, code), digest)


# --- checks -----------------------------------------------------------------------------


def _checked_person(citizen_name: str, personal_id: str, phone: str) -> tuple[str, str, str]:
    """The citizen's details, normalised, or ``InvalidInput`` naming each bad field."""
    name = " ".join(nfc(citizen_name).split())
    number = (personal_id or "").strip()
    phone = re.sub(r"[\s.\-]", "", phone or "")
    errors: dict[str, str] = {}
    if not name:
        errors["citizen_name"] = _("Enter the citizen's full name.")
    elif len(name) > 255:
        errors["citizen_name"] = _("The name is too long (at most 255 characters).")
    problems = personal_id_problems(number)
    if problems:
        errors["personal_id"] = " ".join(personal_id_messages(problems, value=number))
    if not re.fullmatch(PHONE_RE, phone):
        errors["phone"] = _("Enter a Vietnamese phone number, e.g. 0912345678 or +84912345678.")
    if errors:
        raise InvalidInput(_("Check the citizen's details."), details={"errors": errors})
    return name, number, phone


def _is_active_member(member_user: User, team: DigitalTeam) -> bool:
    return bool(
        team.active
        and member_user.is_active
        and team.members.filter(user=member_user, active=True).exists()
    )


def _not_member_message() -> str:
    return _("Only an active member of this community digital team can do this.")


def _check_member(member_user: User, team: DigitalTeam) -> None:
    if not _is_active_member(member_user, team):
        raise Forbidden(_not_member_message())


def phone_key(phone: str) -> str:
    """A phone number in one form for comparing (``0…``; ``+84…`` and ``84…`` folded)."""
    number = re.sub(r"[\s.\-()]", "", phone or "")
    if number.startswith("+84"):
        return "0" + number[3:]
    if number.startswith("84") and len(number) in (11, 12):
        return "0" + number[2:]
    return number


def verified_phones(personal_id: str) -> list[str]:
    """The phones the identity provider vouched for on the citizen accounts with this
    personal ID (usually one; none when the citizen has no account or no phone on it)."""
    if not personal_id:
        return []
    phones = Citizen.objects.filter(personal_id=personal_id).exclude(phone="")
    return [p for p in phones.values_list("phone", flat=True) if p.strip()]


def _verified_phone_for(personal_id: str, phone: str) -> str | None:
    """The verified phone to send the code to: ``phone`` itself when the citizen has no
    verified phone, the verified one when ``phone`` is it; ``InvalidInput`` otherwise."""
    known = verified_phones(personal_id)
    if not known:
        return None
    match = next((p for p in known if phone_key(p) == phone_key(phone)), None)
    if match is None:
        message = _(
            "This is not the phone on the citizen's verified account; the code can only be "
            "sent to that phone."
        )
        raise InvalidInput(
            message, code="consent_phone_not_verified", details={"errors": {"phone": message}}
        )
    return re.sub(r"[\s.\-()]", "", match)


def consent_opens_data_store(consent: AssistanceConsent) -> bool:
    """Whether a dossier filed with ``consent`` may use the citizen's data store (papers
    and results of earlier dossiers): only when the consent was given by a code sent to
    the phone on the citizen's verified account. A signed form, or a code sent to a phone
    nobody vouched for, proves nothing about who the citizen is."""
    if consent.method != ConsentMethod.OTP or consent.granted_at is None:
        return False
    key = phone_key(consent.phone)
    return bool(key) and any(phone_key(p) == key for p in verified_phones(consent.personal_id))


def _who(member_user: User) -> str:
    citizen = Citizen.objects.filter(user=member_user).only("full_name").first()
    name = citizen.full_name if citizen is not None else ""
    return name or member_user.get_full_name() or member_user.username


def consent_sms_text(*, member_name: str, team_name: str, code: str) -> str:
    """The SMS the citizen receives, in Vietnamese whatever the member's language."""
    with translation.override("vi"):
        # Translators: an SMS (keep it short). member = the helper's name, team = the
        # team's full name, e.g. "Tổ công nghệ số cộng đồng thôn Nà Tông – xã Thượng Lâm".
        return _(
            "MotCua: %(member)s (%(team)s) asks to file a dossier "
            "on your behalf. Consent code: %(code)s, valid %(minutes)d minutes. Only read "
            "the code to the person helping you, in person."
        ) % {
            "member": member_name,
            "team": team_name,
            "code": code,
            "minutes": int(CODE_VALID_FOR.total_seconds() // 60),
        }


def _send(consent: AssistanceConsent, code: str, member_user: User) -> None:
    # The notification plugin queues the SMS and sends it after our commit.
    text = consent_sms_text(member_name=_who(member_user), team_name=consent.team.name, code=code)
    send_code(phone=consent.phone, text=text, purpose="consent_code")


def _log(step: str, consent: AssistanceConsent, member_user: User, **extra: object) -> None:
    details = " ".join(f"{k}={v}" for k, v in extra.items())
    audit.info(
        "assisted_consent %s consent=%s team=%s member=%s method=%s %s",
        step,
        consent.pk,
        consent.team_id,
        member_user.username,
        consent.method,
        details,
    )


# --- services ---------------------------------------------------------------------------


def consent_request_code(
    *,
    member_user: User,
    team: DigitalTeam,
    citizen_name: str,
    personal_id: str,
    phone: str,
    at: dt.datetime | None = None,
) -> AssistanceConsent:
    """Send a one-time consent code to the citizen's phone.

    When the citizen has an account with a phone the identity provider vouched for, the
    code goes only to that phone (``InvalidInput`` on ``phone`` if another was typed).

    Asking again for the same citizen and phone (consent not yet given, last code sent
    within the hour) sends a new code on the same consent, within its limits.
    """
    now = at or timezone.now()
    name, number, phone = _checked_person(citizen_name, personal_id, phone)
    _check_member(member_user, team)
    phone = _verified_phone_for(number, phone) or phone
    with transaction.atomic():
        consent = (
            AssistanceConsent.objects.select_for_update()
            .filter(
                team=team,
                member=member_user,
                personal_id=number,
                phone=phone,
                method=ConsentMethod.OTP,
                granted_at__isnull=True,
                dossier__isnull=True,
                code_sent_at__gt=now - RESTART_AFTER,
            )
            .order_by("-created_at", "-pk")
            .first()
        )
        if consent is None:
            consent = AssistanceConsent(
                team=team,
                member=member_user,
                personal_id=number,
                phone=phone,
                method=ConsentMethod.OTP,
            )
        consent.citizen_name = name
        return _issue_code(consent, member_user, now)


def consent_resend_code(
    *, consent: AssistanceConsent, member_user: User, at: dt.datetime | None = None
) -> AssistanceConsent:
    """Send a new code for a consent not yet given (at most once every 60 seconds, at
    most 3 times; wrong codes typed before still count)."""
    now = at or timezone.now()
    with transaction.atomic():
        locked = (
            AssistanceConsent.objects.select_for_update().select_related("team").get(pk=consent.pk)
        )
        if locked.member_id != member_user.pk:
            raise Forbidden(_("This consent was asked for by another team member."))
        _check_member(member_user, locked.team)
        if locked.method != ConsentMethod.OTP or locked.granted_at is not None:
            raise InvalidInput(
                _("The citizen has already given this consent."), code="consent_granted"
            )
        return _issue_code(locked, member_user, now)


def _start_again_message(consent: AssistanceConsent, now: dt.datetime, reason: str) -> str:
    last = consent.code_sent_at or now
    minutes = max(1, -(-int((last + RESTART_AFTER - now).total_seconds()) // 60))
    return _("%(reason)s Start again in %(minutes)d minutes.") % {
        "reason": reason,
        "minutes": minutes,
    }


def _locked_message(consent: AssistanceConsent, now: dt.datetime) -> str:
    return _start_again_message(consent, now, _("Too many wrong codes for this consent."))


def _issue_code(
    consent: AssistanceConsent, member_user: User, now: dt.datetime
) -> AssistanceConsent:
    if consent.pk is not None:
        # The citizen may have signed in since: the code goes only to their verified phone.
        _verified_phone_for(consent.personal_id, consent.phone)
    if consent.attempts >= MAX_ATTEMPTS:
        message = _locked_message(consent, now)
        raise InvalidInput(
            message, code="consent_code_locked", details={"errors": {"phone": message}}
        )
    sends = consent.codes_sent
    if sends > MAX_RESENDS:
        message = _start_again_message(
            consent, now, _("No more codes can be sent for this consent.")
        )
        raise InvalidInput(
            message, code="consent_too_many_codes", details={"errors": {"phone": message}}
        )
    if consent.code_sent_at is not None and now - consent.code_sent_at < RESEND_AFTER:
        wait = int((RESEND_AFTER - (now - consent.code_sent_at)).total_seconds()) + 1
        raise InvalidInput(
            _(
                "A code was sent less than a minute ago. "
                "Wait %(seconds)d seconds before asking again."
            )
            % {"seconds": wait},
            code="consent_code_too_soon",
            details={"errors": {"phone": _("Wait a minute before sending another code.")}},
        )
    code = new_code()
    consent.code_hash = hash_code(code)
    consent.codes_sent = sends + 1
    consent.code_sent_at = now
    consent.code_expires_at = now + CODE_VALID_FOR
    consent.save()
    _send(consent, code, member_user)
    _log("code_sent", consent, member_user, sends=sends + 1)
    return consent


def consent_confirm_code(
    *,
    consent: AssistanceConsent,
    member_user: User,
    code: str,
    at: dt.datetime | None = None,
) -> AssistanceConsent:
    """Check the code the citizen read out; on success the consent is given (once).

    A wrong code counts as an attempt (kept even though the call fails, and over every
    code sent for the consent); after 5 wrong attempts no code works any more (start again
    an hour after the last code); 10 minutes after sending, the code expires and a new one
    must be sent. Only an active member of the consent's team can confirm.
    """
    now = at or timezone.now()
    typed = re.sub(r"\s", "", code or "")
    error: InvalidInput | None = None
    with transaction.atomic():
        locked = (
            AssistanceConsent.objects.select_for_update().select_related("team").get(pk=consent.pk)
        )
        if locked.member_id != member_user.pk:
            raise Forbidden(_("This consent was asked for by another team member."))
        _check_member(member_user, locked.team)
        if locked.method != ConsentMethod.OTP or not locked.code_hash:
            raise InvalidInput(_("No code was sent for this consent."), code="consent_no_code")
        if locked.granted_at is not None:
            raise InvalidInput(
                _("This code has already been used."),
                code="consent_code_used",
                details={"errors": {"code": _("This code has already been used.")}},
            )
        if locked.attempts >= MAX_ATTEMPTS:
            message = _locked_message(locked, now)
            raise InvalidInput(
                message, code="consent_code_locked", details={"errors": {"code": message}}
            )
        if locked.code_expires_at is None or now >= locked.code_expires_at:
            message = _("The code has expired. Send a new code to the citizen's phone.")
            raise InvalidInput(
                message, code="consent_code_expired", details={"errors": {"code": message}}
            )
        if not _DIGITS.fullmatch(typed) or not code_matches(locked.code_hash, typed):
            locked.attempts += 1
            locked.save(update_fields=["attempts"])
            left = MAX_ATTEMPTS - locked.attempts
            if left > 0:
                message = _("The code is not correct. %(left)d attempt(s) left.") % {"left": left}
            else:
                message = _locked_message(locked, now)
            error = InvalidInput(
                message, code="consent_code_wrong", details={"errors": {"code": message}}
            )
            _log("code_wrong", locked, member_user, attempts=locked.attempts)
        else:
            locked.granted_at = now
            locked.save(update_fields=["granted_at"])
            _log("granted", locked, member_user)
    if error is not None:
        raise error
    return locked


def consent_from_document(
    *,
    member_user: User,
    team: DigitalTeam,
    citizen_name: str,
    personal_id: str,
    phone: str,
    upload: CheckedUpload | IO[bytes] | bytes,
    filename: str = "",
    at: dt.datetime | None = None,
) -> AssistanceConsent:
    """Record the consent form the citizen signed (PDF, JPEG or PNG): given at once."""
    now = at or timezone.now()
    name, number, phone = _checked_person(citizen_name, personal_id, phone)
    _check_member(member_user, team)
    if isinstance(upload, CheckedUpload):
        checked = upload
    else:
        name_of = filename or getattr(upload, "name", "") or "dong-y"
        try:
            checked = check_upload(
                upload, filename=str(name_of), max_bytes=MAX_FORM_BYTES, allowed=FORM_TYPES
            )
        except InvalidInput as exc:
            raise InvalidInput(
                exc.message, code=exc.code, details={"errors": {"document": exc.message}}
            ) from exc
    if checked.content_type not in FORM_TYPES:
        raise InvalidInput(
            _("The consent form must be a PDF, JPEG or PNG file."),
            details={
                "errors": {"document": _("The consent form must be a PDF, JPEG or PNG file.")}
            },
        )
    with transaction.atomic():
        stored = store_checked(checked)
        consent = AssistanceConsent.objects.create(
            team=team,
            member=member_user,
            citizen_name=name,
            personal_id=number,
            phone=phone,
            method=ConsentMethod.SIGNED_DOCUMENT,
            document=stored,
            document_sha256=checked.sha256,
            granted_at=now,
        )
        _log("granted", consent, member_user, sha256=checked.sha256)
    return consent


# --- use --------------------------------------------------------------------------------


def consent_problem(
    consent: AssistanceConsent, *, member_user: User, at: dt.datetime | None = None
) -> str | None:
    """Why ``member_user`` cannot file with ``consent`` now (a translated sentence), or
    None when they can."""
    now = at or timezone.now()
    if consent.member_id != member_user.pk:
        return _("This consent was given to another team member.")
    if not _is_active_member(member_user, consent.team):
        return _not_member_message()
    if consent.granted_at is None:
        return _("The citizen has not given this consent yet.")
    if consent.dossier_id is not None:
        return _("This consent has already been used for a dossier.")
    if now - consent.granted_at > USABLE_FOR:
        return _("This consent is more than 24 hours old. Ask the citizen again.")
    return None


def consent_check_usable(
    *, consent: AssistanceConsent, member_user: User, at: dt.datetime | None = None
) -> None:
    """Raise ``Forbidden`` (another member, no longer an active member of the team, a
    consent not given or already used) or ``InvalidInput`` (given too long ago) unless
    ``member_user`` can file one dossier with ``consent`` now."""
    problem = consent_problem(consent, member_user=member_user, at=at)
    if problem is None:
        return
    if (
        consent.member_id != member_user.pk
        or not _is_active_member(member_user, consent.team)
        or consent.granted_at is None
        or consent.dossier_id is not None
    ):
        raise Forbidden(problem)
    raise InvalidInput(problem, code="consent_not_usable")


def consent_use(
    *,
    consent: AssistanceConsent,
    dossier: Dossier,
    member_user: User,
    at: dt.datetime | None = None,
) -> AssistanceConsent:
    """Mark ``consent`` as used by ``dossier`` (call inside the filing transaction)."""
    with transaction.atomic():
        locked = AssistanceConsent.objects.select_for_update().get(pk=consent.pk)
        consent_check_usable(consent=locked, member_user=member_user, at=at)
        locked.dossier = dossier
        locked.save(update_fields=["dossier"])
        _log("used", locked, member_user, dossier=dossier.code)
    return locked
