"""N working hours: counted through office periods only, across lunch and days off."""

from __future__ import annotations

import datetime as dt

import pytest

from motcua.worktime.calendar import WorkCalendar
from motcua.worktime.deadlines import add_working_time, compute_due
from motcua.worktime.tests.support import vn


@pytest.mark.parametrize(
    ("received", "hours", "due"),
    [
        (vn(2025, 4, 28, 7, 30), 4, vn(2025, 4, 28, 11, 30)),  # ends at closing, not 13:30
        (vn(2025, 4, 28, 7, 30), 5, vn(2025, 4, 28, 14, 30)),
        (vn(2025, 4, 28, 10, 30), 2, vn(2025, 4, 28, 14, 30)),  # across lunch
        (vn(2025, 4, 28, 12, 0), 1, vn(2025, 4, 28, 14, 30)),  # received at lunch
        (vn(2025, 4, 28, 7, 30), 7, vn(2025, 4, 28, 16, 30)),
        (vn(2025, 4, 28, 7, 30), 8, vn(2025, 4, 29, 8, 0)),  # a day holds 7.5 hours
        (vn(2025, 4, 29, 16, 10), 2, vn(2025, 5, 5, 8, 40)),  # 50 min, then 5 days off
        (vn(2025, 4, 29, 17, 0), 1, vn(2025, 5, 5, 8, 30)),
        (vn(2025, 1, 24, 15, 0), 8, vn(2025, 2, 3, 15, 30)),  # NĐ 45 art. 11 over Tết
        (vn(2025, 4, 28, 10, 0), 0, vn(2025, 4, 28, 10, 0)),
        (vn(2025, 4, 28, 12, 0), 0, vn(2025, 4, 28, 13, 30)),
        (vn(2025, 4, 27, 9, 0), 0, vn(2025, 4, 28, 7, 30)),
    ],
)
def test_working_hours(
    cal: WorkCalendar, received: dt.datetime, hours: int, due: dt.datetime
) -> None:
    assert compute_due(cal, received, hours, "working_hours") == due


def test_cutoff_applies_to_hour_limits_too(cal: WorkCalendar) -> None:
    received = vn(2025, 4, 28, 15, 30)
    assert compute_due(cal, received, 1, "working_hours") == vn(2025, 4, 28, 16, 30)
    assert compute_due(cal, received, 1, "working_hours", dt.time(15)) == vn(2025, 4, 29, 8, 30)


def test_add_working_time_with_minutes(cal: WorkCalendar) -> None:
    start = vn(2025, 4, 28, 11, 0)
    assert add_working_time(cal, start, dt.timedelta(minutes=30)) == vn(2025, 4, 28, 11, 30)
    assert add_working_time(cal, start, dt.timedelta(minutes=31)) == vn(2025, 4, 28, 13, 31)
    with pytest.raises(ValueError):
        add_working_time(cal, start, dt.timedelta(minutes=-1))
