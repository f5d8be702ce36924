"""The files of a dossier: papers previewed inline with their stored type, never sniffed;
results, slips and generated documents; all of them only for officials who may see the
dossier (404 otherwise, like a file that does not exist)."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from django.urls import reverse
from PIL import Image

from motcua.catalog.models import RequiredDocument
from motcua.desk.tests.signin import sign_in
from motcua.documents.services import slip_for_event
from motcua.dossiers.models import Document, Dossier
from motcua.dossiers.services import DocumentInput
from motcua.dossiers.tests.factories import BIRTH, World, pdf_upload
from motcua.dossiers.uploads import check_upload

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def png_upload() -> object:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(buffer, format="PNG")
    return check_upload(buffer.getvalue(), filename="giay-chung-sinh.png", max_bytes=1_000_000)


def with_papers(world: World) -> Dossier:
    tick, certificate = RequiredDocument.objects.filter(version__procedure__code=BIRTH).order_by(
        "position"
    )
    return world.accepted_birth(
        documents=[
            DocumentInput(upload=pdf_upload(name="tờ khai.pdf"), required_document_id=tick.pk),
            DocumentInput(
                upload=png_upload(),  # type: ignore[arg-type]
                name="Giấy chứng sinh",
                required_document_id=certificate.pk,
            ),
        ]
    )


def body(response: object) -> bytes:
    return b"".join(response.streaming_content)  # type: ignore[attr-defined]


def test_a_pdf_is_previewed_inline_with_its_type_and_nosniff(client: Client, world: World) -> None:
    d = with_papers(world)
    pdf = d.documents.get(content_type="application/pdf")
    sign_in(client, world.specialist_a)
    response = client.get(reverse("desk:document", args=[pdf.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    assert "filename*=utf-8''t%E1%BB%9D%20khai.pdf" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    # Framed by our own page for the preview, by nobody else.
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert body(response).startswith(b"%PDF")
    download = client.get(reverse("desk:document", args=[pdf.pk]), {"download": "1"})
    assert download["Content-Disposition"].startswith("attachment")


def test_an_image_is_sent_as_an_image(client: Client, world: World) -> None:
    d = with_papers(world)
    png = d.documents.get(content_type="image/png")
    sign_in(client, world.reception_a)
    response = client.get(reverse("desk:document", args=[png.pk]))
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert body(response).startswith(b"\x89PNG")


def test_the_page_previews_pdfs_in_a_frame_and_images_with_alt_text(
    client: Client, world: World
) -> None:
    d = with_papers(world)
    sign_in(client, world.reception_a)
    html = client.get(reverse("desk:dossier", args=[d.pk])).content.decode()
    pdf = d.documents.get(content_type="application/pdf")
    png = d.documents.get(content_type="image/png")
    assert f'<iframe src="{reverse("desk:document", args=[pdf.pk])}" title="Preview of' in html
    assert (
        f'<img src="{reverse("desk:document", args=[png.pk])}" alt="Scan of Giấy chứng sinh"'
        in html
    )
    assert f"{reverse('desk:document', args=[pdf.pk])}?download=1" in html  # the fallback


@pytest.mark.parametrize("user", ["reception_b", "specialist_b", "leader_police"])
def test_files_of_another_commune_are_not_found(client: Client, world: World, user: str) -> None:
    d = with_papers(world)
    event = d.events.get(action="accept")
    generated = slip_for_event(event=event)
    sign_in(client, getattr(world, user))
    for doc in Document.objects.filter(dossier=d):
        assert client.get(reverse("desk:document", args=[doc.pk])).status_code == 404
    assert client.get(reverse("desk:generated", args=[generated.pk])).status_code == 404
    assert client.get(reverse("desk:slip", args=[d.pk, event.pk])).status_code == 404


def test_a_generated_slip_is_served_to_whoever_sees_the_dossier(
    client: Client, world: World
) -> None:
    d = with_papers(world)
    event = d.events.get(action="accept")
    sign_in(client, world.leader_a)
    response = client.get(reverse("desk:slip", args=[d.pk, event.pk]))
    assert response.status_code == 200
    generated = d.generated_documents.get(event=event)
    again = client.get(reverse("desk:generated", args=[generated.pk]))
    assert again["Content-Type"] == "application/pdf"
    assert again["X-Content-Type-Options"] == "nosniff"
    assert body(again) == body(response)
    assert d.generated_documents.count() == 1  # the slip is made once


def test_an_event_without_a_slip_is_not_found(client: Client, world: World) -> None:
    d = world.accepted_birth()
    receive = d.events.get(action="receive")
    sign_in(client, world.reception_a)
    assert client.get(reverse("desk:slip", args=[d.pk, receive.pk])).status_code == 404
    other = world.accepted_birth()
    accept_of_other = other.events.get(action="accept")
    # An event of another dossier under this dossier's address: not found either.
    assert client.get(reverse("desk:slip", args=[d.pk, accept_of_other.pk])).status_code == 404
