"""Reads of working-time data (lịch làm việc, giờ làm việc) into pure calendar objects.

Year calendars and office hours are cached in the process, keyed by the calendar
revision: one small query per call tells whether anything was edited since, in any
process, so an administrator's edit counts from the next computation on.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from django.db.models import Q

from motcua.org.models import Agency
from motcua.worktime.calendar import (
    DEFAULT_OFFICE_HOURS,
    DayKind,
    DayMark,
    OfficeHours,
    WorkCalendar,
)
from motcua.worktime.holidays import provisional_year
from motcua.worktime.models import CalendarDay, CalendarRevision, CalendarYear
from motcua.worktime.models import OfficeHours as OfficeHoursRow

REVISION_PK = 1
K = TypeVar("K")
V = TypeVar("V")


@dataclass(frozen=True)
class YearCalendar:
    """The dated exceptions of one year and whether they are official."""

    year: int
    provisional: bool
    decision: str
    marks: tuple[DayMark, ...]


@dataclass
class _Cache:
    revision: int | None = None
    years: dict[int, YearCalendar] = field(default_factory=dict)
    hours: dict[str, OfficeHours] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)


_cache = _Cache()


def clear_cache() -> None:
    with _cache.lock:
        _cache.revision = None
        _cache.years.clear()
        _cache.hours.clear()


def calendar_revision() -> int:
    number = CalendarRevision.objects.filter(pk=REVISION_PK).values_list("number", flat=True)
    return number.first() or 0


def _cached(store: dict[K, V], key: K, revision: int, load: Callable[[], V]) -> V:
    with _cache.lock:
        if _cache.revision != revision:
            _cache.revision = revision
            _cache.years.clear()
            _cache.hours.clear()
        hit = store.get(key)
    if hit is not None:
        return hit
    value = load()
    with _cache.lock:
        # Another thread may have seen a newer revision meanwhile: keep its cache clean.
        if _cache.revision == revision:
            store[key] = value
    return value


def _row_mark(row: CalendarDay) -> DayMark:
    return DayMark(row.date, DayKind(row.kind), row.reason, row.source)


def _load_year(year: int) -> YearCalendar:
    record = CalendarYear.objects.filter(year=year).first()
    rows = {
        row.date: _row_mark(row)
        for row in CalendarDay.objects.filter(date__year=year).order_by("date")
    }
    if record is not None:
        return YearCalendar(year, record.provisional, record.decision, tuple(rows.values()))
    # No recorded decision: the statutory days, overridden date by date by stored rows.
    marks = {m.date: m for m in provisional_year(year)} | rows
    return YearCalendar(year, True, "", tuple(sorted(marks.values(), key=lambda m: m.date)))


def year_calendar(year: int, *, revision: int | None = None) -> YearCalendar:
    """The exceptions of ``year``: recorded ones, or the statutory provisional ones."""
    current = calendar_revision() if revision is None else revision
    return _cached(_cache.years, year, current, lambda: _load_year(year))


def _agency_ids(agency: Agency | None) -> list[int]:
    """Ids from the agency itself up to the root (nearest first)."""
    if agency is None:
        return []
    ids = [int(p) for p in agency.path.strip("/").split("/") if p]
    if agency.pk is not None and (not ids or ids[-1] != agency.pk):
        ids.append(agency.pk)
    return ids[::-1]


def _load_hours(ids: list[int]) -> OfficeHours:
    rank = {agency_id: i for i, agency_id in enumerate(ids)}
    rows = OfficeHoursRow.objects.filter(Q(agency_id__in=ids) | Q(agency__isnull=True))
    ordered = sorted(
        rows,
        key=lambda r: (
            rank.get(r.agency_id, len(ids)) if r.agency_id is not None else len(ids),
            r.valid_from_month,
            r.valid_from_day,
        ),
    )
    return OfficeHours(
        seasons=tuple(r.season() for r in ordered), default=DEFAULT_OFFICE_HOURS.default
    )


def office_hours_for(agency: Agency | None, *, revision: int | None = None) -> OfficeHours:
    """Hours of ``agency``: its own seasons, then its ancestors', the province's, built-in."""
    current = calendar_revision() if revision is None else revision
    ids = _agency_ids(agency)
    return _cached(_cache.hours, "/".join(map(str, ids)), current, lambda: _load_hours(ids))


def work_calendar(first_year: int, last_year: int, agency: Agency | None = None) -> WorkCalendar:
    """A calendar for the years ``first_year``..``last_year`` with ``agency``'s hours."""
    revision = calendar_revision()
    years = [year_calendar(y, revision=revision) for y in range(first_year, last_year + 1)]
    return WorkCalendar.build(
        first_year,
        last_year,
        (mark for year in years for mark in year.marks),
        office_hours=office_hours_for(agency, revision=revision),
        provisional_years=(year.year for year in years if year.provisional),
    )
