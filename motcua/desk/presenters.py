"""Display helpers for the desk's pages: labels, due badges, the acceptance limit of online
arrivals, e-form rows and the control-sheet timeline.

Reads only: nothing here changes a dossier. The facts come from the selectors and the pure
time rules (``motcua.worktime``, ``motcua.dossiers.timeliness``); templates get plain values.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.dossiers.lifecycle import Action, State
from motcua.dossiers.models import Channel, Dossier, DossierEvent, DossierState
from motcua.dossiers.selectors import timeliness_facts
from motcua.dossiers.services import calendar_for
from motcua.dossiers.timeliness import due_state
from motcua.worktime.calendar import WorkCalendar, to_local
from motcua.worktime.deadlines import compute_due, elapsed_working_time

# Online arrivals are accepted or returned within 8 working hours (rules.md §3).
ACCEPTANCE_LIMIT_HOURS = 8
ONLINE_CHANNELS = frozenset({Channel.ONLINE, Channel.VNEID})

# What happened, as the timeline says it (every action the ledger may hold).
EVENT_LABELS: dict[str, Promise] = {
    "submit": gettext_lazy("Submitted online"),
    "receive": gettext_lazy("Received at the counter"),
    "spawn": gettext_lazy("Created for an interconnected dossier"),
    Action.ACCEPT: gettext_lazy("Accepted"),
    Action.ASK_TO_COMPLETE: gettext_lazy("Asked to complete the dossier"),
    Action.REFUSE: gettext_lazy("Refused"),
    Action.FORWARD: gettext_lazy("Forwarded"),
    Action.RETURN_TO_PREVIOUS: gettext_lazy("Returned to the previous step"),
    Action.REQUEST_SUPPLEMENT: gettext_lazy("Supplement requested"),
    Action.COMPLETE_SUPPLEMENT: gettext_lazy("Supplement received"),
    Action.REQUEST_PAYMENT: gettext_lazy("Payment requested"),
    Action.RECORD_PAYMENT: gettext_lazy("Payment recorded"),
    Action.APPROVE: gettext_lazy("Approved"),
    Action.ATTACH_RESULT: gettext_lazy("Result attached"),
    Action.SIGN_RESULT: gettext_lazy("Result signed"),
    Action.EXTEND: gettext_lazy("Apology and extension"),
    Action.STOP: gettext_lazy("Processing stopped"),
    Action.WITHDRAW: gettext_lazy("Withdrawn"),
    Action.RETURN_RESULT: gettext_lazy("Result returned"),
    Action.FINISH_GROUP: gettext_lazy("All agencies finished"),
    "reassign": gettext_lazy("Reassigned"),
}

# The button or heading of each action an official takes from the desk.
ACTION_TITLES: dict[Action, Promise] = {
    Action.ACCEPT: gettext_lazy("Accept"),
    Action.ASK_TO_COMPLETE: gettext_lazy("Ask to complete (Mẫu 02)"),
    Action.REFUSE: gettext_lazy("Refuse (Mẫu 03)"),
    Action.COMPLETE_SUPPLEMENT: gettext_lazy("Record the papers the applicant added"),
    Action.FORWARD: gettext_lazy("Forward to the next step"),
    Action.RETURN_TO_PREVIOUS: gettext_lazy("Return to the previous step"),
    Action.REQUEST_SUPPLEMENT: gettext_lazy("Request a supplement (Mẫu 02)"),
    Action.REQUEST_PAYMENT: gettext_lazy("Request payment of fees"),
    Action.RECORD_PAYMENT: gettext_lazy("Record a payment at the counter"),
    Action.APPROVE: gettext_lazy("Approve"),
    Action.ATTACH_RESULT: gettext_lazy("Attach the result"),
    Action.SIGN_RESULT: gettext_lazy("Sign the result"),
    Action.RETURN_RESULT: gettext_lazy("Return the result to the applicant"),
    Action.EXTEND: gettext_lazy("Apologise and extend (Mẫu 04)"),
    Action.STOP: gettext_lazy("Stop processing (Mẫu 05)"),
    Action.WITHDRAW: gettext_lazy("Record a withdrawal requested by the applicant"),
}

# Actions whose mistake is hard to undo: their button is styled as dangerous.
DANGEROUS_ACTIONS = frozenset({Action.REFUSE, Action.STOP, Action.WITHDRAW})

# The link to print the slip an event produced, by form number.
SLIP_LINKS: dict[str, Promise] = {
    "01": gettext_lazy("Print the receipt (Mẫu 01)"),
    "02": gettext_lazy("Print the request to complete (Mẫu 02)"),
    "03": gettext_lazy("Print the refusal (Mẫu 03)"),
    "04": gettext_lazy("Print the apology and extension (Mẫu 04)"),
    "05": gettext_lazy("Print the notice of stopping (Mẫu 05)"),
}


def slip_form(action: str) -> str | None:
    """The form number ("01"–"05") of the slip an event of ``action`` produces, or None."""
    from motcua.documents.services import slip_form_for_action

    form = slip_form_for_action(action)
    return str(form.value) if form is not None else None


def event_label(action: str) -> str:
    label = EVENT_LABELS.get(action)
    return str(label) if label is not None else action


def state_name(value: str) -> str:
    """The label of a stored state value ("" for none)."""
    if not value:
        return ""
    try:
        return str(DossierState(value).label)
    except ValueError:
        return value


@dataclass(frozen=True)
class Badge:
    """A due-time badge: the CSS class (in-time / due-soon / overdue) and its text."""

    css: str
    label: str


_BADGES = {
    "in_time": ("in-time", gettext_lazy("In time")),
    "due_soon": ("due-soon", gettext_lazy("Due soon")),
    "overdue": ("overdue", gettext_lazy("Overdue")),
}


def due_badge(dossier: Dossier, *, now: dt.datetime) -> Badge | None:
    """In time / due soon (≤ 8 working hours left) / overdue for an accepted, unfinished
    dossier, with the applicant's supplement time excluded; None otherwise."""
    if dossier.accepted_at is None or dossier.finished_at is not None:
        return None
    cal = calendar_for(dossier.competent_agency, dossier.accepted_at, years=4)
    state = due_state(timeliness_facts(dossier), now=now, cal=cal)
    if state is None:
        return None
    css, label = _BADGES[state]
    return Badge(css, str(label))


def duration_text(left: dt.timedelta) -> str:
    """Working time as "5 h 20 min" (hours may exceed a day's office hours)."""
    minutes = int(left.total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    if hours and minutes:
        return _("%(h)d h %(m)d min") % {"h": hours, "m": minutes}
    if hours:
        return _("%(h)d h") % {"h": hours}
    return _("%(m)d min") % {"m": minutes}


@dataclass(frozen=True)
class AcceptanceLimit:
    """The 8-working-hour limit of an online arrival: when it ends and what is left."""

    deadline: dt.datetime
    left: dt.timedelta
    overdue: bool

    @property
    def badge(self) -> Badge:
        if self.overdue:
            return Badge("overdue", _("Acceptance overdue"))
        text = _("%(left)s left to accept") % {"left": duration_text(self.left)}
        css = "due-soon" if self.left <= dt.timedelta(hours=2) else "in-time"
        return Badge(css, text)


def acceptance_limit(
    dossier: Dossier, *, now: dt.datetime, cal: WorkCalendar | None = None
) -> AcceptanceLimit | None:
    """For a dossier that arrived online and awaits intake: the end of the 8 working hours
    from its arrival (counted from the next opening when it arrived out of office hours)
    and the working time left; None for other dossiers."""
    if dossier.channel not in ONLINE_CHANNELS or dossier.state != State.SUBMITTED:
        return None
    cal = cal or calendar_for(dossier.receiving_agency, dossier.received_at)
    deadline = compute_due(cal, dossier.received_at, ACCEPTANCE_LIMIT_HOURS, "working_hours")
    if now >= deadline:
        return AcceptanceLimit(deadline, dt.timedelta(0), True)
    start = max(now, dossier.received_at)
    return AcceptanceLimit(deadline, elapsed_working_time(cal, start, deadline), False)


@dataclass(frozen=True)
class EformRow:
    name: str
    label: str
    value: str


def _display(value: Any, prop: dict[str, Any]) -> str:
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if value is None:
        return ""
    if prop.get("format") == "date" and isinstance(value, str):
        try:
            return date_format(dt.date.fromisoformat(value), "d/m/Y")
        except ValueError:
            return value
    if isinstance(value, list):
        return ", ".join(_display(v, prop.get("items") or {}) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_display(v, {})}" for k, v in value.items())
    return str(value)


def eform_rows(schema: dict[str, Any], data: Any) -> list[EformRow]:
    """The e-form data as (label, value) rows in the schema's order, labels from the
    fields' titles; values the schema does not describe follow under their own names."""
    if not isinstance(data, dict):
        return []
    properties: dict[str, Any] = (schema or {}).get("properties") or {}
    rows = [
        EformRow(name, str(prop.get("title") or name), _display(data[name], prop))
        for name, prop in properties.items()
        if name in data
    ]
    rows += [EformRow(k, k, _display(v, {})) for k, v in data.items() if k not in properties]
    return rows


@dataclass(frozen=True)
class TimelineEntry:
    event: DossierEvent
    label: str
    handover: Any  # workflow.HandOver | None
    slip_form: str | None

    @property
    def slip_link(self) -> str:
        return str(SLIP_LINKS.get(self.slip_form or "", ""))

    @property
    def from_label(self) -> str:
        return state_name(self.event.from_state)

    @property
    def to_label(self) -> str:
        return state_name(self.event.to_state)


def timeline(dossier: Dossier) -> list[TimelineEntry]:
    """The control sheet as a timeline: every event of the dossier (time, who, what, why),
    with the hand-over it made (from/to agency, step, early/on time/late) when it made one,
    and the slip it produced."""
    events: QuerySet[DossierEvent] = dossier.events.select_related(
        "handover__from_agency", "handover__to_agency", "handover__to_user"
    ).order_by("seq")
    forms: dict[str, str | None] = {}
    entries = []
    for event in events:
        if event.action not in forms:
            forms[event.action] = slip_form(event.action)
        handover = getattr(event, "handover", None)
        entries.append(
            TimelineEntry(event, event_label(event.action), handover, forms[event.action])
        )
    return entries


def local_time(at: dt.datetime | None) -> str:
    """ "HH:MM dd/mm/yyyy" in Vietnam time (the desk's usual format)."""
    if at is None:
        return ""
    return to_local(at).strftime("%H:%M %d/%m/%Y")
