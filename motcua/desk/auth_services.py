"""Signing officials in: the password step, the second factor (TOTP) the province requires
per role, the lockout after repeated failures, and signing out everywhere.

Rules:

* Second factor: an official must confirm the sign-in with a TOTP code when one of their
  roles is marked required in :class:`~motcua.desk.models.SecondFactorPolicy` (a role
  without a row falls back to :data:`DEFAULT_REQUIRED`; a superuser counts as province
  administrator). Until the code is confirmed the session is not signed in at all: the
  password step only leaves a short-lived *pending* sign-in in the session.
* Lockout: 5 failures for one user name, or 20 from one address, within 15 minutes lock
  that user name (or address) for 15 minutes. Wrong passwords, unknown user names and
  wrong one-time codes all count; attempts refused by a lock do not. The message is the
  same whether the user exists or not. A successful sign-in clears the user name's
  failures. Failures and locks are rows in the database, shared by every server process.
* Sign out everywhere: ``User.session_epoch`` is part of the session hash, so bumping it
  ends every session of the user at its next request.

Every sign-in event is logged on the ``motcua.desk.auth`` logger.
"""

from __future__ import annotations

import datetime as dt
import logging
from base64 import b32encode
from dataclasses import dataclass
from enum import StrEnum
from typing import Any
from urllib.parse import quote, urlencode

import segno
from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.db import transaction
from django.db.models import F, Max, Q
from django.http import HttpRequest
from django.utils import timezone
from django_otp import login as otp_login
from django_otp import verify_token
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from motcua.core.text import nfc
from motcua.desk.models import (
    LockScope,
    SecondFactorPolicy,
    SignInFailure,
    SignInLock,
    SignInStage,
)
from motcua.org.models import Role, RoleAssignment, User

logger = logging.getLogger("motcua.desk.auth")

USERNAME_LIMIT = 5
IP_LIMIT = 20
WINDOW = dt.timedelta(minutes=15)
LOCK_DURATION = dt.timedelta(minutes=15)
# Failure rows older than this are pruned (the log keeps the history).
KEEP_FAILURES = dt.timedelta(days=1)
# A password step must be confirmed with the code within this time.
PENDING_TTL = dt.timedelta(minutes=10)
PENDING_KEY = "desk_pending_signin"
DEFAULT_REQUIRED = frozenset({Role.PROVINCE_ADMIN, Role.CENTER_MANAGER, Role.LEADER})
DEVICE_NAME = "MotCua"
ISSUER = "MotCua"


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or timezone.now()


def lock_key(username: str) -> str:
    """The user name as the lockout counts it: NFC, case-folded, at most 150 characters."""
    return nfc(username).casefold()[:150]


def client_ip(request: HttpRequest) -> str | None:
    """The address the request came from (``REMOTE_ADDR``; a proxy must set it)."""
    return request.META.get("REMOTE_ADDR") or None


# --- second-factor policy -------------------------------------------------------------


def second_factor_roles() -> frozenset[str]:
    """The roles whose holders must confirm their sign-in with a one-time code."""
    rows = dict(SecondFactorPolicy.objects.values_list("role", "required"))
    return frozenset(role for role in Role.values if rows.get(role, role in DEFAULT_REQUIRED))


def user_roles(user: Any) -> frozenset[str]:
    """The roles ``user`` holds in any agency (one query)."""
    if not getattr(user, "is_authenticated", False) or user.pk is None:
        return frozenset()
    return frozenset(RoleAssignment.objects.filter(user=user).values_list("role", flat=True))


def second_factor_required(user: Any, *, roles: frozenset[str] | None = None) -> bool:
    """Whether ``user`` must confirm sign-ins with a code (``roles``: theirs, if known)."""
    if not getattr(user, "is_authenticated", False) or user.pk is None:
        return False
    held = user_roles(user) if roles is None else roles
    if user.is_superuser:
        held = held | {Role.PROVINCE_ADMIN}
    return bool(held & second_factor_roles())


def confirmed_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


# --- lockout --------------------------------------------------------------------------


def locked_until(
    *, username: str, ip: str | None, now: dt.datetime | None = None
) -> dt.datetime | None:
    """When the lock on this user name or address ends; None if sign-in is open."""
    scope = Q(scope=LockScope.USERNAME, key=lock_key(username))
    if ip:
        scope |= Q(scope=LockScope.IP, key=ip)
    until: dt.datetime | None = SignInLock.objects.filter(scope, until__gt=_now(now)).aggregate(
        until=Max("until")
    )["until"]
    return until


def _lock(scope: str, key: str, until: dt.datetime) -> None:
    SignInLock.objects.update_or_create(scope=scope, key=key, defaults={"until": until})


@transaction.atomic
def record_failure(
    *, username: str, ip: str | None, stage: str, now: dt.datetime | None = None
) -> dt.datetime | None:
    """Count a failed attempt; return when the lock it triggered ends, if it did."""
    moment = _now(now)
    key = lock_key(username)
    SignInFailure.objects.filter(at__lt=moment - KEEP_FAILURES).delete()
    SignInFailure.objects.create(username=key, ip=ip, stage=stage, at=moment)
    recent = SignInFailure.objects.filter(at__gt=moment - WINDOW)
    until = None
    if recent.filter(username=key).count() >= USERNAME_LIMIT:
        until = moment + LOCK_DURATION
        _lock(LockScope.USERNAME, key, until)
        logger.warning("sign-in locked for user name %r until %s", key, until.isoformat())
    if ip and recent.filter(ip=ip).count() >= IP_LIMIT:
        until = moment + LOCK_DURATION
        _lock(LockScope.IP, ip, until)
        logger.warning("sign-in locked for address %s until %s", ip, until.isoformat())
    logger.warning("sign-in failed (%s) for user name %r from %s", stage, key, ip)
    return until


def clear_failures(username: str) -> None:
    SignInFailure.objects.filter(username=lock_key(username)).delete()


# --- the password step ----------------------------------------------------------------


class Outcome(StrEnum):
    SIGNED_IN = "signed_in"  # no second factor needed: the session is signed in
    NEEDS_CODE = "needs_code"  # pending: confirm with the code of the confirmed device
    NEEDS_ENROLMENT = "needs_enrolment"  # pending: set up an authenticator first
    INVALID = "invalid"  # wrong user name or password (or an inactive account)
    NOT_OFFICIAL = "not_official"  # right password, but no role in any agency
    LOCKED = "locked"


@dataclass(frozen=True)
class SignIn:
    outcome: Outcome
    locked_until: dt.datetime | None = None


def is_official(user: Any, *, roles: frozenset[str] | None = None) -> bool:
    """Signed in, active, and holding a role in an agency (or a superuser)."""
    if not (user.is_authenticated and user.is_active):
        return False
    return bool(user.is_superuser or (user_roles(user) if roles is None else roles))


def sign_in_password(request: HttpRequest, *, username: str, password: str) -> SignIn:
    """Check the user name and password (unless locked out) and either sign the session
    in or leave a pending sign-in that the one-time code completes."""
    ip = client_ip(request)
    until = locked_until(username=username, ip=ip)
    if until is not None:
        logger.warning("sign-in refused (locked) for user name %r from %s", lock_key(username), ip)
        return SignIn(Outcome.LOCKED, until)
    user = authenticate(request, username=username, password=password)
    if user is None:
        until = record_failure(username=username, ip=ip, stage=SignInStage.PASSWORD)
        return SignIn(Outcome.LOCKED, until) if until else SignIn(Outcome.INVALID)
    assert isinstance(user, User)
    if not is_official(user):
        logger.warning("sign-in refused for %r: not an official", user.username)
        return SignIn(Outcome.NOT_OFFICIAL)
    clear_failures(username)
    if not second_factor_required(user):
        auth_login(request, user)
        logger.info("signed in: %r from %s (password)", user.username, ip)
        return SignIn(Outcome.SIGNED_IN)
    if request.user.is_authenticated:
        auth_logout(request)  # someone else's session: start a clean one
    else:
        request.session.cycle_key()
    request.session[PENDING_KEY] = {
        "user": user.pk,
        "backend": getattr(user, "backend", settings.AUTHENTICATION_BACKENDS[0]),
        "hash": user.get_session_auth_hash(),
        "at": timezone.now().isoformat(),
    }
    logger.info("password accepted for %r from %s; one-time code required", user.username, ip)
    if confirmed_device(user) is None:
        return SignIn(Outcome.NEEDS_ENROLMENT)
    return SignIn(Outcome.NEEDS_CODE)


def pending_user(request: HttpRequest) -> User | None:
    """Who passed the password step in this session and still owes the code (or None)."""
    pending = request.session.get(PENDING_KEY)
    if not isinstance(pending, dict):
        return None
    try:
        at = dt.datetime.fromisoformat(str(pending["at"]))
        user = User.objects.filter(pk=int(pending["user"]), is_active=True).first()
    except (KeyError, TypeError, ValueError):
        user = None
    if (
        user is None
        or timezone.now() - at > PENDING_TTL
        or user.get_session_auth_hash() != pending.get("hash")
    ):
        request.session.pop(PENDING_KEY, None)
        return None
    return user


def code_subject(request: HttpRequest) -> User | None:
    """Whose code the one-time-code pages ask for: the pending sign-in, or else the
    signed-in user who has not confirmed one yet (e.g. signed in through another page)."""
    pending = pending_user(request)
    if pending is not None:
        return pending
    user = request.user
    if user.is_authenticated:
        assert isinstance(user, User)
        return user
    return None


# --- the one-time code ----------------------------------------------------------------


class CodeCheck(StrEnum):
    OK = "ok"
    WRONG = "wrong"
    MALFORMED = "malformed"
    WAIT = "wait"  # django-otp's own throttle: too soon after a wrong code
    LOCKED = "locked"


@dataclass(frozen=True)
class CodeResult:
    check: CodeCheck
    locked_until: dt.datetime | None = None


def clean_code(code: str) -> str:
    return "".join(ch for ch in code if not ch.isspace())


def check_code(request: HttpRequest, user: User, device: TOTPDevice, code: str) -> CodeResult:
    """Verify ``code`` for ``device``; on success finish the sign-in: the session is signed
    in (if it was pending) and marked verified with the device."""
    ip = client_ip(request)
    until = locked_until(username=user.username, ip=ip)
    if until is not None:
        return CodeResult(CodeCheck.LOCKED, until)
    code = clean_code(code)
    if not code.isdigit() or len(code) != device.digits:
        return CodeResult(CodeCheck.MALFORMED)
    allowed, _ = device.verify_is_allowed()
    if not allowed:
        return CodeResult(CodeCheck.WAIT)
    verified = verify_token(user, device.persistent_id, code)
    if verified is None:
        until = record_failure(username=user.username, ip=ip, stage=SignInStage.OTP)
        if until is not None:
            return CodeResult(CodeCheck.LOCKED, until)
        return CodeResult(CodeCheck.WRONG)
    if not device.confirmed:
        TOTPDevice.objects.filter(pk=device.pk).update(confirmed=True)
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        logger.info("authenticator set up for %r", user.username)
    clear_failures(user.username)
    pending = request.session.get(PENDING_KEY)
    if isinstance(pending, dict) and pending.get("user") == user.pk:
        request.session.pop(PENDING_KEY)
        # Django's user_logged_in signal persists ``otp_device`` (django_otp.login).
        user.otp_device = verified  # type: ignore[attr-defined]
        auth_login(request, user, backend=pending.get("backend"))
    else:
        request.session.cycle_key()
        otp_login(request, verified)
    logger.info("signed in: %r from %s (password and one-time code)", user.username, ip)
    return CodeResult(CodeCheck.OK)


def enrolment_device(user: User) -> TOTPDevice:
    """The unconfirmed authenticator being set up for ``user`` (made on first use)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def base32_secret(device: TOTPDevice) -> str:
    """The key as an authenticator app asks for it when typed: base32 in groups of four."""
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def otpauth_uri(device: TOTPDevice) -> str:
    """The ``otpauth://`` URI an authenticator app reads from the QR code."""
    issuer = str(getattr(settings, "OTP_TOTP_ISSUER", "") or ISSUER).replace(":", "")
    params = urlencode(
        {
            "secret": b32encode(device.bin_key).decode().rstrip("="),
            "algorithm": "SHA1",
            "digits": device.digits,
            "period": device.step,
        }
    )
    label = quote(f"{issuer}:{device.user.get_username()}")
    return f"otpauth://totp/{label}?{params}&issuer={quote(issuer)}"


def qr_svg(text: str, *, title: str) -> str:
    """An inline SVG QR code (no script, no external service)."""
    return str(segno.make(text, error="m").svg_inline(scale=5, border=4, title=title))


def current_code(device: TOTPDevice) -> str:
    """The code the device's authenticator shows now (the demo's ``motcua otp-code``)."""
    value = totp(
        device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift
    )
    return f"{value:0{device.digits}d}"


# --- signing out ----------------------------------------------------------------------


def sign_out_everywhere(user: User) -> None:
    """End every session of ``user`` (this one too, at its next request)."""
    User.objects.filter(pk=user.pk).update(session_epoch=F("session_epoch") + 1)
    user.refresh_from_db(fields=["session_epoch"])
    logger.info("signed out everywhere: %r", user.username)


# --- the demo -------------------------------------------------------------------------

# A fixed, public key for the demo officials' authenticators (never in production: the
# demo refuses to run with DEBUG off).
DEMO_TOTP_KEY = b"MotCua-demo-totp-key".hex()
DEMO_TOTP_KEY_BASE32 = b32encode(b"MotCua-demo-totp-key").decode().rstrip("=")


def ensure_demo_device(user: User) -> TOTPDevice:
    """Give a demo official a confirmed authenticator with the fixed demo key."""
    device, _ = TOTPDevice.objects.update_or_create(
        user=user, name=DEVICE_NAME, defaults={"key": DEMO_TOTP_KEY, "confirmed": True}
    )
    return device


def demo_devices(usernames: list[str]) -> list[TOTPDevice]:
    """Demo authenticators for those of ``usernames`` whose roles require a second factor."""
    devices = []
    for user in User.objects.filter(username__in=usernames).order_by("username"):
        if second_factor_required(user):
            devices.append(ensure_demo_device(user))
    return devices
