"""The citizen's data store: accepted papers and signed results go in, and a later
procedure asking for the same paper finds them."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from motcua.catalog.models import RequiredDocument
from motcua.citizens import tasks
from motcua.citizens.models import DataStoreItem
from motcua.citizens.services import (
    store_items_for,
    store_key,
    store_keys_match,
    store_papers_of,
    store_results_of,
)
from motcua.dossiers.models import Dossier, DossierEvent, Result
from motcua.dossiers.services import DocumentInput
from motcua.dossiers.storage import store_bytes
from motcua.dossiers.tests.factories import BIRTH, VALID_PERSONAL_ID, World, pdf_bytes, pdf_upload


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("Giấy chứng sinh", "giay chung sinh", True),
        ("Bản sao Giấy chứng sinh", "Giấy chứng sinh", True),
        ("Phiếu lý lịch tư pháp số 1", "Bản sao phiếu lý lịch tư pháp", True),
        ("Giấy khai sinh", "Giấy chứng sinh", False),
        ("Giấy tờ", "Giấy tờ tùy thân", False),  # "tờ" alone says nothing
        ("Bản sao", "Bản sao giấy chứng sinh", False),
        ("", "Giấy chứng sinh", False),
    ],
)
def test_keys_match_by_what_the_paper_is(a: str, b: str, same: bool) -> None:
    assert store_keys_match(store_key(a), store_key(b)) is same


def _stored_result(dossier: Dossier, name: str, *, signed: bool = True) -> Result:
    content = pdf_bytes(name)
    file, sha256, size = store_bytes(content, ".pdf")
    now = timezone.now()
    return Result.objects.create(
        dossier=dossier,
        number=1,
        code=f"{dossier.code}-KQ1",
        name=name,
        kind="electronic",
        file=file,
        sha256=sha256,
        size=size,
        content_type="application/pdf",
        attached_at=now,
        signed_at=now if signed else None,
    )


@pytest.mark.django_db
def test_signed_electronic_results_are_stored_once(world: World) -> None:
    dossier = world.submit_construction()
    result = _stored_result(dossier, "Giấy chứng sinh")
    first = store_results_of(dossier)
    again = store_results_of(dossier)
    assert [i.pk for i in first] == [i.pk for i in again]
    item = DataStoreItem.objects.get()
    assert (item.kind, item.personal_id, item.key) == (
        "result",
        VALID_PERSONAL_ID,
        "giay chung sinh",
    )
    assert item.result == result and item.sha256 == result.sha256
    assert item.file.read() == result.file.read()


@pytest.mark.django_db
def test_unsigned_results_stay_out(world: World) -> None:
    dossier = world.submit_construction()
    _stored_result(dossier, "Giấy chứng sinh", signed=False)
    assert store_results_of(dossier) == []


@pytest.mark.django_db
def test_accepted_papers_go_in_through_the_accept_subscriber(world: World) -> None:
    papers = list(RequiredDocument.objects.filter(version__procedure__code=BIRTH))
    docs = [DocumentInput(upload=pdf_upload(p.name), required_document_id=p.pk) for p in papers]
    dossier = world.accepted_birth(documents=docs)
    event = DossierEvent.objects.get(dossier=dossier, action="accept")
    tasks.store_accepted_papers(event)
    tasks.store_accepted_papers(event)  # idempotent
    items = DataStoreItem.objects.order_by("name")
    assert [(i.kind, i.name) for i in items] == [
        ("paper", "Giấy chứng sinh"),
        ("paper", "Tờ khai đăng ký khai sinh"),
    ]
    assert all(i.source_dossier == dossier for i in items)
    assert store_papers_of(dossier)[0].pk in {i.pk for i in items}


@pytest.mark.django_db
def test_only_reusable_papers_are_offered(world: World) -> None:
    dossier = world.submit_construction()
    _stored_result(dossier, "Giấy chứng sinh")
    store_results_of(dossier)
    reusable = RequiredDocument.objects.get(version__procedure__code=BIRTH, reusable=True)
    form = RequiredDocument.objects.get(version__procedure__code=BIRTH, reusable=False)
    offered: list[Any] = store_items_for(VALID_PERSONAL_ID, reusable)
    assert [i.name for i in offered] == ["Giấy chứng sinh"]
    assert store_items_for(VALID_PERSONAL_ID, form) == []
    assert store_items_for("008190009999", reusable) == []
