"""Around every holiday of 2025 and 2026: receipt on each day → due, through the database.

The first table is written by hand (one working day, received at 10:00). The sweep
compares every day of both years with a reference count over the days off as listed
in rules.md §5, typed here independently of the shipped migration.
"""

from __future__ import annotations

import datetime as dt

import pytest

from motcua.worktime import services
from motcua.worktime.calendar import WorkCalendar
from motcua.worktime.deadlines import compute_due
from motcua.worktime.selectors import work_calendar
from motcua.worktime.tests.support import vn

D = dt.date
pytestmark = pytest.mark.django_db

# received (10:00) → due date (17:00) for a limit of one working day.
ONE_WORKING_DAY = {
    # Tết Dương lịch 2025 (Wed 1 Jan)
    D(2024, 12, 30): D(2024, 12, 31),
    D(2024, 12, 31): D(2025, 1, 2),
    D(2025, 1, 1): D(2025, 1, 3),
    D(2025, 1, 2): D(2025, 1, 3),
    D(2025, 1, 3): D(2025, 1, 6),
    D(2025, 1, 4): D(2025, 1, 7),
    D(2025, 1, 5): D(2025, 1, 7),
    # Tết Ất Tỵ: off Sat 25 Jan – Sun 2 Feb
    D(2025, 1, 22): D(2025, 1, 23),
    D(2025, 1, 23): D(2025, 1, 24),
    D(2025, 1, 24): D(2025, 2, 3),
    D(2025, 1, 25): D(2025, 2, 4),
    D(2025, 1, 26): D(2025, 2, 4),
    D(2025, 1, 27): D(2025, 2, 4),
    D(2025, 1, 28): D(2025, 2, 4),
    D(2025, 1, 29): D(2025, 2, 4),
    D(2025, 1, 30): D(2025, 2, 4),
    D(2025, 1, 31): D(2025, 2, 4),
    D(2025, 2, 1): D(2025, 2, 4),
    D(2025, 2, 2): D(2025, 2, 4),
    D(2025, 2, 3): D(2025, 2, 4),
    D(2025, 2, 4): D(2025, 2, 5),
    # Giỗ Tổ 2025 (Mon 7 Apr)
    D(2025, 4, 3): D(2025, 4, 4),
    D(2025, 4, 4): D(2025, 4, 8),
    D(2025, 4, 5): D(2025, 4, 9),
    D(2025, 4, 6): D(2025, 4, 9),
    D(2025, 4, 7): D(2025, 4, 9),
    D(2025, 4, 8): D(2025, 4, 9),
    D(2025, 4, 9): D(2025, 4, 10),
    # 30/4–1/5 2025: off 30 Apr – 4 May, Sat 26 Apr worked
    D(2025, 4, 23): D(2025, 4, 24),
    D(2025, 4, 24): D(2025, 4, 25),
    D(2025, 4, 25): D(2025, 4, 26),
    D(2025, 4, 26): D(2025, 4, 28),
    D(2025, 4, 27): D(2025, 4, 29),
    D(2025, 4, 28): D(2025, 4, 29),
    D(2025, 4, 29): D(2025, 5, 5),
    D(2025, 4, 30): D(2025, 5, 6),
    D(2025, 5, 1): D(2025, 5, 6),
    D(2025, 5, 2): D(2025, 5, 6),
    D(2025, 5, 3): D(2025, 5, 6),
    D(2025, 5, 4): D(2025, 5, 6),
    D(2025, 5, 5): D(2025, 5, 6),
    D(2025, 5, 6): D(2025, 5, 7),
    # Quốc khánh 2025: off Sat 30 Aug – Tue 2 Sep
    D(2025, 8, 27): D(2025, 8, 28),
    D(2025, 8, 28): D(2025, 8, 29),
    D(2025, 8, 29): D(2025, 9, 3),
    D(2025, 8, 30): D(2025, 9, 4),
    D(2025, 8, 31): D(2025, 9, 4),
    D(2025, 9, 1): D(2025, 9, 4),
    D(2025, 9, 2): D(2025, 9, 4),
    D(2025, 9, 3): D(2025, 9, 4),
    D(2025, 9, 4): D(2025, 9, 5),
    # Tết Dương lịch 2026: off Thu 1 – Sun 4 Jan, Sat 10 Jan worked
    D(2025, 12, 29): D(2025, 12, 30),
    D(2025, 12, 30): D(2025, 12, 31),
    D(2025, 12, 31): D(2026, 1, 5),
    D(2026, 1, 1): D(2026, 1, 6),
    D(2026, 1, 2): D(2026, 1, 6),
    D(2026, 1, 3): D(2026, 1, 6),
    D(2026, 1, 4): D(2026, 1, 6),
    D(2026, 1, 5): D(2026, 1, 6),
    D(2026, 1, 8): D(2026, 1, 9),
    D(2026, 1, 9): D(2026, 1, 10),
    D(2026, 1, 10): D(2026, 1, 12),
    D(2026, 1, 11): D(2026, 1, 13),
    D(2026, 1, 12): D(2026, 1, 13),
    # Tết Bính Ngọ: off Sat 14 – Sun 22 Feb
    D(2026, 2, 11): D(2026, 2, 12),
    D(2026, 2, 12): D(2026, 2, 13),
    D(2026, 2, 13): D(2026, 2, 23),
    **{D(2026, 2, d): D(2026, 2, 24) for d in range(14, 24)},
    D(2026, 2, 24): D(2026, 2, 25),
    # Giỗ Tổ Sun 26 Apr → Mon 27 Apr off; 30 Apr – 3 May off
    D(2026, 4, 23): D(2026, 4, 24),
    D(2026, 4, 24): D(2026, 4, 28),
    D(2026, 4, 25): D(2026, 4, 29),
    D(2026, 4, 26): D(2026, 4, 29),
    D(2026, 4, 27): D(2026, 4, 29),
    D(2026, 4, 28): D(2026, 4, 29),
    D(2026, 4, 29): D(2026, 5, 4),
    D(2026, 4, 30): D(2026, 5, 5),
    D(2026, 5, 1): D(2026, 5, 5),
    D(2026, 5, 2): D(2026, 5, 5),
    D(2026, 5, 3): D(2026, 5, 5),
    D(2026, 5, 4): D(2026, 5, 5),
    D(2026, 5, 5): D(2026, 5, 6),
    # Quốc khánh 2026: off Sat 29 Aug – Wed 2 Sep, Sat 22 Aug worked
    D(2026, 8, 20): D(2026, 8, 21),
    D(2026, 8, 21): D(2026, 8, 22),
    D(2026, 8, 22): D(2026, 8, 24),
    D(2026, 8, 23): D(2026, 8, 25),
    D(2026, 8, 24): D(2026, 8, 25),
    D(2026, 8, 27): D(2026, 8, 28),
    D(2026, 8, 28): D(2026, 9, 3),
    D(2026, 8, 29): D(2026, 9, 4),
    D(2026, 8, 30): D(2026, 9, 4),
    D(2026, 8, 31): D(2026, 9, 4),
    D(2026, 9, 1): D(2026, 9, 4),
    D(2026, 9, 2): D(2026, 9, 4),
    D(2026, 9, 3): D(2026, 9, 4),
    D(2026, 9, 4): D(2026, 9, 7),
}


@pytest.mark.parametrize(("received", "due"), sorted(ONE_WORKING_DAY.items()))
def test_one_working_day_around_holidays(received: dt.date, due: dt.date) -> None:
    at = vn(received.year, received.month, received.day, 10)
    result = services.compute_due(received_at=at, limit=1, unit="working_days")
    assert result == vn(due.year, due.month, due.day, 17)


# rules.md §5, typed independently: weekdays off, and Saturdays worked.
WEEKDAYS_OFF = {
    D(2025, 1, 1),
    *(D(2025, 1, d) for d in range(27, 32)),
    D(2025, 4, 7),
    D(2025, 4, 30),
    D(2025, 5, 1),
    D(2025, 5, 2),
    D(2025, 9, 1),
    D(2025, 9, 2),
    D(2026, 1, 1),
    D(2026, 1, 2),
    *(D(2026, 2, d) for d in range(16, 21)),
    D(2026, 4, 27),
    D(2026, 4, 30),
    D(2026, 5, 1),
    D(2026, 8, 31),
    D(2026, 9, 1),
    D(2026, 9, 2),
}
SATURDAYS_WORKED = {D(2025, 4, 26), D(2026, 1, 10), D(2026, 8, 22)}
# Provisional 2027 days off that a late-2026 deadline can reach.
WEEKDAYS_OFF_2027 = {D(2027, 1, 1)}


def _working(day: dt.date) -> bool:
    if day in SATURDAYS_WORKED:
        return True
    return day.weekday() < 5 and day not in WEEKDAYS_OFF | WEEKDAYS_OFF_2027


def _reference_due(received: dt.datetime, limit: int, cutoff: dt.time | None) -> dt.datetime:
    day, time = received.date(), received.time()
    same_day = _working(day) and time < dt.time(17) and (cutoff is None or time < cutoff)
    if not same_day:
        day += dt.timedelta(days=1)
        while not _working(day):
            day += dt.timedelta(days=1)
    for _ in range(limit):
        day += dt.timedelta(days=1)
        while not _working(day):
            day += dt.timedelta(days=1)
    return vn(day.year, day.month, day.day, 17)


def test_database_calendar_is_the_reference_calendar(cal: WorkCalendar) -> None:
    db_cal = work_calendar(2025, 2026)
    day = D(2025, 1, 1)
    while day.year < 2027:
        assert db_cal.is_working_day(day) == _working(day), day
        assert cal.is_working_day(day) == _working(day), day
        day += dt.timedelta(days=1)


@pytest.mark.parametrize(
    ("hour", "minute", "cutoff"),
    [(10, 0, None), (7, 30, None), (16, 10, None), (17, 0, None), (16, 10, dt.time(15))],
)
def test_every_day_of_2025_and_2026_matches_the_reference(
    cal: WorkCalendar, hour: int, minute: int, cutoff: dt.time | None
) -> None:
    day = D(2025, 1, 1)
    while day < D(2026, 12, 15):
        received = vn(day.year, day.month, day.day, hour, minute)
        for limit in (0, 1, 2, 3, 5, 7, 10):
            expected = _reference_due(received, limit, cutoff)
            assert compute_due(cal, received, limit, "working_days", cutoff) == expected, (
                received,
                limit,
            )
        day += dt.timedelta(days=1)
