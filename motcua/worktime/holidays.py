"""Statutory public holidays (ngày nghỉ lễ, Tết) under the Labour Code 2019, art. 111–112.

Each year the Government fixes the exact Tết days, the day joined to 2 September and any
swapped days; those decisions are calendar data. This module gives the days the law
alone implies, for years whose decision is not recorded yet. Such years are
*provisional* and must be replaced by the official decision when it is published.

Conventions used where the law leaves the choice to a yearly decision:

* Tết Nguyên đán: the last day of the old lunar year and the 1st–4th days of the new
  one — the split the ministry has proposed most years ("1 ngày cuối năm, 4 ngày đầu
  năm").
* Quốc khánh: 2 September plus 3 September when 2 September is a Monday or a Thursday,
  otherwise plus 1 September. This joins the holiday to a weekend whenever one day can
  do it, and reproduces the days chosen for 2021–2026 (2026, a Wednesday, took 1 Sep).
* Art. 111(3): a holiday on a weekly rest day gives a compensatory day off on the next
  working day that is neither a holiday nor already a compensatory day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from motcua.worktime.calendar import WEEKEND, DayKind, DayMark
from motcua.worktime.lunar import LunarDate, lunar_to_solar

# The Labour Code 2019 is in force from 1 January 2021; earlier years had other rules.
FIRST_STATUTORY_YEAR = 2021
LAST_STATUTORY_YEAR = 2100
STATUTORY_SOURCE = "Bộ luật Lao động 2019, Điều 112 (tạm tính, chưa có quyết định của năm)"
COMPENSATORY_SOURCE = "Bộ luật Lao động 2019, Điều 111 khoản 3 (tạm tính)"
_MONDAY, _THURSDAY = 0, 3


class UnsupportedYearError(ValueError):
    """A year the statutory rules of this module do not cover."""

    def __init__(self, year: int) -> None:
        super().__init__(
            f"no statutory holiday rule for {year} "
            f"(supported {FIRST_STATUTORY_YEAR}–{LAST_STATUTORY_YEAR})"
        )
        self.year = year


def _check_year(year: int) -> None:
    if not FIRST_STATUTORY_YEAR <= year <= LAST_STATUTORY_YEAR:
        raise UnsupportedYearError(year)


def lunar_new_year(year: int) -> dt.date:
    """Mùng 1 Tết: the 1st day of the 1st lunar month of ``year``."""
    return lunar_to_solar(LunarDate(year, 1, 1))


def tet_days(year: int) -> tuple[dt.date, ...]:
    """The five Tết days: the last day of the old lunar year and mùng 1–4."""
    first = lunar_new_year(year)
    return tuple(first + dt.timedelta(days=offset) for offset in range(-1, 4))


def hung_kings_day(year: int) -> dt.date:
    """Giỗ Tổ Hùng Vương: the 10th day of the 3rd lunar month."""
    return lunar_to_solar(LunarDate(year, 3, 10))


def national_day_adjacent(year: int) -> dt.date:
    """The day joined to Quốc khánh 2 September (see the module docstring for the rule)."""
    national_day = dt.date(year, 9, 2)
    if national_day.weekday() in (_MONDAY, _THURSDAY):
        return dt.date(year, 9, 3)
    return dt.date(year, 9, 1)


def statutory_holidays(year: int) -> list[DayMark]:
    """The eleven holiday days of art. 112 for ``year``, in date order."""
    _check_year(year)
    tet = tet_days(year)
    tet_reasons = ["Tết Nguyên đán (ngày cuối năm Âm lịch)"] + [
        f"Tết Nguyên đán (mùng {n})" for n in range(1, 5)
    ]
    named = [
        (dt.date(year, 1, 1), "Tết Dương lịch"),
        *zip(tet, tet_reasons, strict=True),
        (hung_kings_day(year), "Giỗ Tổ Hùng Vương (10/3 Âm lịch)"),
        (dt.date(year, 4, 30), "Ngày Chiến thắng"),
        (dt.date(year, 5, 1), "Ngày Quốc tế Lao động"),
        (dt.date(year, 9, 2), "Quốc khánh"),
        (national_day_adjacent(year), "Quốc khánh (ngày liền kề)"),
    ]
    return sorted(
        (DayMark(day, DayKind.HOLIDAY, reason, STATUTORY_SOURCE) for day, reason in named),
        key=lambda m: m.date,
    )


def compensatory_days(
    holidays: Iterable[DayMark], rest_weekdays: frozenset[int] = WEEKEND
) -> list[DayMark]:
    """Art. 111(3): a compensatory day for each holiday that falls on a rest day."""
    ordered = sorted(holidays, key=lambda m: m.date)
    taken = {m.date for m in ordered}
    result: list[DayMark] = []
    for holiday in ordered:
        if holiday.date.weekday() not in rest_weekdays:
            continue
        day = holiday.date + dt.timedelta(days=1)
        while day.weekday() in rest_weekdays or day in taken:
            day += dt.timedelta(days=1)
        taken.add(day)
        result.append(
            DayMark(
                day,
                DayKind.COMPENSATORY_OFF,
                f"Nghỉ bù {holiday.reason} ({holiday.date:%d/%m})",
                COMPENSATORY_SOURCE,
            )
        )
    return result


def provisional_year(year: int) -> list[DayMark]:
    """Holidays and compensatory days of ``year`` from the law alone, in date order."""
    holidays = statutory_holidays(year)
    return sorted([*holidays, *compensatory_days(holidays)], key=lambda m: m.date)
