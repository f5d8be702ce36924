"""The admin lists teams with their members; consents are read-only there."""

from __future__ import annotations

import pytest
from django.urls import reverse

from motcua.citizens.consent import consent_from_document
from motcua.citizens.tests.teams_factories import (
    MAI,
    make_member,
    make_team,
)
from motcua.dossiers.tests.factories import pdf_bytes

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def test_admin_lists_teams_and_shows_consents_read_only(admin_client, world) -> None:
    team = make_team(world.commune_a, "Tổ công nghệ số cộng đồng thôn Nà Tông")
    user = make_member(team).user
    consent = consent_from_document(member_user=user, team=team, **MAI, upload=pdf_bytes())
    listing = admin_client.get(reverse("admin:citizens_digitalteam_changelist"))
    assert "Tổ công nghệ số cộng đồng thôn Nà Tông" in listing.content.decode()
    change = admin_client.get(reverse("admin:citizens_digitalteam_change", args=[team.pk]))
    assert user.username in change.content.decode()
    page = admin_client.get(reverse("admin:citizens_assistanceconsent_change", args=[consent.pk]))
    assert page.status_code == 200
    assert (
        "Lý Thị Mai" in page.content.decode() and 'name="citizen_name"' not in page.content.decode()
    )
    assert admin_client.get(reverse("admin:citizens_assistanceconsent_add")).status_code == 403
