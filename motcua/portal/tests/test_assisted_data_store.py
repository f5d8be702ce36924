"""Assisted filing and the citizen's data store: a team member cannot have the code sent
to a phone of their choosing for a citizen whose phone is verified, and sees the citizen's
earlier papers only when the citizen consented by a code sent to that verified phone. A
member deactivated mid-flow can no longer file."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from motcua.catalog.models import ProcedureVersion, RequiredDocument
from motcua.citizens.consent import consent_confirm_code, consent_from_document
from motcua.citizens.models import (
    AssistanceConsent,
    ConsentMethod,
    DataStoreItem,
    DigitalTeamMember,
)
from motcua.citizens.services import store_key
from motcua.citizens.tests.helpers import make_citizen, sign_in_citizen
from motcua.citizens.tests.teams_factories import (
    MAI,
    MEMBER_PA,
    make_member,
    make_team,
    sent_code,
)
from motcua.core.errors import Forbidden
from motcua.dossiers.storage import store_bytes
from motcua.dossiers.tests.factories import BIRTH, World, pdf_bytes, pdf_upload
from motcua.portal import services
from motcua.portal.models import Draft

pytestmark = pytest.mark.django_db

MAI_VERIFIED_PHONE = "0988777666"
NOT_VERIFIED = (
    "This is not the phone on the citizen's verified account; the code can only be sent to "
    "that phone."
)
STORE_CLOSED = "data store (papers and results of earlier dossiers) is not available"


@pytest.fixture
def member(world: World, client: Any):
    team = make_team(world.commune_a)
    citizen = make_member(team)
    sign_in_citizen(client, citizen)
    return citizen


def _stored_paper(personal_id: str) -> tuple[RequiredDocument, DataStoreItem]:
    version = ProcedureVersion.objects.get(procedure__code=BIRTH)
    paper = RequiredDocument.objects.get(version=version, reusable=True)
    file, sha256, size = store_bytes(pdf_bytes("giay chung sinh"), ".pdf")
    item = DataStoreItem.objects.create(
        personal_id=personal_id,
        kind="result",
        name=paper.name,
        key=store_key(paper.name),
        file=file,
        sha256=sha256,
        size=size,
        content_type="application/pdf",
        created_at=timezone.now(),
    )
    return paper, item


def _mai_account():
    return make_citizen(
        personal_id=MAI["personal_id"], full_name=MAI["citizen_name"], phone=MAI_VERIFIED_PHONE
    )


def _start(client: Any, **over: str):
    data = {**MAI, "method": ConsentMethod.OTP.value, **over}
    return client.post(reverse("portal:assist_start"), data)


def _draft_for(client: Any, consent: AssistanceConsent) -> Draft:
    procedure_url = reverse("portal:assist_procedure", args=[consent.pk])
    version = ProcedureVersion.objects.get(procedure__code=BIRTH)
    response = client.post(procedure_url, {"version": version.pk})
    assert response.status_code == 302, response.content.decode()
    return Draft.objects.get(consent=consent)


def test_the_code_cannot_go_to_another_phone_than_the_verified_one(client, member) -> None:
    _mai_account()
    response = _start(client, phone=MEMBER_PA["phone"])  # the member's own phone
    assert response.status_code == 422
    page = response.content.decode()
    assert 'id="id_phone-error"' in page
    assert NOT_VERIFIED.replace("'", "&#x27;") in page
    assert not AssistanceConsent.objects.exists()


def test_a_code_to_the_verified_phone_opens_the_data_store(client, member) -> None:
    _mai_account()
    paper, item = _stored_paper(MAI["personal_id"])
    response = _start(client, phone=MAI_VERIFIED_PHONE)
    consent = AssistanceConsent.objects.get()
    shown = client.get(response["Location"]).content.decode()
    assert "666" in shown and MAI_VERIFIED_PHONE not in shown  # masked
    client.post(response["Location"], {"action": "code", "c-code": sent_code(MAI_VERIFIED_PHONE)})
    procedure_page = client.get(reverse("portal:assist_procedure", args=[consent.pk]))
    assert STORE_CLOSED not in procedure_page.content.decode()
    draft = _draft_for(client, consent)

    page = client.get(reverse("portal:draft", args=[draft.pk])).content.decode()
    assert f'name="store" value="{item.pk}"' in page
    url = reverse("portal:draft_document", args=[draft.pk, paper.pk])
    assert client.post(url, {"store": item.pk}).status_code == 302
    assert Draft.objects.get(pk=draft.pk).documents == {str(paper.pk): {"store": item.pk}}


def test_a_signed_form_does_not_open_the_data_store(client, member) -> None:
    _mai_account()
    paper, item = _stored_paper(MAI["personal_id"])
    consent = consent_from_document(
        member_user=member.user,
        team=member.user.digital_teams.get().team,
        **MAI,
        upload=pdf_bytes("dong y"),
        filename="dong-y.pdf",
    )
    procedure_page = client.get(reverse("portal:assist_procedure", args=[consent.pk]))
    assert STORE_CLOSED in procedure_page.content.decode()
    draft = _draft_for(client, consent)
    _store_is_closed(client, draft, paper, item)


def test_a_code_to_an_unverified_phone_does_not_open_the_data_store(client, member) -> None:
    # Mai has no account (nobody vouched for a phone), but papers filed at the counter.
    paper, item = _stored_paper(MAI["personal_id"])
    response = _start(client)
    consent = AssistanceConsent.objects.get()
    client.post(response["Location"], {"action": "code", "c-code": sent_code(MAI["phone"])})
    draft = _draft_for(client, consent)
    _store_is_closed(client, draft, paper, item)


def _store_is_closed(client: Any, draft: Draft, paper: RequiredDocument, item: Any) -> None:
    page = client.get(reverse("portal:draft", args=[draft.pk])).content.decode()
    assert f'name="store" value="{item.pk}"' not in page
    assert services.draft_store_items(draft, paper) == []
    url = reverse("portal:draft_document", args=[draft.pk, paper.pk])
    assert client.post(url, {"store": item.pk}).status_code == 422
    with pytest.raises(Forbidden):
        services.draft_use_stored(draft=draft, required_document_id=paper.pk, item_id=item.pk)
    assert Draft.objects.get(pk=draft.pk).documents == {}


def test_a_member_deactivated_mid_flow_cannot_submit(client, member, world: World) -> None:
    response = _start(client)
    consent = AssistanceConsent.objects.get()
    consent_confirm_code(consent=consent, member_user=member.user, code=sent_code(MAI["phone"]))
    draft = _draft_for(client, consent)
    draft = services.draft_save(
        draft=draft,
        expected_version=draft.version,
        changes=services.DraftChanges(
            eform_data={"ho_ten_tre": "Lý Văn An", "ngay_sinh": "2026-11-20"},
            phone=MAI["phone"],
            competent_agency=world.commune_a,
            return_method="counter",
            return_agency=world.center_a,
        ),
    )
    for paper in draft.procedure_version.documents.all():
        services.draft_attach_upload(
            draft=draft, user=member.user, required_document_id=paper.pk, upload=pdf_upload()
        )
    assert services.draft_problems(Draft.objects.get(pk=draft.pk)) == {}
    DigitalTeamMember.objects.filter(user=member.user).update(active=False)
    with pytest.raises(Forbidden):
        services.draft_submit(draft=draft, user=member.user, expected_version=draft.version)
    assert AssistanceConsent.objects.get(pk=consent.pk).dossier is None
    assert response.status_code == 302
