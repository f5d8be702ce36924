"""Who is calling: a bearer token (machine clients) or the browser session (with CSRF).

Use the lists, not the classes::

    router = Router(auth=AUTH)            # a user is required: bearer token or session
    router = Router(auth=OPTIONAL_AUTH)   # public, but a caller who sends credentials is known

Inside an operation ``request.auth`` is the user (``AnonymousUser`` for an anonymous call
to an ``OPTIONAL_AUTH`` operation), and ``request.user`` is the same user for both ways of
signing in.

* A request that sends ``Authorization: Bearer …`` is judged by the token alone: a wrong,
  revoked or expired token is a 401 ``invalid_token`` even when a session cookie is there.
* A session is honoured like ``ninja.security.django_auth``, and the CSRF token is checked
  for unsafe methods (POST, PUT, PATCH, DELETE) when the session is what signs the user in;
  a request without a signed-in session is not authenticated by it and is not CSRF-checked.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from motcua.api.errors import REALM, ApiError, csrf_failed_detail
from motcua.api.services import TokenRejected, api_token_authenticate


class BearerAuth(HttpBearer):
    """``Authorization: Bearer <token>`` with a token from ``motcua api-token``."""

    openapi_bearerFormat = "opaque"
    openapi_description = (
        "A token issued with `motcua api-token <username>`. Only its SHA-256 is stored."
    )

    def __call__(self, request: HttpRequest) -> Any | None:
        header = request.headers.get("Authorization")
        if not header:
            return None
        scheme, _sep, token = header.partition(" ")
        if scheme.lower() != "bearer":
            return None
        return self.authenticate(request, token.strip())

    def authenticate(self, request: HttpRequest, token: str) -> Any | None:
        try:
            api_token = api_token_authenticate(token)
        except TokenRejected as exc:
            raise ApiError(
                401,
                "invalid_token",
                exc.message,
                headers={"WWW-Authenticate": f'Bearer realm="{REALM}", error="invalid_token"'},
            ) from exc
        request.user = api_token.user
        request.api_token = api_token  # type: ignore[attr-defined]
        return api_token.user


class SessionAuth(APIKeyCookie):
    """The signed-in browser session; unsafe methods need the CSRF token."""

    param_name: str = settings.SESSION_COOKIE_NAME
    openapi_description = (
        "The Django session cookie of a signed-in official. POST, PUT, PATCH and DELETE "
        "must also send the CSRF token in the X-CSRFToken header."
    )

    def __call__(self, request: HttpRequest) -> Any | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        exempt = getattr(request, "_ninja_csrf_exempt", False)
        if self.csrf and not exempt and check_csrf(request) is not None:
            raise ApiError(403, "csrf_failed", csrf_failed_detail())
        return user

    def authenticate(self, request: HttpRequest, key: str | None) -> Any | None:
        return self(request)


class AnonymousAuth:
    """Lets an anonymous caller through; only for ``OPTIONAL_AUTH``.

    ``openapi_security_schema`` is a marker: ``MotcuaAPI.get_openapi_schema`` turns it into
    the empty security requirement (``{}``) that means "no credentials needed".
    """

    openapi_security_schema = {"type": "http", "scheme": "none"}

    def __call__(self, request: HttpRequest) -> Any:
        return AnonymousUser()


bearer = BearerAuth()
session = SessionAuth()
anonymous = AnonymousAuth()

# A user is required.
AUTH = [bearer, session]
# Anyone may call; credentials, when sent, are checked and identify the caller.
OPTIONAL_AUTH = [bearer, session, anonymous]
