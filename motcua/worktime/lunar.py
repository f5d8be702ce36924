"""Vietnamese lunar calendar (âm lịch), computed for UTC+7.

A typed wrapper over ``lunar_vn`` (Hồ Ngọc Đức's algorithm at meridian 105°E). The
Chinese calendar (UTC+8) differs in some years, e.g. Tết 1985 fell on 21 January in
Vietnam and on 20 February in China, so a Chinese-calendar library must not be used.

Text form: ``YYYY-MM-DD`` for lunar year, month and day, with a trailing ``L`` when the
month is a leap month (tháng nhuận), e.g. ``2025-06-01L``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import lunar_vn

# lunar_vn's solar range; lunar dates in January 1900 belong to lunar year 1899.
FIRST_SOLAR_DATE = dt.date(1900, 1, 1)
LAST_SOLAR_DATE = dt.date(2100, 12, 31)
_UTC_PLUS_7 = 7.0
_TEXT_RE = re.compile(r"(\d{4})-(\d{2})-(\d{2})(L?)")


@dataclass(frozen=True)
class LunarDate:
    year: int
    month: int
    day: int
    leap: bool = False

    def __str__(self) -> str:
        return format_lunar(self)


def solar_to_lunar(day: dt.date) -> LunarDate:
    """The Vietnamese lunar date of a solar (Gregorian) date."""
    # A datetime's calendar day depends on its time zone: make the caller pick the day.
    if isinstance(day, dt.datetime):
        raise TypeError("pass a date, not a datetime")
    if not FIRST_SOLAR_DATE <= day <= LAST_SOLAR_DATE:
        raise ValueError(f"{day} is outside {FIRST_SOLAR_DATE}..{LAST_SOLAR_DATE}")
    result = lunar_vn.solar_to_lunar(day, time_zone=_UTC_PLUS_7)
    return LunarDate(result.year, result.month, result.day, result.leap)


def lunar_to_solar(lunar: LunarDate) -> dt.date:
    """The solar date of a lunar date; ValueError if that lunar date does not exist.

    ``lunar_vn`` silently rolls day 30 of a 29-day month into the next month and ignores
    a leap flag in a year without a leap month, so the result is checked by converting
    it back.
    """
    try:
        solar = lunar_vn.lunar_to_solar(
            lunar_vn.LunarDate(lunar.day, lunar.month, lunar.year, lunar.leap),
            time_zone=_UTC_PLUS_7,
        )
    except ValueError as exc:
        raise ValueError(f"no such lunar date: {format_lunar(lunar)}") from exc
    if not FIRST_SOLAR_DATE <= solar <= LAST_SOLAR_DATE or solar_to_lunar(solar) != lunar:
        raise ValueError(f"no such lunar date: {format_lunar(lunar)}")
    return solar


def format_lunar(lunar: LunarDate) -> str:
    suffix = "L" if lunar.leap else ""
    return f"{lunar.year:04d}-{lunar.month:02d}-{lunar.day:02d}{suffix}"


def parse_lunar(text: str) -> LunarDate:
    """Parse ``YYYY-MM-DD`` or ``YYYY-MM-DDL``; ValueError if malformed or nonexistent."""
    match = _TEXT_RE.fullmatch(text.strip())
    if match is None:
        raise ValueError(f"not a lunar date (YYYY-MM-DD, L for a leap month): {text!r}")
    year, month, day = (int(g) for g in match.group(1, 2, 3))
    lunar = LunarDate(year, month, day, leap=match.group(4) == "L")
    lunar_to_solar(lunar)
    return lunar
