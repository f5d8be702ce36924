"""Vietnamese lunar dates against published Tết, Giỗ Tổ and leap-month dates."""

from __future__ import annotations

import datetime as dt

import pytest

from motcua.worktime.lunar import (
    LunarDate,
    format_lunar,
    lunar_to_solar,
    parse_lunar,
    solar_to_lunar,
)

# Mùng 1 Tết in Vietnam (UTC+7).
TET = {
    1968: dt.date(1968, 1, 29),
    1969: dt.date(1969, 2, 16),
    1985: dt.date(1985, 1, 21),
    2000: dt.date(2000, 2, 5),
    2007: dt.date(2007, 2, 17),
    2010: dt.date(2010, 2, 14),
    2015: dt.date(2015, 2, 19),
    2019: dt.date(2019, 2, 5),
    2020: dt.date(2020, 1, 25),
    2021: dt.date(2021, 2, 12),
    2022: dt.date(2022, 2, 1),
    2023: dt.date(2023, 1, 22),
    2024: dt.date(2024, 2, 10),
    2025: dt.date(2025, 1, 29),
    2026: dt.date(2026, 2, 17),
    2027: dt.date(2027, 2, 6),
    2028: dt.date(2028, 1, 26),
    2029: dt.date(2029, 2, 13),
    2030: dt.date(2030, 2, 2),
    2053: dt.date(2053, 2, 18),
}

# Years where China (UTC+8) celebrates on another day: that day is not Tết in Vietnam.
CHINESE_TET_NOT_VIETNAMESE = {
    1968: (dt.date(1968, 1, 30), LunarDate(1968, 1, 2)),
    1969: (dt.date(1969, 2, 17), LunarDate(1969, 1, 2)),
    1985: (dt.date(1985, 2, 20), LunarDate(1985, 2, 1)),
    2007: (dt.date(2007, 2, 18), LunarDate(2007, 1, 2)),
    2030: (dt.date(2030, 2, 3), LunarDate(2030, 1, 2)),
    2053: (dt.date(2053, 2, 19), LunarDate(2053, 1, 2)),
}


@pytest.mark.parametrize(("year", "solar"), sorted(TET.items()))
def test_tet_is_first_day_of_first_month(year: int, solar: dt.date) -> None:
    assert solar_to_lunar(solar) == LunarDate(year, 1, 1)
    assert lunar_to_solar(LunarDate(year, 1, 1)) == solar


@pytest.mark.parametrize(("year", "case"), sorted(CHINESE_TET_NOT_VIETNAMESE.items()))
def test_chinese_calendar_tet_differs(year: int, case: tuple[dt.date, LunarDate]) -> None:
    chinese_tet, vietnamese_lunar = case
    assert solar_to_lunar(chinese_tet) == vietnamese_lunar
    assert lunar_to_solar(LunarDate(year, 1, 1)) != chinese_tet


def test_tet_1985_is_a_month_earlier_than_in_china() -> None:
    assert lunar_to_solar(LunarDate(1985, 1, 1)) == dt.date(1985, 1, 21)
    assert solar_to_lunar(dt.date(1985, 1, 20)) == LunarDate(1984, 12, 30)


@pytest.mark.parametrize(
    ("year", "solar"),
    [
        (2023, dt.date(2023, 4, 29)),
        (2024, dt.date(2024, 4, 18)),
        (2025, dt.date(2025, 4, 7)),
        (2026, dt.date(2026, 4, 26)),
    ],
)
def test_hung_kings_day(year: int, solar: dt.date) -> None:
    assert lunar_to_solar(LunarDate(year, 3, 10)) == solar


@pytest.mark.parametrize(
    ("text", "solar"),
    [
        ("2020-04-01L", dt.date(2020, 5, 23)),
        ("2023-02-01L", dt.date(2023, 3, 22)),
        ("2025-06-01L", dt.date(2025, 7, 25)),
    ],
)
def test_leap_month_first_day(text: str, solar: dt.date) -> None:
    lunar = parse_lunar(text)
    assert lunar.leap
    assert lunar_to_solar(lunar) == solar
    assert format_lunar(solar_to_lunar(solar)) == text


def test_leap_month_follows_its_regular_month() -> None:
    regular = lunar_to_solar(LunarDate(2025, 6, 1))
    leap = lunar_to_solar(LunarDate(2025, 6, 1, leap=True))
    following = lunar_to_solar(LunarDate(2025, 7, 1))
    assert regular < leap < following
    assert (leap - regular).days in (29, 30)


@pytest.mark.parametrize(
    "text",
    [
        "2025-05-01L",  # 2025's leap month is the 6th
        "2026-06-01L",  # 2026 has no leap month
        "2025-12-30",  # the 12th month of Ất Tỵ has 29 days
        "2025-13-01",
        "2025-00-10",
        "2025-01-31",
        "2025-1-1",
        "2025-01-01X",
        "",
        "2200-01-01",
    ],
)
def test_impossible_or_malformed_lunar_dates_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_lunar(text)


def test_direct_conversion_of_a_missing_day_is_refused() -> None:
    with pytest.raises(ValueError, match="no such lunar date: 2025-12-30"):
        lunar_to_solar(LunarDate(2025, 12, 30))


def test_format_pads_and_marks_leap() -> None:
    assert format_lunar(LunarDate(1987, 3, 9)) == "1987-03-09"
    assert str(LunarDate(2025, 6, 1, leap=True)) == "2025-06-01L"


def test_solar_range_is_enforced() -> None:
    with pytest.raises(ValueError):
        solar_to_lunar(dt.date(1899, 12, 31))
    with pytest.raises(ValueError):
        solar_to_lunar(dt.date(2101, 1, 1))


def test_datetime_is_refused_because_its_day_depends_on_the_zone() -> None:
    with pytest.raises(TypeError):
        solar_to_lunar(dt.datetime(2025, 1, 29, tzinfo=dt.UTC))
