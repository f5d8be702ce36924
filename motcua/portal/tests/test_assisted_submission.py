"""An assisted filing to the end: the consent, the filing flow's draft and submission, then
the dossier records who helped, the consent is spent, and the team's month counts it."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from motcua.catalog.selectors import published_versions
from motcua.citizens.consent import consent_from_document, consent_problem
from motcua.citizens.models import AssistanceConsent, DigitalTeam
from motcua.citizens.teams import assisted_counts
from motcua.citizens.tests.helpers import sign_in_citizen
from motcua.citizens.tests.teams_factories import (
    MAI,
    make_member,
    make_team,
)
from motcua.core.errors import Forbidden
from motcua.dossiers.tests.factories import CONSTRUCTION, pdf_bytes, pdf_upload
from motcua.portal.services import (
    DraftChanges,
    draft_attach_upload,
    draft_save,
    draft_start,
    draft_submit,
)
from motcua.worktime.calendar import VN_TZ

pytestmark = pytest.mark.django_db


def test_assisted_dossier_records_the_helper_and_counts(client, world) -> None:
    team = make_team(world.commune_a)
    citizen = make_member(team)
    user = citizen.user
    consent = consent_from_document(
        member_user=user, team=team, **MAI, upload=pdf_bytes("Giấy đồng ý")
    )
    version = published_versions().get(procedure__code=CONSTRUCTION)

    draft = draft_start(user=user, version=version, consent=consent)
    draft = draft_save(
        draft=draft,
        expected_version=draft.version,
        changes=DraftChanges(
            eform_data={"dia_diem": "Thôn Nà Tông, xã Thượng Lâm"},
            phone=MAI["phone"],
            return_method="online",
        ),
    )
    paper = version.documents.get()
    draft_attach_upload(draft=draft, user=user, required_document_id=paper.pk, upload=pdf_upload())
    dossier = draft_submit(draft=draft, user=user, expected_version=draft.version)

    assert dossier.applicant_name == MAI["citizen_name"]
    assert dossier.applicant_personal_id == MAI["personal_id"]
    created = dossier.events.order_by("seq").first()
    assert created is not None
    assert created.data["assisted_by"]["user_id"] == user.pk
    assert created.data["assisted_by"]["team_id"] == team.pk
    assert created.data["consent"]["id"] == consent.pk
    consent = AssistanceConsent.objects.get(pk=consent.pk)
    assert consent.dossier_id == dossier.pk
    assert consent_problem(consent, member_user=user) is not None

    # The consent is spent: it cannot start another draft.
    with pytest.raises(Forbidden):
        draft_start(user=user, version=version, consent=consent)

    local = timezone.localtime(dossier.received_at, VN_TZ)
    counts = assisted_counts(teams=DigitalTeam.objects.filter(pk=team.pk), year=local.year)
    assert [(c.team_id, c.month.month, c.count) for c in counts] == [(team.pk, local.month, 1)]

    sign_in_citizen(client, citizen)
    page = client.get(reverse("portal:assisted_list")).content.decode()
    assert dossier.code in page and "L. T. M." in page
