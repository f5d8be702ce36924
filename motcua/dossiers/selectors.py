"""Scoped reads of dossiers: what a caller may see is decided in the query.

An official sees the dossiers of the agencies where they hold a role (and the units under
them) as receiving desk, competent agency, current holder or return point; the province
administrator and an auditor placed at the province root see all. No per-row checks in
Python.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from django.db.models import Q, QuerySet
from django.utils import timezone

from motcua.core.text import fold
from motcua.dossiers.actors import Actor
from motcua.dossiers.lifecycle import Action, State, decide
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.permissions import may_act
from motcua.dossiers.services import (
    _previous_working_day_close,
    _situation,
    calendar_for,
    check_lookup_secret,
)
from motcua.dossiers.timeliness import Pause, Timeliness, TimelinessFacts, classify
from motcua.org.models import User
from motcua.org.selectors import assigned_subtrees, is_province_admin


def visible_dossiers(user: User) -> QuerySet[Dossier]:
    """Every dossier ``user`` may read, as one query (subqueries, no Python filtering)."""
    if not user.is_active:
        return Dossier.objects.none()
    if is_province_admin(user):
        return Dossier.objects.all()
    scope = assigned_subtrees(user).values("pk")
    return Dossier.objects.filter(
        Q(receiving_agency__in=scope)
        | Q(competent_agency__in=scope)
        | Q(current_agency__in=scope)
        | Q(return_agency__in=scope)
    )


@dataclass(frozen=True)
class DossierFilter:
    agency_id: int | None = None
    states: tuple[str, ...] = ()
    procedure_code: str = ""
    due_before: dt.datetime | None = None
    due_after: dt.datetime | None = None
    channel: str = ""
    text: str = ""


def filter_dossiers(qs: QuerySet[Dossier], f: DossierFilter) -> QuerySet[Dossier]:
    if f.agency_id is not None:
        qs = qs.filter(
            Q(receiving_agency_id=f.agency_id)
            | Q(competent_agency_id=f.agency_id)
            | Q(current_agency_id=f.agency_id)
        )
    if f.states:
        qs = qs.filter(state__in=f.states)
    if f.procedure_code:
        qs = qs.filter(procedure_version__procedure__code=f.procedure_code)
    if f.due_before is not None:
        qs = qs.filter(due_at__lt=f.due_before)
    if f.due_after is not None:
        qs = qs.filter(due_at__gte=f.due_after)
    if f.channel:
        qs = qs.filter(channel=f.channel)
    if f.text:
        words = fold(f.text).split()
        for word in words:
            qs = qs.filter(search_key__contains=word)
    return qs


def dossier_for_tracking(code: str, secret: str) -> Dossier | None:
    """The public tracking view: the dossier only with its code and lookup secret."""
    dossier = (
        Dossier.objects.select_related("procedure_version", "procedure_group")
        .filter(code=code.strip())
        .first()
    )
    if dossier is None or not check_lookup_secret(dossier, secret):
        return None
    return dossier


# Events the applicant sees in the public history (internal hand-overs are not shown).
PUBLIC_ACTIONS = frozenset(
    {
        "submit",
        "receive",
        "accept",
        "ask_to_complete",
        "refuse",
        "request_supplement",
        "complete_supplement",
        "request_payment",
        "record_payment",
        "sign_result",
        "extend",
        "stop",
        "withdraw",
        "return_result",
        "finish_group",
    }
)


def public_history(dossier: Dossier) -> QuerySet[DossierEvent]:
    return dossier.events.filter(action__in=PUBLIC_ACTIONS).order_by("seq")


def timeliness_facts(dossier: Dossier) -> TimelinessFacts:
    pauses = tuple(
        Pause(start=s.requested_at, end=s.completed_at)
        for s in dossier.supplements.all()
        if not s.at_intake
    )
    return TimelinessFacts(
        accepted_at=dossier.accepted_at,
        due_at=dossier.due_at,
        finished_at=dossier.finished_at,
        pauses=pauses,
        supplement_requests=dossier.supplement_requests,
    )


def dossier_timeliness(dossier: Dossier, *, now: dt.datetime | None = None) -> Timeliness:
    """On time / late as Decision 766 defines it; open dossiers against ``now``."""
    if dossier.accepted_at is None or dossier.state in {State.SUBMITTED, State.RECEIVED}:
        return Timeliness.NOT_APPLICABLE
    moment = now or timezone.now()
    cal = calendar_for(dossier.competent_agency, dossier.accepted_at, years=4)
    return classify(timeliness_facts(dossier), now=moment, cal=cal)


# What an official can do to a dossier from the desk, in the order the dossier page offers
# it (creating and system-only actions are not here).
DESK_ACTIONS: tuple[Action, ...] = (
    Action.ACCEPT,
    Action.ASK_TO_COMPLETE,
    Action.COMPLETE_SUPPLEMENT,
    Action.FORWARD,
    Action.APPROVE,
    Action.ATTACH_RESULT,
    Action.SIGN_RESULT,
    Action.RETURN_RESULT,
    Action.RECORD_PAYMENT,
    Action.REQUEST_PAYMENT,
    Action.REQUEST_SUPPLEMENT,
    Action.RETURN_TO_PREVIOUS,
    Action.EXTEND,
    Action.REFUSE,
    Action.STOP,
    Action.WITHDRAW,
)


def available_actions(
    dossier: Dossier, user: User, *, now: dt.datetime | None = None
) -> list[Action]:
    """The actions ``user`` may take on ``dossier`` now: those the lifecycle allows in the
    dossier's situation (``lifecycle.decide``) and the user's roles allow at its agencies
    (``permissions.may_act``, the rule the services enforce).

    Two actions are offered only where they make sense although the engine would take
    them: an extension needs an appointment, and a payment is recorded while something is
    still owed.
    """
    if not user.is_active:
        return []
    moment = now or timezone.now()
    actor = Actor.official(user)
    situation = _situation(dossier)
    allowed: list[Action] = []
    for action in DESK_ACTIONS:
        current = situation
        if action is Action.EXTEND:
            if dossier.due_at is None:
                continue
            cal = calendar_for(dossier.competent_agency, dossier.due_at)
            in_time = moment <= _previous_working_day_close(cal, dossier.due_at)
            current = replace(situation, extension_allowed_by_time=in_time)
        if action is Action.RECORD_PAYMENT and not (
            dossier.state == State.AWAITING_PAYMENT or dossier.paid_total < dossier.fee_total
        ):
            continue
        if decide(action, current).allowed and may_act(actor, action, dossier):
            allowed.append(action)
    return allowed
