"""Test helpers: Vietnam-time datetimes and the shipped calendar as a pure object."""

from __future__ import annotations

import datetime as dt
import importlib

from motcua.worktime.calendar import VN_TZ, DayKind, DayMark, WorkCalendar
from motcua.worktime.holidays import provisional_year

_shipped = importlib.import_module("motcua.worktime.migrations.0002_calendar_2025_2026")


def vn(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, second, tzinfo=VN_TZ)


def official_calendar(last_year: int = 2027) -> WorkCalendar:
    """The shipped 2025–2026 days, then provisional years up to ``last_year``."""
    marks = [
        DayMark(dt.date(*ymd), DayKind(kind), reason, source)
        for ymd, kind, reason, source in _shipped.DAYS
    ]
    later = range(2027, last_year + 1)
    return WorkCalendar.build(
        2025,
        last_year,
        [*marks, *(m for year in later for m in provisional_year(year))],
        provisional_years=later,
    )
