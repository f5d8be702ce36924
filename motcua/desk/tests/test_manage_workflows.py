"""Workflows per procedure and agency: the list, scope, the step editor, its errors, saving."""

from __future__ import annotations

import logging
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from motcua.catalog.models import ProcedureVersion
from motcua.desk.tests.manage_support import sign_in, text, url
from motcua.dossiers.tests.factories import BIRTH, CONSTRUCTION, World
from motcua.workflow.models import Workflow
from motcua.workflow.services import allotment_preview

pytestmark = pytest.mark.django_db


def steps_data(steps: list[dict[str, Any]], *, initial: int = 0, name: str = "Quy trình") -> dict:
    data: dict[str, Any] = {
        "name": name,
        "steps-TOTAL_FORMS": str(len(steps)),
        "steps-INITIAL_FORMS": str(initial),
        "steps-MIN_NUM_FORMS": "0",
        "steps-MAX_NUM_FORMS": "30",
        "save": "1",
    }
    for i, step in enumerate(steps):
        values = {"agency_rule": "competent", "agency": "", "ORDER": str(i + 1), **step}
        for key, value in values.items():
            data[f"steps-{i}-{key}"] = value
    return data


def test_the_list_shows_procedures_by_agency_and_searches_without_diacritics(
    client: Client, world: World
) -> None:
    sign_in(client, world.admin)
    page = client.get(url("desk:manage_workflows"))
    body = text(page)
    assert page.status_code == 200
    assert "Đăng ký khai sinh" in body
    assert "Cấp giấy phép xây dựng nhà ở riêng lẻ" in body
    assert "All agencies (province-wide default)" in body
    assert world.commune_a.name in body and world.commune_b.name in body
    assert "built-in steps" in body

    found = text(client.get(url("desk:manage_workflows"), {"q": "dang ky khai sinh"}))
    assert "Đăng ký khai sinh" in found
    assert "Cấp giấy phép xây dựng" not in found


def test_a_commune_leader_sees_only_procedures_and_agencies_of_their_commune(
    client: Client, world: World
) -> None:
    body = text(sign_in(client, world.leader_a).get(url("desk:manage_workflows")))
    assert "Đăng ký khai sinh" in body
    assert world.commune_a.name in body
    assert world.commune_b.name not in body
    assert "Cấp giấy phép xây dựng" not in body  # decided by the department
    assert "province-wide default)" not in body


def test_a_commune_leader_cannot_open_or_change_another_communes_workflow(
    client: Client, world: World
) -> None:
    sign_in(client, world.leader_a)
    other = url("desk:manage_workflow_edit", BIRTH, world.commune_b.pk)
    assert client.get(other).status_code == 404
    response = client.post(other, steps_data([{"name": "X", "role": "specialist", "share": "50"}]))
    assert response.status_code == 404
    # Nor a procedure their agency does not decide.
    assert (
        client.get(url("desk:manage_workflow_edit", CONSTRUCTION, world.commune_a.pk)).status_code
        == 404
    )
    assert not Workflow.objects.exists()


def test_the_editor_shows_the_allotted_working_time_of_each_share(
    client: Client, world: World
) -> None:
    page = sign_in(client, world.leader_a).get(
        url("desk:manage_workflow_edit", BIRTH, world.commune_a.pk)
    )
    body = text(page)
    assert page.status_code == 200
    assert "Thẩm định hồ sơ" in body and "Phê duyệt, ký kết quả" in body  # built-in steps
    assert "the built-in steps (nothing saved yet)" in body
    assert "dossiers already accepted keep the steps" in body.replace("Dossiers", "dossiers")
    version = ProcedureVersion.objects.get(procedure__code=BIRTH, status="published")
    preview = allotment_preview(
        version=version,
        agency=world.commune_a,
        shares=[Decimal(60), Decimal(30)],
        now=timezone.now(),
    )
    assert preview is not None and preview.total is not None
    # 3 working days counted after the acceptance day: 4 office days of 7 h 30 min.
    assert preview.total.total_seconds() == 4 * 7.5 * 3600
    for allotted in preview.allotted:
        assert allotted is not None
        minutes = int(allotted.total_seconds() // 60)
        assert f"{minutes // 60} h {minutes % 60:02d} min" in body
    assert "18 h 00 min" in body  # 60% of 30 h
    assert 'data-total-minutes="1800"' in body


def test_shares_above_100_percent_show_the_error_and_change_nothing(
    client: Client, world: World
) -> None:
    sign_in(client, world.leader_a)
    page = client.post(
        url("desk:manage_workflow_edit", BIRTH, world.commune_a.pk),
        steps_data(
            [
                {"name": "Thẩm định", "role": "specialist", "share": "70"},
                {"name": "Ký", "role": "leader", "share": "40"},
            ]
        ),
    )
    assert page.status_code == 200
    assert "The steps’ shares add up to more than the whole legal time (100%)." in text(
        page
    ).replace("&#x27;", "’").replace("'", "’")
    assert "110" in text(page)  # the sum shown next to the error
    assert not Workflow.objects.exists()


def test_a_valid_edit_saves_the_steps_in_the_order_asked_for_and_is_audited(
    client: Client, world: World, caplog: pytest.LogCaptureFixture
) -> None:
    before = world.accepted_birth()
    sign_in(client, world.leader_a)
    edit = url("desk:manage_workflow_edit", BIRTH, world.commune_a.pk)
    with caplog.at_level(logging.INFO, logger="motcua.audit"):
        response = client.post(
            edit,
            steps_data(
                [
                    {"name": "Ký duyệt", "role": "leader", "share": "20", "ORDER": "3"},
                    {"name": "Thẩm định", "role": "specialist", "share": "50.5", "ORDER": "1"},
                    {
                        "name": "Kiểm tra tại bộ phận một cửa",
                        "role": "reception_officer",
                        "share": "10",
                        "ORDER": "2",
                        "agency_rule": "fixed",
                        "agency": str(world.center_a.pk),
                    },
                ],
                name="Quy trình khai sinh xã Lâm Bình",
            ),
        )
    assert response.status_code == 302
    workflow = Workflow.objects.get(active=True, competent_agency=world.commune_a)
    assert workflow.name == "Quy trình khai sinh xã Lâm Bình"
    rows = list(
        workflow.steps.order_by("position").values_list(
            "position", "name", "role", "share", "agency_rule", "agency"
        )
    )
    assert rows == [
        (1, "Thẩm định", "specialist", Decimal("50.50"), "competent", None),
        (
            2,
            "Kiểm tra tại bộ phận một cửa",
            "reception_officer",
            Decimal("10.00"),
            "fixed",
            world.center_a.pk,
        ),
        (3, "Ký duyệt", "leader", Decimal("20.00"), "competent", None),
    ]
    assert any(
        "workflow_save by=a.lanhdao" in r.getMessage() and "000.01.30.H60" in r.getMessage()
        for r in caplog.records
    )
    # Only dossiers accepted afterwards follow it.
    after = world.accepted_birth()
    assert [s["name"] for s in after.workflow_steps] == [
        "Thẩm định",
        "Kiểm tra tại bộ phận một cửa",
        "Ký duyệt",
    ]
    before.refresh_from_db()
    assert [s["name"] for s in before.workflow_steps] == [
        "Thẩm định hồ sơ",
        "Phê duyệt, ký kết quả",
    ]

    page = text(client.get(edit))
    assert "this workflow" in page and "Quy trình khai sinh xã Lâm Bình" in page


def test_the_untouched_blank_row_a_browser_submits_is_ignored(client: Client, world: World) -> None:
    sign_in(client, world.leader_a)
    edit = url("desk:manage_workflow_edit", BIRTH, world.commune_a.pk)
    page = text(client.get(edit))
    assert 'name="steps-TOTAL_FORMS" value="3"' in page  # two steps and a blank row
    assert 'name="steps-INITIAL_FORMS" value="2"' in page
    # What the browser sends for the blank row: the selects' shown values, empty inputs.
    data = steps_data(
        [
            {"name": "Thẩm định hồ sơ", "role": "specialist", "share": "60"},
            {"name": "Phê duyệt, ký kết quả", "role": "leader", "share": "35"},
            {"name": "", "role": "specialist", "share": "", "ORDER": ""},
        ],
        initial=2,
    )
    assert client.post(edit, data).status_code == 302
    workflow = Workflow.objects.get(active=True, competent_agency=world.commune_a)
    assert list(workflow.steps.values_list("share", flat=True)) == [Decimal(60), Decimal(35)]


def test_removing_a_step_and_the_service_errors_next_to_fields(
    client: Client, world: World
) -> None:
    sign_in(client, world.admin)
    edit = url("desk:manage_workflow_edit", BIRTH, "default")
    page = client.post(
        edit,
        steps_data(
            [
                {"name": "Thẩm định", "role": "specialist", "share": "60"},
                {"name": "Bỏ", "role": "leader", "share": "30", "DELETE": "on"},
                {
                    "name": "Chuyển Công an",
                    "role": "specialist",
                    "share": "10",
                    "agency_rule": "fixed",
                },
            ]
        ),
    )
    body = text(page)
    assert page.status_code == 200
    # The service's error sits next to the named-agency field of the third step.
    assert 'id="id_steps-2-agency_error"' in body
    assert "Name an agency exactly when the step" in body
    assert not Workflow.objects.exists()

    saved = client.post(
        edit,
        steps_data(
            [
                {"name": "Thẩm định", "role": "specialist", "share": "60"},
                {"name": "Bỏ", "role": "leader", "share": "30", "DELETE": "on"},
                {
                    "name": "Chuyển Công an",
                    "role": "specialist",
                    "share": "10",
                    "agency_rule": "fixed",
                    "agency": str(world.police.pk),
                },
            ]
        ),
    )
    assert saved.status_code == 302
    default = Workflow.objects.get(active=True, competent_agency=None)
    assert list(default.steps.values_list("name", flat=True)) == ["Thẩm định", "Chuyển Công an"]


def test_a_leader_cannot_name_an_agency_outside_their_commune(client: Client, world: World) -> None:
    sign_in(client, world.leader_a)
    page = client.post(
        url("desk:manage_workflow_edit", BIRTH, world.commune_a.pk),
        steps_data(
            [
                {
                    "name": "Chuyển xã khác",
                    "role": "specialist",
                    "share": "50",
                    "agency_rule": "fixed",
                    "agency": str(world.commune_b.pk),
                }
            ]
        ),
    )
    assert page.status_code == 200
    assert 'id="id_steps-0-agency_error"' in text(page)
    assert not Workflow.objects.exists()


def test_add_a_step_without_javascript_keeps_what_was_typed(client: Client, world: World) -> None:
    sign_in(client, world.leader_a)
    data = steps_data([{"name": "Thẩm định riêng", "role": "specialist", "share": "45"}])
    data.pop("save")
    data["add_step"] = "1"
    page = client.post(url("desk:manage_workflow_edit", BIRTH, world.commune_a.pk), data)
    body = text(page)
    assert page.status_code == 200
    assert 'name="steps-TOTAL_FORMS" value="2"' in body
    assert 'name="steps-1-name"' in body
    assert 'value="Thẩm định riêng"' in body
    assert not Workflow.objects.exists()


def test_retiring_a_workflow_falls_back_to_the_default(client: Client, world: World) -> None:
    sign_in(client, world.leader_a)
    edit = url("desk:manage_workflow_edit", BIRTH, world.commune_a.pk)
    client.post(edit, steps_data([{"name": "Một bước", "role": "leader", "share": "80"}]))
    assert Workflow.objects.filter(active=True).count() == 1
    response = client.post(edit, {"reset": "1"})
    assert response.status_code == 302
    assert not Workflow.objects.filter(active=True).exists()
    assert "the built-in steps (nothing saved yet)" in text(client.get(edit))


def test_the_list_costs_the_same_queries_for_more_workflows(client: Client, world: World) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    sign_in(client, world.admin)
    one_step = steps_data([{"name": "Một bước", "role": "leader", "share": "80"}])
    client.post(url("desk:manage_workflow_edit", BIRTH, "default"), one_step)
    with CaptureQueriesContext(connection) as few:
        client.get(url("desk:manage_workflows"))
    for agency, code in (
        (world.commune_a, BIRTH),
        (world.commune_b, BIRTH),
        (world.construction, CONSTRUCTION),
    ):
        client.post(
            url("desk:manage_workflow_edit", code, agency.pk),
            steps_data([{"name": "Một bước", "role": "leader", "share": "80"}]),
        )
    assert Workflow.objects.filter(active=True).count() == 4
    with CaptureQueriesContext(connection) as many:
        page = client.get(url("desk:manage_workflows"))
    assert "Leader / signer 80%" in text(page)
    assert len(many) == len(few)
