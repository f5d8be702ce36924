"""Bearer tokens: issue (the plaintext is returned once), authenticate, revoke."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.api.models import ApiToken
from motcua.org.models import User

# "mct_" lets secret scanners and people recognise a MotCua token; 32 random bytes follow.
TOKEN_PREFIX = "mct_"
TOKEN_BYTES = 32
MAX_TOKEN_LENGTH = 200
# last_used_at is written at most this often per token, so reads do not all become writes.
LAST_USED_PRECISION = dt.timedelta(minutes=5)


class TokenRejected(Exception):
    """The bearer token does not sign anyone in; ``message`` is translated."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.message = message
        self.reason = reason


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@transaction.atomic
def api_token_issue(*, user: User, name: str, days: int | None = None) -> tuple[ApiToken, str]:
    """Create a token for ``user``; returns it with its plaintext, which is never stored.

    ``days``: how long the token is valid; None for a token that does not expire.
    """
    plaintext = TOKEN_PREFIX + secrets.token_urlsafe(TOKEN_BYTES)
    now = timezone.now()
    token = ApiToken.objects.create(
        user=user,
        name=name,
        digest=token_digest(plaintext),
        created_at=now,
        expires_at=now + dt.timedelta(days=days) if days is not None else None,
    )
    return token, plaintext


def api_token_revoke(*, token: ApiToken) -> None:
    if not token.revoked:
        ApiToken.objects.filter(pk=token.pk).update(revoked=True)
        token.revoked = True


def api_token_authenticate(token: str) -> ApiToken:
    """The live token whose plaintext is ``token``, with its user; else ``TokenRejected``."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        raise TokenRejected(_("The bearer token is not valid."), "unknown")
    found = ApiToken.objects.select_related("user").filter(digest=token_digest(token)).first()
    if found is None or not found.user.is_active:
        raise TokenRejected(_("The bearer token is not valid."), "unknown")
    if found.revoked:
        raise TokenRejected(_("The bearer token has been revoked."), "revoked")
    now = timezone.now()
    if found.is_expired(now):
        raise TokenRejected(_("The bearer token has expired."), "expired")
    if found.last_used_at is None or now - found.last_used_at >= LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        found.last_used_at = now
    return found
