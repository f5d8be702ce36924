"""Answering a request for papers online: during processing (the clock resumes) and at
intake (the desk resumes checking); stale versions, bad files and other people refused with
nothing changed; a lookup-secret holder may answer without an account."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from motcua.citizens.tests.helpers import sign_in_citizen
from motcua.dossiers.models import Document, Dossier
from motcua.dossiers.tests.factories import World, dossier_row, pdf_bytes
from motcua.portal.tests.follow_steps import (
    PAPER,
    applicant_citizen,
    intake_incomplete,
    stranger,
    supplement_requested,
    text,
)


def pdf(name: str = "chung-sinh.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes("Giấy chứng sinh"), content_type="application/pdf")


def post(client: Any, d: Dossier, **over: Any) -> Any:
    data: dict[str, Any] = {"version": d.version, "item_0": [pdf()], "note": "Đã bổ sung"}
    data.update(over)
    return client.post(reverse("portal:supplement", args=[d.code]), data)


def test_the_page_lists_the_requested_papers(world: World, client: Any) -> None:
    d = supplement_requested(world)
    sign_in_citizen(client, applicant_citizen())
    response = client.get(reverse("portal:dossier", args=[d.code]))
    body = response.content.decode()
    assert "Add the papers the agency asked for" in text(response)
    assert PAPER in body and 'type="file"' in body and "multiple" in body
    assert 'enctype="multipart/form-data"' in body


def test_supplement_during_processing_resumes_the_clock(world: World, client: Any) -> None:
    d = supplement_requested(world)
    sign_in_citizen(client, applicant_citizen())
    response = post(
        client, d, item_0=[pdf("a.pdf"), SimpleUploadedFile("b.pdf", pdf_bytes("trang 2"))]
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:dossier", args=[d.code])
    d.refresh_from_db()
    assert d.state == "processing"
    request = d.supplements.get()
    assert request.completed_at is not None  # the pause is closed
    docs = Document.objects.filter(dossier=d, supplement=request)
    assert docs.count() == 2 and {doc.name for doc in docs} == {PAPER}
    event = d.events.order_by("-seq").first()
    assert event is not None and event.action == "complete_supplement"
    assert event.actor_label == "Nguyễn Văn Ánh" and event.reason == "Đã bổ sung"
    page = text(client.get(reverse("portal:dossier", args=[d.code])))
    assert "Thank you: the papers were sent to the agency." in page
    assert "Papers added" in page


def test_completing_at_intake_returns_the_dossier_to_the_desk(world: World, client: Any) -> None:
    d = intake_incomplete(world)
    sign_in_citizen(client, applicant_citizen())
    assert post(client, d).status_code == 302
    d.refresh_from_db()
    assert d.state == "received"
    assert d.supplements.get().completed_at is not None


def test_a_stale_version_is_refused_and_changes_nothing(world: World, client: Any) -> None:
    d = supplement_requested(world)
    before = dossier_row(d)
    sign_in_citizen(client, applicant_citizen())
    response = post(client, d, version=d.version - 1)
    assert response.status_code == 409
    assert "Someone else changed this dossier meanwhile" in text(response)
    assert dossier_row(d) == before
    assert not Document.objects.filter(dossier=d, supplement__isnull=False).exists()


def test_a_file_that_is_not_a_document_is_refused_next_to_its_field(
    world: World, client: Any
) -> None:
    d = supplement_requested(world)
    before = dossier_row(d)
    sign_in_citizen(client, applicant_citizen())
    response = post(client, d, item_0=[SimpleUploadedFile("x.pdf", b"MZ not a pdf at all")])
    assert response.status_code == 422
    body = response.content.decode()
    assert 'id="id_item_0_error"' in body and 'aria-describedby="id_item_0_error"' in body
    assert dossier_row(d) == before


def test_a_missing_file_is_asked_for(world: World, client: Any) -> None:
    d = supplement_requested(world)
    sign_in_citizen(client, applicant_citizen())
    response = post(client, d, item_0=[])
    assert response.status_code == 422
    assert "Attach this paper (PDF, JPEG or PNG)." in text(response)
    d.refresh_from_db()
    assert d.state == "supplement_requested"


def test_another_citizen_cannot_answer(world: World, client: Any) -> None:
    d = supplement_requested(world)
    sign_in_citizen(client, stranger())
    assert post(client, d).status_code == 404
    d.refresh_from_db()
    assert d.state == "supplement_requested"


def test_the_lookup_secret_holder_answers_without_an_account(world: World, client: Any) -> None:
    d = supplement_requested(world)
    wrong = post(client, d, k="WRONG-SECRET")
    assert wrong.status_code == 404
    response = post(client, d, k=d.lookup_secret)
    assert response.status_code == 302
    assert "/track/?" in response["Location"] and d.code in response["Location"]
    d.refresh_from_db()
    assert d.state == "processing"
    event = d.events.order_by("-seq").first()
    assert event is not None and event.actor_id is None


def test_without_sign_in_or_secret_the_citizen_is_sent_to_sign_in(
    world: World, client: Any
) -> None:
    d = supplement_requested(world)
    response = post(client, d)
    assert response.status_code == 302
    assert reverse("citizens:login") in response["Location"]
