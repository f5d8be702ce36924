"""An administrator's edit in the admin changes the next computed deadline."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from motcua.worktime import services
from motcua.worktime.models import CalendarDay, OfficeHours
from motcua.worktime.tests.support import vn

pytestmark = pytest.mark.django_db


def _example_due() -> dt.datetime:
    return services.compute_due(received_at=vn(2025, 4, 29, 16, 10), limit=3, unit="working_days")


@pytest.mark.parametrize("model", ["calendaryear", "calendarday", "officehours"])
def test_admin_pages_open(admin_client: Client, model: str) -> None:
    assert admin_client.get(reverse(f"admin:worktime_{model}_changelist")).status_code == 200
    assert admin_client.get(reverse(f"admin:worktime_{model}_add")).status_code == 200


def test_changelist_is_in_vietnamese(admin_client: Client) -> None:
    page = admin_client.get(reverse("admin:worktime_calendarday_changelist"))
    assert "Ngày nghỉ hoán đổi" in page.content.decode()


def test_adding_deleting_a_day_off_moves_the_deadline(admin_client: Client) -> None:
    assert _example_due() == vn(2025, 5, 7, 17)
    response = admin_client.post(
        reverse("admin:worktime_calendarday_add"),
        {"date": "2025-05-05", "kind": "extra_holiday", "reason": "Nghỉ thêm", "source": "QĐ thử"},
    )
    assert response.status_code == 302
    assert _example_due() == vn(2025, 5, 8, 17)

    row = CalendarDay.objects.get(date=dt.date(2025, 5, 5))
    response = admin_client.post(
        reverse("admin:worktime_calendarday_delete", args=[row.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert _example_due() == vn(2025, 5, 7, 17)


def test_admin_refuses_a_weekday_as_swapped_workday(admin_client: Client) -> None:
    response = admin_client.post(
        reverse("admin:worktime_calendarday_add"),
        {"date": "2025-05-06", "kind": "swapped_workday", "reason": "x", "source": "y"},
    )
    assert response.status_code == 200
    assert not CalendarDay.objects.filter(date=dt.date(2025, 5, 6)).exists()


def test_editing_office_hours_moves_the_deadline(admin_client: Client) -> None:
    row = OfficeHours.objects.get(agency=None)
    response = admin_client.post(
        reverse("admin:worktime_officehours_change", args=[row.pk]),
        {
            "agency": "",
            "valid_from_month": 1,
            "valid_from_day": 1,
            "valid_to_month": 12,
            "valid_to_day": 31,
            "morning_start": "07:30",
            "morning_end": "11:30",
            "afternoon_start": "13:30",
            "afternoon_end": "16:30",
        },
    )
    assert response.status_code == 302
    assert _example_due() == vn(2025, 5, 7, 16, 30)


def test_swapping_a_day_through_the_model_moves_the_deadline() -> None:
    row = CalendarDay.objects.get(date=dt.date(2025, 5, 2))
    row.kind = "holiday"
    row.save()
    assert _example_due() == vn(2025, 5, 7, 17)  # still off: nothing moves
    row.delete()
    assert _example_due() == vn(2025, 5, 6, 17)  # Fri 2 May is a working day again
