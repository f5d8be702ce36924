"""The dossier page and its actions, and the files of a dossier: documents (previewed
inline), results, generated slips and the control sheet (Mẫu 06).

Everything is looked up through ``visible_dossiers(user)``: a dossier the official may
not see is a 404, exactly like one that does not exist, and so are its files. The page
offers only the actions ``available_actions`` allows; each action posts the version the
official saw, so a change made meanwhile by someone else is refused with a message and
changes nothing.
"""

from __future__ import annotations

from typing import IO, Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.files.storage import storages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_http_methods

from motcua.core.errors import ConcurrentChange, DomainError, InvalidInput, NotFound
from motcua.desk.access import official_required
from motcua.desk.forms import ActionForm, action_form
from motcua.desk.presenters import (
    ACTION_TITLES,
    DANGEROUS_ACTIONS,
    SLIP_LINKS,
    due_badge,
    eform_rows,
    slip_form,
    timeline,
)
from motcua.documents.models import GeneratedDocument
from motcua.dossiers.actors import Actor
from motcua.dossiers.lifecycle import Action
from motcua.dossiers.models import Document, Dossier, DossierEvent, Result
from motcua.dossiers.selectors import DESK_ACTIONS, available_actions, visible_dossiers
from motcua.org.models import User

PREVIEWABLE = frozenset({"application/pdf", "image/jpeg", "image/png"})


def _user(request: HttpRequest) -> User:
    user: Any = request.user
    return user  # type: ignore[no-any-return]


def visible_dossier(user: User, pk: int) -> Dossier:
    """The dossier ``pk`` if ``user`` may see it; 404 otherwise (not 403: no oracle)."""
    dossier = (
        visible_dossiers(user)
        .select_related(
            "procedure_version__procedure",
            "procedure_version__field",
            "procedure_group",
            "receiving_agency",
            "competent_agency",
            "current_agency",
            "current_assignee",
            "return_agency",
            "parent",
        )
        .filter(pk=pk)
        .first()
    )
    if dossier is None:
        raise Http404(_("No such dossier."))
    return dossier


def _stream(handle: IO[bytes], *, content_type: str, filename: str, download: bool) -> FileResponse:
    """A stored file, inline (to preview) or as a download, never sniffed as another type."""
    response = FileResponse(
        handle, content_type=content_type, as_attachment=download, filename=filename
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _open(name: str) -> IO[bytes]:
    handle: IO[bytes] = storages["dossier_files"].open(name, "rb")
    return handle


# --- the page ---------------------------------------------------------------------------------


def _action_panels(dossier: Dossier, actions: list[Action], focus_return: bool) -> list[Any]:
    panels = [
        {
            "action": action,
            "title": ACTION_TITLES[action],
            "form": action_form(action, dossier),
            "danger": action in DANGEROUS_ACTIONS,
            "open": False,
        }
        for action in actions
    ]
    if focus_return:
        panels.sort(key=lambda p: p["action"] is not Action.RETURN_RESULT)
        panels[0]["open"] = True
    elif len(panels) == 1 or (panels and panels[0]["action"] is Action.ACCEPT):
        panels[0]["open"] = True
    return panels


def _fresh_slip(request: HttpRequest, dossier: Dossier) -> dict[str, Any] | None:
    """The slip of the event an action just made (``?slip=<event id>``), to print now."""
    raw = request.GET.get("slip", "")
    if not raw.isdigit():
        return None
    event = dossier.events.filter(pk=int(raw)).first()
    form = slip_form(event.action) if event is not None else None
    if event is None or form is None:
        return None
    return {
        "event": event,
        "label": SLIP_LINKS[form],
        "url": reverse("desk:slip", args=[dossier.pk, event.pk]),
    }


@official_required
def dossier_page(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    dossier = visible_dossier(user, pk)
    now = timezone.now()
    actions = available_actions(dossier, user, now=now)
    focus_return = request.GET.get("return") == "1" and Action.RETURN_RESULT in actions
    version = dossier.procedure_version
    return render(
        request,
        "desk/dossier.html",
        {
            "nav": "inbox",
            "dossier": dossier,
            "badge": due_badge(dossier, now=now),
            "panels": _action_panels(dossier, actions, focus_return),
            "focus_return": focus_return,
            "fresh_slip": _fresh_slip(request, dossier),
            "eform": eform_rows(version.eform_schema if version else {}, dossier.eform_data),
            "documents": list(dossier.documents.order_by("pk")),
            "results": list(dossier.results.select_related("signed_by").order_by("number")),
            "fees": list(dossier.fees.order_by("pk")),
            "payments": list(dossier.payments.order_by("paid_at", "pk")),
            "supplements": list(dossier.supplements.order_by("requested_at")),
            # How it was filed: the identity check and any assistance, from its first event.
            "filed": dossier.events.filter(seq=1).values_list("data", flat=True).first() or {},
            "timeline": timeline(dossier),
            "generated": list(
                GeneratedDocument.objects.filter(dossier=dossier)
                .select_related("event")
                .order_by("created_at", "pk")
            ),
            "children": list(
                dossier.children.select_related("procedure_version", "competent_agency").order_by(
                    "pk"
                )
            ),
            "previewable": PREVIEWABLE,
            "steps": dossier.workflow_steps,
        },
    )


# --- actions ----------------------------------------------------------------------------------


def _action_of(name: str) -> Action:
    try:
        action = Action(name)
    except ValueError:
        raise Http404(_("No such action.")) from None
    if action not in DESK_ACTIONS:
        raise Http404(_("No such action."))
    return action


def _after_action(dossier: Dossier, action: Action) -> str:
    """The dossier page, pointing at the slip the action just produced (if any)."""
    url = reverse("desk:dossier", args=[dossier.pk])
    event = dossier.events.order_by("-seq").first()
    if event is not None and event.action == action and slip_form(action) is not None:
        url += "?" + urlencode({"slip": event.pk})
    return url


def _render_action(
    request: HttpRequest, dossier: Dossier, action: Action, form: ActionForm, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "desk/action.html",
        {
            "nav": "inbox",
            "dossier": dossier,
            "action": action,
            "title": ACTION_TITLES[action],
            "form": form,
            "danger": action in DANGEROUS_ACTIONS,
        },
        status=status,
    )


def _sent_twice(dossier: Dossier, user: User, action: Action, seen: int) -> bool:
    """Whether a refused version is this official's own double click: the only change
    since the version they saw is the same action, by them."""
    if dossier.version != seen + 1:
        return False
    last = dossier.events.order_by("-seq").first()
    return last is not None and last.action == action and last.actor_id == user.pk


@official_required
@require_http_methods(["GET", "POST"])
def dossier_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """One action on the dossier: its form on its own page (GET, for browsers without
    scripts and for long forms), and the action itself (POST)."""
    user = _user(request)
    dossier = visible_dossier(user, pk)
    act = _action_of(action)
    if request.method == "GET":
        if act not in available_actions(dossier, user):
            messages.error(request, _("This action is not available for this dossier now."))
            return HttpResponseRedirect(reverse("desk:dossier", args=[dossier.pk]))
        return _render_action(request, dossier, act, action_form(act, dossier))

    form = action_form(act, dossier, request.POST, request.FILES)
    if not form.is_valid():
        return _render_action(request, dossier, act, form, status=422)
    try:
        form.perform(actor=Actor.official(user))
    except ConcurrentChange as exc:
        fresh = visible_dossier(user, pk)
        if _sent_twice(fresh, user, act, form.expected_version):
            messages.info(request, _("This was already done: the form was sent twice."))
            return HttpResponseRedirect(reverse("desk:dossier", args=[dossier.pk]))
        form.add_error(None, exc.message)
        return _render_action(request, fresh, act, form, status=exc.status)
    except DomainError as exc:
        form.apply_errors(exc)
        return _render_action(request, dossier, act, form, status=exc.status)
    messages.success(
        request,
        _("%(action)s: done for dossier %(code)s.")
        % {"action": ACTION_TITLES[act], "code": dossier.code},
    )
    return HttpResponseRedirect(_after_action(dossier, act))


# --- files ------------------------------------------------------------------------------------


@official_required
@xframe_options_sameorigin
def document_file(request: HttpRequest, doc_pk: int) -> HttpResponseBase:
    """A submitted paper, inline for the preview (``?download=1`` to save it)."""
    user = _user(request)
    doc = (
        Document.objects.filter(pk=doc_pk, dossier__in=visible_dossiers(user).values("pk"))
        .only("file", "content_type", "original_name", "name")
        .first()
    )
    if doc is None:
        raise Http404(_("No such document."))
    return _stream(
        _open(doc.file.name),
        content_type=doc.content_type,
        filename=doc.original_name or doc.name,
        download=request.GET.get("download") == "1",
    )


@official_required
@xframe_options_sameorigin
def result_file(request: HttpRequest, result_pk: int) -> HttpResponseBase:
    user = _user(request)
    result = (
        Result.objects.filter(pk=result_pk, dossier__in=visible_dossiers(user).values("pk"))
        .exclude(file="")
        .exclude(file__isnull=True)
        .first()
    )
    if result is None:
        raise Http404(_("No such result file."))
    return _stream(
        _open(result.file.name),
        content_type=result.content_type or "application/octet-stream",
        filename=f"{result.code}.pdf" if result.content_type == "application/pdf" else result.code,
        download=request.GET.get("download") == "1",
    )


def _generated_response(request: HttpRequest, doc: GeneratedDocument) -> FileResponse:
    return _stream(
        _open(doc.file.name),
        content_type=doc.content_type,
        filename=doc.file_name,
        download=request.GET.get("download") == "1",
    )


@official_required
@xframe_options_sameorigin
def generated_file(request: HttpRequest, doc_pk: int) -> HttpResponseBase:
    """A document MotCua generated for a dossier (slip, signed result)."""
    user = _user(request)
    doc = GeneratedDocument.objects.filter(
        pk=doc_pk, dossier__in=visible_dossiers(user).values("pk")
    ).first()
    if doc is None:
        raise Http404(_("No such document."))
    return _generated_response(request, doc)


@official_required
@xframe_options_sameorigin
def event_slip(request: HttpRequest, pk: int, event_pk: int) -> HttpResponseBase:
    """The slip (Mẫu 01–05) an event produced, made on first request and kept."""
    from motcua.documents.services import slip_for_event

    user = _user(request)
    dossier = visible_dossier(user, pk)
    event = DossierEvent.objects.filter(pk=event_pk, dossier=dossier).first()
    if event is None:
        raise Http404(_("No such step of this dossier."))
    try:
        doc = slip_for_event(event=event, user=user)
    except (InvalidInput, NotFound):
        raise Http404(_("This step of the dossier produces no slip.")) from None
    return _generated_response(request, doc)


@official_required
@xframe_options_sameorigin
def control_sheet_file(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The control sheet (Mẫu 06) as of the dossier's latest event."""
    from motcua.documents.services import control_sheet

    user = _user(request)
    dossier = visible_dossier(user, pk)
    try:
        doc = control_sheet(dossier=dossier, user=user)
    except NotFound:
        raise Http404(_("No such dossier.")) from None
    return _generated_response(request, doc)


urlpatterns: list[URLPattern] = [
    path("dossiers/<int:pk>/", dossier_page, name="dossier"),
    path("dossiers/<int:pk>/control-sheet/", control_sheet_file, name="control_sheet"),
    path("dossiers/<int:pk>/events/<int:event_pk>/slip/", event_slip, name="slip"),
    path("dossiers/<int:pk>/<str:action>/", dossier_action, name="dossier_action"),
    path("documents/<int:doc_pk>/", document_file, name="document"),
    path("results/<int:result_pk>/", result_file, name="result_file"),
    path("generated/<int:doc_pk>/", generated_file, name="generated"),
]
