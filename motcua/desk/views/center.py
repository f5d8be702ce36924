"""The center manager's pages: every dossier received at the center, reassignment of a
workflow step to another official, and the dossier register (Sổ theo dõi hồ sơ, Mẫu 07)
as PDF or Excel."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.core.errors import ConcurrentChange, Forbidden, IllegalTransition, InvalidInput
from motcua.desk.access import official_required, safe_next
from motcua.desk.selectors import ROW_RELATIONS, center_page, managed_centers
from motcua.desk.views.inbox import ListFilterForm, page_links
from motcua.documents.services import register_pdf, register_xlsx
from motcua.dossiers.actors import Actor
from motcua.dossiers.lifecycle import OPEN_ACCEPTED, State
from motcua.dossiers.selectors import visible_dossiers
from motcua.dossiers.services import authorise_reassign, dossier_reassign, step_officials
from motcua.org.models import Agency, User

# States in which a workflow step holds the dossier, so it can be given to someone else.
REASSIGNABLE = tuple(s.value for s in OPEN_ACCEPTED if s is not State.ACCEPTED)
REGISTER_MAX_DAYS = 366


def _chosen_center(request: HttpRequest, centers: list[Agency]) -> Agency:
    wanted = request.GET.get("center", "")
    for agency in centers:
        if str(agency.pk) == wanted:
            return agency
    return centers[0]


def _no_center(request: HttpRequest) -> HttpResponse:
    context = {"nav": "center", "refusal": _("You do not manage a one-stop center.")}
    return render(request, "desk/center_forbidden.html", context, status=403)


def _refused(request: HttpRequest, exc: Forbidden) -> HttpResponse:
    context = {"nav": "center", "refusal": str(exc)}
    return render(request, "desk/center_forbidden.html", context, status=403)


class RegisterForm(forms.Form):
    """The period of the register (local dates, both included) and the file type."""

    start = forms.DateField(label=gettext_lazy("From"), widget=forms.DateInput({"type": "date"}))
    end = forms.DateField(label=gettext_lazy("To"), widget=forms.DateInput({"type": "date"}))
    format = forms.ChoiceField(
        label=gettext_lazy("File"),
        choices=[("pdf", "PDF"), ("xlsx", "Excel (.xlsx)")],
        initial="pdf",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                raise forms.ValidationError(_("The period must end on or after its first day."))
            if (end - start).days >= REGISTER_MAX_DAYS:
                raise forms.ValidationError(
                    _("Choose a period of at most %(days)d days.") % {"days": REGISTER_MAX_DAYS}
                )
        return data


def _register_initial() -> dict[str, Any]:
    today = timezone.localdate()
    return {"start": today.replace(day=1), "end": today, "format": "pdf"}


@official_required
def center(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    centers = managed_centers(user)
    if not centers:
        return _no_center(request)
    chosen = _chosen_center(request, centers)
    form = ListFilterForm(request.GET, states=[s.value for s in State])
    page = center_page(
        user, chosen, form.list_filter(), page=form.page_number(), now=timezone.now()
    )
    context = {
        "nav": "center",
        "centers": centers,
        "center": chosen,
        "form": form,
        "page": page,
        "links": page_links(request, page),
        "list_hidden": [("center", chosen.pk)],
        "show_holder": True,
        "reassignable": REASSIGNABLE,
        "register_form": RegisterForm(initial=_register_initial()),
    }
    return render(request, "desk/center.html", context)


class OfficialChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.get_full_name() or obj.username} ({obj.username})"


class ReassignForm(forms.Form):
    to_user = OfficialChoiceField(
        label=gettext_lazy("Give the step to"),
        queryset=User.objects.none(),
        empty_label=gettext_lazy("— choose an official —"),
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        max_length=1000,
        widget=forms.Textarea({"rows": 3}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, candidates: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["to_user"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = candidates


@official_required
def reassign(request: HttpRequest, pk: int) -> HttpResponse:
    """Give the current workflow step of a dossier to another official of that step."""
    user = request.user
    assert isinstance(user, User)
    dossier = get_object_or_404(
        visible_dossiers(user).select_related(*ROW_RELATIONS),
        pk=pk,
    )
    actor = Actor.official(user)
    try:
        authorise_reassign(actor, dossier)
    except Forbidden as exc:
        return _refused(request, exc)
    next_url = safe_next(request, default="desk:center")
    candidates = step_officials(dossier)
    if dossier.current_assignee_id is not None:
        candidates = candidates.exclude(pk=dossier.current_assignee_id)
    form = ReassignForm(
        request.POST or None, candidates=candidates, initial={"version": dossier.version}
    )
    status = 200
    step = (
        dossier.workflow_steps[dossier.current_step - 1]
        if dossier.current_step and dossier.workflow_steps
        else None
    )
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                dossier_reassign(
                    dossier=dossier.pk,
                    actor=actor,
                    to_user=form.cleaned_data["to_user"],
                    reason=form.cleaned_data["reason"],
                    expected_version=form.cleaned_data["version"],
                )
            except InvalidInput as exc:
                errors = (exc.details or {}).get("errors", {})
                for name, message in errors.items():
                    form.add_error(name if name in form.fields else None, message)
                if not errors:
                    form.add_error(None, str(exc))
            except (IllegalTransition, ConcurrentChange) as exc:
                form.add_error(None, str(exc))
            except Forbidden as exc:
                return _refused(request, exc)
            else:
                target = form.cleaned_data["to_user"]
                messages.success(
                    request,
                    _("Dossier %(code)s is now assigned to %(name)s.")
                    % {"code": dossier.code, "name": target.get_full_name() or target.username},
                )
                return redirect(next_url)
    context = {
        "nav": "center",
        "dossier": dossier,
        "step": step,
        "form": form,
        "next": next_url,
        "reassignable": dossier.state in REASSIGNABLE and step is not None,
    }
    return render(request, "desk/center_reassign.html", context, status=status)


@official_required
def register(request: HttpRequest) -> HttpResponseBase:
    """Download the center's register (Mẫu 07) for a period, as PDF or Excel."""
    user = request.user
    assert isinstance(user, User)
    centers = managed_centers(user)
    if not centers:
        return _no_center(request)
    chosen = _chosen_center(request, centers)
    form = RegisterForm(request.GET)
    if not form.is_valid():
        context = {"nav": "center", "center": chosen, "register_form": form}
        return render(request, "desk/register.html", context, status=400)
    make = register_pdf if form.cleaned_data["format"] == "pdf" else register_xlsx
    start: dt.date = form.cleaned_data["start"]
    end: dt.date = form.cleaned_data["end"]
    try:
        document = make(agency=chosen, start=start, end=end, user=user)
    except (InvalidInput, Forbidden) as exc:  # a period too long for a PDF, a bad period
        form.add_error(None, exc.message)
        context = {"nav": "center", "center": chosen, "register_form": form}
        return render(request, "desk/register.html", context, status=400)
    return FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.file_name,
        content_type=document.content_type,
    )


urlpatterns: list[URLPattern] = [
    path("center/", center, name="center"),
    path("center/reassign/<int:pk>/", reassign, name="reassign"),
    path("center/register/", register, name="register"),
]
