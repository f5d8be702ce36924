"""Citizens' sign-in (OpenID Connect) and sign-out pages; the protocol is in ``oidc``,
the account in ``services``."""

from __future__ import annotations

import logging

from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from motcua.citizens import oidc
from motcua.citizens.access import citizen_of
from motcua.citizens.services import citizen_sign_in
from motcua.core.errors import InvalidInput

logger = logging.getLogger("motcua.citizens")

BACKEND = "django.contrib.auth.backends.ModelBackend"


def _safe_next(request: HttpRequest, candidate: str) -> str:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("core:home")


def _refused(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "citizens/sign_in_failed.html", {"message": message}, status=400)


@never_cache
@require_GET
def login(request: HttpRequest) -> HttpResponse:
    """The "sign in with your national identity account" page: one button (GET without
    ``go``), which sends the browser to the identity provider (``?go=1``)."""
    next_url = _safe_next(request, request.GET.get("next", ""))
    if citizen_of(request) is not None:
        return HttpResponseRedirect(next_url)  # already signed in
    if request.GET.get("go"):
        try:
            return oidc.begin_sign_in(request, next_url=next_url)
        except oidc.SignInFailed as exc:
            logger.warning("citizen sign-in could not start: %s", exc.reason)
            return _refused(request, exc.message)
    return render(
        request,
        "citizens/login.html",
        {"next": next_url, "available": oidc.oidc_config() is not None},
    )


@never_cache
@require_GET
def callback(request: HttpRequest) -> HttpResponse:
    """The provider sends the browser back here with ``code`` and ``state``."""
    next_url = _safe_next(request, str(request.session.pop(oidc.SESSION_NEXT, "")))
    try:
        claims, config = oidc.finish_sign_in(request)
        citizen = citizen_sign_in(claims, config.issuer)
    except oidc.SignInFailed as exc:
        logger.warning("citizen sign-in refused: %s", exc.reason)
        return _refused(request, exc.message)
    except InvalidInput as exc:
        # Not the claims themselves: they are personal data.
        logger.warning(
            "citizen sign-in refused: %s (%s)", exc.code, ", ".join(exc.details.get("errors", {}))
        )
        detail = " ".join(str(m) for m in exc.details.get("errors", {}).values())
        return _refused(request, f"{exc.message} {detail}".strip())
    if not citizen.user.is_active:
        logger.warning("citizen sign-in refused: citizen account %s is disabled", citizen.pk)
        return _refused(request, _("This account has been disabled."))
    auth_login(request, citizen.user, backend=BACKEND)  # a new session key
    request.session[oidc.IDENTITY_SESSION_KEY] = {
        "method": "oidc",
        "issuer": config.issuer,
        "verified_at": citizen.verified_at.isoformat(),
    }
    logger.info("citizen signed in: citizen account %s via %s", citizen.pk, config.issuer)
    return HttpResponseRedirect(next_url)


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    """Sign out of MotCua (the provider's own session, if any, is the provider's)."""
    auth_logout(request)
    return HttpResponseRedirect(reverse("core:home"))
