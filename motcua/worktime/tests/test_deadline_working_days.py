"""N working days on the shipped calendar: the example, N = 0 and the edges of the day."""

from __future__ import annotations

import datetime as dt

import pytest

from motcua.worktime.calendar import WorkCalendar
from motcua.worktime.deadlines import compute_due
from motcua.worktime.tests.support import vn

T = dt.time


@pytest.mark.parametrize(
    ("received", "limit", "cutoff", "due"),
    [
        # The spec's example: 30 Apr–4 May off, Sat 26 Apr worked for Fri 2 May.
        (vn(2025, 4, 29, 16, 10), 3, None, vn(2025, 5, 7, 17)),
        (vn(2025, 4, 29, 16, 10), 3, T(15, 0), vn(2025, 5, 8, 17)),
        (vn(2025, 4, 29, 17, 0), 3, None, vn(2025, 5, 8, 17)),
        (vn(2025, 4, 29, 7, 30), 1, None, vn(2025, 5, 5, 17)),
        (vn(2025, 4, 29, 10, 0), 0, None, vn(2025, 4, 29, 17)),  # N = 0: same day
        (vn(2025, 4, 29, 17, 0), 0, None, vn(2025, 5, 5, 17)),
        (vn(2025, 4, 27, 10, 0), 0, None, vn(2025, 4, 28, 17)),
        (vn(2025, 4, 25, 10, 0), 1, None, vn(2025, 4, 26, 17)),  # into the working Saturday
        (vn(2025, 4, 26, 10, 0), 1, None, vn(2025, 4, 28, 17)),  # from it
        (vn(2025, 1, 24, 10, 0), 1, None, vn(2025, 2, 3, 17)),  # over Tết Ất Tỵ
        (vn(2026, 2, 13, 10, 0), 5, None, vn(2026, 2, 27, 17)),  # over Tết Bính Ngọ
        (vn(2025, 4, 29, 16, 10), 15, None, vn(2025, 5, 23, 17)),
    ],
)
def test_working_days(
    cal: WorkCalendar, received: dt.datetime, limit: int, cutoff: dt.time | None, due: dt.datetime
) -> None:
    assert compute_due(cal, received, limit, "working_days", cutoff) == due


def test_due_is_printed_with_the_vietnam_offset(cal: WorkCalendar) -> None:
    due = compute_due(cal, vn(2025, 4, 29, 16, 10), 3, "working_days")
    assert due.isoformat() == "2025-05-07T17:00:00+07:00"


@pytest.mark.parametrize(("limit", "exc"), [(-1, ValueError), (True, TypeError), (1.5, TypeError)])
def test_bad_limits(cal: WorkCalendar, limit: object, exc: type[Exception]) -> None:
    with pytest.raises(exc):
        compute_due(cal, vn(2025, 4, 29, 10), limit, "working_days")  # type: ignore[arg-type]


def test_unknown_unit(cal: WorkCalendar) -> None:
    with pytest.raises(ValueError, match="unknown unit 'weeks'"):
        compute_due(cal, vn(2025, 4, 29, 10), 1, "weeks")
