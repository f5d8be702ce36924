"""Only the owner sees a draft and its receipt; a stale save changes nothing; a double
submit files one dossier."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from django.utils.translation import gettext

from motcua.catalog.models import ProcedureVersion
from motcua.citizens.tests.helpers import make_citizen, sign_in_citizen
from motcua.core.errors import ConcurrentChange
from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.factories import BIRTH, World, pdf_upload
from motcua.portal import services
from motcua.portal.models import Draft

pytestmark = pytest.mark.django_db


def ready_draft(world: World, user: Any) -> Draft:
    """A complete birth-registration draft, as the services fill it."""
    draft = services.draft_start(
        user=user, version=ProcedureVersion.objects.get(procedure__code=BIRTH)
    )
    draft = services.draft_save(
        draft=draft,
        expected_version=draft.version,
        changes=services.DraftChanges(
            eform_data={"ho_ten_tre": "Nguyễn Thị Hoà", "ngay_sinh": "2026-11-20"},
            phone="0912345678",
            competent_agency=world.commune_a,
            return_method="online",
        ),
    )
    for paper in draft.procedure_version.documents.all():
        services.draft_attach_upload(
            draft=draft, user=user, required_document_id=paper.pk, upload=pdf_upload(paper.name)
        )
    return Draft.objects.get(pk=draft.pk)


def test_a_stale_save_is_refused_and_changes_nothing(client: Any, world: World) -> None:
    citizen = make_citizen()
    sign_in_citizen(client, citizen)
    draft = ready_draft(world, citizen.user)
    seen = draft.version - 1  # the page another tab showed before the last save
    response = client.post(
        reverse("portal:draft", args=[draft.pk]),
        {"version": seen, "eform__ho_ten_tre": "Tên khác", "eform__ngay_sinh": "2026-11-21"},
    )
    assert response.status_code == 409
    assert 'class="error-summary" role="alert"' in response.content.decode()
    after = Draft.objects.get(pk=draft.pk)
    assert after.version == draft.version
    assert after.eform_data["ho_ten_tre"] == "Nguyễn Thị Hoà"
    # The page shows the saved values, with the current version to save again.
    assert f'name="version" value="{draft.version}"' in response.content.decode()
    with pytest.raises(ConcurrentChange):
        services.draft_submit(draft=draft, user=citizen.user, expected_version=seen)
    assert Dossier.objects.count() == 0


def test_a_double_submit_files_one_dossier(world: World) -> None:
    citizen = make_citizen()
    draft = ready_draft(world, citizen.user)
    first = services.draft_submit(draft=draft, user=citizen.user, expected_version=draft.version)
    second = services.draft_submit(draft=draft, user=citizen.user, expected_version=draft.version)
    assert first.pk == second.pk
    assert Dossier.objects.count() == 1
    assert first.return_method == "online" and first.documents.count() == 2


def test_submitting_an_incomplete_draft_shows_what_is_missing(client: Any, world: World) -> None:
    citizen = make_citizen()
    sign_in_citizen(client, citizen)
    client.post(reverse("portal:file_start", args=[BIRTH]))
    draft = Draft.objects.get(owner=citizen.user)
    response = client.post(reverse("portal:draft_submit", args=[draft.pk]), {"version": 1})
    html = response.content.decode()
    assert response.status_code == 422
    required = gettext("This field is required.")
    assert f'id="id_eform__ho_ten_tre_error">{required}' in html
    commune = gettext("Choose the commune or ward you file with.")
    assert f'id="id_competent_agency_error">{commune}' in html
    assert gettext("Attach “%(name)s”.") % {"name": "Giấy chứng sinh"} in html
    assert Dossier.objects.count() == 0


def test_nobody_else_sees_a_draft_or_its_receipt(client: Any, world: World) -> None:
    owner = make_citizen()
    draft = ready_draft(world, owner.user)
    dossier = services.draft_submit(draft=draft, user=owner.user, expected_version=draft.version)
    other_draft = ready_draft(world, owner.user)
    sign_in_citizen(client, make_citizen(personal_id="008190009999", full_name="Lò Văn Páo"))
    paper = other_draft.procedure_version.documents.first()
    assert paper is not None
    assert client.get(reverse("portal:draft", args=[other_draft.pk])).status_code == 404
    assert client.get(reverse("portal:receipt", args=[dossier.code])).status_code == 404
    posted = client.post(
        reverse("portal:draft_submit", args=[other_draft.pk]), {"version": other_draft.version}
    )
    assert posted.status_code == 404
    upload = client.post(reverse("portal:draft_document", args=[other_draft.pk, paper.pk]))
    assert upload.status_code == 404
    assert Dossier.objects.count() == 1
    assert Draft.objects.get(pk=other_draft.pk).dossier is None
    assert (
        other_draft.procedure_version.name
        not in client.get(reverse("portal:drafts")).content.decode()
    )


def test_signing_in_is_required(client: Any, world: World) -> None:
    response = client.get(reverse("portal:file_start", args=[BIRTH]))
    assert response.status_code == 302
    assert reverse("citizens:login") in response["Location"]


def test_save_for_later_keeps_an_unfinished_form_without_errors(client: Any, world: World) -> None:
    citizen = make_citizen()
    sign_in_citizen(client, citizen)
    client.post(reverse("portal:file_start", args=[BIRTH]))
    draft = Draft.objects.get(owner=citizen.user)
    url = reverse("portal:draft", args=[draft.pk])
    response = client.post(url, {"version": 1, "eform__ho_ten_tre": "Hoà", "later": "1"})
    assert response.status_code == 302 and response["Location"] == url + "#saved"
    saved = Draft.objects.get(pk=draft.pk)
    assert saved.version == 2 and saved.eform_data["ho_ten_tre"] == "Hoà"
    assert 'value="Hoà"' in client.get(url).content.decode()
