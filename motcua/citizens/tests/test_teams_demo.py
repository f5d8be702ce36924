"""The demo teams: idempotent, and Hoàng Văn Pá's first OpenID sign-in lands on the user
that is already a member of the Thượng Lâm team."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from motcua.citizens.access import team_membership
from motcua.citizens.demo import DEMO_MEMBER_PERSONAL_ID, ensure_demo_teams
from motcua.citizens.models import DigitalTeam, DigitalTeamMember
from motcua.citizens.services import citizen_sign_in
from motcua.org.models import AgencyKind
from motcua.org.tests.factories import make_agency

pytestmark = pytest.mark.django_db


def test_demo_teams_are_idempotent_and_pa_joins_thuong_lam(world) -> None:
    thuong_lam = make_agency(
        "Ủy ban nhân dân xã Thượng Lâm", kind=AgencyKind.COMMUNE, parent=world.province
    )
    first = ensure_demo_teams(communes=1)
    again = ensure_demo_teams(communes=1)
    assert [t.pk for t in first.teams] == [t.pk for t in again.teams]
    assert DigitalTeam.objects.count() == 2  # the first commune, and Thượng Lâm
    assert first.member_team is not None and first.member_team.commune == thuong_lam
    assert first.member_team.name.startswith("Tổ công nghệ số cộng đồng thôn ")
    assert first.member_team.name.endswith(" – xã Thượng Lâm")
    assert DigitalTeamMember.objects.count() == 1
    assert first.member.username == f"citizen-{DEMO_MEMBER_PERSONAL_ID}"
    assert not first.member.has_usable_password()

    citizen = citizen_sign_in(
        {"sub": "pa-at-the-idp", "personal_id": DEMO_MEMBER_PERSONAL_ID, "name": "Hoàng Văn Pá"},
        "http://testserver/dev/idp/o",
    )
    assert citizen.user_id == first.member.pk
    request = RequestFactory().get("/")
    request.user = citizen.user
    membership = team_membership(request)
    assert membership is not None and membership.team == first.member_team


def test_without_thuong_lam_pa_joins_the_first_commune(world) -> None:
    result = ensure_demo_teams()
    communes = {t.commune for t in result.teams}
    assert communes == {world.commune_a, world.commune_b}
    assert result.member_team is not None and result.member_team.commune in communes
