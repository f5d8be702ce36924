"""A paper already in the citizen's data store is offered instead of an upload, and
becomes a ``from_data_store`` document of the new dossier."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from motcua.catalog.models import RequiredDocument
from motcua.citizens.models import DataStoreItem
from motcua.citizens.services import store_results_of
from motcua.citizens.tests.helpers import make_citizen, sign_in_citizen
from motcua.dossiers.models import Dossier, Result
from motcua.dossiers.storage import store_bytes
from motcua.dossiers.tests.factories import BIRTH, World, applicant, pdf_bytes
from motcua.portal.models import Draft

pytestmark = pytest.mark.django_db


def test_a_stored_result_is_reused_in_another_procedure(client: Any, world: World) -> None:
    citizen = make_citizen()
    # An earlier dossier of this citizen (another procedure) produced a signed result.
    earlier = world.submit_construction(
        applicant=applicant(
            name=citizen.full_name,
            personal_id=citizen.personal_id,
            birth_date=citizen.birth_date,
        )
    )
    content = pdf_bytes("ban sao giay chung sinh")
    file, sha256, size = store_bytes(content, ".pdf")
    now = timezone.now()
    Result.objects.create(
        dossier=earlier,
        number=1,
        code=f"{earlier.code}-KQ1",
        name="Giấy chứng sinh",
        kind="electronic",
        file=file,
        sha256=sha256,
        size=size,
        content_type="application/pdf",
        attached_at=now,
        signed_at=now,
    )
    (item,) = store_results_of(earlier)

    sign_in_citizen(client, citizen)
    client.post(reverse("portal:file_start", args=[BIRTH]))
    draft = Draft.objects.get(owner=citizen.user)
    certificate = RequiredDocument.objects.get(version=draft.procedure_version, reusable=True)
    declaration = RequiredDocument.objects.get(version=draft.procedure_version, reusable=False)
    page = client.get(reverse("portal:draft", args=[draft.pk])).content.decode()
    offer = gettext("Use the one from your data store: %(name)s, %(at)s") % {
        "name": "Giấy chứng sinh",
        "at": timezone.localtime(item.created_at).strftime("%d/%m/%Y"),
    }
    assert offer in page
    assert page.count(f'name="store" value="{item.pk}"') == 1  # offered once: not for the form

    # Another citizen's item cannot be chosen.
    stranger = DataStoreItem.objects.create(
        personal_id="008190009999",
        kind="result",
        name="Giấy chứng sinh",
        key="giay chung sinh",
        file=file,
        sha256=sha256,
        size=size,
        content_type="application/pdf",
        created_at=now,
    )
    url = reverse("portal:draft_document", args=[draft.pk, certificate.pk])
    assert client.post(url, {"store": stranger.pk}).status_code == 422
    assert Draft.objects.get(pk=draft.pk).documents == {}

    assert client.post(url, {"store": item.pk}).status_code == 302
    client.post(
        reverse("portal:draft_document", args=[draft.pk, declaration.pk]),
        {"file": SimpleUploadedFile("to-khai.pdf", pdf_bytes("to khai"))},
    )
    client.post(
        reverse("portal:draft", args=[draft.pk]),
        {
            "version": 1,
            "eform__ho_ten_tre": "Nguyễn Thị Hoà",
            "eform__ngay_sinh": "2026-11-20",
            "competent_agency": world.commune_a.pk,
            "return_method": "online",
        },
    )
    response = client.post(reverse("portal:draft_submit", args=[draft.pk]), {"version": 2})
    dossier = Dossier.objects.exclude(pk=earlier.pk).get()
    assert response["Location"] == reverse("portal:receipt", args=[dossier.code])
    reused = dossier.documents.get(required_document=certificate)
    assert reused.from_data_store and reused.sha256 == sha256
    assert not dossier.documents.get(required_document=declaration).from_data_store
