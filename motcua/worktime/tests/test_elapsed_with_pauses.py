"""Elapsed working time, minus supplement pauses (thời gian bổ sung hồ sơ)."""

from __future__ import annotations

import datetime as dt

import pytest

from motcua.worktime.calendar import NaiveDatetimeError, WorkCalendar
from motcua.worktime.deadlines import elapsed_working_time
from motcua.worktime.tests.support import vn

H = dt.timedelta(hours=1)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (vn(2025, 4, 28, 8), vn(2025, 4, 28, 10), 2 * H),
        (vn(2025, 4, 28, 10), vn(2025, 4, 28, 14), 2 * H),  # lunch not counted
        (vn(2025, 4, 28, 7, 30), vn(2025, 4, 28, 17), 7.5 * H),
        (vn(2025, 4, 28, 6), vn(2025, 4, 28, 20), 7.5 * H),
        (vn(2025, 4, 29, 16), vn(2025, 5, 5, 8, 30), 2 * H),  # 30 Apr – 4 May off
        (vn(2025, 4, 26, 0), vn(2025, 4, 28, 0), 7.5 * H),  # worked Saturday, Sunday off
        (vn(2025, 4, 28, 9), vn(2025, 4, 28, 9), dt.timedelta(0)),
    ],
)
def test_elapsed(
    cal: WorkCalendar, start: dt.datetime, end: dt.datetime, expected: dt.timedelta
) -> None:
    assert elapsed_working_time(cal, start, end) == expected


@pytest.mark.parametrize(
    ("pauses", "expected"),
    [
        ([(vn(2025, 4, 28, 9), vn(2025, 4, 28, 10))], 2.5 * H),
        (
            [
                (vn(2025, 4, 28, 9), vn(2025, 4, 28, 10)),
                (vn(2025, 4, 28, 9, 30), vn(2025, 4, 28, 10, 30)),
            ],
            2 * H,
        ),
        ([(vn(2025, 4, 28, 7), vn(2025, 4, 28, 8, 30))], 3 * H),  # sticks out before start
        ([(vn(2025, 4, 28, 11, 45), vn(2025, 4, 28, 13))], 3.5 * H),  # during lunch
        ([(vn(2025, 4, 28, 11), vn(2025, 4, 28, 11))], 3.5 * H),
        ([(vn(2025, 4, 27, 0), vn(2025, 4, 29, 0))], dt.timedelta(0)),
    ],
)
def test_pauses(
    cal: WorkCalendar, pauses: list[tuple[dt.datetime, dt.datetime]], expected: dt.timedelta
) -> None:
    # 08:00–12:00 holds 3.5 hours of office time.
    assert elapsed_working_time(cal, vn(2025, 4, 28, 8), vn(2025, 4, 28, 12), pauses) == expected


def test_supplement_pause_over_a_holiday(cal: WorkCalendar) -> None:
    start, end = vn(2025, 4, 28, 7, 30), vn(2025, 5, 6, 17)
    pause = (vn(2025, 4, 29, 10), vn(2025, 5, 5, 10))
    # 28 Apr 7.5 h + 29 Apr 2.5 h + 5 May 5 h + 6 May 7.5 h
    assert elapsed_working_time(cal, start, end, [pause]) == 22.5 * H


def test_pauses_in_another_zone(cal: WorkCalendar) -> None:
    pause = (dt.datetime(2025, 4, 28, 2, tzinfo=dt.UTC), dt.datetime(2025, 4, 28, 3, tzinfo=dt.UTC))
    assert elapsed_working_time(cal, vn(2025, 4, 28, 8), vn(2025, 4, 28, 12), [pause]) == 2.5 * H


def test_reversed_interval_and_pause_are_refused(cal: WorkCalendar) -> None:
    with pytest.raises(ValueError, match="end must not be before start"):
        elapsed_working_time(cal, vn(2025, 4, 28, 10), vn(2025, 4, 28, 9))
    with pytest.raises(ValueError, match="pause"):
        elapsed_working_time(
            cal,
            vn(2025, 4, 28, 8),
            vn(2025, 4, 28, 12),
            [(vn(2025, 4, 28, 10), vn(2025, 4, 28, 9))],
        )


def test_naive_pause_is_refused(cal: WorkCalendar) -> None:
    naive = dt.datetime(2025, 4, 28, 9)  # noqa: DTZ001
    with pytest.raises(NaiveDatetimeError):
        elapsed_working_time(cal, vn(2025, 4, 28, 8), vn(2025, 4, 28, 12), [(naive, naive)])
