"""Two submits of the same draft at the same moment (two tabs, a double click) file one
dossier: the draft row is locked while it is submitted."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection

from motcua.catalog.models import ProcedureVersion
from motcua.citizens.tests.helpers import make_citizen
from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.factories import BIRTH, World, build_world, pdf_upload
from motcua.portal import services


@pytest.mark.django_db(transaction=True)
def test_concurrent_submits_file_one_dossier() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs row locks between connections (PostgreSQL)")
    world: World = build_world()
    citizen = make_citizen()
    version = ProcedureVersion.objects.get(procedure__code=BIRTH)
    draft = services.draft_start(user=citizen.user, version=version)
    draft = services.draft_save(
        draft=draft,
        expected_version=draft.version,
        changes=services.DraftChanges(
            eform_data={"ho_ten_tre": "Nguyễn Thị Hoà", "ngay_sinh": "2026-11-20"},
            competent_agency=world.commune_a,
            return_method="online",
        ),
    )
    for paper in version.documents.all():
        services.draft_attach_upload(
            draft=draft, user=citizen.user, required_document_id=paper.pk, upload=pdf_upload()
        )
    barrier = threading.Barrier(2)
    codes: list[str] = []
    errors: list[Any] = []

    def submit() -> None:
        try:
            barrier.wait()
            dossier = services.draft_submit(
                draft=draft, user=citizen.user, expected_version=draft.version
            )
            codes.append(dossier.code)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(codes) == 2 and codes[0] == codes[1]
    assert Dossier.objects.count() == 1
