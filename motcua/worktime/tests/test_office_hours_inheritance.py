"""Office hours: the agency's own, then its ancestors', the province's, then built-in."""

from __future__ import annotations

import datetime as dt

import pytest

from motcua.org.models import Agency, AgencyKind
from motcua.worktime import services
from motcua.worktime.calendar import DEFAULT_PERIODS
from motcua.worktime.models import OfficeHours
from motcua.worktime.selectors import office_hours_for
from motcua.worktime.tests.support import vn

pytestmark = pytest.mark.django_db
D, T = dt.date, dt.time


@pytest.fixture
def tree() -> dict[str, Agency]:
    province = Agency.objects.create(
        name="UBND tỉnh", kind=AgencyKind.PROVINCE_COMMITTEE, identifier="000.00.00.H60"
    )
    department = Agency.objects.create(
        name="Sở Tư pháp", kind=AgencyKind.DEPARTMENT, parent=province, identifier="000.00.11.H60"
    )
    unit = Agency.objects.create(
        name="Phòng Hộ tịch", kind=AgencyKind.UNIT, parent=department, identifier="000.01.11.H60"
    )
    commune = Agency.objects.create(
        name="UBND xã Minh Xuân",
        kind=AgencyKind.COMMUNE,
        parent=province,
        identifier="000.00.31.H60",
    )
    OfficeHours.objects.create(agency=department, afternoon_end=T(17, 30), morning_start=T(7, 0))
    OfficeHours.objects.create(
        agency=unit,
        valid_from_month=4,
        valid_from_day=16,
        valid_to_month=10,
        valid_to_day=15,
        morning_start=T(7, 0),
        morning_end=T(11, 0),
        afternoon_start=T(13, 0),
        afternoon_end=T(16, 0),
    )
    return {"province": province, "department": department, "unit": unit, "commune": commune}


def test_agency_override(tree: dict[str, Agency]) -> None:
    hours = office_hours_for(tree["department"])
    assert hours.periods_on(D(2025, 6, 2)) == ((T(7, 0), T(11, 30)), (T(13, 30), T(17, 30)))


def test_unit_season_then_parent(tree: dict[str, Agency]) -> None:
    hours = office_hours_for(tree["unit"])
    assert hours.periods_on(D(2025, 6, 2))[-1] == (T(13, 0), T(16, 0))  # its own summer
    assert hours.periods_on(D(2025, 12, 1))[-1] == (T(13, 30), T(17, 30))  # the department's


def test_agency_without_hours_uses_the_province_default(tree: dict[str, Agency]) -> None:
    assert office_hours_for(tree["commune"]).periods_on(D(2025, 6, 2)) == DEFAULT_PERIODS
    assert office_hours_for(None).periods_on(D(2025, 6, 2)) == DEFAULT_PERIODS


def test_province_default_row_is_used(tree: dict[str, Agency]) -> None:
    OfficeHours.objects.filter(agency=None).update(afternoon_end=T(16, 30))
    OfficeHours.objects.get(agency=None).save()  # an edit through the model
    assert office_hours_for(tree["commune"]).periods_on(D(2025, 6, 2))[-1] == (T(13, 30), T(16, 30))


def test_built_in_default_when_nothing_is_stored(tree: dict[str, Agency]) -> None:
    for row in OfficeHours.objects.all():
        row.delete()
    assert office_hours_for(tree["unit"]).periods_on(D(2025, 6, 2)) == DEFAULT_PERIODS


def test_deadlines_follow_the_agency_hours(tree: dict[str, Agency]) -> None:
    received = vn(2025, 4, 29, 16, 10)
    assert services.compute_due(
        received_at=received, limit=3, unit="working_days", agency=tree["department"]
    ) == vn(2025, 5, 7, 17, 30)
    # The unit closes at 16:00 in summer: 16:10 is after hours, so 5 May is day 0.
    assert services.compute_due(
        received_at=received, limit=3, unit="working_days", agency=tree["unit"]
    ) == vn(2025, 5, 8, 16, 0)
    assert services.effective_acceptance(received_at=received, agency=tree["unit"]) == vn(
        2025, 5, 5, 7, 0
    )
    assert services.elapsed_working_time(
        start=vn(2025, 5, 5, 6), end=vn(2025, 5, 5, 20), agency=tree["department"]
    ) == dt.timedelta(hours=8, minutes=30)


def test_moving_an_agency_changes_its_inherited_hours(tree: dict[str, Agency]) -> None:
    commune = tree["commune"]
    assert office_hours_for(commune).periods_on(D(2025, 12, 1))[-1][1] == T(17, 0)
    commune.parent = tree["department"]
    commune.save()
    assert office_hours_for(commune).periods_on(D(2025, 12, 1))[-1][1] == T(17, 30)
