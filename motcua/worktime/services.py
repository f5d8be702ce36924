"""Deadlines on the province's working calendar (lịch làm việc): the entry points other apps call.

``compute_due`` gives the appointment time (ngày hẹn trả) printed on the receipt;
``elapsed_working_time`` measures office time spent, minus supplement pauses.
Years without a recorded decision use the statutory provisional days.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from motcua.core.errors import InvalidInput
from motcua.core.text import nfc
from motcua.org.models import Agency
from motcua.worktime import deadlines
from motcua.worktime.calendar import WEEKEND, CalendarRangeError, DayMark, WorkCalendar, to_local
from motcua.worktime.models import CalendarDay, CalendarDayKind, CalendarRevision, CalendarYear
from motcua.worktime.selectors import REVISION_PK, clear_cache, work_calendar, year_calendar

T = TypeVar("T")


def bump_revision() -> None:
    """Mark every cached calendar stale (called on each edit of calendar data)."""
    clear_cache()
    updated = CalendarRevision.objects.filter(pk=REVISION_PK).update(number=F("number") + 1)
    if not updated:
        CalendarRevision.objects.get_or_create(pk=REVISION_PK, defaults={"number": 1})


def _forward(first_year: int, agency: Agency | None, compute: Callable[[WorkCalendar], T]) -> T:
    """Run ``compute`` on a calendar from ``first_year``, adding years until it fits."""
    last_year = first_year + 1
    while True:
        cal = work_calendar(first_year, last_year, agency)
        try:
            return compute(cal)
        except CalendarRangeError as exc:
            if exc.year <= last_year:
                raise
            last_year = exc.year + 1


def compute_due(
    *,
    received_at: dt.datetime,
    limit: int,
    unit: str,
    cutoff: dt.time | None = None,
    agency: Agency | None = None,
) -> dt.datetime:
    """The appointment time for a dossier received at ``received_at``.

    ``unit`` is one of "working_hours", "working_days", "days", "months". Raises
    ValueError for an unknown unit, a negative limit or a naive datetime.
    """
    deadlines.parse_unit(unit)
    deadlines.check_limit(limit)
    first_year = to_local(received_at).year
    return _forward(
        first_year, agency, lambda cal: deadlines.compute_due(cal, received_at, limit, unit, cutoff)
    )


def effective_acceptance(
    *, received_at: dt.datetime, cutoff: dt.time | None = None, agency: Agency | None = None
) -> dt.datetime:
    """When a dossier received at ``received_at`` counts as accepted."""
    first_year = to_local(received_at).year
    return _forward(
        first_year, agency, lambda cal: deadlines.effective_acceptance(cal, received_at, cutoff)
    )


def elapsed_working_time(
    *,
    start: dt.datetime,
    end: dt.datetime,
    pauses: Iterable[tuple[dt.datetime, dt.datetime]] = (),
    agency: Agency | None = None,
) -> dt.timedelta:
    """Office time between ``start`` and ``end`` minus ``pauses`` (supplement periods)."""
    first, last = to_local(start).year, to_local(end).year
    if last < first:
        raise ValueError("end must not be before start")
    cal = work_calendar(first, last, agency)
    return deadlines.elapsed_working_time(cal, start, end, list(pauses))


# --- the operator page (/desk/manage/calendar/): a year's decisions -------------------------

audit = logging.getLogger("motcua.audit")
# A decision covering a range (e.g. Tết) is entered as one row per day, at most this many.
MAX_DECISION_DAYS = 31
OFF_KINDS = frozenset(
    {
        CalendarDayKind.HOLIDAY,
        CalendarDayKind.COMPENSATORY_OFF,
        CalendarDayKind.SWAPPED_OFF,
        CalendarDayKind.EXTRA_HOLIDAY,
    }
)


@dataclass(frozen=True)
class YearDay:
    """A day of the year's calendar: a stored row (``row``) or a statutory day computed for a
    year without a recorded decision (``row`` None)."""

    mark: DayMark
    row: CalendarDay | None

    @property
    def kind_label(self) -> str:
        return str(CalendarDayKind(self.mark.kind.value).label)


@dataclass(frozen=True)
class YearOverview:
    year: int
    record: CalendarYear | None
    provisional: bool
    days: list[YearDay]


def year_overview(year: int) -> YearOverview:
    """The days off and working weekend days of ``year``, as deadlines see them."""
    record = CalendarYear.objects.filter(year=year).first()
    rows = {row.date: row for row in CalendarDay.objects.filter(date__year=year)}
    marks = year_calendar(year).marks
    days = [YearDay(mark, rows.get(mark.date)) for mark in marks]
    return YearOverview(
        year=year,
        record=record,
        provisional=record is None or record.provisional,
        days=sorted(days, key=lambda d: d.mark.date),
    )


def _who(user: Any) -> str:
    return "-" if user is None else f"{user.username}#{user.pk}"


@transaction.atomic
def calendar_days_add(
    *,
    first: dt.date,
    last: dt.date | None = None,
    kind: str,
    reason: str,
    source: str,
    by: Any = None,
) -> list[CalendarDay]:
    """Record a decision: the days ``first``..``last`` (``last`` None: one day) become
    ``kind`` with the decision's ``source`` (number and title) and ``reason``.

    For a range of days off, Saturdays and Sundays are skipped (they are off anyway); a
    swapped working day is one weekend day. Every date must be free of another row.
    Raises InvalidInput with field errors; nothing is stored then. Deadlines computed
    afterwards use the new days (the calendar revision is bumped).
    """
    errors: dict[str, str] = {}
    reason, source = nfc(reason), nfc(source)
    if kind not in CalendarDayKind.values:
        errors["kind"] = _("Choose the kind of day.")
    if not reason:
        errors["reason"] = _("Say why the day changes, e.g. Tết Nguyên đán.")
    elif len(reason) > 255:
        errors["reason"] = _("At most 255 characters.")
    if not source:
        errors["source"] = _("Enter the decision's number and title.")
    elif len(source) > 500:
        errors["source"] = _("At most 500 characters.")
    last = last or first
    if last < first:
        errors["last"] = _("The last day cannot be before the first.")
    elif (last - first).days + 1 > MAX_DECISION_DAYS:
        errors["last"] = _("A decision covers at most %(n)d days here.") % {"n": MAX_DECISION_DAYS}
    if first.year != last.year:
        errors["last"] = _("Enter the days of one year at a time.")
    if errors:
        raise InvalidInput(_("The decision has errors."), details={"errors": errors})

    span = [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
    dates = span
    if kind in OFF_KINDS and len(span) > 1:
        dates = [d for d in span if d.weekday() not in WEEKEND]
    if not dates:
        raise InvalidInput(
            _("These days are all Saturdays or Sundays, already days off."),
            details={"errors": {"first": _("Choose working days.")}},
        )
    taken = sorted(CalendarDay.objects.filter(date__in=dates).values_list("date", flat=True))
    if taken:
        raise InvalidInput(
            _("A day is already recorded."),
            details={
                "errors": {
                    "first": _("Already recorded: %(dates)s. Remove it first.")
                    % {"dates": ", ".join(f"{d:%d/%m/%Y}" for d in taken)}
                }
            },
        )
    rows = [CalendarDay(date=d, kind=kind, reason=reason, source=source) for d in dates]
    for row in rows:
        try:
            row.full_clean(validate_unique=False)
        except ValidationError as exc:
            messages = exc.message_dict
            field = "kind" if "kind" in messages else "first"
            text = " ".join(m for ms in messages.values() for m in ms)
            raise InvalidInput(
                _("The decision has errors."), details={"errors": {field: text}}
            ) from None
        row.save()
    bump_revision()
    audit.info(
        "calendar_days_add by=%s dates=%s kind=%s source=%s",
        _who(by),
        ",".join(d.isoformat() for d in dates),
        kind,
        source,
    )
    return rows


@transaction.atomic
def calendar_day_remove(*, day: CalendarDay, by: Any = None) -> None:
    """Remove a recorded day. In a year without a recorded decision, a statutory day on
    the same date counts again."""
    date, kind, source = day.date, day.kind, day.source
    day.delete()
    bump_revision()
    audit.info(
        "calendar_day_remove by=%s date=%s kind=%s source=%s",
        _who(by),
        date.isoformat(),
        kind,
        source,
    )


@transaction.atomic
def calendar_year_record(
    *, year: int, decision: str, provisional: bool, by: Any = None
) -> CalendarYear:
    """Record (or update) the decisions that fix ``year``'s days off.

    The first time, the statutory days the year was computed with are stored as rows, so
    recording the year changes no deadline by itself; the operator then corrects the days
    to match the decision.
    """
    decision = nfc(decision)
    if not decision:
        raise InvalidInput(
            _("The decision has errors."),
            details={"errors": {"decision": _("Enter the decisions' numbers and titles.")}},
        )
    record = CalendarYear.objects.select_for_update().filter(year=year).first()
    if record is None:
        computed = year_calendar(year).marks
        stored = set(CalendarDay.objects.filter(date__year=year).values_list("date", flat=True))
        for mark in computed:
            if mark.date not in stored:
                CalendarDay.objects.create(
                    date=mark.date, kind=mark.kind.value, reason=mark.reason, source=mark.source
                )
        record = CalendarYear.objects.create(year=year, decision=decision, provisional=provisional)
    else:
        record.decision = decision
        record.provisional = provisional
        record.save(update_fields=["decision", "provisional", "updated_at"])
    bump_revision()
    audit.info(
        "calendar_year_record by=%s year=%d provisional=%s decision=%s",
        _who(by),
        year,
        provisional,
        decision,
    )
    return record
