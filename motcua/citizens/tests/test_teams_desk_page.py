"""The desk page of community digital teams: each official sees the teams of their own
communes, with the month's count and the 12-month table; Excel export."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from motcua.citizens.models import AssistanceConsent, ConsentMethod
from motcua.citizens.tests.teams_factories import (
    MAI,
    make_member,
    make_team,
)
from motcua.desk.tests.signin import sign_in
from motcua.dossiers.tests.factories import local

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

TEAM_A = "Tổ công nghệ số cộng đồng thôn Nà Tông – xã Lâm Bình"
TEAM_B = "Tổ công nghệ số cộng đồng thôn Bản Chợ – xã Na Hang"


@pytest.fixture
def teams(world):
    team_a = make_team(world.commune_a, TEAM_A)
    team_b = make_team(world.commune_b, TEAM_B)
    user = make_member(team_a).user
    at = local(2026, 10, 31, 23, 30)
    AssistanceConsent.objects.create(
        team=team_a,
        member=user,
        method=ConsentMethod.SIGNED_DOCUMENT,
        granted_at=at,
        dossier=world.submit_construction(at=at),
        **MAI,
    )
    return team_a, team_b


def test_commune_leader_sees_only_their_teams(client, world, teams) -> None:
    sign_in(client, world.leader_a)
    response = client.get(reverse("desk:teams"), {"month": "2026-10"})
    assert response.status_code == 200
    page = response.content.decode()
    assert TEAM_A in page and TEAM_B not in page
    row = page.split(TEAM_A, 1)[1].split("</tr>", 1)[0]
    assert "<td>1</td>" in row


def test_center_manager_sees_the_teams_of_the_centers_commune(client, world, teams) -> None:
    sign_in(client, world.manager_a)
    page = client.get(reverse("desk:teams")).content.decode()
    assert TEAM_A in page and TEAM_B not in page


def test_another_communes_official_does_not_see_the_team(client, world, teams) -> None:
    sign_in(client, world.leader_b)
    page = client.get(reverse("desk:teams"), {"month": "2026-10"}).content.decode()
    assert TEAM_B in page and TEAM_A not in page


def test_province_admin_sees_every_team(client, world, teams) -> None:
    sign_in(client, world.admin)
    page = client.get(reverse("desk:teams")).content.decode()
    assert TEAM_A in page and TEAM_B in page


def test_specialist_is_refused(client, world, teams) -> None:
    sign_in(client, world.specialist_a)
    response = client.get(reverse("desk:teams"))
    assert response.status_code == 403
    assert TEAM_A not in response.content.decode()


def test_excel_export(client, world, teams) -> None:
    sign_in(client, world.leader_a)
    response = client.get(reverse("desk:teams_xlsx"), {"month": "2026-10"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][2] == "11/2025" and rows[0][13] == "10/2026"
    assert rows[1][0] == TEAM_A and rows[1][13] == 1 and rows[1][14] == 1
    assert len(rows) == 2


def test_page_queries_do_not_grow_with_teams(client, world, teams) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    sign_in(client, world.admin)
    with CaptureQueriesContext(connection) as two:
        client.get(reverse("desk:teams"))
    for i in range(3):
        make_team(world.commune_b, f"Tổ CNS số {i}")
    with CaptureQueriesContext(connection) as five:
        page = client.get(reverse("desk:teams")).content.decode()
    assert "Tổ CNS số 2" in page
    assert len(five) == len(two)
