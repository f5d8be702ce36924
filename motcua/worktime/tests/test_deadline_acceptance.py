"""Effective acceptance: office hours are [opening, closing); the cut-off closes intake early."""

from __future__ import annotations

import datetime as dt

import pytest

from motcua.worktime.calendar import NaiveDatetimeError, WorkCalendar
from motcua.worktime.deadlines import effective_acceptance
from motcua.worktime.tests.support import vn

T = dt.time


@pytest.mark.parametrize(
    ("received", "cutoff", "accepted"),
    [
        (vn(2025, 4, 29, 7, 29, 59), None, vn(2025, 4, 29, 7, 30)),
        (vn(2025, 4, 29, 7, 30), None, vn(2025, 4, 29, 7, 30)),  # opening is inside
        (vn(2025, 4, 29, 11, 29), None, vn(2025, 4, 29, 11, 29)),
        (vn(2025, 4, 29, 11, 30), None, vn(2025, 4, 29, 13, 30)),  # lunch break
        (vn(2025, 4, 29, 16, 59, 59), None, vn(2025, 4, 29, 16, 59, 59)),
        (vn(2025, 4, 29, 17, 0), None, vn(2025, 5, 5, 7, 30)),  # closing is outside
        (vn(2025, 4, 29, 22, 0), None, vn(2025, 5, 5, 7, 30)),
        (vn(2025, 4, 26, 10, 0), None, vn(2025, 4, 26, 10, 0)),  # working Saturday
        (vn(2025, 4, 27, 10, 0), None, vn(2025, 4, 28, 7, 30)),  # Sunday
        (vn(2025, 4, 29, 14, 59, 59), T(15, 0), vn(2025, 4, 29, 14, 59, 59)),
        (vn(2025, 4, 29, 15, 0), T(15, 0), vn(2025, 5, 5, 7, 30)),  # at the cut-off: next day
        (vn(2025, 4, 29, 16, 10), T(15, 0), vn(2025, 5, 5, 7, 30)),
        (vn(2025, 4, 29, 17, 30), T(15, 0), vn(2025, 5, 5, 7, 30)),  # not pushed twice
        (vn(2025, 4, 27, 16, 0), T(15, 0), vn(2025, 4, 28, 7, 30)),  # day off: next opening
        (vn(2025, 4, 28, 12, 0), T(11, 0), vn(2025, 4, 29, 7, 30)),  # cut-off before lunch
        (vn(2025, 4, 28, 11, 45), T(12, 0), vn(2025, 4, 28, 13, 30)),  # before cut-off
        (vn(2025, 4, 28, 6, 0), T(7, 0), vn(2025, 4, 28, 7, 30)),
    ],
)
def test_effective_acceptance(
    cal: WorkCalendar, received: dt.datetime, cutoff: dt.time | None, accepted: dt.datetime
) -> None:
    assert effective_acceptance(cal, received, cutoff) == accepted


def test_any_offset_is_accepted_and_the_result_is_vietnam_time(cal: WorkCalendar) -> None:
    received = dt.datetime(2025, 4, 29, 9, 10, tzinfo=dt.UTC)  # 16:10 in Vietnam
    accepted = effective_acceptance(cal, received)
    assert accepted == vn(2025, 4, 29, 16, 10)
    assert accepted.utcoffset() == dt.timedelta(hours=7)
    assert str(accepted.tzinfo) == "Asia/Ho_Chi_Minh"


def test_naive_datetime_is_refused(cal: WorkCalendar) -> None:
    with pytest.raises(NaiveDatetimeError, match="timezone-aware"):
        effective_acceptance(cal, dt.datetime(2025, 4, 29, 10))  # noqa: DTZ001


def test_cutoff_with_a_zone_is_refused(cal: WorkCalendar) -> None:
    with pytest.raises(ValueError, match="cut-off"):
        effective_acceptance(cal, vn(2025, 4, 29, 10), T(15, 0, tzinfo=dt.UTC))
