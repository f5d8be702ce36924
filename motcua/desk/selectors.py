"""Reads for the workspace's lists: the inbox (the work waiting for an official in each of
their roles), the center manager's list of everything received at the center, and the
quick search.

Every list is scoped through :func:`motcua.dossiers.selectors.visible_dossiers` and then
narrowed by the role rule, in SQL: a page of rows is one query, whatever its length. The
due badge of each row is computed in Python for the page only, from one calendar per
agency (one query for the calendar revision) and one query for the supplement pauses.

Due badges:

* accepted, unfinished dossiers: the Decision 766 rule (``timeliness.due_state``):
  overdue once the appointment, shifted by the applicant's supplement time, has passed (or
  after a second supplement request); *due soon* when at most one working day (8 working
  hours, counted on the worktime calendar) is left; else in time;
* online arrivals awaiting intake: the 8-working-hour acceptance limit
  (``presenters.acceptance_limit``): due soon when at most 2 working hours are left.

Lists are sorted by urgency: overdue first, then the earliest due time.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import reduce
from operator import or_
from typing import Any
from urllib.parse import parse_qs, urlsplit

from django.conf import settings
from django.db import NotSupportedError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import (
    Case,
    CharField,
    Count,
    F,
    Func,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.sql.compiler import SQLCompiler
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from motcua.core.text import fold, nfc
from motcua.desk.presenters import (
    ACCEPTANCE_LIMIT_HOURS,
    ONLINE_CHANNELS,
    Badge,
    acceptance_limit,
)
from motcua.dossiers.lifecycle import OPEN_ACCEPTED, State
from motcua.dossiers.models import Dossier, DossierState, SupplementRequest
from motcua.dossiers.selectors import visible_dossiers
from motcua.dossiers.timeliness import Pause, TimelinessFacts, due_state
from motcua.org.models import Agency, Role, RoleAssignment, User
from motcua.org.selectors import is_province_admin
from motcua.worktime.calendar import WorkCalendar, to_local
from motcua.worktime.selectors import calendar_revision, office_hours_for, year_calendar

PAGE_SIZE = 50
ACCEPTANCE_LIMIT = dt.timedelta(hours=ACCEPTANCE_LIMIT_HOURS)


class WorkList(StrEnum):
    INTAKE = "intake"  # reception: arrivals to accept, accepted dossiers to hand over
    PROCESS = "process"  # specialists, leaders: the workflow steps held by their role
    RETURN = "return"  # reception: results ready to hand to the applicant


WORK_LIST_LABELS: dict[WorkList, Promise] = {
    WorkList.INTAKE: gettext_lazy("To receive"),
    WorkList.PROCESS: gettext_lazy("To process"),
    WorkList.RETURN: gettext_lazy("Results to return"),
}

WORK_LIST_STATES: dict[WorkList, tuple[str, ...]] = {
    WorkList.INTAKE: (State.SUBMITTED, State.RECEIVED, State.ACCEPTED),
    WorkList.PROCESS: (State.PROCESSING, State.APPROVED),
    WorkList.RETURN: (State.RESOLVED,),
}

_BADGES: dict[str, tuple[str, Promise]] = {
    "in_time": ("in-time", gettext_lazy("In time")),
    "due_soon": ("due-soon", gettext_lazy("Due soon")),
    "overdue": ("overdue", gettext_lazy("Overdue")),
}


class CurrentStep(Func):
    """``workflow_steps[current_step - 1][key]`` as text, computed by the database.

    NULL when no step holds the dossier. Written for SQLite and PostgreSQL, the two
    databases MotCua runs on.
    """

    output_field = CharField()

    def __init__(self, key: str) -> None:
        if not re.fullmatch(r"[a-z_]+", key):
            raise ValueError(f"bad step key {key!r}")
        self.key = key
        super().__init__(F("workflow_steps"), F("current_step"))

    def _parts(self, compiler: SQLCompiler, connection: Any) -> tuple[str, str, list[Any]]:
        steps_sql, steps_params = compiler.compile(self.source_expressions[0])
        step_sql, step_params = compiler.compile(self.source_expressions[1])
        return steps_sql, step_sql, [*steps_params, *step_params]

    def as_sql(
        self,
        compiler: SQLCompiler,
        connection: BaseDatabaseWrapper,
        function: str | None = None,
        template: str | None = None,
        arg_joiner: str | None = None,
        **extra_context: Any,
    ) -> tuple[str, list[Any]]:
        raise NotSupportedError("CurrentStep needs SQLite or PostgreSQL")

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        steps, step, params = self._parts(compiler, connection)
        sql = f"json_extract({steps}, '$[' || (({step}) - 1) || '].{self.key}')"
        return sql, params

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        steps, step, params = self._parts(compiler, connection)
        return f"(({steps}) -> (({step}) - 1) ->> '{self.key}')", params


# --- filters ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ListFilter:
    """What the official narrowed a list to (empty values: no narrowing)."""

    state: str = ""
    procedure: str = ""
    channel: str = ""
    overdue: bool = False
    text: str = ""


@dataclass(frozen=True)
class Row:
    """One line of a list: the dossier, the time it is due (the appointment, or for an
    online arrival the end of its acceptance limit) and the badge."""

    dossier: Dossier
    due: dt.datetime | None
    acceptance: bool  # ``due`` is the acceptance limit, not the appointment
    badge: Badge | None


@dataclass
class ListPage:
    rows: list[Row]
    total: int
    page: int
    pages: int
    # (state, label, count) for every state of the list, with the other filters applied
    state_counts: list[tuple[str, str, int]] = field(default_factory=list)
    procedures: list[tuple[str, str]] = field(default_factory=list)

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def _role_paths(user: User) -> dict[str, list[str]]:
    """The agency paths where ``user`` holds each role (one query)."""
    paths: dict[str, list[str]] = defaultdict(list)
    rows = RoleAssignment.objects.filter(user=user).values_list("role", "agency__path")
    for role, path in rows:
        paths[role].append(path)
    return dict(paths)


def _subtrees(paths: Iterable[str]) -> QuerySet[Agency]:
    """The agencies at ``paths`` and under them, as a subquery."""
    conditions = [Q(path__startswith=p) for p in paths]
    if not conditions:
        return Agency.objects.none()
    return Agency.objects.filter(reduce(or_, conditions))


def _with_step(qs: QuerySet[Dossier]) -> QuerySet[Dossier]:
    return qs.annotate(step_role=CurrentStep("role"), step_name=CurrentStep("name"))


def work_conditions(user: User) -> dict[WorkList, Q]:
    """For each list the official has, the rule that picks its dossiers.

    * reception officer, at their desks: arrivals to accept (received, online), accepted
      dossiers not yet handed to the first step; results to return there;
    * every role: dossiers being processed at a step of that role, at an agency where the
      official holds it, not assigned to someone else (a leader also sees those approved
      and awaiting the signature).
    """
    if not user.is_active:
        return {}
    paths = _role_paths(user)
    lists: dict[WorkList, Q] = {}
    reception = paths.get(Role.RECEPTION_OFFICER)
    if reception:
        desks = _subtrees(reception).values("pk")
        lists[WorkList.INTAKE] = Q(
            state__in=[State.SUBMITTED, State.RECEIVED], receiving_agency__in=desks
        ) | Q(state=State.ACCEPTED, current_step__isnull=True, current_agency__in=desks)
        lists[WorkList.RETURN] = Q(state=State.RESOLVED) & (
            Q(return_agency__in=desks) | Q(return_agency__isnull=True, receiving_agency__in=desks)
        )
    steps = []
    for role, role_paths in sorted(paths.items()):
        if role in {Role.PROVINCE_ADMIN, Role.AUDITOR}:
            continue
        held = Q(current_agency__in=_subtrees(role_paths).values("pk")) & (
            Q(current_assignee__isnull=True) | Q(current_assignee=user)
        )
        at_step = Q(state=State.PROCESSING, step_role=role)
        if role == Role.LEADER:
            at_step |= Q(state=State.APPROVED)
        else:
            at_step |= Q(state=State.APPROVED, step_role=role)
        steps.append(held & at_step)
    if steps:
        lists[WorkList.PROCESS] = reduce(or_, steps)
    return lists


def work_counts(
    user: User, conditions: dict[WorkList, Q], *, visible: QuerySet[Dossier] | None = None
) -> dict[WorkList, int]:
    """How many dossiers each list holds (one query)."""
    if not conditions:
        return {}
    visible = visible_dossiers(user) if visible is None else visible
    qs = _with_step(visible).filter(reduce(or_, conditions.values()))
    counts = qs.aggregate(**{wl.value: Count("pk", filter=q) for wl, q in conditions.items()})
    return {wl: int(counts[wl.value] or 0) for wl in conditions}


# --- calendars and badges ---------------------------------------------------------------


class Calendars:
    """Work calendars per agency for one page, sharing one revision check."""

    def __init__(self, first_year: int, last_year: int) -> None:
        self.first_year, self.last_year = first_year, last_year
        self.revision = calendar_revision()
        self.years = [
            year_calendar(y, revision=self.revision) for y in range(first_year, last_year + 1)
        ]
        self._by_agency: dict[int | None, WorkCalendar] = {}

    def for_agency(self, agency: Agency | None) -> WorkCalendar:
        key = agency.pk if agency is not None else None
        cal = self._by_agency.get(key)
        if cal is None:
            cal = WorkCalendar.build(
                self.first_year,
                self.last_year,
                (mark for year in self.years for mark in year.marks),
                office_hours=office_hours_for(agency, revision=self.revision),
                provisional_years=(y.year for y in self.years if y.provisional),
            )
            self._by_agency[key] = cal
        return cal


def _year_range(dossiers: Sequence[Dossier], now: dt.datetime) -> tuple[int, int]:
    years = [to_local(now).year]
    for d in dossiers:
        years.append(to_local(d.accepted_at or d.received_at).year)
        if d.due_at is not None:
            years.append(to_local(d.due_at).year)
    return min(years) - 1, max(years) + 2


def _pauses(dossiers: Sequence[Dossier]) -> dict[int, list[Pause]]:
    """The supplement pauses of the page's dossiers that had one (one query, or none)."""
    ids = [d.pk for d in dossiers if d.supplement_requests and d.state in OPEN_ACCEPTED]
    pauses: dict[int, list[Pause]] = defaultdict(list)
    if ids:
        rows = SupplementRequest.objects.filter(dossier_id__in=ids, at_intake=False)
        for dossier_id, start, end in rows.values_list(
            "dossier_id", "requested_at", "completed_at"
        ):
            pauses[dossier_id].append(Pause(start=start, end=end))
    return pauses


def decorate(dossiers: Sequence[Dossier], *, now: dt.datetime) -> list[Row]:
    """The rows of a page: each dossier with its due time and badge."""
    if not dossiers:
        return []
    cals = Calendars(*_year_range(dossiers, now))
    pauses = _pauses(dossiers)
    rows = []
    for d in dossiers:
        limit = acceptance_limit(d, now=now, cal=cals.for_agency(d.receiving_agency))
        if limit is not None:
            rows.append(Row(d, limit.deadline, True, limit.badge))
            continue
        badge = None
        if d.state in OPEN_ACCEPTED and d.accepted_at is not None and d.due_at is not None:
            facts = TimelinessFacts(
                accepted_at=d.accepted_at,
                due_at=d.due_at,
                finished_at=d.finished_at,
                pauses=tuple(pauses.get(d.pk, ())),
                supplement_requests=d.supplement_requests,
            )
            state = due_state(facts, now=now, cal=cals.for_agency(d.competent_agency))
            if state is not None:
                css, label = _BADGES[state]
                badge = Badge(css, str(label))
        rows.append(Row(d, d.due_at, False, badge))
    return rows


def _working_time_before(cal: WorkCalendar, end: dt.datetime, amount: dt.timedelta) -> dt.datetime:
    """The latest instant from which ``amount`` of office time has passed by ``end``."""
    end = to_local(end)
    remaining = amount
    day = end.date()
    while True:
        for start, stop in reversed(cal.periods(day)):
            if start >= end:
                continue
            stop = min(stop, end)
            if remaining <= stop - start:
                return stop - remaining
            remaining -= stop - start
        day -= dt.timedelta(days=1)


def _acceptance_overdue(desks: Iterable[Agency], now: dt.datetime) -> Q:
    """Online arrivals whose 8-working-hour acceptance limit has passed, at ``desks``."""
    desks = list(desks)
    if not desks:
        return Q(pk__in=[])
    cals = Calendars(to_local(now).year - 1, to_local(now).year)
    conditions = [
        Q(
            receiving_agency=desk,
            received_at__lte=_working_time_before(cals.for_agency(desk), now, ACCEPTANCE_LIMIT),
        )
        for desk in desks
    ]
    return Q(state=State.SUBMITTED, channel__in=list(ONLINE_CHANNELS)) & reduce(or_, conditions)


def overdue_condition(now: dt.datetime, desks: Iterable[Agency] = ()) -> Q:
    """The dossiers that may be overdue: open ones past their stored appointment (the
    supplement pauses may still move it later) or supplemented twice, and online arrivals
    at ``desks`` past their acceptance limit (exact)."""
    past_due = Q(state__in=list(OPEN_ACCEPTED), due_at__lt=now)
    twice = Q(state__in=list(OPEN_ACCEPTED), supplement_requests__gt=1)
    return past_due | twice | _acceptance_overdue(desks, now)


def _filter(qs: QuerySet[Dossier], f: ListFilter) -> QuerySet[Dossier]:
    """The procedure, channel and text filters (the state counts are computed after
    these; the state and "overdue only" come last)."""
    if f.procedure:
        qs = qs.filter(
            Q(procedure_version__procedure__code=f.procedure) | Q(procedure_group__code=f.procedure)
        )
    if f.channel:
        qs = qs.filter(channel=f.channel)
    for word in fold(f.text).split():
        qs = qs.filter(search_key__contains=word)
    return qs


def _procedures(qs: QuerySet[Dossier]) -> list[tuple[str, str]]:
    """The procedures (and interconnected groups) the list holds, for its filter."""
    seen: dict[str, str] = {}
    rows = (
        qs.order_by()
        .values_list(
            "procedure_version__procedure__code",
            "procedure_version__name",
            "procedure_group__code",
            "procedure_group__name",
        )
        .distinct()
    )
    for code, name, group_code, group_name in rows:
        if code and code not in seen:
            seen[code] = name
        if group_code and group_code not in seen:
            seen[group_code] = group_name
    return sorted(seen.items(), key=lambda item: fold(item[1]))


# What a list row (and the reassignment page) shows of a dossier, in one query.
ROW_RELATIONS = (
    "procedure_version",
    "procedure_group",
    "receiving_agency",
    "competent_agency",
    "current_agency",
    "current_assignee",
)


def _rows_query(qs: QuerySet[Dossier], ordering: Sequence[Any]) -> QuerySet[Dossier]:
    return (
        qs.select_related(*ROW_RELATIONS).defer("eform_data", "workflow_steps").order_by(*ordering)
    )


def _page(
    qs: QuerySet[Dossier],
    f: ListFilter,
    *,
    states: Sequence[str],
    ordering: Sequence[Any],
    page: int,
    now: dt.datetime,
    overdue: Callable[[], Q],
    with_procedures: bool = True,
) -> ListPage:
    """A page of ``qs`` narrowed by ``f``, with the counts per state.

    "Overdue only" is decided by the badge itself: SQL picks the candidates (past the stored
    appointment, or the acceptance limit), and the 766 rule with the supplement pauses keeps
    those really overdue, so the filter and the badges never disagree.
    """
    procedures = _procedures(qs) if with_procedures else []
    filtered = _filter(qs, f)
    rows: list[Row] | None = None
    counted: dict[str, int]
    if f.overdue:
        candidates = list(_rows_query(filtered.filter(overdue()), ordering))
        rows = [r for r in decorate(candidates, now=now) if r.badge and r.badge.css == "overdue"]
        counted = defaultdict(int)
        for row in rows:
            counted[row.dossier.state] += 1
    else:
        counted = dict(
            filtered.order_by()
            .values_list("state")
            .annotate(n=Count("pk"))
            .values_list("state", "n")
        )
    labels = dict(DossierState.choices)
    # Every state of a short list (inbox tabs); only those present in a long one.
    state_counts = [
        (s, str(labels[s]), int(counted.get(s, 0)))
        for s in states
        if len(states) <= 3 or counted.get(s) or s == f.state
    ]
    total = int(counted.get(f.state, 0)) if f.state else sum(int(n) for n in counted.values())
    pages = max(1, math.ceil(total / PAGE_SIZE))
    page = min(max(1, page), pages)
    start = (page - 1) * PAGE_SIZE
    if rows is not None:
        if f.state:
            rows = [r for r in rows if r.dossier.state == f.state]
        rows = rows[start : start + PAGE_SIZE]
    else:
        if f.state:
            filtered = filtered.filter(state=f.state)
        dossiers = list(_rows_query(filtered, ordering)[start : start + PAGE_SIZE])
        rows = decorate(dossiers, now=now)
    return ListPage(
        rows=rows,
        total=total,
        page=page,
        pages=pages,
        state_counts=state_counts,
        procedures=procedures,
    )


def _desks(paths: Iterable[str]) -> list[Agency]:
    return list(_subtrees(paths).filter(is_reception_point=True))


def work_page(
    user: User,
    work_list: WorkList,
    f: ListFilter,
    *,
    page: int,
    now: dt.datetime,
    conditions: dict[WorkList, Q] | None = None,
    visible: QuerySet[Dossier] | None = None,
) -> ListPage:
    """One page of one of the official's lists, most urgent first (``conditions`` and
    ``visible``, when the caller already has them, save their queries)."""
    conditions = work_conditions(user) if conditions is None else conditions
    if work_list not in conditions:
        return ListPage(rows=[], total=0, page=1, pages=1)
    visible = visible_dossiers(user) if visible is None else visible
    qs = _with_step(visible).filter(conditions[work_list])

    def overdue() -> Q:
        desks: list[Agency] = []
        if work_list is WorkList.INTAKE:
            desks = _desks(_role_paths(user).get(Role.RECEPTION_OFFICER, []))
        return overdue_condition(now, desks)

    ordering: list[Any]
    if work_list is WorkList.INTAKE:
        # Online arrivals first, oldest first: their acceptance limit runs out in that
        # order; then those handed in at a counter or by post, and accepted ones.
        online = Case(
            When(Q(state=State.SUBMITTED, channel__in=list(ONLINE_CHANNELS)), then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
        ordering = [online, "received_at", "pk"]
    elif work_list is WorkList.RETURN:
        ordering = [F("resolved_at").asc(nulls_last=True), "pk"]
    else:
        # The earliest appointment first is "overdue first, then the earliest due".
        ordering = [F("due_at").asc(nulls_last=True), "received_at", "pk"]
    return _page(
        qs,
        f,
        states=WORK_LIST_STATES[work_list],
        ordering=ordering,
        page=page,
        now=now,
        overdue=overdue,
    )


# --- the center manager -------------------------------------------------------------------


def managed_centers(user: User) -> list[Agency]:
    """The one-stop centers ``user`` manages (every reception point for the province
    administrator)."""
    if is_province_admin(user):
        return list(Agency.objects.filter(is_reception_point=True, active=True).order_by("path"))
    paths = _role_paths(user).get(Role.CENTER_MANAGER, [])
    return list(_subtrees(paths).filter(is_reception_point=True).order_by("path"))


def center_page(
    user: User, center: Agency, f: ListFilter, *, page: int, now: dt.datetime
) -> ListPage:
    """Every dossier received at ``center`` (or a desk under it): open ones by urgency,
    then the rest, newest first."""
    qs = visible_dossiers(user).filter(receiving_agency__in=center.subtree().values("pk"))
    is_open = Case(
        When(finished_at__isnull=True, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    open_due = Case(When(finished_at__isnull=True, then=F("due_at")))
    ordering = [is_open, open_due.asc(nulls_last=True), F("received_at").desc(), "-pk"]

    def overdue() -> Q:
        return overdue_condition(now, center.subtree().filter(is_reception_point=True))

    return _page(
        qs,
        f,
        states=[s.value for s in State],
        ordering=ordering,
        page=page,
        now=now,
        overdue=overdue,
    )


# --- quick search -------------------------------------------------------------------------


@dataclass(frozen=True)
class QuickQuery:
    """What was typed (or scanned) into the quick search box."""

    text: str
    code: str = ""  # a dossier code found in it
    from_receipt: bool = False  # a scanned receipt QR (the tracking URL) or a code inside text


def _code_pattern() -> re.Pattern[str]:
    regex = settings.MOTCUA_DOSSIER_CODE_REGEX.removeprefix("^").removesuffix("$")
    return re.compile(regex)


def parse_quick_query(raw: str) -> QuickQuery:
    """Find a dossier code in what the box received: the whole text, the ``code`` of a
    tracking URL (a receipt's QR code typed by the scanner), or a code inside other text."""
    text = nfc(raw)[:500]
    if not text:
        return QuickQuery(text="")
    pattern = _code_pattern()
    for candidate in (text, text.upper()):  # a code typed in lower case is still a code
        if re.fullmatch(pattern, candidate):
            return QuickQuery(text=text, code=candidate)
    for token in text.split():
        if "code=" in token:
            values = parse_qs(urlsplit(token).query).get("code") or []
            candidate = nfc(values[0]) if values else ""
            if re.fullmatch(pattern, candidate):
                return QuickQuery(text=text, code=candidate, from_receipt=True)
    found = pattern.search(text) or pattern.search(text.upper())
    if found:
        return QuickQuery(text=text, code=found.group(0), from_receipt=True)
    return QuickQuery(text=text)


def visible_code(user: User, code: str) -> int | None:
    """The id of the dossier with ``code`` if ``user`` may see it."""
    pk: int | None = visible_dossiers(user).filter(code=code).values_list("pk", flat=True).first()
    return pk


def search_page(user: User, text: str, *, page: int, now: dt.datetime) -> ListPage:
    """Dossiers whose code, applicant name (with or without diacritics), personal ID,
    tax code or phone contains every word of ``text``, newest first."""
    qs = visible_dossiers(user)
    return _page(
        qs,
        ListFilter(text=text),
        states=[s.value for s in State],
        ordering=[F("received_at").desc(), "-pk"],
        page=page,
        now=now,
        overdue=Q,
        with_procedures=False,
    )
