"""Deadlines on the province's working calendar (lịch làm việc): the entry points other apps call.

``compute_due`` gives the appointment time (ngày hẹn trả) printed on the receipt;
``elapsed_working_time`` measures office time spent, minus supplement pauses.
Years without a recorded decision use the statutory provisional days.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import TypeVar

from django.db.models import F

from motcua.org.models import Agency
from motcua.worktime import deadlines
from motcua.worktime.calendar import CalendarRangeError, WorkCalendar, to_local
from motcua.worktime.models import CalendarRevision
from motcua.worktime.selectors import REVISION_PK, clear_cache, work_calendar

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
