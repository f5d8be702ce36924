"""The walk-in form: a dossier received at the counter and decided in one go (accept,
ask to complete, refuse), validated as typed, stored once however often it is sent."""

from __future__ import annotations

import re
import unicodedata
import uuid
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from motcua.catalog.models import RequiredDocument
from motcua.desk.tests.signin import sign_in
from motcua.desk.views import reception as reception_views
from motcua.dossiers.lifecycle import State
from motcua.dossiers.models import Dossier, DossierEvent, IdempotencyRecord, SupplementRequest
from motcua.dossiers.tests.factories import BIRTH, CONSTRUCTION, World, pdf_bytes, store_counts

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


NEW = "desk:reception_new"
# "Nguyễn Thị Hằng" typed with combining marks (NFD), as some keyboards and pastes send it.
NAME_NFD = unicodedata.normalize("NFD", "Nguyễn Thị Hằng")


def papers() -> list[RequiredDocument]:
    return list(
        RequiredDocument.objects.filter(version__procedure__code=BIRTH).order_by("position")
    )


def walk_in(world: World, decision: str = "accept", **over: Any) -> dict[str, Any]:
    """The POST of the walk-in form for a birth registration at commune A's desk."""
    data: dict[str, Any] = {
        "procedure": BIRTH,
        "form_token": str(uuid.uuid4()),
        "applicant_kind": "person",
        "personal_id": "008090123456",
        "name": NAME_NFD,
        "birth_date": "1990-05-17",
        "address": "Thôn Nà Héc, xã Lâm Bình",
        "phone": "0912345678",
        "email": "hang@example.vn",
        "channel": "in_person",
        "desk": str(world.center_a.pk),
        "return_method": "counter",
        "eform__ho_ten_tre": "Nguyễn Thị Hoà",
        "eform__ngay_sinh": "2026-11-20",
        "decision": decision,
    }
    for paper in papers():
        data[f"doc_{paper.pk}"] = "on"
    data.update(over)
    return {k: v for k, v in data.items() if v is not None}


def pdf_file(name: str = "to-khai.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes(name), content_type="application/pdf")


def post(client: Client, data: dict[str, Any]) -> Any:
    return client.post(reverse(NEW), data)


def test_the_procedure_is_found_without_diacritics(client: Client, world: World) -> None:
    sign_in(client, world.reception_a)
    response = client.get(reverse(NEW), {"q": "dang ky khai sinh"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Đăng ký khai sinh" in html
    assert f"?procedure={BIRTH}" in html
    assert "Cấp giấy phép xây dựng" not in html


def test_typing_the_code_opens_its_form(client: Client, world: World) -> None:
    sign_in(client, world.reception_a)
    response = client.get(reverse(NEW), {"q": CONSTRUCTION})
    assert response.status_code == 302
    assert response["Location"].endswith(f"?procedure={CONSTRUCTION}")


def test_the_form_has_the_eform_fields_the_checklist_and_a_token(
    client: Client, world: World
) -> None:
    sign_in(client, world.reception_a)
    html = client.get(reverse(NEW), {"procedure": BIRTH}).content.decode()
    assert "Họ, chữ đệm và tên của trẻ" in html
    assert 'name="eform__ngay_sinh"' in html and 'type="date"' in html
    for paper in papers():
        assert paper.name in html
        assert f'name="file_{paper.pk}"' in html
    token = re.search(r'name="form_token" value="([0-9a-f-]{36})"', html)
    assert token is not None
    # The cursor starts in the look-up box; Enter in the main form accepts (first button).
    assert re.search(r'<input[^>]*name="lookup"[^>]*autofocus', html)
    buttons = re.findall(r'<button type="submit" name="decision" value="(\w+)"', html)
    assert buttons == ["accept", "ask_to_complete", "refuse", "register"]
    assert 'aria-live="polite"' in html and "reception.js" in html


def test_walk_in_accept_creates_one_accepted_dossier_with_its_papers(
    client: Client, world: World
) -> None:
    sign_in(client, world.reception_a)
    tick, certificate = papers()
    data = walk_in(
        world, **{f"file_{tick.pk}": pdf_file(), f"file_{certificate.pk}": pdf_file("cs.pdf")}
    )
    before = Dossier.objects.count()
    response = post(client, data)
    assert response.status_code == 302
    assert Dossier.objects.count() == before + 1
    d = Dossier.objects.get()
    assert d.state == State.ACCEPTED
    assert d.applicant_name == "Nguyễn Thị Hằng"
    assert d.applicant_name == unicodedata.normalize("NFC", NAME_NFD) != NAME_NFD
    assert d.receiving_agency == world.center_a and d.competent_agency == world.commune_a
    assert d.eform_data == {"ho_ten_tre": "Nguyễn Thị Hoà", "ngay_sinh": "2026-11-20"}
    assert d.due_at is not None
    docs = list(d.documents.order_by("pk"))
    assert [(x.name, x.required_document_id, x.digitised_at_intake) for x in docs] == [
        (tick.name, tick.pk, True),
        (certificate.name, certificate.pk, True),
    ]
    assert [e.action for e in d.events.order_by("seq")] == ["receive", "accept"]
    accept = d.events.get(action="accept")
    assert response["Location"] == reverse("desk:dossier", args=[d.pk]) + f"?slip={accept.pk}"

    page = client.get(response["Location"])
    html = page.content.decode()
    assert "Print the receipt (Mẫu 01)" in html
    slip_url = reverse("desk:slip", args=[d.pk, accept.pk])
    assert slip_url in html
    slip = client.get(slip_url)
    assert slip.status_code == 200
    assert slip["Content-Type"] == "application/pdf"
    assert b"".join(slip.streaming_content).startswith(b"%PDF")


def test_ask_to_complete_lists_the_papers_not_handed_in(client: Client, world: World) -> None:
    sign_in(client, world.reception_a)
    _, certificate = papers()
    data = walk_in(world, "ask_to_complete", reason="Thiếu giấy chứng sinh")
    del data[f"doc_{certificate.pk}"]
    response = post(client, data)
    assert response.status_code == 302
    d = Dossier.objects.get()
    assert d.state == State.INTAKE_INCOMPLETE
    request = SupplementRequest.objects.get(dossier=d)
    assert request.at_intake and request.items == [certificate.name]
    assert request.reason == "Thiếu giấy chứng sinh"
    event = d.events.get(action="ask_to_complete")
    assert response["Location"].endswith(f"?slip={event.pk}")


def test_ask_to_complete_with_typed_items(client: Client, world: World) -> None:
    sign_in(client, world.reception_a)
    data = walk_in(world, "ask_to_complete", items="Bản sao CCCD của mẹ\n\n  Giấy xác nhận  ")
    assert post(client, data).status_code == 302
    assert SupplementRequest.objects.get().items == ["Bản sao CCCD của mẹ", "Giấy xác nhận"]


def test_refuse_needs_a_reason_and_stores_nothing_without_one(client: Client, world: World) -> None:
    sign_in(client, world.reception_a)
    counts = store_counts()
    response = post(client, walk_in(world, "refuse", reason=""))
    assert response.status_code == 422
    assert "Give the reason." in response.content.decode()
    assert store_counts() == counts

    response = post(client, walk_in(world, "refuse", reason="Không thuộc thẩm quyền"))
    assert response.status_code == 302
    d = Dossier.objects.get()
    assert d.state == State.REFUSED
    assert d.events.get(action="refuse").reason == "Không thuộc thẩm quyền"


def test_accept_with_a_mandatory_paper_missing_is_refused(client: Client, world: World) -> None:
    sign_in(client, world.reception_a)
    _, certificate = papers()
    data = walk_in(world)
    del data[f"doc_{certificate.pk}"]
    counts = store_counts()
    response = post(client, data)
    assert response.status_code == 422
    assert "ask to complete the dossier" in response.content.decode()
    assert store_counts() == counts


def test_register_only_puts_the_dossier_in_the_queue(client: Client, world: World) -> None:
    sign_in(client, world.reception_a)
    assert post(client, walk_in(world, "register", channel="postal")).status_code == 302
    d = Dossier.objects.get()
    assert (d.state, d.channel) == (State.RECEIVED, "postal")
    assert d.code in client.get(reverse("desk:reception")).content.decode()


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("12345", "exactly 12 digits"),
        ("003090123456", "(003) are not a province code"),
        ("008085123456", "born in 1985"),
    ],
)
def test_an_invalid_personal_id_is_shown_and_nothing_is_stored(
    client: Client, world: World, number: str, message: str
) -> None:
    sign_in(client, world.reception_a)
    counts = store_counts()
    response = post(client, walk_in(world, personal_id=number))
    assert response.status_code == 422
    html = response.content.decode()
    assert message in html
    # Next to the field, linked from the summary, and the field is marked invalid.
    assert 'id="id_personal_id_error"' in html
    assert re.search(r'<input[^>]*name="personal_id"[^>]*aria-invalid="true"', html)
    assert store_counts() == counts
    assert Dossier.objects.count() == 0


def test_eform_errors_are_shown_next_to_their_field(client: Client, world: World) -> None:
    sign_in(client, world.reception_a)
    counts = store_counts()
    response = post(client, walk_in(world, eform__ngay_sinh=None, eform__so_dinh_danh_me="12"))
    assert response.status_code == 422
    html = response.content.decode()
    assert 'id="id_eform__ngay_sinh_error"' in html
    assert 'id="id_eform__so_dinh_danh_me_error"' in html
    assert store_counts() == counts


def test_a_file_of_the_wrong_type_is_refused_next_to_its_paper(
    client: Client, world: World
) -> None:
    sign_in(client, world.reception_a)
    tick, _ = papers()
    fake = SimpleUploadedFile(
        "to-khai.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf"
    )
    counts = store_counts()
    response = post(client, walk_in(world, **{f"file_{tick.pk}": fake}))
    assert response.status_code == 422
    assert f'id="id_file_{tick.pk}_error"' in response.content.decode()
    assert store_counts() == counts


def test_the_same_form_sent_twice_makes_one_dossier(client: Client, world: World) -> None:
    sign_in(client, world.reception_a)
    data = walk_in(world)
    first = post(client, data)
    second = post(client, data)
    assert Dossier.objects.count() == 1
    d = Dossier.objects.get()
    assert first.status_code == second.status_code == 302
    assert second["Location"] == reverse("desk:dossier", args=[d.pk])
    assert DossierEvent.objects.filter(dossier=d, action="accept").count() == 1
    assert IdempotencyRecord.objects.get().dossier == d


def test_a_racing_duplicate_loses_on_the_unique_token(
    client: Client, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two requests with one token in flight at once: neither saw the other's record when
    it started; the database's unique key lets one dossier through and rolls back the other
    (its code too)."""
    sign_in(client, world.reception_a)
    data = walk_in(world)
    assert post(client, data).status_code == 302
    counts = store_counts()
    real = reception_views._token_record
    calls = {"n": 0}

    def unseen_first(user: Any, token: str) -> Any:
        calls["n"] += 1
        return None if calls["n"] == 1 else real(user, token)

    monkeypatch.setattr(reception_views, "_token_record", unseen_first)
    response = post(client, data)
    assert response.status_code == 302
    assert response["Location"] == reverse("desk:dossier", args=[Dossier.objects.get().pk])
    assert store_counts() == counts


def test_a_new_form_is_a_new_dossier(client: Client, world: World) -> None:
    sign_in(client, world.reception_a)
    post(client, walk_in(world))
    post(client, walk_in(world))
    assert Dossier.objects.count() == 2


def test_look_up_prefills_the_applicant_from_an_earlier_dossier(
    client: Client, world: World
) -> None:
    world.accepted_birth()
    sign_in(client, world.reception_a)
    html = client.get(reverse(NEW), {"procedure": BIRTH, "lookup": "008090123456"}).content.decode()
    assert 'value="Nguyễn Văn Ánh"' in html
    assert 'value="Thôn Nà Héc, xã Lâm Bình"' in html
    assert 'value="1990-05-17"' in html
    # The cursor moves on to the procedure's form (its first field: PostgreSQL's jsonb keeps
    # the schema's properties in its own order).
    first = re.search(r'<input[^>]*name="eform__[^>]*>', html)
    assert first is not None and "autofocus" in first.group()


def test_look_up_only_finds_dossiers_the_official_may_see(client: Client, world: World) -> None:
    world.accepted_birth()
    sign_in(client, world.reception_b)
    html = client.get(reverse(NEW), {"procedure": BIRTH, "lookup": "008090123456"}).content.decode()
    assert "Nguyễn Văn Ánh" not in html
    assert 'value="008090123456"' in html  # kept in the ID field to go on typing


def test_only_reception_officers_use_the_desk(client: Client, world: World) -> None:
    sign_in(client, world.specialist_a)
    assert client.get(reverse(NEW), {"procedure": BIRTH}).status_code == 403
    assert client.get(reverse("desk:reception")).status_code == 403
    counts = store_counts()
    assert post(client, walk_in(world)).status_code == 403
    assert store_counts() == counts


def test_an_officer_cannot_receive_at_another_desk(client: Client, world: World) -> None:
    sign_in(client, world.reception_b)
    counts = store_counts()
    response = post(client, walk_in(world, desk=str(world.center_a.pk)))
    assert response.status_code == 422
    assert store_counts() == counts


def test_csrf_is_required(world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    sign_in(client, world.reception_a)
    assert post(client, walk_in(world)).status_code == 403
    assert Dossier.objects.count() == 0


def test_an_organisation_is_received_with_its_tax_code(client: Client, world: World) -> None:
    sign_in(client, world.reception_a)
    data = walk_in(
        world,
        applicant_kind="organisation",
        personal_id="",
        birth_date="",
        name="Công ty TNHH Hoà Bình",
        org_code="0100109106",
    )
    assert post(client, data).status_code == 302
    d = Dossier.objects.get()
    assert (d.applicant_kind, d.applicant_org_code, d.applicant_personal_id) == (
        "organisation",
        "0100109106",
        "",
    )


def test_an_organisation_with_a_wrong_tax_code_is_refused(client: Client, world: World) -> None:
    sign_in(client, world.reception_a)
    data = walk_in(world, applicant_kind="organisation", personal_id="", org_code="0100109107")
    counts = store_counts()
    response = post(client, data)
    assert response.status_code == 422
    assert 'id="id_org_code_error"' in response.content.decode()
    assert store_counts() == counts


def test_the_provincial_center_names_the_commune_that_decides(client: Client, world: World) -> None:
    sign_in(client, world.reception_province)
    html = client.get(reverse(NEW), {"procedure": BIRTH}).content.decode()
    assert "Choose the commune or ward" in html
    data = walk_in(world, desk=str(world.province_center.pk))
    counts = store_counts()
    response = post(client, data)
    assert response.status_code == 422
    assert 'id="id_competent_agency_error"' in response.content.decode()
    assert store_counts() == counts
    data["competent_agency"] = str(world.commune_b.pk)
    assert post(client, data).status_code == 302
    d = Dossier.objects.get()
    assert (d.receiving_agency, d.competent_agency) == (world.province_center, world.commune_b)
