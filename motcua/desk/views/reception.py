"""The reception desk (bộ phận một cửa): the queue of arrivals awaiting intake, and the
walk-in form that receives a dossier at the counter and decides on it in one go.

A walk-in form carries a one-time token: the dossier it created is recorded against the
token (``IdempotencyRecord``, unique per official and token), so a double click or a retry
of the same form opens the dossier made the first time instead of making a second one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.catalog.models import ProcedureVersion, VersionStatus
from motcua.catalog.selectors import search_procedures
from motcua.core.errors import DomainError
from motcua.desk.access import official_required
from motcua.desk.forms import (
    EFORM_PREFIX,
    Decision,
    LookupForm,
    ProcedureSearchForm,
    WalkInForm,
    desk_choices,
)
from motcua.desk.presenters import AcceptanceLimit, acceptance_limit, slip_form
from motcua.dossiers.actors import Actor
from motcua.dossiers.lifecycle import State
from motcua.dossiers.models import Dossier, DossierEvent, IdempotencyRecord
from motcua.dossiers.permissions import RECEPTION
from motcua.dossiers.selectors import visible_dossiers
from motcua.dossiers.services import (
    calendar_for,
    dossier_accept,
    dossier_ask_to_complete,
    dossier_receive,
    dossier_refuse,
)
from motcua.org.models import Agency, User
from motcua.org.personal_id import PROVINCES
from motcua.org.selectors import agencies_in_scope
from motcua.worktime.calendar import WorkCalendar

QUEUE_LIMIT = 200
# The desk's one-time form tokens live in the idempotency table under this owner prefix.
TOKEN_OWNER = "desk-walk-in"


def reception_desks(user: User) -> QuerySet[Agency]:
    """The one-stop reception points where ``user`` receives dossiers."""
    return desk_choices(agencies_in_scope(user, RECEPTION))


def _not_at_a_desk(request: HttpRequest) -> HttpResponse:
    return render(request, "desk/reception_no_desk.html", {"nav": "reception"}, status=403)


@dataclass(frozen=True)
class QueueRow:
    dossier: Dossier
    limit: AcceptanceLimit | None


def intake_queue(user: User, desks: QuerySet[Agency], *, now: dt.datetime) -> list[QueueRow]:
    """Arrivals awaiting intake at ``desks`` (online, postal, registered at the counter):
    online ones first by the end of their 8 working hours, then by arrival."""
    dossiers = list(
        visible_dossiers(user)
        .filter(receiving_agency__in=desks, state__in=[State.SUBMITTED, State.RECEIVED])
        .select_related("procedure_version", "procedure_group", "receiving_agency")
        .order_by("received_at", "pk")[:QUEUE_LIMIT]
    )
    calendars: dict[int, WorkCalendar] = {}
    rows = []
    for d in dossiers:
        cal = calendars.get(d.receiving_agency_id)
        if cal is None:
            cal = calendars[d.receiving_agency_id] = calendar_for(d.receiving_agency, now)
        rows.append(QueueRow(d, acceptance_limit(d, now=now, cal=cal)))
    rows.sort(
        key=lambda r: (r.limit is None, r.limit.deadline if r.limit else r.dossier.received_at)
    )
    return rows


@official_required
def reception(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    desks = reception_desks(user)
    if not desks.exists():
        return _not_at_a_desk(request)
    now = timezone.now()
    waiting = (
        visible_dossiers(user)
        .filter(receiving_agency__in=desks, state=State.INTAKE_INCOMPLETE)
        .select_related("procedure_version", "procedure_group")
        .order_by("received_at", "pk")[:QUEUE_LIMIT]
    )
    return render(
        request,
        "desk/reception.html",
        {
            "nav": "reception",
            "queue": intake_queue(user, desks, now=now),
            "waiting": waiting,
            "search": ProcedureSearchForm(),
            "desks": desks,
        },
    )


def _published(code: str) -> ProcedureVersion | None:
    if not code:
        return None
    return (
        ProcedureVersion.objects.filter(
            procedure__code=code.strip(), status=VersionStatus.PUBLISHED
        )
        .select_related("procedure", "field")
        .first()
    )


def _applicant_initial(user: User, lookup: str) -> dict[str, Any] | None:
    """The applicant of ``user``'s latest visible dossier with this personal ID or tax code."""
    number = lookup.strip()
    if not number:
        return None
    found = (
        visible_dossiers(user)
        .filter(applicant_personal_id=number)
        .order_by("-received_at", "-pk")
        .first()
    ) or (visible_dossiers(user).filter(applicant_org_code=number).order_by("-received_at").first())
    if found is None:
        return None
    return {
        "applicant_kind": found.applicant_kind,
        "personal_id": found.applicant_personal_id,
        "org_code": found.applicant_org_code,
        "name": found.applicant_name,
        "birth_date": found.applicant_birth_date,
        "address": found.applicant_address,
        "phone": found.applicant_phone,
        "email": found.applicant_email,
    }


def _focus(form: WalkInForm, lookup: LookupForm, *, looked_up: bool, found: bool) -> None:
    """Put the cursor where the official types next: the first field with an error; else,
    after a look-up, the first field still to fill; else the look-up box."""
    if form.is_bound and form.errors:
        name = next((n for n in form.fields if n in form.errors), None)
        if name is not None and not form[name].is_hidden and name != "applicant_kind":
            form.fields[name].widget.attrs["autofocus"] = True
        return
    if not looked_up:
        lookup.fields["lookup"].widget.attrs["autofocus"] = True
        return
    if not found:
        form.fields["name"].widget.attrs["autofocus"] = True
        return
    eform = [n for n in form.fields if n.startswith(EFORM_PREFIX)]
    form.fields[eform[0] if eform else "address"].widget.attrs["autofocus"] = True


def _token_record(user: User, token: str) -> IdempotencyRecord | None:
    return IdempotencyRecord.objects.filter(owner=f"{TOKEN_OWNER}:{user.pk}", key=token).first()


def _event_after(dossier: Dossier) -> DossierEvent | None:
    return dossier.events.order_by("-seq").first()


class _Replayed(Exception):
    pass


def receive_and_decide(form: WalkInForm, *, user: User, token: str) -> Dossier:
    """Register the dossier at the counter and take the intake decision, in one
    transaction: if the decision is refused (e.g. nothing to ask for) nothing is stored.
    The form token is recorded with the dossier, once (raises ``_Replayed`` when another
    request with the same token won)."""
    actor = Actor.official(user)
    data = form.cleaned_data
    try:
        with transaction.atomic():
            d = dossier_receive(spec=form.spec(), actor=actor)
            if form.decision == Decision.ACCEPT:
                d = dossier_accept(dossier=d, actor=actor, expected_version=d.version)
            elif form.decision == Decision.ASK_TO_COMPLETE:
                d = dossier_ask_to_complete(
                    dossier=d,
                    actor=actor,
                    items=form.items_to_add(),
                    reason=data.get("reason") or "",
                    expected_version=d.version,
                )
            elif form.decision == Decision.REFUSE:
                d = dossier_refuse(
                    dossier=d,
                    actor=actor,
                    reason=data.get("reason") or "",
                    expected_version=d.version,
                )
            IdempotencyRecord.objects.create(
                owner=f"{TOKEN_OWNER}:{user.pk}",
                key=token,
                request_hash=hashlib.sha256(token.encode()).hexdigest(),
                dossier=d,
                status=302,
                response={"dossier": d.pk},
            )
    except IntegrityError:
        if _token_record(user, token) is not None:
            raise _Replayed from None
        raise
    return d


def _done_message(d: Dossier, decision: str) -> str:
    values = {"code": d.code}
    if decision == Decision.ACCEPT:
        return _("Dossier %(code)s accepted. Print the receipt for the applicant.") % values
    if decision == Decision.ASK_TO_COMPLETE:
        return _("Dossier %(code)s: the applicant is asked to complete it.") % values
    if decision == Decision.REFUSE:
        return _("Dossier %(code)s refused.") % values
    return _("Dossier %(code)s registered; it waits in the reception queue.") % values


def dossier_url(d: Dossier, event: DossierEvent | None = None) -> str:
    url = reverse("desk:dossier", args=[d.pk])
    if event is not None and slip_form(event.action) is not None:
        url += "?" + urlencode({"slip": event.pk})
    return url


def _replay(request: HttpRequest, record: IdempotencyRecord) -> HttpResponse:
    messages.info(
        request,
        _("This form was already sent: dossier %(code)s was recorded then.")
        % {"code": record.dossier.code},
    )
    return HttpResponseRedirect(reverse("desk:dossier", args=[record.dossier_id]))


@official_required
def reception_new(request: HttpRequest) -> HttpResponse:
    """Receive a dossier at the counter: choose the procedure, then fill in its form."""
    user: Any = request.user
    desks = reception_desks(user)
    if not desks.exists():
        return _not_at_a_desk(request)
    code = request.POST.get("procedure") or request.GET.get("procedure") or ""
    version = _published(code)
    if version is None:
        return _pick_procedure(request)

    lookup = LookupForm(request.GET if "lookup" in request.GET else None)
    looked_up = (
        request.method != "POST" and lookup.is_valid() and bool(lookup.cleaned_data["lookup"])
    )
    prefill = None
    if looked_up:
        prefill = _applicant_initial(user, lookup.cleaned_data["lookup"])
        if prefill is None:
            messages.info(request, _("No earlier dossier of this applicant: fill in the form."))
    status = 200
    if request.method == "POST":
        decision = request.POST.get("decision", Decision.ACCEPT)
        form = WalkInForm(
            request.POST, request.FILES, version=version, desks=desks, decision=decision
        )
        token = request.POST.get("form_token", "")
        record = _token_record(user, token) if token else None
        if record is not None:
            return _replay(request, record)
        if form.is_valid():
            token = str(form.cleaned_data["form_token"])
            try:
                d = receive_and_decide(form, user=user, token=token)
            except _Replayed:
                found = _token_record(user, token)
                assert found is not None
                return _replay(request, found)
            except DomainError as exc:
                form.apply_errors(exc)
                status = exc.status
            else:
                messages.success(request, _done_message(d, form.decision))
                return HttpResponseRedirect(dossier_url(d, _event_after(d)))
        else:
            status = 422
    else:
        initial: dict[str, Any] = {"form_token": uuid.uuid4()}
        if prefill is not None:
            initial.update(prefill)
        elif looked_up:
            initial["personal_id"] = lookup.cleaned_data["lookup"]
        form = WalkInForm(initial=initial, version=version, desks=desks)
    lookup_form = lookup if lookup.is_bound else LookupForm()
    _focus(form, lookup_form, looked_up=looked_up, found=prefill is not None)
    return render(
        request,
        "desk/reception_new.html",
        {
            "nav": "reception",
            "version": version,
            "fees": list(version.fees.order_by("position")),
            "form": form,
            "lookup": lookup_form,
            "decisions": Decision,
            "provinces": dict(PROVINCES),
        },
        status=status,
    )


def _pick_procedure(request: HttpRequest) -> HttpResponse:
    search = ProcedureSearchForm(request.GET or None)
    query = search.cleaned_data["q"] if search.is_valid() else ""
    results = search_procedures(query, limit=30) if query else []
    exact = [v for v in results if v.procedure.code == query.strip()]
    if exact:
        return HttpResponseRedirect(
            reverse("desk:reception_new") + "?" + urlencode({"procedure": exact[0].procedure.code})
        )
    return render(
        request,
        "desk/reception_pick.html",
        {"nav": "reception", "search": search, "query": query, "results": results},
    )


urlpatterns: list[URLPattern] = [
    path("reception/", reception, name="reception"),
    path("reception/new/", reception_new, name="reception_new"),
]
