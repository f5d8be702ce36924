"""Assisted filing through the drafts: a community digital-team member files for a citizen
who consented; the dossier is the citizen's and records who helped."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from motcua.catalog.models import ProcedureVersion
from motcua.citizens.models import AssistanceConsent, DigitalTeam, DigitalTeamMember
from motcua.citizens.tests.helpers import make_citizen, sign_in_citizen
from motcua.core.errors import Forbidden
from motcua.desk.tests.signin import sign_in
from motcua.dossiers.models import DossierEvent
from motcua.dossiers.tests.factories import BIRTH, World, pdf_upload
from motcua.portal import services

pytestmark = pytest.mark.django_db


def test_a_member_files_for_a_consenting_citizen(client: Any, world: World) -> None:
    member = make_citizen(personal_id="008090001111", full_name="Hà Văn Tùng")
    helped = make_citizen(personal_id="008190002222", full_name="Lý Thị Mai", phone="0987654321")
    team = DigitalTeam.objects.create(name="Tổ công nghệ số thôn Nà Tông", commune=world.commune_a)
    DigitalTeamMember.objects.create(team=team, user=member.user)
    consent = AssistanceConsent.objects.create(
        team=team,
        member=member.user,
        citizen_name=helped.full_name,
        personal_id=helped.personal_id,
        phone=helped.phone,
        method="otp",
        granted_at=timezone.now(),
    )
    version = ProcedureVersion.objects.get(procedure__code=BIRTH)
    with pytest.raises(Forbidden):
        services.draft_start(user=helped.user, version=version, consent=consent)

    draft = services.draft_start(user=member.user, version=version, consent=consent)
    assert draft.phone == "0987654321"
    sign_in_citizen(client, member)
    page = client.get(reverse("portal:draft", args=[draft.pk])).content.decode()
    assert "<dd>Lý Thị Mai</dd>" in page and "<dd>008190002222</dd>" in page
    assert "<dd>Hà Văn Tùng</dd>" not in page

    draft = services.draft_save(
        draft=draft,
        expected_version=draft.version,
        changes=services.DraftChanges(
            eform_data={"ho_ten_tre": "Lý Văn An", "ngay_sinh": "2026-11-20"},
            phone="0987654321",
            competent_agency=world.commune_a,
            return_method="counter",
            return_agency=world.center_a,
        ),
    )
    for paper in version.documents.all():
        services.draft_attach_upload(
            draft=draft, user=member.user, required_document_id=paper.pk, upload=pdf_upload()
        )
    response = client.post(
        reverse("portal:draft_submit", args=[draft.pk]), {"version": draft.version}
    )
    consent.refresh_from_db()
    dossier = consent.dossier
    assert dossier is not None
    assert response["Location"] == reverse("portal:receipt", args=[dossier.code])
    assert dossier.owner == helped.user
    assert dossier.applicant_name == "Lý Thị Mai"
    assert dossier.applicant_personal_id == "008190002222"
    assert not dossier.identity_verified_vneid
    event = DossierEvent.objects.get(dossier=dossier, action="submit")
    assert event.data["assisted_by"] == {
        "name": member.full_name,
        "user_id": member.user.pk,
        "team_id": team.pk,
        "team": team.name,
    }
    assert event.data["consent"] == {"id": consent.pk, "method": "otp"}
    # The member and the citizen can both open the receipt.
    assert dossier.code in client.get(response["Location"]).content.decode()
    client.logout()
    sign_in_citizen(client, helped)
    assert client.get(response["Location"]).status_code == 200
    # A used consent starts no other filing.
    with pytest.raises(Forbidden):
        services.draft_start(user=member.user, version=version, consent=consent)
    # The reception officer sees who helped and how the citizen consented.
    client.logout()
    sign_in(client, world.reception_a)
    desk = client.get(reverse("desk:dossier", args=[dossier.pk])).content.decode()
    assert "Filed with help from" in desk and "Hà Văn Tùng (Tổ công nghệ số thôn Nà Tông)" in desk
    assert "consent by a code sent to the citizen's phone" in desk
