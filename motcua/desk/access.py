"""Who may use the workspace: signed-in officials of an agency (cán bộ, công chức).

Every desk view is wrapped by ``official_required``: signed in, active, an official (a
role in an agency, or a superuser), and — when a role of theirs requires it — signed in
with a one-time code too (otherwise they are sent to the code step, or to set up an
authenticator first). What a view then shows is scoped by the selectors
(``visible_dossiers``), never by the template.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast
from urllib.parse import urlencode

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from motcua.desk.auth_services import (
    confirmed_device,
    is_official,
    second_factor_required,
    user_roles,
)

View = Callable[..., HttpResponseBase]
V = TypeVar("V", bound=View)

__all__ = ["is_official", "official_required", "safe_next"]


def safe_next(request: HttpRequest, default: str = "desk:inbox") -> str:
    """The ``next`` address of the request when it stays on this site, else ``default``."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse(default)


def needs_code(user: Any, *, roles: frozenset[str] | None = None) -> bool:
    """Signed in, but the second factor the user's roles require is not confirmed yet."""
    verified = getattr(user, "is_verified", None)  # set by django_otp's OTPMiddleware
    if verified is not None and verified():
        return False
    return second_factor_required(user, roles=roles)


def code_step(user: Any, next_url: str) -> HttpResponseRedirect:
    """The page that completes the sign-in: the code, or setting up an authenticator."""
    name = "desk:login_otp" if confirmed_device(user) is not None else "desk:otp_setup"
    return HttpResponseRedirect(f"{reverse(name)}?{urlencode({'next': next_url})}")


def official_required(view: V) -> V:
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        roles = user_roles(user)
        request.desk_roles = roles  # type: ignore[attr-defined]  # the menu reuses it
        if not is_official(user, roles=roles):
            raise PermissionDenied
        if needs_code(user, roles=roles):
            return code_step(user, request.get_full_path())
        return view(request, *args, **kwargs)

    return cast(V, wrapped)
