"""Calendar days and months (Civil Code art. 147–148): first day not counted, roll forward."""

from __future__ import annotations

import datetime as dt

import pytest

from motcua.worktime.calendar import WorkCalendar
from motcua.worktime.deadlines import add_months, compute_due
from motcua.worktime.tests.support import vn

D = dt.date


@pytest.mark.parametrize(
    ("received", "limit", "unit", "due"),
    [
        (vn(2025, 4, 28, 10), 2, "days", vn(2025, 5, 5, 17)),  # ends on 30 Apr: rolls
        (vn(2025, 4, 29, 10), 4, "days", vn(2025, 5, 5, 17)),  # ends on Saturday 3 May
        (vn(2025, 4, 23, 10), 3, "days", vn(2025, 4, 26, 17)),  # Saturday, but worked
        (vn(2025, 4, 29, 10), 0, "days", vn(2025, 4, 29, 17)),
        (vn(2025, 4, 29, 10), 7, "days", vn(2025, 5, 6, 17)),
        (vn(2025, 1, 25, 10), 1, "days", vn(2025, 2, 4, 17)),  # received in Tết
        (vn(2025, 4, 29, 17, 30), 1, "days", vn(2025, 5, 6, 17)),  # after closing
        (vn(2025, 7, 31, 10), 2, "months", vn(2025, 9, 30, 17)),  # clamped to 30 Sep
        (vn(2025, 1, 31, 10), 1, "months", vn(2025, 3, 3, 17)),  # Tết: counts from 3 Feb
        (vn(2025, 3, 31, 10), 1, "months", vn(2025, 5, 5, 17)),  # 30 Apr off: rolls
        (vn(2026, 1, 30, 10), 1, "months", vn(2026, 3, 2, 17)),  # Sat 28 Feb: rolls
        (vn(2025, 4, 29, 10), 12, "months", vn(2026, 4, 29, 17)),
        (vn(2025, 8, 29, 10), 0, "months", vn(2025, 8, 29, 17)),
        (vn(2026, 7, 31, 10), 1, "months", vn(2026, 9, 3, 17)),  # 31 Aug swapped off
    ],
)
def test_calendar_periods(
    cal: WorkCalendar, received: dt.datetime, limit: int, unit: str, due: dt.datetime
) -> None:
    assert compute_due(cal, received, limit, unit) == due


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (D(2028, 1, 31), 1, D(2028, 2, 29)),
        (D(2025, 1, 31), 1, D(2025, 2, 28)),
        (D(2025, 12, 15), 2, D(2026, 2, 15)),
        (D(2025, 5, 31), 13, D(2026, 6, 30)),
        (D(2025, 5, 31), 0, D(2025, 5, 31)),
        (D(2025, 3, 30), 11, D(2026, 2, 28)),
    ],
)
def test_add_months(start: dt.date, months: int, expected: dt.date) -> None:
    assert add_months(start, months) == expected
