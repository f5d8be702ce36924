"""WorkCalendar and OfficeHours as pure values: working days, periods, seasons, openings."""

from __future__ import annotations

import datetime as dt

import pytest

from motcua.worktime.calendar import (
    DEFAULT_PERIODS,
    CalendarRangeError,
    DayKind,
    DayMark,
    NaiveDatetimeError,
    OfficeHours,
    Season,
    WorkCalendar,
    validate_periods,
)
from motcua.worktime.tests.support import vn

D = dt.date
T = dt.time
SUMMER = Season((4, 16), (10, 15), ((T(7, 0), T(11, 30)), (T(13, 30), T(17, 0))))
WINTER = Season((10, 16), (4, 15), ((T(7, 30), T(12, 0)), (T(13, 0), T(16, 30))))


def test_shipped_weekdays_and_swaps(cal: WorkCalendar) -> None:
    assert cal.is_working_day(D(2025, 4, 29))  # Tuesday
    assert not cal.is_working_day(D(2025, 4, 27))  # Sunday
    assert cal.is_working_day(D(2025, 4, 26))  # Saturday made a working day
    assert not cal.is_working_day(D(2025, 5, 2))  # Friday swapped off
    assert not cal.is_working_day(D(2026, 1, 2))
    assert cal.is_working_day(D(2026, 1, 10))
    assert cal.is_working_day(D(2026, 8, 22))
    assert not cal.is_working_day(D(2026, 8, 31))


def test_periods_are_aware_vietnam_times(cal: WorkCalendar) -> None:
    assert cal.periods(D(2025, 4, 29)) == [
        (vn(2025, 4, 29, 7, 30), vn(2025, 4, 29, 11, 30)),
        (vn(2025, 4, 29, 13, 30), vn(2025, 4, 29, 17, 0)),
    ]
    assert cal.periods(D(2025, 4, 30)) == []
    assert cal.periods(D(2025, 4, 26))[0][0].utcoffset() == dt.timedelta(hours=7)


def test_opening_and_closing_refuse_days_off(cal: WorkCalendar) -> None:
    assert cal.closing(D(2025, 4, 26)) == vn(2025, 4, 26, 17)
    with pytest.raises(ValueError):
        cal.opening(D(2025, 5, 1))


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        (vn(2025, 4, 29, 6, 0), vn(2025, 4, 29, 7, 30)),
        (vn(2025, 4, 29, 7, 30), vn(2025, 4, 29, 7, 30)),
        (vn(2025, 4, 29, 9, 15, 5), vn(2025, 4, 29, 9, 15, 5)),
        (vn(2025, 4, 29, 11, 30), vn(2025, 4, 29, 13, 30)),
        (vn(2025, 4, 29, 12, 45), vn(2025, 4, 29, 13, 30)),
        (vn(2025, 4, 29, 16, 59, 59), vn(2025, 4, 29, 16, 59, 59)),
        (vn(2025, 4, 29, 17, 0), vn(2025, 5, 5, 7, 30)),
        (vn(2025, 4, 25, 18, 0), vn(2025, 4, 26, 7, 30)),  # Friday evening → working Saturday
        # 10:00 UTC is 17:00 in Vietnam: closed; 02:00 UTC is 09:00: open.
        (dt.datetime(2025, 4, 29, 10, 0, tzinfo=dt.UTC), vn(2025, 5, 5, 7, 30)),
        (dt.datetime(2025, 4, 29, 2, 0, tzinfo=dt.UTC), vn(2025, 4, 29, 9, 0)),
    ],
)
def test_next_opening(cal: WorkCalendar, at: dt.datetime, expected: dt.datetime) -> None:
    assert cal.next_opening(at) == expected


def test_next_opening_refuses_naive(cal: WorkCalendar) -> None:
    with pytest.raises(NaiveDatetimeError, match="timezone-aware"):
        cal.next_opening(dt.datetime(2025, 4, 29, 10, 0))  # noqa: DTZ001


def test_add_working_days_skips_days_off(cal: WorkCalendar) -> None:
    assert cal.add_working_days(D(2025, 4, 29), 0) == D(2025, 4, 29)
    assert cal.add_working_days(D(2025, 4, 29), 1) == D(2025, 5, 5)
    assert cal.add_working_days(D(2025, 4, 25), 1) == D(2025, 4, 26)
    with pytest.raises(ValueError):
        cal.add_working_days(D(2025, 4, 29), -1)


def test_outside_the_built_years_is_an_error_not_a_guess(cal: WorkCalendar) -> None:
    with pytest.raises(CalendarRangeError) as info:
        cal.is_working_day(D(2028, 1, 3))
    assert info.value.year == 2028
    with pytest.raises(CalendarRangeError):
        cal.add_working_days(D(2027, 12, 30), 5)


def test_exceptions_list_only_changes_to_the_week(cal: WorkCalendar) -> None:
    listed = [m.date for m in cal.exceptions(2027)]
    assert D(2027, 5, 1) not in listed  # a Saturday holiday changes nothing
    assert D(2027, 5, 3) in listed  # its compensatory Monday does
    assert [m.date for m in cal.exceptions(2025)][:2] == [D(2025, 1, 1), D(2025, 1, 27)]
    assert cal.is_provisional(2027) and not cal.is_provisional(2026)


def test_duplicate_marks_are_refused() -> None:
    mark = DayMark(D(2025, 1, 1), DayKind.HOLIDAY, "x", "y")
    with pytest.raises(ValueError):
        WorkCalendar.build(2025, 2025, [mark, mark])
    with pytest.raises(CalendarRangeError):
        WorkCalendar.build(2026, 2026, [mark])


def test_seasons_wrap_the_new_year_and_fall_back_to_default() -> None:
    hours = OfficeHours(seasons=(SUMMER, WINTER))
    assert hours.periods_on(D(2025, 7, 1))[0] == (T(7, 0), T(11, 30))
    assert hours.periods_on(D(2025, 10, 16))[0] == (T(7, 30), T(12, 0))
    assert hours.periods_on(D(2026, 1, 15))[1] == (T(13, 0), T(16, 30))
    assert hours.periods_on(D(2025, 4, 15))[1] == (T(13, 0), T(16, 30))
    assert OfficeHours(seasons=(SUMMER,)).periods_on(D(2025, 1, 2)) == DEFAULT_PERIODS


def test_first_matching_season_wins() -> None:
    narrow = Season((7, 1), (7, 31), ((T(8, 0), T(12, 0)),))
    hours = OfficeHours(seasons=(narrow, SUMMER))
    assert hours.periods_on(D(2025, 7, 10)) == ((T(8, 0), T(12, 0)),)
    assert hours.periods_on(D(2025, 8, 10)) == SUMMER.periods


def test_season_month_days_detect_overlap() -> None:
    assert not SUMMER.month_days() & WINTER.month_days()
    assert len(SUMMER.month_days() | WINTER.month_days()) == 366
    assert (2, 29) in WINTER.month_days()


@pytest.mark.parametrize(
    "periods",
    [
        (),
        ((T(11, 0), T(7, 30)),),
        ((T(7, 30), T(11, 30)), (T(11, 0), T(17, 0))),
        ((T(7, 30, tzinfo=dt.UTC), T(11, 30)),),
    ],
)
def test_invalid_periods(periods: tuple[tuple[dt.time, dt.time], ...]) -> None:
    with pytest.raises(ValueError):
        validate_periods(periods)


def test_invalid_season_month_day() -> None:
    with pytest.raises(ValueError):
        Season((2, 30), (3, 1), DEFAULT_PERIODS)


def test_seasonal_hours_move_the_closing_time() -> None:
    cal = WorkCalendar.build(2025, 2025, office_hours=OfficeHours(seasons=(SUMMER, WINTER)))
    assert cal.closing(D(2025, 11, 3)) == vn(2025, 11, 3, 16, 30)
    assert cal.opening(D(2025, 6, 2)) == vn(2025, 6, 2, 7, 0)
