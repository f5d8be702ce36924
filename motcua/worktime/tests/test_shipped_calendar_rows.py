"""The data migration ships 2025 and 2026 exactly as rules.md §5 lists them."""

from __future__ import annotations

import datetime as dt

import pytest

from motcua.worktime.models import CalendarDay, CalendarYear, OfficeHours

pytestmark = pytest.mark.django_db
D = dt.date

EXPECTED = {
    D(2025, 1, 1): "holiday",
    **{D(2025, 1, d): "holiday" for d in range(27, 32)},
    D(2025, 4, 7): "holiday",
    D(2025, 4, 26): "swapped_workday",
    D(2025, 4, 30): "holiday",
    D(2025, 5, 1): "holiday",
    D(2025, 5, 2): "swapped_off",
    D(2025, 9, 1): "holiday",
    D(2025, 9, 2): "holiday",
    D(2026, 1, 1): "holiday",
    D(2026, 1, 2): "swapped_off",
    D(2026, 1, 10): "swapped_workday",
    **{D(2026, 2, d): "holiday" for d in range(16, 21)},
    D(2026, 4, 27): "compensatory_off",
    D(2026, 4, 30): "holiday",
    D(2026, 5, 1): "holiday",
    D(2026, 8, 22): "swapped_workday",
    D(2026, 8, 31): "swapped_off",
    D(2026, 9, 1): "holiday",
    D(2026, 9, 2): "holiday",
}


def test_rows_are_exactly_the_listed_days() -> None:
    assert dict(CalendarDay.objects.values_list("date", "kind")) == EXPECTED


def test_every_row_is_valid_and_sourced() -> None:
    for row in CalendarDay.objects.all():
        row.full_clean()
        assert row.reason and row.source
    assert CalendarDay.objects.get(date=D(2026, 1, 2)).source.startswith("Văn bản 12729/VPCP-KGVX")


def test_only_weekdays_off_and_weekends_worked_are_stored() -> None:
    for row in CalendarDay.objects.all():
        assert (row.date.weekday() >= 5) == (row.kind == "swapped_workday")


def test_years_are_official() -> None:
    assert list(CalendarYear.objects.values_list("year", "provisional")) == [
        (2025, False),
        (2026, False),
    ]


def test_default_office_hours() -> None:
    (row,) = OfficeHours.objects.all()
    assert row.agency is None
    assert (row.valid_from_month, row.valid_from_day, row.valid_to_month, row.valid_to_day) == (
        1,
        1,
        12,
        31,
    )
    assert (row.morning_start, row.morning_end, row.afternoon_start, row.afternoon_end) == (
        dt.time(7, 30),
        dt.time(11, 30),
        dt.time(13, 30),
        dt.time(17, 0),
    )
