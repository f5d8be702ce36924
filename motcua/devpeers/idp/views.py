"""The development provider's pages: its own sign-in, sign-out and authorization endpoint.

The provider lives in the same Django project and shares the browser's session cookie
with MotCua, so its sign-in must not sign the browser into MotCua: the provider's person
is kept under its own session key (``devidp_user``), and only the provider's
authorization view sees that person as ``request.user``. MotCua's own pages keep seeing
whoever signed into MotCua (nobody, until the OpenID callback).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.hashers import check_password
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST
from oauth2_provider.views import AuthorizationView

from motcua.devpeers.idp.models import DemoIdentity
from motcua.org.models import User

SESSION_KEY = "devidp_user"


def provider_user(request: HttpRequest) -> User | None:
    """The person signed into the development provider in this browser session, if any."""
    pk = request.session.get(SESSION_KEY)
    if not isinstance(pk, int):
        return None
    return User.objects.filter(pk=pk, is_active=True, demo_identity__isnull=False).first()


class ProviderAuthorizationView(AuthorizationView):  # type: ignore[misc]  # untyped library
    """django-oauth-toolkit's authorization endpoint, seeing the provider's person (not
    MotCua's) as the user, and sending strangers to the provider's sign-in page."""

    login_url = reverse_lazy("devidp:login")

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        request.user = provider_user(request) or AnonymousUser()
        return super().dispatch(request, *args, **kwargs)  # type: ignore[no-any-return]


def _safe_next(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("devidp:login")


@require_http_methods(["GET", "POST"])
def login(request: HttpRequest) -> HttpResponse:
    """Sign into the development provider: personal ID number and password."""
    error = ""
    personal_id = ""
    if request.method == "POST":
        personal_id = request.POST.get("personal_id", "").strip()
        password = request.POST.get("password", "")
        identity = (
            DemoIdentity.objects.select_related("user").filter(personal_id=personal_id).first()
        )
        if identity and identity.user.is_active and check_password(password, identity.password):
            request.session[SESSION_KEY] = identity.user.pk
            return HttpResponseRedirect(_safe_next(request))
        error = "Wrong personal ID number or password."
    return render(
        request,
        "devidp/login.html",
        {
            "error": error,
            "personal_id": personal_id,
            "next": request.POST.get("next") or request.GET.get("next", ""),
            "signed_in": provider_user(request),
            "people": DemoIdentity.objects.all(),
        },
        status=400 if error else 200,
    )


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    """Sign out of the development provider only (MotCua's session is left alone)."""
    request.session.pop(SESSION_KEY, None)
    return HttpResponseRedirect(reverse("devidp:login"))
