"""Mẫu 01 — Giấy tiếp nhận hồ sơ và hẹn trả kết quả, rendered from a real acceptance."""

from __future__ import annotations

import datetime as dt
import hashlib
import unicodedata
from pathlib import Path
from typing import Any

import pytest

from motcua.catalog.models import RequiredDocument
from motcua.core.errors import InvalidInput, NotFound
from motcua.documents import services
from motcua.documents.models import DocumentForm, GeneratedDocument
from motcua.documents.selectors import document_bytes, documents_of
from motcua.documents.services import slip_for_event, slip_form_for_action
from motcua.documents.slips import tracking_url
from motcua.documents.tests.pdftools import decode_qr, flat_text, font_problems, page_count
from motcua.dossiers.actors import Actor
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.services import DocumentInput, dossier_accept, dossier_extend
from motcua.dossiers.tests.factories import (
    BIRTH,
    World,
    accepted_group,
    applicant,
    local,
    pdf_upload,
)

NAME = "Nguyễn Thị Hằng"
ACCEPTED = local(2026, 11, 25, 9, 30)  # a Wednesday


def papers() -> list[DocumentInput]:
    required = {
        r.name: r.pk for r in RequiredDocument.objects.filter(version__procedure__code=BIRTH)
    }
    return [
        DocumentInput(
            upload=pdf_upload("to-khai"),
            name="Tờ khai đăng ký khai sinh",
            required_document_id=required["Tờ khai đăng ký khai sinh"],
            digitised_at_intake=True,
        ),
        DocumentInput(
            upload=pdf_upload("giay-chung-sinh"),
            name="Giấy chứng sinh",
            required_document_id=required["Giấy chứng sinh"],
        ),
    ]


def accepted(world: World, **over: Any) -> Dossier:
    return world.accepted_birth(
        at=ACCEPTED,
        applicant=applicant(name=NAME, address="Thôn Bản Thướng, xã Lâm Bình"),
        documents=papers(),
        **over,
    )


def accept_event(d: Dossier) -> DossierEvent:
    return d.events.get(action="accept")


def stored_files(settings: Any) -> list[Path]:
    root = Path(settings.STORAGES["dossier_files"]["OPTIONS"]["location"])
    return sorted(p for p in root.rglob("*.pdf"))


def test_the_receipt_says_who_what_when_and_where(world: World) -> None:
    d = accepted(world)
    doc = slip_for_event(event=accept_event(d), user=world.reception_a)
    text = flat_text(document_bytes(doc))

    assert "Mẫu số 01" in text
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text
    # The issuing desk under its commune, and the place and date line.
    assert "UBND XÃ LÂM BÌNH" in text
    assert "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG XÃ LÂM BÌNH" in text
    assert "Lâm Bình, ngày 25 tháng 11 năm 2026" in text
    assert f"Mã hồ sơ: {d.code}" in text
    assert unicodedata.normalize("NFC", NAME) in text
    assert "Số định danh cá nhân: 008090123456" in text
    assert "Thôn Bản Thướng, xã Lâm Bình" in text
    assert "0912345678" in text
    assert "Đăng ký khai sinh" in text
    # The papers received, in the catalogue's order, with their form and copies.
    rows = flat_text(document_bytes(doc), layout=True)
    assert "1 Tờ khai đăng ký khai sinh Bản chính 1" in rows
    assert "2 Giấy chứng sinh Bản chính 1" in rows
    assert "1 (bộ), gồm 2 giấy tờ" in text
    assert "Thời gian giải quyết theo quy định: 3 ngày làm việc" in text
    assert "Thời gian nhận hồ sơ: 09 giờ 30 phút, ngày 25 tháng 11 năm 2026" in text
    # Three working days after Wednesday 25 November: Monday 30 November, end of office.
    assert "Thời gian trả kết quả: 17 giờ 00 phút, ngày 30 tháng 11 năm 2026" in text
    assert "Tại Bộ phận Một cửa – Trung tâm Phục vụ hành chính công xã Lâm Bình" in text
    assert "Lệ phí đăng ký khai sinh: không thu" in text
    assert f"Vào Sổ theo dõi hồ sơ ngày 25/11/2026, số thứ tự {d.code[-4:]}" in text
    assert "NGƯỜI NỘP HỒ SƠ" in text and "NGƯỜI TIẾP NHẬN HỒ SƠ" in text
    assert "Trần Lan" in text  # the receiving officer, from the event
    assert page_count(document_bytes(doc)) == 1


def test_the_qr_code_opens_the_public_tracking_page(world: World, settings: Any) -> None:
    settings.MOTCUA_PUBLIC_URL = "https://dichvucong.tuyenquang.gov.vn"
    d = accepted(world)
    pdf = document_bytes(slip_for_event(event=accept_event(d)))

    expected = f"https://dichvucong.tuyenquang.gov.vn/track/?code={d.code}&k={d.lookup_secret}"
    assert tracking_url(d) == expected
    assert decode_qr(pdf) == [expected]


def test_only_our_embedded_font_and_every_vietnamese_letter_has_its_glyph(
    world: World,
) -> None:
    many_marks = "Đặng Thị Thuỳ Dương Ưng Ỷ Quyết Nguyễn Hữu Trịnh Ẫn"
    d = world.accepted_birth(at=ACCEPTED, applicant=applicant(name=many_marks))
    pdf = document_bytes(slip_for_event(event=accept_event(d)))

    assert font_problems(pdf) == []
    assert many_marks in flat_text(pdf)


def test_input_in_decomposed_unicode_prints_composed(world: World) -> None:
    decomposed = unicodedata.normalize("NFD", NAME)
    assert decomposed != NAME
    d = world.accepted_birth(at=ACCEPTED, applicant=applicant(name=decomposed))
    text = flat_text(document_bytes(slip_for_event(event=accept_event(d))))

    assert NAME in text
    assert decomposed not in text


def test_the_stored_file_is_hashed_and_linked_to_its_event(world: World) -> None:
    d = accepted(world)
    event = accept_event(d)
    doc = slip_for_event(event=event, user=world.reception_a)
    content = document_bytes(doc)

    doc.refresh_from_db()
    assert doc.form == DocumentForm.RECEIPT
    assert doc.event_id == event.pk
    assert doc.dossier_id == d.pk
    assert doc.created_by_id == world.reception_a.pk
    assert doc.content_type == "application/pdf"
    assert content.startswith(b"%PDF-")
    assert doc.sha256 == hashlib.sha256(content).hexdigest()
    assert doc.size == len(content)
    assert doc.file.name.endswith(f"{doc.sha256}.pdf")
    assert doc.file_name == f"mau-01-{d.code}-{event.seq}.pdf"
    with doc.file.open("rb") as handle:  # the model's own storage finds the same bytes
        assert handle.read() == content
    assert list(documents_of(d)) == [doc]


def test_asking_twice_returns_the_stored_slip(world: World, settings: Any) -> None:
    d = accepted(world)
    first = slip_for_event(event=accept_event(d))
    files = stored_files(settings)

    again = slip_for_event(event=accept_event(d).pk)

    assert again.pk == first.pk
    assert GeneratedDocument.objects.filter(form=DocumentForm.RECEIPT).count() == 1
    assert stored_files(settings) == files
    assert len([f for f in files if f.name.startswith(first.sha256)]) == 1


def test_a_racing_second_request_gets_the_first_row(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    d = accepted(world)
    first = slip_for_event(event=accept_event(d))
    real = services._existing
    calls: list[int] = []

    def not_yet(*args: Any) -> GeneratedDocument | None:
        calls.append(1)
        # The racing request looked before the first one had committed its row.
        return None if len(calls) == 1 else real(*args)

    monkeypatch.setattr(services, "_existing", not_yet)
    again = slip_for_event(event=accept_event(d))

    assert len(calls) == 2  # looked, rendered, lost the insert, read the winner
    assert again.pk == first.pk
    assert GeneratedDocument.objects.count() == 1
    # The savepoint kept the outer transaction usable.
    assert Dossier.objects.filter(pk=d.pk).exists()


def test_the_receipt_keeps_the_appointment_of_the_acceptance(world: World) -> None:
    d = accepted(world)
    dossier_extend(
        dossier=d.pk,
        actor=Actor.official(world.leader_a),
        new_due_at=local(2026, 12, 4, 17, 0),
        reason="Cần xác minh thêm",
        at=local(2026, 11, 26, 10, 0),
    )
    text = flat_text(document_bytes(slip_for_event(event=accept_event(d))))

    assert "17 giờ 00 phút, ngày 30 tháng 11 năm 2026" in text
    assert "04 tháng 12" not in text


def test_papers_added_after_acceptance_are_not_on_the_receipt(world: World) -> None:
    d = world.receive_birth(at=ACCEPTED, applicant=applicant(name=NAME), documents=papers()[:1])
    dossier_accept(dossier=d.pk, actor=Actor.official(world.reception_a), at=ACCEPTED)
    from motcua.dossiers.models import Document

    Document.objects.create(
        dossier=d,
        name="Giấy tờ nộp sau",
        file="x.pdf",
        sha256="0" * 64,
        size=1,
        content_type="application/pdf",
        uploaded_at=ACCEPTED + dt.timedelta(days=1),
    )
    text = flat_text(document_bytes(slip_for_event(event=accept_event(d))))

    assert "Tờ khai đăng ký khai sinh" in text
    assert "Giấy tờ nộp sau" not in text
    assert "gồm 1 giấy tờ" in text


def test_an_online_dossier_lists_electronic_papers_fees_and_online_return(
    world: World,
) -> None:
    d = world.submit_construction(
        at=local(2026, 11, 24, 8, 0), applicant=applicant(name="Lương Văn Dũng")
    )
    dossier_accept(dossier=d.pk, actor=Actor.official(world.reception_province), at=ACCEPTED)
    pdf = document_bytes(slip_for_event(event=accept_event(d)))
    text = flat_text(pdf)

    assert "UBND TỈNH TUYÊN QUANG" in text
    assert "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG TỈNH" in text
    assert "Tuyên Quang, ngày 25 tháng 11 năm 2026" in text
    assert "1 Bản vẽ thiết kế Bản điện tử 1" in flat_text(pdf, layout=True)
    assert "Lệ phí cấp giấy phép xây dựng: 75.000 đồng" in text
    assert "Trực tuyến, trên Cổng Dịch vụ công" in text
    assert "Thời gian giải quyết theo quy định: 15 ngày làm việc" in text


def test_an_interconnected_dossier_has_one_receipt_for_the_group(world: World) -> None:
    group = accepted_group(world, ACCEPTED)
    text = flat_text(document_bytes(slip_for_event(event=accept_event(group))))

    assert f"Mã hồ sơ: {group.code}" in text
    assert "Liên thông đăng ký khai sinh, đăng ký thường trú" in text
    assert "Thời gian giải quyết theo quy định: 5 ngày làm việc" in text
    # 5 working days after Wednesday 25 November: Wednesday 2 December.
    assert "Thời gian trả kết quả: 17 giờ 00 phút, ngày 02 tháng 12 năm 2026" in text
    for child in group.children.all():
        assert slip_form_for_action(child.events.get().action) is None  # spawned, no slip


def test_an_event_without_a_slip_is_refused(world: World) -> None:
    d = world.receive_birth(at=ACCEPTED)
    receive = d.events.get(action="receive")

    assert slip_form_for_action("receive") is None
    assert slip_form_for_action("accept") == DocumentForm.RECEIPT
    with pytest.raises(InvalidInput) as refused:
        slip_for_event(event=receive)
    assert refused.value.code == "no_slip"
    assert GeneratedDocument.objects.count() == 0


def test_an_official_who_cannot_see_the_dossier_gets_not_found(world: World) -> None:
    d = accepted(world)

    with pytest.raises(NotFound):
        slip_for_event(event=accept_event(d), user=world.reception_b)
    assert GeneratedDocument.objects.count() == 0
    # The desk that received it may.
    assert slip_for_event(event=accept_event(d), user=world.reception_a).pk
