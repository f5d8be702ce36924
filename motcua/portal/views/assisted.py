"""Assisted filing — nộp hồ sơ thay có sự đồng ý: a community digital-team member files
for a citizen who consents (a one-time code read out by the citizen, or a signed form).

Start (the citizen's details and how they consent) → the code → the procedure → the
e-form of the filing flow (``motcua.portal.services.draft_start`` with the consent).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from motcua.catalog.selectors import published_versions, search_procedures
from motcua.citizens.access import sign_in_url, team_membership
from motcua.citizens.consent import (
    consent_confirm_code,
    consent_from_document,
    consent_opens_data_store,
    consent_problem,
    consent_request_code,
    consent_resend_code,
)
from motcua.citizens.models import AssistanceConsent, ConsentMethod, DigitalTeamMember
from motcua.citizens.teams import assisted_by, initials
from motcua.core.errors import DomainError, InvalidInput
from motcua.org.models import User
from motcua.portal.services import draft_start

View = Callable[..., HttpResponse]
SEARCH_LIMIT = 20


def member_required(view: View) -> View:
    """Signed in (else to the citizen sign-in) and an active member of an active team
    (else 403 with an explanation); sets ``request.membership``."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return HttpResponseRedirect(sign_in_url(request.get_full_path()))
        membership = team_membership(request)
        if membership is None:
            return render(request, "portal/assisted/not_member.html", status=403)
        request.membership = membership  # type: ignore[attr-defined]
        return view(request, *args, **kwargs)

    return wrapper


def _membership(request: HttpRequest) -> DigitalTeamMember:
    membership: DigitalTeamMember = request.membership  # type: ignore[attr-defined]
    return membership


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _add_errors(form: forms.Form, exc: InvalidInput, fallback: str) -> None:
    """Put the service's field messages next to the fields (the rest on the form)."""
    errors = exc.details.get("errors") or {}
    placed = False
    for name, message in errors.items():
        if name in form.fields:
            form.add_error(name, message)
            placed = True
    if not placed:
        form.add_error(fallback if fallback in form.fields else None, exc.message)


def _describe_errors(form: forms.Form) -> None:
    """Point each field with an error at its message (``aria-describedby``)."""
    for name, field in form.fields.items():
        ids = []
        if field.help_text:
            ids.append(f"{form[name].auto_id}-hint")
        if name in form.errors:
            ids.append(f"{form[name].auto_id}-error")
            field.widget.attrs["aria-invalid"] = "true"
        if ids:
            field.widget.attrs["aria-describedby"] = " ".join(ids)


# --- start --------------------------------------------------------------------------------


class StartForm(forms.Form):
    citizen_name = forms.CharField(
        label=gettext_lazy("Citizen's full name"),
        max_length=255,
        widget=forms.TextInput({"autocomplete": "off"}),
    )
    personal_id = forms.CharField(
        label=gettext_lazy("Citizen's personal ID number"),
        max_length=20,
        help_text=gettext_lazy("12 digits, on the citizen's chip ID card."),
        widget=forms.TextInput({"inputmode": "numeric", "autocomplete": "off"}),
    )
    phone = forms.CharField(
        label=gettext_lazy("Citizen's phone number"),
        max_length=20,
        help_text=gettext_lazy(
            "The code is sent to this phone, e.g. 0912345678. If the citizen has an account, "
            "it can only go to the phone on that account."
        ),
        widget=forms.TextInput({"type": "tel", "autocomplete": "off"}),
    )
    method = forms.ChoiceField(
        label=gettext_lazy("How does the citizen consent?"),
        choices=[
            (ConsentMethod.OTP.value, gettext_lazy("Send a code to the citizen's phone")),
            (
                ConsentMethod.SIGNED_DOCUMENT.value,
                gettext_lazy("Upload the consent form the citizen signed"),
            ),
        ],
        initial=ConsentMethod.OTP.value,
        widget=forms.RadioSelect,
    )
    document = forms.FileField(
        label=gettext_lazy("Signed consent form"),
        required=False,
        help_text=gettext_lazy(
            "Only if the citizen signed the form: PDF, JPEG or PNG, up to 10 MB."
        ),
        widget=forms.ClearableFileInput({"accept": "application/pdf,image/jpeg,image/png"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("method") == ConsentMethod.SIGNED_DOCUMENT and not data.get("document"):
            self.add_error("document", _("Upload the consent form the citizen signed."))
        return data


@member_required
@require_http_methods(["GET", "POST"])
def assist_start(request: HttpRequest) -> HttpResponse:
    membership = _membership(request)
    form = StartForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        person = {
            "member_user": _user(request),
            "team": membership.team,
            "citizen_name": data["citizen_name"],
            "personal_id": data["personal_id"],
            "phone": data["phone"],
        }
        try:
            if data["method"] == ConsentMethod.SIGNED_DOCUMENT:
                consent = consent_from_document(**person, upload=data["document"])
                return redirect("portal:assist_procedure", pk=consent.pk)
            consent = consent_request_code(**person)
            return redirect("portal:assist_consent", pk=consent.pk)
        except InvalidInput as exc:
            _add_errors(form, exc, "citizen_name")
        except DomainError as exc:
            form.add_error(None, exc.message)
    _describe_errors(form)
    context = {"form": form, "team": membership.team}
    return render(request, "portal/assisted/start.html", context, status=_status(form))


def _status(form: forms.Form) -> int:
    return 422 if form.is_bound and form.errors else 200


# --- the code -----------------------------------------------------------------------------


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code the citizen received"),
        max_length=10,
        help_text=gettext_lazy("6 digits, read out to you by the citizen."),
        widget=forms.TextInput(
            {"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9 ]*"}
        ),
    )


class DocumentForm(forms.Form):
    document = forms.FileField(
        label=gettext_lazy("Signed consent form"),
        help_text=gettext_lazy("PDF, JPEG or PNG, up to 10 MB."),
        widget=forms.ClearableFileInput({"accept": "application/pdf,image/jpeg,image/png"}),
    )


def _own_consent(request: HttpRequest, pk: int) -> AssistanceConsent:
    """The consent ``pk`` obtained by this member (404 otherwise: another member's consent
    is not theirs to see)."""
    return get_object_or_404(
        AssistanceConsent.objects.select_related("team"), pk=pk, member=request.user
    )


@member_required
@require_http_methods(["GET", "POST"])
def assist_consent(request: HttpRequest, pk: int) -> HttpResponse:
    consent = _own_consent(request, pk)
    if consent.granted_at is not None:
        return redirect("portal:assist_procedure", pk=consent.pk)
    posted = request.method == "POST"
    action = request.POST.get("action", "code") if posted else ""
    code_form = CodeForm(request.POST if action == "code" else None, prefix="c")
    document_form = DocumentForm(
        request.POST if action == "document" else None,
        request.FILES if action == "document" else None,
        prefix="d",
    )
    notice = problem = ""
    if posted:
        user = _user(request)
        try:
            if action == "resend":
                consent_resend_code(consent=consent, member_user=user)
                notice = _("A new code was sent. The earlier code no longer works.")
            elif action == "document" and document_form.is_valid():
                granted = consent_from_document(
                    member_user=user,
                    team=consent.team,
                    citizen_name=consent.citizen_name,
                    personal_id=consent.personal_id,
                    phone=consent.phone,
                    upload=document_form.cleaned_data["document"],
                )
                return redirect("portal:assist_procedure", pk=granted.pk)
            elif action == "code" and code_form.is_valid():
                consent_confirm_code(
                    consent=consent, member_user=user, code=code_form.cleaned_data["code"]
                )
                return redirect("portal:assist_procedure", pk=consent.pk)
        except InvalidInput as exc:
            if action == "document":
                _add_errors(document_form, exc, "document")
            elif action == "resend":
                problem = exc.message
            else:
                _add_errors(code_form, exc, "code")
        except DomainError as exc:
            problem = exc.message
        consent.refresh_from_db()
    _describe_errors(code_form)
    _describe_errors(document_form)
    context = {
        "consent": consent,
        "code_form": code_form,
        "document_form": document_form,
        "notice": notice,
        "problem": problem,
        "masked_phone": _mask(consent.phone),
    }
    failed = problem or code_form.errors or document_form.errors
    return render(request, "portal/assisted/consent.html", context, status=422 if failed else 200)


def _mask(phone: str) -> str:
    return f"{'•' * max(len(phone) - 3, 0)}{phone[-3:]}" if phone else ""


# --- the procedure ------------------------------------------------------------------------


@member_required
@require_http_methods(["GET", "POST"])
def assist_procedure(request: HttpRequest, pk: int) -> HttpResponse:
    consent = _own_consent(request, pk)
    user = _user(request)
    problem = consent_problem(consent, member_user=user)
    if problem is not None:
        context = {"consent": consent, "problem": problem}
        return render(request, "portal/assisted/unusable.html", context, status=409)
    error = ""
    if request.method == "POST":
        version = published_versions().filter(pk=request.POST.get("version") or 0).first()
        if version is None:
            error = _("Choose one of the procedures found.")
        else:
            try:
                draft = draft_start(user=user, version=version, consent=consent)
            except DomainError as exc:
                error = exc.message
            else:
                return redirect("portal:draft", pk=draft.pk)
    query = request.GET.get("q", "").strip()[:200]
    results = search_procedures(query, limit=SEARCH_LIMIT) if query else []
    context = {
        "consent": consent,
        "query": query,
        "results": results,
        "searched": bool(query),
        "error": error,
        "store_open": consent_opens_data_store(consent),
    }
    return render(request, "portal/assisted/procedure.html", context, status=422 if error else 200)


# --- the member's own list, the printable form ----------------------------------------------


@member_required
def assisted_list(request: HttpRequest) -> HttpResponse:
    rows = [
        {
            "code": c.dossier.code,
            "initials": initials(c.citizen_name),
            "procedure": c.dossier.procedure_name,
            "state": c.dossier.get_state_display(),
            "received_at": c.dossier.received_at,
            "method": c.get_method_display(),
        }
        for c in assisted_by(_user(request))[:200]
        if c.dossier is not None
    ]
    context = {"rows": rows, "team": _membership(request).team}
    return render(request, "portal/assisted/list.html", context)


@member_required
def assist_consent_form(request: HttpRequest) -> HttpResponse:
    membership = _membership(request)
    user = _user(request)
    context = {
        "team": membership.team,
        "member_name": user.get_full_name() or user.username,
        "start_url": reverse("portal:assist_start"),
    }
    return render(request, "portal/assisted/consent_form.html", context)


urlpatterns: list[URLPattern] = [
    path("ho-tro-nop/", assist_start, name="assist_start"),
    path("ho-tro-nop/dong-y/<int:pk>/", assist_consent, name="assist_consent"),
    path("ho-tro-nop/dong-y/<int:pk>/thu-tuc/", assist_procedure, name="assist_procedure"),
    path("ho-tro-nop/da-nop/", assisted_list, name="assisted_list"),
    path("ho-tro-nop/mau-giay-dong-y/", assist_consent_form, name="assist_consent_form"),
]
