"""The public entry points on the database calendar: signatures, errors, years, caching."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from motcua.worktime import deadlines, services
from motcua.worktime.calendar import NaiveDatetimeError
from motcua.worktime.holidays import UnsupportedYearError
from motcua.worktime.models import CalendarDay, CalendarYear
from motcua.worktime.selectors import work_calendar, year_calendar
from motcua.worktime.tests.support import vn

pytestmark = pytest.mark.django_db
D = dt.date


def test_spec_example() -> None:
    due = services.compute_due(received_at=vn(2025, 4, 29, 16, 10), limit=3, unit="working_days")
    assert due.isoformat() == "2025-05-07T17:00:00+07:00"


def test_arguments_are_keyword_only() -> None:
    with pytest.raises(TypeError):
        services.compute_due(vn(2025, 4, 29, 16, 10), 3, "working_days")  # type: ignore[misc]


@pytest.mark.parametrize(
    ("kwargs", "exc"),
    [
        ({"unit": "weeks", "limit": 1}, ValueError),
        ({"unit": "working_days", "limit": -1}, ValueError),
        ({"unit": "days", "limit": -5}, ValueError),
    ],
)
def test_bad_unit_or_limit(kwargs: dict[str, Any], exc: type[Exception]) -> None:
    with pytest.raises(exc):
        services.compute_due(received_at=vn(2025, 4, 29, 10), **kwargs)


def test_naive_received_at_is_refused() -> None:
    naive = dt.datetime(2025, 4, 29, 10)  # noqa: DTZ001
    with pytest.raises(NaiveDatetimeError):
        services.compute_due(received_at=naive, limit=1, unit="working_days")
    with pytest.raises(ValueError):
        services.effective_acceptance(received_at=naive)


def test_due_in_a_provisional_year() -> None:
    # 1 Jan 2027 (Friday) is off by the Labour Code although no decision is recorded.
    due = services.compute_due(received_at=vn(2026, 12, 30, 10), limit=5, unit="working_days")
    assert due == vn(2027, 1, 7, 17)


def test_long_limits_extend_the_calendar_as_needed() -> None:
    received = vn(2025, 3, 3, 9)
    due = services.compute_due(received_at=received, limit=700, unit="working_days")
    expected = deadlines.compute_due(work_calendar(2025, 2030), received, 700, "working_days")
    assert due == expected
    assert due.year == 2027
    assert services.compute_due(received_at=received, limit=40, unit="months") == vn(2028, 7, 3, 17)


def test_years_before_the_labour_code_2019_have_no_calendar() -> None:
    with pytest.raises(UnsupportedYearError):
        services.compute_due(received_at=vn(2019, 5, 6, 10), limit=1, unit="working_days")


def test_effective_acceptance_and_elapsed() -> None:
    assert services.effective_acceptance(
        received_at=vn(2025, 4, 29, 16, 10), cutoff=dt.time(15)
    ) == vn(2025, 5, 5, 7, 30)
    elapsed = services.elapsed_working_time(
        start=vn(2025, 4, 29, 16),
        end=vn(2025, 5, 5, 9, 30),
        pauses=[(vn(2025, 5, 5, 8), vn(2025, 5, 5, 8, 30))],
    )
    assert elapsed == dt.timedelta(hours=2, minutes=30)
    with pytest.raises(ValueError):
        services.elapsed_working_time(start=vn(2026, 1, 5), end=vn(2025, 1, 5))


def test_shipped_years_are_official_and_later_ones_provisional() -> None:
    assert not year_calendar(2025).provisional
    assert not year_calendar(2026).provisional
    later = year_calendar(2027)
    assert later.provisional
    assert D(2027, 1, 1) in {m.date for m in later.marks}


def test_stored_day_overrides_a_provisional_year() -> None:
    CalendarDay.objects.create(
        date=D(2027, 1, 4), kind="extra_holiday", reason="Nghỉ thêm", source="thử nghiệm"
    )
    cal = work_calendar(2027, 2027)
    assert not cal.is_working_day(D(2027, 1, 4))
    assert not cal.is_working_day(D(2027, 1, 1))  # statutory days are kept
    assert cal.is_provisional(2027)


def test_recorded_year_uses_only_its_rows() -> None:
    CalendarYear.objects.create(year=2027, provisional=True, decision="dự thảo")
    cal = work_calendar(2027, 2027)
    assert cal.is_working_day(D(2027, 1, 1))  # no rows recorded yet
    assert cal.is_provisional(2027)


def test_cached_calendar_costs_one_query(django_assert_num_queries: Any) -> None:
    services.compute_due(received_at=vn(2025, 4, 29, 16, 10), limit=3, unit="working_days")
    with django_assert_num_queries(1):
        due = services.compute_due(
            received_at=vn(2025, 4, 29, 16, 10), limit=3, unit="working_days"
        )
    assert due == vn(2025, 5, 7, 17)
