"""Model validation of calendar days and office-hour seasons."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from motcua.worktime.calendar import DayKind
from motcua.worktime.models import CalendarDay, CalendarDayKind, OfficeHours

pytestmark = pytest.mark.django_db
D, T = dt.date, dt.time


def test_model_kinds_are_the_pure_kinds() -> None:
    assert set(CalendarDayKind.values) == {k.value for k in DayKind}


@pytest.mark.parametrize(
    ("day", "kind", "field"),
    [
        (D(2027, 3, 3), "swapped_workday", "kind"),  # a Wednesday
        (D(2027, 3, 6), "swapped_off", "kind"),  # a Saturday
        (D(2027, 3, 7), "compensatory_off", "kind"),  # a Sunday
    ],
)
def test_day_kind_must_fit_the_weekday(day: dt.date, kind: str, field: str) -> None:
    with pytest.raises(ValidationError) as info:
        CalendarDay(date=day, kind=kind, reason="r", source="s").full_clean()
    assert field in info.value.message_dict


def test_holiday_on_a_weekend_is_allowed() -> None:
    CalendarDay(date=D(2027, 3, 6), kind="holiday", reason="r", source="s").full_clean()


def test_source_is_required() -> None:
    with pytest.raises(ValidationError) as info:
        CalendarDay(date=D(2027, 3, 3), kind="holiday", reason="r", source="").full_clean()
    assert "source" in info.value.message_dict


def test_season_day_must_exist() -> None:
    row = OfficeHours(valid_from_month=2, valid_from_day=30)
    with pytest.raises(ValidationError) as info:
        row.full_clean()
    assert "valid_from_day" in info.value.message_dict


def test_times_must_be_in_order() -> None:
    row = OfficeHours(
        valid_from_month=1,
        valid_from_day=1,
        valid_to_month=1,
        valid_to_day=31,
        morning_end=T(14, 0),
        afternoon_start=T(13, 30),
    )
    with pytest.raises(ValidationError):
        row.full_clean()


def test_database_refuses_times_out_of_order() -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        OfficeHours.objects.create(morning_start=T(12), morning_end=T(8))


def test_seasons_of_one_agency_must_not_overlap() -> None:
    # The shipped province default covers the whole year.
    summer = OfficeHours(valid_from_month=4, valid_from_day=16, valid_to_month=10, valid_to_day=15)
    with pytest.raises(ValidationError, match="trùng với một mùa khác"):
        summer.full_clean()
    OfficeHours.objects.filter(agency=None).update(valid_to_month=4, valid_to_day=15)
    summer.full_clean()
    winter = OfficeHours(valid_from_month=10, valid_from_day=16, valid_to_month=1, valid_to_day=5)
    with pytest.raises(ValidationError, match="trùng với một mùa khác"):
        winter.full_clean()
