"""Mẫu 03 — Phiếu từ chối tiếp nhận giải quyết hồ sơ: at intake and after appraisal."""

from __future__ import annotations

import hashlib

from motcua.documents.models import DocumentForm
from motcua.documents.selectors import document_bytes
from motcua.documents.services import slip_for_event, slip_form_for_action
from motcua.documents.slips import tracking_url
from motcua.documents.tests.pdftools import decode_qr, flat_text, font_problems
from motcua.dossiers.actors import Actor
from motcua.dossiers.services import dossier_forward, dossier_refuse
from motcua.dossiers.tests.factories import World, applicant, local

NAME = "Phùng Thị Ngọc Diễm"


def test_refusing_at_the_desk(world: World) -> None:
    d = world.receive_birth(at=local(2026, 11, 25, 8, 0), applicant=applicant(name=NAME))
    dossier_refuse(
        dossier=d.pk,
        actor=Actor.official(world.reception_a),
        reason="Việc sinh đã được đăng ký tại Ủy ban nhân dân xã khác",
        at=local(2026, 11, 25, 8, 20),
    )
    event = d.events.get(action="refuse")
    doc = slip_for_event(event=event, user=world.reception_a)
    pdf = document_bytes(doc)
    text = flat_text(pdf)

    assert slip_form_for_action("refuse") == DocumentForm.REFUSAL
    assert "Mẫu số 03" in text
    assert "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ" in text
    assert "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG XÃ LÂM BÌNH" in text
    assert f"Mã hồ sơ: {d.code}" in text
    assert NAME in text
    assert "Đăng ký khai sinh" in text
    assert "thông báo không tiếp nhận, giải quyết hồ sơ này" in text
    assert "Việc sinh đã được đăng ký tại Ủy ban nhân dân xã khác" in text
    assert "NGƯỜI TIẾP NHẬN HỒ SƠ" in text
    assert decode_qr(pdf) == [tracking_url(d)]
    assert font_problems(pdf) == []
    assert doc.sha256 == hashlib.sha256(pdf).hexdigest()
    assert (doc.event_id, doc.form) == (event.pk, DocumentForm.REFUSAL)


def test_refusing_after_appraisal_is_the_competent_agencys(world: World) -> None:
    d = world.accepted_birth(at=local(2026, 11, 25, 9, 0), applicant=applicant(name=NAME))
    dossier_forward(
        dossier=d.pk, actor=Actor.official(world.specialist_a), at=local(2026, 11, 25, 10, 0)
    )
    dossier_refuse(
        dossier=d.pk,
        actor=Actor.official(world.leader_a),
        reason="Người yêu cầu không có quyền đăng ký khai sinh cho trẻ",
        at=local(2026, 11, 27, 15, 45),
    )
    event = d.events.get(action="refuse")
    pdf = document_bytes(slip_for_event(event=event))
    text = flat_text(pdf)

    assert "ỦY BAN NHÂN DÂN XÃ LÂM BÌNH" in text
    assert "Lâm Bình, ngày 27 tháng 11 năm 2026" in text
    assert "thông báo từ chối giải quyết hồ sơ này" in text
    assert "Người yêu cầu không có quyền đăng ký khai sinh cho trẻ" in text
    assert "THỦ TRƯỞNG CƠ QUAN" in text
    assert decode_qr(pdf) == [tracking_url(d)]
