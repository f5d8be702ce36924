"""The year's calendar decisions: listing, adding and removing days moves the deadlines
computed afterwards; recording a year's decision changes nothing by itself."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from django.test import Client

from motcua.desk.tests.manage_support import sign_in, text, url
from motcua.dossiers.tests.factories import World
from motcua.worktime import services
from motcua.worktime.models import CalendarDay, CalendarYear
from motcua.worktime.tests.support import vn

pytestmark = pytest.mark.django_db


def due_3_working_days() -> dt.datetime:
    return services.compute_due(received_at=vn(2025, 4, 29, 16, 10), limit=3, unit="working_days")


def decision(**over: str) -> dict[str, str]:
    return {
        "action": "add",
        "year": "2025",
        "first": "2025-05-05",
        "last": "",
        "kind": "extra_holiday",
        "reason": "Nghỉ thêm sau dịp 30/4",
        "source": "Thông báo 6150/TB-LĐTBXH",
        **over,
    }


def test_the_page_lists_the_years_days_with_their_decisions(client: Client, world: World) -> None:
    body = text(sign_in(client, world.admin).get(url("desk:manage_calendar"), {"year": 2025}))
    assert "Working calendar 2025" in body
    assert "Ngày Chiến thắng" in body
    assert "Swapped working day" in body  # Saturday 26 April
    assert "Văn phòng Chính phủ hoán đổi thứ Sáu 02/5/2025" in body
    assert "official" in body
    provisional = text(client.get(url("desk:manage_calendar"), {"year": 2027}))
    assert "No decision is recorded for this year" in provisional
    assert "(computed)" in provisional


def test_adding_and_removing_a_day_moves_the_computed_due_date(
    client: Client, world: World, caplog: pytest.LogCaptureFixture
) -> None:
    assert due_3_working_days() == vn(2025, 5, 7, 17)
    sign_in(client, world.admin)
    with caplog.at_level(logging.INFO, logger="motcua.audit"):
        response = client.post(url("desk:manage_calendar"), decision())
    assert response.status_code == 302
    row = CalendarDay.objects.get(date=dt.date(2025, 5, 5))
    assert (row.kind, row.source) == ("extra_holiday", "Thông báo 6150/TB-LĐTBXH")
    assert due_3_working_days() == vn(2025, 5, 8, 17)
    assert any("calendar_days_add by=quantri" in r.getMessage() for r in caplog.records)
    assert "Thông báo 6150/TB-LĐTBXH" in text(client.get(response["Location"]))

    removed = client.post(url("desk:manage_calendar_remove", row.pk))
    assert removed.status_code == 302
    assert not CalendarDay.objects.filter(date=dt.date(2025, 5, 5)).exists()
    assert due_3_working_days() == vn(2025, 5, 7, 17)


def test_a_range_skips_the_weekend_for_days_off(client: Client, world: World) -> None:
    sign_in(client, world.admin)
    response = client.post(
        url("desk:manage_calendar"),
        decision(first="2025-11-14", last="2025-11-18", kind="extra_holiday"),
    )
    assert response.status_code == 302
    dates = list(
        CalendarDay.objects.filter(date__month=11, date__year=2025).values_list("date", flat=True)
    )
    assert dates == [dt.date(2025, 11, 14), dt.date(2025, 11, 17), dt.date(2025, 11, 18)]


def test_bad_input_shows_errors_next_to_fields_and_stores_nothing(
    client: Client, world: World
) -> None:
    sign_in(client, world.admin)
    before = CalendarDay.objects.count()
    weekday_swap = client.post(
        url("desk:manage_calendar"), decision(first="2025-05-06", kind="swapped_workday")
    )
    assert weekday_swap.status_code == 200
    assert 'id="id_kind_error"' in text(weekday_swap)
    assert "A swapped working day must be a Saturday or Sunday." in text(weekday_swap)
    taken = client.post(url("desk:manage_calendar"), decision(first="2025-04-30"))
    assert 'id="id_first_error"' in text(taken)
    assert "Already recorded: 30/04/2025" in text(taken)
    blank = client.post(url("desk:manage_calendar"), decision(source="   "))
    assert 'id="id_source_error"' in text(blank)
    backwards = client.post(url("desk:manage_calendar"), decision(last="2025-05-01"))
    assert 'id="id_last_error"' in text(backwards)
    assert CalendarDay.objects.count() == before


def test_recording_a_years_decision_keeps_its_deadlines(client: Client, world: World) -> None:
    received = vn(2027, 4, 28, 9)
    due_before = services.compute_due(received_at=received, limit=5, unit="working_days")
    sign_in(client, world.admin)
    response = client.post(
        url("desk:manage_calendar"),
        {
            "action": "record_year",
            "year": "2027",
            "decision": "Thông báo số 01/TB-BNV về lịch nghỉ năm 2027",
            "provisional": "",
        },
    )
    assert response.status_code == 302
    record = CalendarYear.objects.get(year=2027)
    assert not record.provisional
    assert CalendarDay.objects.filter(date__year=2027).count() >= 11
    assert services.compute_due(received_at=received, limit=5, unit="working_days") == due_before
    body = text(client.get(url("desk:manage_calendar"), {"year": 2027}))
    assert "Thông báo số 01/TB-BNV" in body
    assert "(computed)" not in body


@pytest.mark.parametrize("who", ["leader_a", "manager_a", "specialist_a"])
def test_only_the_province_admin_edits_the_calendar(client: Client, world: World, who: str) -> None:
    sign_in(client, getattr(world, who))
    assert client.post(url("desk:manage_calendar"), decision()).status_code == 403
    row = CalendarDay.objects.get(date=dt.date(2025, 4, 30))
    assert client.post(url("desk:manage_calendar_remove", row.pk)).status_code == 403
    assert CalendarDay.objects.filter(pk=row.pk).exists()
    assert not CalendarDay.objects.filter(date=dt.date(2025, 5, 5)).exists()
