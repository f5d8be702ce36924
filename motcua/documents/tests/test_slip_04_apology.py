"""Mẫu 04 — Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết (an extension)."""

from __future__ import annotations

import hashlib

from motcua.documents.models import DocumentForm
from motcua.documents.selectors import document_bytes
from motcua.documents.services import slip_for_event, slip_form_for_action
from motcua.documents.slips import tracking_url
from motcua.documents.tests.pdftools import decode_qr, flat_text, font_problems, page_count
from motcua.dossiers.actors import Actor
from motcua.dossiers.services import dossier_extend, dossier_forward
from motcua.dossiers.tests.factories import World, applicant, local

NAME = "Vương Thị Thuỷ Tiên"


def test_the_apology_gives_the_old_and_the_new_appointment(world: World) -> None:
    d = world.accepted_birth(at=local(2026, 11, 25, 9, 30), applicant=applicant(name=NAME))
    dossier_forward(
        dossier=d.pk, actor=Actor.official(world.specialist_a), at=local(2026, 11, 25, 10, 0)
    )
    dossier_extend(
        dossier=d.pk,
        actor=Actor.official(world.leader_a),
        new_due_at=local(2026, 12, 3, 16, 30),
        reason="Phải xác minh thông tin nơi sinh với Ủy ban nhân dân xã Na Hang",
        at=local(2026, 11, 27, 11, 0),
    )
    event = d.events.get(action="extend")
    doc = slip_for_event(event=event, user=world.leader_a)
    pdf = document_bytes(doc)
    text = flat_text(pdf)

    assert slip_form_for_action("extend") == DocumentForm.APOLOGY
    assert "Mẫu số 04" in text
    assert "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT" in text
    # The competent commune writes it.
    assert "ỦY BAN NHÂN DÂN XÃ LÂM BÌNH" in text
    assert "Lâm Bình, ngày 27 tháng 11 năm 2026" in text
    assert f"Kính gửi: Ông/Bà {NAME}" in text
    assert f"Mã hồ sơ: {d.code}" in text
    # Received on …, appointment …, reason, apology, new appointment.
    assert "Vào lúc 09 giờ 30 phút, ngày 25 tháng 11 năm 2026" in text
    assert (
        "Thời gian hẹn trả kết quả giải quyết hồ sơ: 17 giờ 00 phút, ngày 30 tháng 11 năm 2026"
    ) in text
    assert "Lý do: Phải xác minh thông tin nơi sinh với Ủy ban nhân dân xã Na Hang" in text
    assert "trân trọng xin lỗi ông/bà" in text
    assert "hẹn trả kết quả vào: 16 giờ 30 phút, ngày 03 tháng 12 năm 2026" in text
    assert "THỦ TRƯỞNG CƠ QUAN" in text
    assert "Trần Lan" in text
    assert decode_qr(pdf) == [tracking_url(d)]
    assert font_problems(pdf) == []
    assert page_count(pdf) == 1
    assert doc.sha256 == hashlib.sha256(pdf).hexdigest()
    assert (doc.event_id, doc.dossier_id, doc.form) == (event.pk, d.pk, DocumentForm.APOLOGY)
