"""Assisted filing pages: a team member asks the citizen's consent (code or signed form),
chooses the procedure, and is handed over to the e-form of the filing flow."""

from __future__ import annotations

import io
import re

import pytest
from django.urls import reverse

from motcua.citizens.models import AssistanceConsent, ConsentMethod
from motcua.citizens.tests.helpers import make_citizen, sign_in_citizen
from motcua.citizens.tests.teams_factories import (
    MAI,
    MEMBER_OTHER,
    make_member,
    make_team,
    sent_code,
)
from motcua.dossiers.tests.factories import BIRTH, pdf_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(world, client):
    team = make_team(world.commune_a, "Tổ công nghệ số cộng đồng thôn Nà Tông – xã Lâm Bình")
    citizen = make_member(team)
    sign_in_citizen(client, citizen)
    return citizen


def _start(client, **over):
    data = {**MAI, "method": ConsentMethod.OTP.value, **over}
    return client.post(reverse("portal:assist_start"), data)


def test_non_member_gets_403_with_an_explanation(client, world) -> None:
    sign_in_citizen(client, make_citizen())
    response = client.get(reverse("portal:assist_start"))
    assert response.status_code == 403
    assert "community digital" in response.content.decode()
    assert client.post(reverse("portal:assist_start"), MAI).status_code == 403
    assert not AssistanceConsent.objects.exists()


def test_anonymous_is_sent_to_sign_in(client, world) -> None:
    response = client.get(reverse("portal:assist_start"))
    assert response.status_code == 302
    assert reverse("citizens:login") in response["Location"]


def test_start_page_shows_the_team_and_the_form(client, member) -> None:
    page = client.get(reverse("portal:assist_start")).content.decode()
    assert "Tổ công nghệ số cộng đồng thôn Nà Tông" in page
    assert 'name="csrfmiddlewaretoken"' in page
    assert reverse("portal:assist_consent_form") in page
    for name in ("citizen_name", "personal_id", "phone", "method", "document"):
        assert f'name="{name}"' in page
    form = client.get(reverse("portal:assist_consent_form")).content.decode()
    assert "Tổ công nghệ số cộng đồng thôn Nà Tông" in form


def test_bad_details_show_errors_next_to_the_fields(client, member) -> None:
    response = _start(client, personal_id="123", phone="12345")
    assert response.status_code == 422
    page = response.content.decode()
    assert 'class="error-summary"' in page
    assert 'id="id_personal_id-error"' in page and 'id="id_phone-error"' in page
    assert 'aria-describedby="id_personal_id-hint id_personal_id-error"' in page
    assert not AssistanceConsent.objects.exists()


def test_code_flow_hands_over_to_the_e_form(client, member) -> None:
    response = _start(client)
    consent = AssistanceConsent.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:assist_consent", args=[consent.pk])
    shown = client.get(response["Location"])
    page = shown.content.decode()
    assert shown.status_code == 200
    assert "Lý Thị Mai" in page and "233" in page and MAI["phone"] not in page
    assert "error-summary" not in page

    resent = client.post(response["Location"], {"action": "resend"})
    assert resent.status_code == 422
    assert "less than a minute ago" in resent.content.decode()

    wrong = "000000" if sent_code(MAI["phone"]) != "000000" else "111111"
    bad = client.post(response["Location"], {"action": "code", "c-code": wrong})
    assert bad.status_code == 422
    assert "4 attempt" in bad.content.decode()
    assert AssistanceConsent.objects.get().attempts == 1

    ok = client.post(response["Location"], {"action": "code", "c-code": sent_code(MAI["phone"])})
    procedure_url = reverse("portal:assist_procedure", args=[consent.pk])
    assert ok["Location"] == procedure_url
    assert AssistanceConsent.objects.get().granted_at is not None

    # Searching without diacritics finds the procedure.
    found = client.get(procedure_url, {"q": "dang ky khai sinh"}).content.decode()
    assert "Đăng ký khai sinh" in found
    version_pk = re.search(r'name="version" value="(\d+)">\s*<strong>Đăng ký khai sinh<', found)
    assert version_pk is not None

    handed = client.post(procedure_url, {"version": version_pk.group(1)})
    from motcua.portal.models import Draft

    draft = Draft.objects.get()
    assert handed.status_code == 302
    assert handed["Location"] == reverse("portal:draft", args=[draft.pk])
    assert draft.consent_id == consent.pk
    assert draft.procedure_version.procedure.code == BIRTH


def test_signed_form_upload(client, member) -> None:
    bad = io.BytesIO(b"not a document at all")
    bad.name = "dong-y.pdf"
    refused = _start(client, method=ConsentMethod.SIGNED_DOCUMENT.value, document=bad)
    assert refused.status_code == 422
    assert 'id="id_document-error"' in refused.content.decode()
    assert not AssistanceConsent.objects.exists()

    missing = _start(client, method=ConsentMethod.SIGNED_DOCUMENT.value)
    assert missing.status_code == 422
    assert not AssistanceConsent.objects.exists()

    good = io.BytesIO(pdf_bytes("Giấy đồng ý"))
    good.name = "dong-y.pdf"
    response = _start(client, method=ConsentMethod.SIGNED_DOCUMENT.value, document=good)
    consent = AssistanceConsent.objects.get()
    assert consent.method == ConsentMethod.SIGNED_DOCUMENT and consent.granted_at
    assert response["Location"] == reverse("portal:assist_procedure", args=[consent.pk])


def test_another_member_cannot_open_the_consent(client, member, world) -> None:
    _start(client)
    consent = AssistanceConsent.objects.get()
    code = sent_code(MAI["phone"])
    other = make_member(consent.team, **MEMBER_OTHER)
    client.logout()
    sign_in_citizen(client, other)
    url = reverse("portal:assist_consent", args=[consent.pk])
    assert client.post(url, {"action": "code", "c-code": code}).status_code == 404
    assert client.get(reverse("portal:assist_procedure", args=[consent.pk])).status_code == 404
    assert AssistanceConsent.objects.get().granted_at is None


def test_used_consent_cannot_start_another_dossier(client, member, world) -> None:
    _start(client)
    consent = AssistanceConsent.objects.get()
    client.post(
        reverse("portal:assist_consent", args=[consent.pk]),
        {"action": "code", "c-code": sent_code(MAI["phone"])},
    )
    AssistanceConsent.objects.filter(pk=consent.pk).update(dossier=world.submit_construction())
    response = client.get(reverse("portal:assist_procedure", args=[consent.pk]))
    assert response.status_code == 409
    assert "already been used" in response.content.decode()


def test_member_lists_the_dossiers_they_filed(client, member, world) -> None:
    dossier = world.submit_construction()
    AssistanceConsent.objects.create(
        team=member.user.digital_teams.get().team,
        member=member.user,
        method=ConsentMethod.SIGNED_DOCUMENT,
        granted_at=dossier.received_at,
        dossier=dossier,
        **MAI,
    )
    other_team_dossier = world.submit_construction()
    page = client.get(reverse("portal:assisted_list")).content.decode()
    assert dossier.code in page and "L. T. M." in page and "Lý Thị Mai" not in page
    assert dossier.procedure_name in page
    assert other_team_dossier.code not in page


def test_list_queries_do_not_grow_with_rows(client, member, world) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    team = member.user.digital_teams.get().team

    def add(n: int) -> None:
        for _ in range(n):
            dossier = world.submit_construction()
            AssistanceConsent.objects.create(
                team=team,
                member=member.user,
                method=ConsentMethod.SIGNED_DOCUMENT,
                granted_at=dossier.received_at,
                dossier=dossier,
                **MAI,
            )

    add(1)
    with CaptureQueriesContext(connection) as one:
        assert client.get(reverse("portal:assisted_list")).status_code == 200
    add(3)
    with CaptureQueriesContext(connection) as four:
        page = client.get(reverse("portal:assisted_list")).content.decode()
    assert page.count("L. T. M.") == 4
    assert len(four) == len(one)
