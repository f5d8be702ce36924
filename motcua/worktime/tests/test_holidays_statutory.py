"""Labour Code 2019 art. 112 holidays and art. 111(3) compensatory days."""

from __future__ import annotations

import datetime as dt

import pytest

from motcua.worktime.calendar import DayKind, DayMark
from motcua.worktime.holidays import (
    UnsupportedYearError,
    compensatory_days,
    hung_kings_day,
    national_day_adjacent,
    provisional_year,
    statutory_holidays,
    tet_days,
)

D = dt.date


def off_days(year: int) -> list[tuple[dt.date, DayKind]]:
    return [(m.date, m.kind) for m in provisional_year(year)]


def test_eleven_holidays_a_year() -> None:
    for year in range(2021, 2101):
        holidays = statutory_holidays(year)
        assert len(holidays) == 11
        assert len({m.date for m in holidays}) == 11
        assert all(m.kind is DayKind.HOLIDAY for m in holidays)


def test_tet_is_last_day_of_the_old_year_and_the_first_four_days() -> None:
    # 2025: the 12th month of Giáp Thìn ended on 28 Jan; mùng 1 Ất Tỵ was 29 Jan.
    assert tet_days(2025) == (
        D(2025, 1, 28),
        D(2025, 1, 29),
        D(2025, 1, 30),
        D(2025, 1, 31),
        D(2025, 2, 1),
    )
    assert tet_days(2026) == tuple(D(2026, 2, d) for d in range(16, 21))


def test_hung_kings_day_is_lunar() -> None:
    assert hung_kings_day(2025) == D(2025, 4, 7)
    assert hung_kings_day(2026) == D(2026, 4, 26)


@pytest.mark.parametrize(
    ("year", "adjacent"),
    [
        (2021, D(2021, 9, 3)),  # Thu → Fri 3 Sep, joins the weekend
        (2022, D(2022, 9, 1)),  # Fri → Thu 1 Sep
        (2023, D(2023, 9, 1)),  # Sat → Fri 1 Sep
        (2024, D(2024, 9, 3)),  # Mon → Tue 3 Sep
        (2025, D(2025, 9, 1)),  # Tue → Mon 1 Sep
        (2026, D(2026, 9, 1)),  # Wed → Tue 1 Sep, as decided for 2026
        (2029, D(2029, 9, 1)),  # Sun → Sat 1 Sep (both then give compensatory days)
    ],
)
def test_national_day_adjacent_day(year: int, adjacent: dt.date) -> None:
    assert national_day_adjacent(year) == adjacent


def test_2023_weekend_holidays_get_next_free_weekdays() -> None:
    # Giỗ Tổ Sat 29 Apr and 30 Apr Sun, then 1 May Mon: compensatory 2 and 3 May.
    assert off_days(2023) == [
        (D(2023, 1, 1), DayKind.HOLIDAY),
        (D(2023, 1, 2), DayKind.COMPENSATORY_OFF),
        (D(2023, 1, 21), DayKind.HOLIDAY),
        (D(2023, 1, 22), DayKind.HOLIDAY),
        (D(2023, 1, 23), DayKind.HOLIDAY),
        (D(2023, 1, 24), DayKind.HOLIDAY),
        (D(2023, 1, 25), DayKind.HOLIDAY),
        (D(2023, 1, 26), DayKind.COMPENSATORY_OFF),
        (D(2023, 1, 27), DayKind.COMPENSATORY_OFF),
        (D(2023, 4, 29), DayKind.HOLIDAY),
        (D(2023, 4, 30), DayKind.HOLIDAY),
        (D(2023, 5, 1), DayKind.HOLIDAY),
        (D(2023, 5, 2), DayKind.COMPENSATORY_OFF),
        (D(2023, 5, 3), DayKind.COMPENSATORY_OFF),
        (D(2023, 9, 1), DayKind.HOLIDAY),
        (D(2023, 9, 2), DayKind.HOLIDAY),
        (D(2023, 9, 4), DayKind.COMPENSATORY_OFF),
    ]


def test_2022_matches_the_official_days_off() -> None:
    # Officially: 1–3 Jan, Tết 31 Jan–4 Feb, 9–11 Apr, 30 Apr–3 May, 1–4 Sep.
    weekday_offs = [d for d, _ in off_days(2022) if d.weekday() < 5]
    assert weekday_offs == [
        D(2022, 1, 3),
        D(2022, 1, 31),
        D(2022, 2, 1),
        D(2022, 2, 2),
        D(2022, 2, 3),
        D(2022, 2, 4),
        D(2022, 4, 11),
        D(2022, 5, 2),
        D(2022, 5, 3),
        D(2022, 9, 1),
        D(2022, 9, 2),
    ]


def test_2026_provisional_matches_the_decided_holidays() -> None:
    # The decided 2026 days minus the two swaps (2 Jan, 31 Aug), which only a decision makes.
    assert [(d, k) for d, k in off_days(2026) if d.weekday() < 5] == [
        (D(2026, 1, 1), DayKind.HOLIDAY),
        *[(D(2026, 2, d), DayKind.HOLIDAY) for d in range(16, 21)],
        (D(2026, 4, 27), DayKind.COMPENSATORY_OFF),
        (D(2026, 4, 30), DayKind.HOLIDAY),
        (D(2026, 5, 1), DayKind.HOLIDAY),
        (D(2026, 9, 1), DayKind.HOLIDAY),
        (D(2026, 9, 2), DayKind.HOLIDAY),
    ]


def test_compensatory_day_skips_holidays_and_weekends() -> None:
    marks = [
        DayMark(D(2027, 5, 1), DayKind.HOLIDAY, "A", "s"),  # Saturday
        DayMark(D(2027, 5, 3), DayKind.HOLIDAY, "B", "s"),  # Monday, itself a holiday
    ]
    (comp,) = compensatory_days(marks)
    assert comp.date == D(2027, 5, 4)
    assert comp.kind is DayKind.COMPENSATORY_OFF
    assert "A" in comp.reason


def test_every_provisional_off_day_is_unique_and_compensations_are_weekdays() -> None:
    for year in range(2021, 2101):
        marks = provisional_year(year)
        assert len({m.date for m in marks}) == len(marks)
        weekend_holidays = [m for m in marks if m.kind is DayKind.HOLIDAY and m.date.weekday() >= 5]
        comps = [m for m in marks if m.kind is DayKind.COMPENSATORY_OFF]
        assert len(comps) == len(weekend_holidays)
        assert all(m.date.weekday() < 5 and m.date.year == year for m in comps)


@pytest.mark.parametrize("year", [2020, 1999, 2101])
def test_years_outside_the_labour_code_2019_are_refused(year: int) -> None:
    with pytest.raises(UnsupportedYearError):
        provisional_year(year)
