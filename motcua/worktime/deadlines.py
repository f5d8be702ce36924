"""Deadline arithmetic for the appointment time (ngày hẹn trả) and elapsed working time.

Rules (spec rules.md §5, Civil Code 2015 art. 147–148):

* Effective acceptance: a dossier received while the office is closed (before opening,
  during the lunch break, after closing, on a day off) counts as received at the next
  opening. Office periods are half-open, so 07:30:00 is inside and 17:00:00 is outside.
  With a cut-off hour (e.g. 15:00 for chứng thực), a dossier received at or after the
  cut-off on a working day counts as received at the next working day's first opening;
  the cut-off is a same-day intake window that closes like 17:00 does. It is not
  applied again once receipt has already moved to a later day.
* N working days: the acceptance day is not counted; due at the closing time of the Nth
  working day after it. N = 0: the closing time of the acceptance day itself.
* N working hours: counted from the effective acceptance through office periods only.
* N days and N months: the acceptance day is not counted; the period ends at the closing
  time of its last day, rolling forward to the next working day when that day is off.
  Months land on the same day of the month, clamped to the month's last day.

Every datetime in or out is timezone-aware; results are in Asia/Ho_Chi_Minh.
"""

from __future__ import annotations

import calendar as _gregorian
import datetime as dt
from collections.abc import Iterable
from enum import StrEnum

from motcua.worktime.calendar import WorkCalendar, to_local


class Unit(StrEnum):
    WORKING_HOURS = "working_hours"
    WORKING_DAYS = "working_days"
    DAYS = "days"
    MONTHS = "months"


def parse_unit(unit: Unit | str) -> Unit:
    try:
        return Unit(unit)
    except ValueError:
        choices = ", ".join(u.value for u in Unit)
        raise ValueError(f"unknown unit {unit!r}; use one of {choices}") from None


def check_limit(limit: int) -> None:
    # bool is an int subclass; True as a limit is a bug at the call site.
    if isinstance(limit, bool) or not isinstance(limit, int):
        raise TypeError(f"limit must be an int, got {type(limit).__name__}")
    if limit < 0:
        raise ValueError(f"limit must not be negative, got {limit}")


def effective_acceptance(
    cal: WorkCalendar, received_at: dt.datetime, cutoff: dt.time | None = None
) -> dt.datetime:
    """When a dossier received at ``received_at`` counts as accepted."""
    local = to_local(received_at)
    if cutoff is not None and cutoff.tzinfo is not None:
        raise ValueError("the cut-off is a local wall-clock time without a time zone")
    accepted = cal.next_opening(local)
    if cutoff is not None and accepted.date() == local.date() and local.time() >= cutoff:
        accepted = cal.opening(cal.next_working_day(local.date()))
    return accepted


def add_working_time(cal: WorkCalendar, start: dt.datetime, amount: dt.timedelta) -> dt.datetime:
    """The instant when ``amount`` of office time has passed from ``start``.

    A due time that lands exactly on a closing time stays there (11:30, not 13:30).
    """
    if amount < dt.timedelta(0):
        raise ValueError("amount must not be negative")
    at = cal.next_opening(start)
    if not amount:
        return at
    remaining = amount
    day = at.date()
    while True:
        for period_start, period_end in cal.periods(day):
            if period_end <= at:
                continue
            begin = max(period_start, at)
            available = period_end - begin
            if remaining <= available:
                return begin + remaining
            remaining -= available
        day = cal.next_working_day(day)


def _last_day_of_period(cal: WorkCalendar, last: dt.date) -> dt.datetime:
    """Civil Code art. 148: a period ending on a day off ends with the next working day."""
    return cal.closing(cal.next_working_day(last, inclusive=True))


def add_months(day: dt.date, months: int) -> dt.date:
    """Same day of the month ``months`` later, clamped to that month's last day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, _gregorian.monthrange(year, month)[1]))


def compute_due(
    cal: WorkCalendar,
    received_at: dt.datetime,
    limit: int,
    unit: Unit | str,
    cutoff: dt.time | None = None,
) -> dt.datetime:
    """The appointment time for a time limit of ``limit`` ``unit`` (see module rules)."""
    unit = parse_unit(unit)
    check_limit(limit)
    accepted = effective_acceptance(cal, received_at, cutoff)
    accepted_day = accepted.date()
    if unit is Unit.WORKING_HOURS:
        return add_working_time(cal, accepted, dt.timedelta(hours=limit))
    if unit is Unit.WORKING_DAYS:
        return cal.closing(cal.add_working_days(accepted_day, limit))
    if unit is Unit.DAYS:
        return _last_day_of_period(cal, accepted_day + dt.timedelta(days=limit))
    return _last_day_of_period(cal, add_months(accepted_day, limit))


def _merge(
    intervals: Iterable[tuple[dt.datetime, dt.datetime]],
) -> list[tuple[dt.datetime, dt.datetime]]:
    merged: list[tuple[dt.datetime, dt.datetime]] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _overlap(
    a: tuple[dt.datetime, dt.datetime], b: tuple[dt.datetime, dt.datetime]
) -> dt.timedelta:
    return max(dt.timedelta(0), min(a[1], b[1]) - max(a[0], b[0]))


def elapsed_working_time(
    cal: WorkCalendar,
    start: dt.datetime,
    end: dt.datetime,
    pauses: Iterable[tuple[dt.datetime, dt.datetime]] = (),
) -> dt.timedelta:
    """Office time between ``start`` and ``end``, minus the paused intervals.

    Pauses (e.g. from a supplement request to its completion) may overlap each other
    or stick out of ``[start, end]``; every instant is subtracted at most once.
    """
    begin, finish = to_local(start), to_local(end)
    if finish < begin:
        raise ValueError("end must not be before start")
    paused: list[tuple[dt.datetime, dt.datetime]] = []
    for pause_start, pause_end in pauses:
        p0, p1 = to_local(pause_start), to_local(pause_end)
        if p1 < p0:
            raise ValueError("a pause must not end before it starts")
        paused.append((p0, p1))
    merged = _merge(paused)
    total = dt.timedelta(0)
    day = begin.date()
    while day <= finish.date():
        for period in cal.periods(day):
            window = (max(period[0], begin), min(period[1], finish))
            if window[0] >= window[1]:
                continue
            total += (
                window[1] - window[0] - sum((_overlap(window, p) for p in merged), dt.timedelta(0))
            )
        day += dt.timedelta(days=1)
    return total
