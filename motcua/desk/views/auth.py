"""Signing in and out of the workspace: password, then (when the official's roles require
it) a one-time code from an authenticator app, set up on first use. The rules live in
``motcua.desk.auth_services``."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth import logout as auth_logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from motcua.desk import auth_services as auth
from motcua.desk.access import code_step, needs_code, safe_next
from motcua.org.models import User


class SignInForm(forms.Form):
    username = forms.CharField(
        label=gettext_lazy("User name"),
        max_length=150,
        widget=forms.TextInput(
            attrs={"autocomplete": "username", "autocapitalize": "none", "autofocus": True}
        ),
    )
    password = forms.CharField(
        label=gettext_lazy("Password"),
        strip=False,
        max_length=4096,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Six-digit code from your authenticator app"),
        max_length=16,
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
                "autofocus": True,
                "pattern": "[0-9 ]*",
                "size": 8,
            }
        ),
    )


def _with_next(name: str, next_url: str) -> HttpResponseRedirect:
    return HttpResponseRedirect(f"{reverse(name)}?{urlencode({'next': next_url})}")


def _locked_message(until: dt.datetime | None) -> str:
    if until is None:
        return _("Too many failed sign-in attempts. Signing in is blocked for 15 minutes.")
    return _(
        "Too many failed sign-in attempts. Signing in is blocked until %(time)s; try again then."
    ) % {"time": timezone.localtime(until).strftime("%H:%M")}


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def login(request: HttpRequest) -> HttpResponse:
    next_url = safe_next(request)
    user = request.user
    if user.is_authenticated and auth.is_official(user):
        return code_step(user, next_url) if needs_code(user) else redirect(next_url)
    form = SignInForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        result = auth.sign_in_password(
            request,
            username=form.cleaned_data["username"],
            password=form.cleaned_data["password"],
        )
        if result.outcome is auth.Outcome.SIGNED_IN:
            return redirect(next_url)
        if result.outcome is auth.Outcome.NEEDS_CODE:
            return _with_next("desk:login_otp", next_url)
        if result.outcome is auth.Outcome.NEEDS_ENROLMENT:
            return _with_next("desk:otp_setup", next_url)
        if result.outcome is auth.Outcome.LOCKED:
            form.add_error(None, _locked_message(result.locked_until))
            status = 429
        elif result.outcome is auth.Outcome.NOT_OFFICIAL:
            form.add_error(
                None, _("This account holds no role in any agency: it cannot use the workspace.")
            )
        else:
            form.add_error(None, _("The user name or the password is not right."))
    context = {"form": form, "next": next_url, "signin_page": True}
    return render(request, "desk/login.html", context, status=status)


def _code_page(
    request: HttpRequest,
    *,
    user: User,
    device: TOTPDevice,
    template: str,
    extra: dict[str, Any],
) -> HttpResponse:
    """Ask for the code of ``device`` and finish the sign-in with it."""
    next_url = safe_next(request)
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        result = auth.check_code(request, user, device, form.cleaned_data["code"])
        if result.check is auth.CodeCheck.OK:
            return redirect(next_url)
        if result.check is auth.CodeCheck.LOCKED:
            auth_logout(request)
            messages.error(request, _locked_message(result.locked_until))
            return _with_next("desk:login", next_url)
        errors = {
            auth.CodeCheck.WRONG: _(
                "That code is not right. Check that your phone's clock is correct and enter "
                "the newest code."
            ),
            auth.CodeCheck.MALFORMED: _("Enter the six digits your authenticator app shows."),
            auth.CodeCheck.WAIT: _("Wait a few seconds, then enter the newest code."),
        }
        form.add_error("code", errors[result.check])
        status = 400
    context = {"form": form, "next": next_url, "signin_page": True, **extra}
    return render(request, template, context, status=status)


def _subject_or_restart(request: HttpRequest, next_url: str) -> User | HttpResponseRedirect:
    user = auth.code_subject(request)
    if user is None:
        messages.info(request, _("Your sign-in has expired. Sign in again."))
        return _with_next("desk:login", next_url)
    if request.user == user and not needs_code(user):
        return HttpResponseRedirect(next_url)
    return user


@sensitive_post_parameters("code")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def login_otp(request: HttpRequest) -> HttpResponse:
    """Second step of the sign-in: the code from the official's authenticator app."""
    next_url = safe_next(request)
    user = _subject_or_restart(request, next_url)
    if isinstance(user, HttpResponseRedirect):
        return user
    device = auth.confirmed_device(user)
    if device is None:
        return _with_next("desk:otp_setup", next_url)
    return _code_page(request, user=user, device=device, template="desk/otp_verify.html", extra={})


@sensitive_post_parameters("code")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def otp_setup(request: HttpRequest) -> HttpResponse:
    """First sign-in of an official who must use a code: set up an authenticator app from
    the QR code (or the key typed in), and confirm it with its first code."""
    next_url = safe_next(request)
    user = _subject_or_restart(request, next_url)
    if isinstance(user, HttpResponseRedirect):
        return user
    if auth.confirmed_device(user) is not None:
        # An authenticator is replaced only by an operator, never without its code.
        return _with_next("desk:login_otp", next_url)
    device = auth.enrolment_device(user)
    uri = auth.otpauth_uri(device)
    extra = {
        "qr_svg": auth.qr_svg(uri, title=_("QR code to scan with an authenticator app")),
        "secret": auth.base32_secret(device),
        "account": user.get_username(),
        "issuer": auth.ISSUER,
    }
    return _code_page(
        request, user=user, device=device, template="desk/otp_setup.html", extra=extra
    )


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    auth_logout(request)
    messages.success(request, _("You have signed out."))
    return redirect("desk:login")


@require_POST
def logout_everywhere(request: HttpRequest) -> HttpResponse:
    """End every session of the user: other browsers and devices, and this one."""
    user = request.user
    if user.is_authenticated:
        assert isinstance(user, User)
        auth.sign_out_everywhere(user)
    auth_logout(request)
    messages.success(request, _("You have signed out on every device."))
    return redirect("desk:login")


urlpatterns: list[URLPattern] = [
    path("login/", login, name="login"),
    path("login/code/", login_otp, name="login_otp"),
    path("login/authenticator/", otp_setup, name="otp_setup"),
    path("logout/", logout, name="logout"),
    path("logout/everywhere/", logout_everywhere, name="logout_everywhere"),
]
