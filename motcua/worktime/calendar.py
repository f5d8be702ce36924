"""Working calendar (lịch làm việc): which days are worked and when the office is open.

A :class:`WorkCalendar` is a value object covering whole years. It knows the weekly rest
days, the dated exceptions (holidays, compensatory and swapped days off, swapped working
Saturdays) and the office hours, which may vary by season. Office periods are half-open
``[opening, closing)``: the office is open at 07:30:00 and closed at 17:00:00.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from zoneinfo import ZoneInfo

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
SATURDAY, SUNDAY = 5, 6
WEEKEND = frozenset({SATURDAY, SUNDAY})

Period = tuple[dt.time, dt.time]
DEFAULT_PERIODS: tuple[Period, ...] = (
    (dt.time(7, 30), dt.time(11, 30)),
    (dt.time(13, 30), dt.time(17, 0)),
)
# A leap year, so that 29 February is a valid month-day everywhere below.
_LEAP_YEAR = 2000


class DayKind(StrEnum):
    HOLIDAY = "holiday"
    COMPENSATORY_OFF = "compensatory_off"
    SWAPPED_OFF = "swapped_off"
    SWAPPED_WORKDAY = "swapped_workday"
    EXTRA_HOLIDAY = "extra_holiday"

    @property
    def is_working(self) -> bool:
        return self is DayKind.SWAPPED_WORKDAY


@dataclass(frozen=True)
class DayMark:
    """A dated exception to the weekly pattern, with why and on whose decision."""

    date: dt.date
    kind: DayKind
    reason: str
    source: str


class NaiveDatetimeError(ValueError):
    """A datetime without a time zone: its instant is unknown, so no deadline can use it."""

    def __init__(self, value: dt.datetime) -> None:
        super().__init__(f"datetime must be timezone-aware, got naive {value.isoformat()}")


def to_local(at: dt.datetime) -> dt.datetime:
    """``at`` in Vietnam time; naive datetimes are refused, never assumed local."""
    if at.tzinfo is None or at.utcoffset() is None:
        raise NaiveDatetimeError(at)
    return at.astimezone(VN_TZ)


class CalendarRangeError(ValueError):
    """A date outside the years a calendar was built for."""

    def __init__(self, year: int) -> None:
        super().__init__(f"no working calendar for year {year}")
        self.year = year


def validate_periods(periods: Iterable[Period]) -> tuple[Period, ...]:
    """Check that periods are non-empty, ordered and do not overlap; return them as a tuple."""
    result = tuple(periods)
    if not result:
        raise ValueError("office hours need at least one period")
    previous_end: dt.time | None = None
    for start, end in result:
        if start.tzinfo is not None or end.tzinfo is not None:
            raise ValueError("office hours are local wall-clock times without a time zone")
        if start >= end:
            raise ValueError(f"period {start}–{end} must start before it ends")
        if previous_end is not None and start < previous_end:
            raise ValueError(f"period starting {start} overlaps the previous one")
        previous_end = end
    return result


def _check_month_day(month_day: tuple[int, int]) -> None:
    month, day = month_day
    dt.date(_LEAP_YEAR, month, day)  # raises ValueError for e.g. (2, 30)


@dataclass(frozen=True)
class Season:
    """Office hours for the month-days ``start``..``end`` inclusive; wraps past 31 Dec."""

    start: tuple[int, int]
    end: tuple[int, int]
    periods: tuple[Period, ...]

    def __post_init__(self) -> None:
        _check_month_day(self.start)
        _check_month_day(self.end)
        object.__setattr__(self, "periods", validate_periods(self.periods))

    def covers(self, day: dt.date) -> bool:
        month_day = (day.month, day.day)
        if self.start <= self.end:
            return self.start <= month_day <= self.end
        return month_day >= self.start or month_day <= self.end

    def month_days(self) -> frozenset[tuple[int, int]]:
        """Every month-day the season covers (used to detect overlapping seasons)."""
        first = dt.date(_LEAP_YEAR, 1, 1)
        days = (first + dt.timedelta(days=i) for i in range(366))
        return frozenset((d.month, d.day) for d in days if self.covers(d))


@dataclass(frozen=True)
class OfficeHours:
    """Seasons in priority order; a day no season covers uses ``default``."""

    seasons: tuple[Season, ...] = ()
    default: tuple[Period, ...] = DEFAULT_PERIODS

    def __post_init__(self) -> None:
        object.__setattr__(self, "default", validate_periods(self.default))

    def periods_on(self, day: dt.date) -> tuple[Period, ...]:
        for season in self.seasons:
            if season.covers(day):
                return season.periods
        return self.default


DEFAULT_OFFICE_HOURS = OfficeHours()


@dataclass(frozen=True, eq=False)
class WorkCalendar:
    """Working days and office hours for the years ``first_year``..``last_year``.

    Asking about a date outside those years raises :class:`CalendarRangeError` rather
    than guessing: a deadline must never be computed from a calendar that does not
    know the day.
    """

    first_year: int
    last_year: int
    marks: Mapping[dt.date, DayMark] = field(default_factory=dict)
    office_hours: OfficeHours = DEFAULT_OFFICE_HOURS
    rest_weekdays: frozenset[int] = WEEKEND
    provisional_years: frozenset[int] = frozenset()

    def __post_init__(self) -> None:
        if self.first_year > self.last_year:
            raise ValueError("first_year must not be after last_year")
        for day, mark in self.marks.items():
            if day != mark.date:
                raise ValueError(f"mark for {mark.date} filed under {day}")
            self._check(day)
        object.__setattr__(self, "marks", MappingProxyType(dict(self.marks)))

    @classmethod
    def build(
        cls,
        first_year: int,
        last_year: int,
        marks: Iterable[DayMark] = (),
        *,
        office_hours: OfficeHours = DEFAULT_OFFICE_HOURS,
        rest_weekdays: frozenset[int] = WEEKEND,
        provisional_years: Iterable[int] = (),
    ) -> WorkCalendar:
        by_date: dict[dt.date, DayMark] = {}
        for mark in marks:
            if mark.date in by_date:
                raise ValueError(f"two marks for {mark.date}")
            by_date[mark.date] = mark
        return cls(
            first_year,
            last_year,
            by_date,
            office_hours=office_hours,
            rest_weekdays=rest_weekdays,
            provisional_years=frozenset(provisional_years),
        )

    def _check(self, day: dt.date) -> None:
        if not self.first_year <= day.year <= self.last_year:
            raise CalendarRangeError(day.year)

    def is_provisional(self, year: int) -> bool:
        return year in self.provisional_years

    def mark(self, day: dt.date) -> DayMark | None:
        self._check(day)
        return self.marks.get(day)

    def is_working_day(self, day: dt.date) -> bool:
        mark = self.mark(day)
        if mark is not None:
            return mark.kind.is_working
        return day.weekday() not in self.rest_weekdays

    def exceptions(self, year: int) -> list[DayMark]:
        """Marks of ``year`` that change the weekly pattern, in date order.

        A holiday recorded on a rest day changes nothing and is left out.
        """
        return sorted(
            (
                m
                for m in self.marks.values()
                if m.date.year == year
                and m.kind.is_working == (m.date.weekday() in self.rest_weekdays)
            ),
            key=lambda m: m.date,
        )

    def periods(self, day: dt.date) -> list[tuple[dt.datetime, dt.datetime]]:
        """Office periods of ``day`` as aware Vietnam-time datetimes; none on a day off."""
        if not self.is_working_day(day):
            return []
        return [
            (dt.datetime.combine(day, start, VN_TZ), dt.datetime.combine(day, end, VN_TZ))
            for start, end in self.office_hours.periods_on(day)
        ]

    def opening(self, day: dt.date) -> dt.datetime:
        periods = self.periods(day)
        if not periods:
            raise ValueError(f"{day} is not a working day")
        return periods[0][0]

    def closing(self, day: dt.date) -> dt.datetime:
        periods = self.periods(day)
        if not periods:
            raise ValueError(f"{day} is not a working day")
        return periods[-1][1]

    def next_working_day(self, day: dt.date, *, inclusive: bool = False) -> dt.date:
        """The first working day after ``day`` (or ``day`` itself if ``inclusive``)."""
        candidate = day if inclusive else day + dt.timedelta(days=1)
        while not self.is_working_day(candidate):
            candidate += dt.timedelta(days=1)
        return candidate

    def add_working_days(self, day: dt.date, count: int) -> dt.date:
        """The ``count``-th working day after ``day``; ``day`` itself is not counted."""
        if count < 0:
            raise ValueError("count must not be negative")
        for _ in range(count):
            day = self.next_working_day(day)
        return day

    def next_opening(self, at: dt.datetime) -> dt.datetime:
        """``at`` itself if the office is open then, else the next opening after it."""
        local = to_local(at)
        day = local.date()
        while True:
            for start, end in self.periods(day):
                if local < end:
                    return max(start, local)
            day = self.next_working_day(day)
