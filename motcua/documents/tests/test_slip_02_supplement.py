"""Mẫu 02 — Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ: at intake and during processing."""

from __future__ import annotations

import hashlib

from motcua.documents.models import DocumentForm, GeneratedDocument
from motcua.documents.selectors import document_bytes
from motcua.documents.services import slip_for_event, slip_form_for_action
from motcua.documents.slips import tracking_url
from motcua.documents.tests.pdftools import decode_qr, flat_text, font_problems
from motcua.dossiers.actors import Actor
from motcua.dossiers.services import (
    dossier_ask_to_complete,
    dossier_forward,
    dossier_request_supplement,
)
from motcua.dossiers.tests.factories import World, applicant, local

NAME = "Hoàng Thị Huyền Trâm"


def test_asking_to_complete_at_intake(world: World) -> None:
    world.reception_a.phone = "0987654321"
    world.reception_a.save()
    world.center_a.phone = "02073123456"
    world.center_a.save()
    d = world.receive_birth(at=local(2026, 11, 25, 8, 15), applicant=applicant(name=NAME))
    dossier_ask_to_complete(
        dossier=d.pk,
        actor=Actor.official(world.reception_a),
        items=["Giấy chứng sinh bản chính", "Bản sao giấy chứng nhận kết hôn của cha mẹ"],
        reason="Hồ sơ thiếu giấy tờ chứng minh nơi sinh",
        at=local(2026, 11, 25, 8, 40),
    )
    event = d.events.get(action="ask_to_complete")
    doc = slip_for_event(event=event, user=world.reception_a)
    pdf = document_bytes(doc)
    text = flat_text(pdf)

    assert slip_form_for_action("ask_to_complete") == DocumentForm.SUPPLEMENT
    assert "Mẫu số 02" in text
    assert "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ" in text
    assert "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG XÃ LÂM BÌNH" in text
    assert f"Mã hồ sơ: {d.code}" in text
    assert NAME in text
    assert "Vào lúc 08 giờ 15 phút, ngày 25 tháng 11 năm 2026" in text  # handed in
    assert "1. Giấy chứng sinh bản chính" in text
    assert "2. Bản sao giấy chứng nhận kết hôn của cha mẹ" in text
    assert "Lý do: Hồ sơ thiếu giấy tờ chứng minh nơi sinh" in text
    # Who to ask: the official and the desk, with their phones.
    assert "liên hệ với Trần Lan, số điện thoại 0987654321" in text
    assert "số điện thoại 02073123456" in text
    assert "NGƯỜI HƯỚNG DẪN" in text
    assert "không tính vào thời hạn giải quyết" not in text  # no clock before acceptance
    assert decode_qr(pdf) == [tracking_url(d)]
    assert font_problems(pdf) == []
    assert doc.sha256 == hashlib.sha256(pdf).hexdigest()
    assert (doc.event_id, doc.dossier_id, doc.form) == (event.pk, d.pk, "02")


def test_requesting_a_supplement_during_processing(world: World) -> None:
    d = world.accepted_birth(at=local(2026, 11, 25, 9, 0), applicant=applicant(name=NAME))
    specialist = Actor.official(world.specialist_a)
    dossier_forward(dossier=d.pk, actor=specialist, at=local(2026, 11, 25, 10, 0))
    dossier_request_supplement(
        dossier=d.pk,
        actor=specialist,
        items=["Xác nhận nơi cư trú của người mẹ"],
        reason="Thông tin nơi cư trú trên tờ khai không khớp với Cơ sở dữ liệu quốc gia",
        at=local(2026, 11, 26, 14, 5),
    )
    event = d.events.get(action="request_supplement")
    doc = slip_for_event(event=event, user=world.specialist_a)
    pdf = document_bytes(doc)
    text = flat_text(pdf)

    # Issued by the competent commune, which asks through the desk.
    assert "ỦY BAN NHÂN DÂN XÃ LÂM BÌNH" in text
    assert "Lâm Bình, ngày 26 tháng 11 năm 2026" in text
    assert "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ" in text
    assert "Vào lúc 09 giờ 00 phút, ngày 25 tháng 11 năm 2026" in text  # accepted
    assert "1. Xác nhận nơi cư trú của người mẹ" in text
    assert "không khớp với Cơ sở dữ liệu quốc gia" in text
    assert (
        "(từ 14 giờ 05 phút, ngày 26 tháng 11 năm 2026 đến khi nhận đủ hồ sơ bổ sung) "
        "không tính vào thời hạn giải quyết"
    ) in text
    assert "Ủy ban nhân dân xã Lâm Bình" in text  # the contact agency
    assert NAME in text
    assert decode_qr(pdf) == [tracking_url(d)]
    assert doc.form == DocumentForm.SUPPLEMENT
    assert doc.event_id == event.pk
    # One slip per event: the intake form and this one are different events.
    assert slip_for_event(event=event).pk == doc.pk
    assert GeneratedDocument.objects.filter(dossier=d).count() == 1
