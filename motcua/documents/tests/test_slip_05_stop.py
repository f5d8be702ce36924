"""Mẫu 05 — Thông báo dừng giải quyết hồ sơ."""

from __future__ import annotations

import hashlib

from motcua.documents.models import DocumentForm
from motcua.documents.selectors import document_bytes
from motcua.documents.services import slip_for_event, slip_form_for_action
from motcua.documents.slips import tracking_url
from motcua.documents.tests.pdftools import decode_qr, flat_text, font_problems
from motcua.dossiers.actors import Actor
from motcua.dossiers.services import dossier_stop, dossier_withdraw
from motcua.dossiers.tests.factories import World, applicant, local

NAME = "Đoàn Thị Mỹ Duyên"


def test_stopping_a_dossier(world: World) -> None:
    d = world.accepted_birth(at=local(2026, 11, 25, 9, 30), applicant=applicant(name=NAME))
    dossier_stop(
        dossier=d.pk,
        actor=Actor.official(world.leader_a),
        reason="Cơ quan có thẩm quyền đang giải quyết tranh chấp về việc nhận cha cho con",
        at=local(2026, 11, 26, 15, 10),
    )
    event = d.events.get(action="stop")
    doc = slip_for_event(event=event, user=world.leader_a)
    pdf = document_bytes(doc)
    text = flat_text(pdf)

    assert slip_form_for_action("stop") == DocumentForm.STOP
    assert "Mẫu số 05" in text
    assert "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ" in text
    assert "ỦY BAN NHÂN DÂN XÃ LÂM BÌNH" in text
    assert f"Kính gửi: Ông/Bà {NAME}" in text
    assert f"Mã hồ sơ: {d.code}" in text
    assert (
        "Ủy ban nhân dân xã Lâm Bình thông báo dừng giải quyết hồ sơ nêu trên kể từ "
        "15 giờ 10 phút, ngày 26 tháng 11 năm 2026"
    ) in text
    assert "Lý do: Cơ quan có thẩm quyền đang giải quyết tranh chấp" in text
    assert "Theo đề nghị rút hồ sơ" not in text
    assert decode_qr(pdf) == [tracking_url(d)]
    assert font_problems(pdf) == []
    assert doc.sha256 == hashlib.sha256(pdf).hexdigest()
    assert (doc.event_id, doc.form) == (event.pk, DocumentForm.STOP)


def test_stopping_after_the_applicant_withdrew_says_so(world: World) -> None:
    d = world.accepted_birth(at=local(2026, 11, 25, 9, 30), applicant=applicant(name=NAME))
    dossier_withdraw(
        dossier=d.pk,
        actor=Actor.applicant(NAME),
        reason="Đã đăng ký ở nơi khác",
        at=local(2026, 11, 25, 16, 0),
    )
    dossier_stop(
        dossier=d.pk,
        actor=Actor.official(world.leader_a),
        reason="Công dân rút hồ sơ",
        at=local(2026, 11, 26, 8, 0),
    )
    text = flat_text(document_bytes(slip_for_event(event=d.events.get(action="stop"))))

    assert "Theo đề nghị rút hồ sơ của ông/bà" in text
    assert NAME in text
