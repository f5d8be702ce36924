"""Mẫu 06 — Phiếu kiểm soát quá trình giải quyết hồ sơ: one row per hand-over."""

from __future__ import annotations

import hashlib

import pytest

from motcua.core.errors import NotFound
from motcua.documents.models import DocumentForm, GeneratedDocument
from motcua.documents.selectors import document_bytes, documents_of
from motcua.documents.services import control_sheet
from motcua.documents.slips import OUTCOMES, tracking_url
from motcua.documents.tests.pdftools import decode_qr, flat_text, font_problems
from motcua.dossiers.actors import Actor
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import (
    dossier_approve,
    dossier_attach_result,
    dossier_forward,
    dossier_sign_result,
)
from motcua.dossiers.tests.factories import World, applicant, local
from motcua.workflow.models import HandOver

NAME = "Lý Thị Khánh Huyền"


def forwarded(world: World) -> Dossier:
    d = world.accepted_birth(at=local(2026, 11, 25, 9, 30), applicant=applicant(name=NAME))
    dossier_forward(
        dossier=d.pk, actor=Actor.official(world.reception_a), at=local(2026, 11, 25, 10, 0)
    )
    return d


def test_one_row_per_hand_over_with_its_outcome(world: World) -> None:
    world.specialist_a.first_name, world.specialist_a.last_name = "Thị Xuân", "Ngô"
    world.specialist_a.save()
    d = forwarded(world)
    specialist, leader = Actor.official(world.specialist_a), Actor.official(world.leader_a)
    dossier_forward(dossier=d.pk, actor=specialist, at=local(2026, 11, 26, 9, 0))
    dossier_approve(dossier=d.pk, actor=leader, at=local(2026, 11, 26, 10, 0))
    dossier_attach_result(
        dossier=d.pk,
        actor=leader,
        name="Giấy khai sinh",
        kind="paper",
        at=local(2026, 11, 26, 10, 30),
    )
    dossier_sign_result(dossier=d.pk, actor=leader, at=local(2026, 11, 26, 11, 0))

    doc = control_sheet(dossier=d.pk, user=world.reception_a)
    pdf = document_bytes(doc)
    text = flat_text(pdf)
    handovers = list(HandOver.objects.filter(dossier=d).order_by("handed_over_at"))

    assert len(handovers) == 3
    assert "Mẫu số 06" in text
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in text
    assert "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG XÃ LÂM BÌNH" in text
    assert f"Mã hồ sơ: {d.code}" in text
    assert NAME in text
    assert "Thời gian hẹn trả kết quả: 17 giờ 00 phút, ngày 30 tháng 11 năm 2026" in text
    assert "Tình trạng: Đã có kết quả" in text
    # The rows, in order: who gave, who received, when, and the step's outcome.
    assert "Tiếp nhận, chuyển hồ sơ (Bộ phận Một cửa)" in text
    assert "Thẩm định hồ sơ" in text
    assert "Phê duyệt, ký kết quả" in text
    times = [
        "10 giờ 00 phút, ngày 25 tháng 11 năm 2026",
        "09 giờ 00 phút, ngày 26 tháng 11 năm 2026",
        "11 giờ 00 phút, ngày 26 tháng 11 năm 2026",
    ]
    table = text[text.index("STT Bước xử lý") :]  # the rows
    positions = [table.index(at) for at in times]
    assert positions == sorted(positions)
    assert "Ngô Thị Xuân" in text  # the specialist who handed step 1 over
    outcomes = [OUTCOMES[h.outcome] for h in handovers]
    assert all(outcomes)
    assert sum(text.count(label) for label in OUTCOMES.values()) == len(handovers)
    assert decode_qr(pdf) == [tracking_url(d)]
    assert font_problems(pdf) == []
    latest = d.events.order_by("-seq").first()
    assert latest is not None
    assert (doc.form, doc.event_id, doc.dossier_id) == ("06", latest.pk, d.pk)
    assert doc.sha256 == hashlib.sha256(pdf).hexdigest()


def test_a_late_step_says_late(world: World) -> None:
    d = forwarded(world)
    # Step 1 has 60 % of three working days; it hands over a week later.
    dossier_forward(
        dossier=d.pk, actor=Actor.official(world.specialist_a), at=local(2026, 12, 4, 9, 0)
    )
    text = flat_text(document_bytes(control_sheet(dossier=d)))

    assert HandOver.objects.filter(dossier=d).order_by("-handed_over_at")[0].outcome == "late"
    assert "Quá hạn" in text


def test_the_sheet_is_reused_until_something_new_happens(world: World) -> None:
    d = forwarded(world)
    first = control_sheet(dossier=d)

    assert control_sheet(dossier=d).pk == first.pk
    assert "Thẩm định hồ sơ" not in flat_text(document_bytes(first))

    dossier_forward(
        dossier=d.pk, actor=Actor.official(world.specialist_a), at=local(2026, 11, 26, 9, 0)
    )
    second = control_sheet(dossier=d)

    assert second.pk != first.pk
    assert second.event_id != first.event_id
    assert GeneratedDocument.objects.filter(form=DocumentForm.CONTROL_SHEET).count() == 2
    assert "Thẩm định hồ sơ" in flat_text(document_bytes(second))  # the new row
    assert [doc.pk for doc in documents_of(d)] == [first.pk, second.pk]


def test_a_dossier_not_yet_handed_over_has_an_empty_sheet(world: World) -> None:
    d = world.accepted_birth(at=local(2026, 11, 25, 9, 30), applicant=applicant(name=NAME))
    text = flat_text(document_bytes(control_sheet(dossier=d)))

    assert "Hồ sơ chưa được bàn giao." in text
    assert "Tình trạng: Đã tiếp nhận" in text


def test_an_official_of_another_commune_gets_not_found(world: World) -> None:
    d = forwarded(world)

    with pytest.raises(NotFound):
        control_sheet(dossier=d, user=world.specialist_b)
    with pytest.raises(NotFound):
        control_sheet(dossier=10**9)
    assert GeneratedDocument.objects.count() == 0
