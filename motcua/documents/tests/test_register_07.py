"""Mẫu 07 — Sổ theo dõi hồ sơ, for an agency and a period, as PDF and as Excel."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from typing import Any

import pytest
from openpyxl import load_workbook

from motcua.core.errors import Forbidden, InvalidInput
from motcua.documents import services
from motcua.documents.models import DocumentForm, GeneratedDocument
from motcua.documents.register import COLUMNS, HEADER_ROW
from motcua.documents.selectors import document_bytes, register_rows, visible_documents
from motcua.documents.services import (
    MAX_REGISTER_DAYS,
    register_pdf,
    register_xlsx,
)
from motcua.documents.tests.pdftools import flat_text, font_problems
from motcua.dossiers.actors import Actor
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import (
    dossier_accept,
    dossier_approve,
    dossier_attach_result,
    dossier_forward,
    dossier_receive,
    dossier_refuse,
    dossier_return_result,
    dossier_sign_result,
)
from motcua.dossiers.tests.factories import World, applicant, local

NOVEMBER = (dt.date(2026, 11, 1), dt.date(2026, 11, 30))


def wall(*args: int) -> dt.datetime:
    """A Vietnam wall-clock time without its zone, as Excel stores it."""
    return local(*args).replace(tzinfo=None)


def returned_dossier(world: World) -> Dossier:
    """Received 23 Nov 08:05, sent 09:00, signed 24 Nov 10:00, returned 25 Nov 14:30."""
    d = world.accepted_birth(
        at=local(2026, 11, 23, 8, 5),
        applicant=applicant(name="Nguyễn Thị Hằng", phone="0912000111"),
    )
    leader = Actor.official(world.leader_a)
    dossier_forward(
        dossier=d.pk, actor=Actor.official(world.reception_a), at=local(2026, 11, 23, 9, 0)
    )
    dossier_forward(
        dossier=d.pk, actor=Actor.official(world.specialist_a), at=local(2026, 11, 23, 15, 0)
    )
    dossier_approve(dossier=d.pk, actor=leader, at=local(2026, 11, 24, 9, 0))
    dossier_attach_result(
        dossier=d.pk,
        actor=leader,
        name="Giấy khai sinh",
        kind="paper",
        at=local(2026, 11, 24, 9, 30),
    )
    dossier_sign_result(dossier=d.pk, actor=leader, at=local(2026, 11, 24, 10, 0))
    dossier_return_result(
        dossier=d.pk, actor=Actor.official(world.reception_a), at=local(2026, 11, 25, 14, 30)
    )
    return Dossier.objects.get(pk=d.pk)


def the_month(world: World) -> dict[str, Dossier]:
    returned = returned_dossier(world)
    refused = world.receive_birth(
        at=local(2026, 11, 26, 10, 0), applicant=applicant(name="Trương Văn Khải")
    )
    dossier_refuse(
        dossier=refused.pk,
        actor=Actor.official(world.reception_a),
        reason="Không thuộc thẩm quyền",
        at=local(2026, 11, 26, 10, 10),
    )
    # The last minute of the period, local time, and the first minute after it.
    last_minute = world.accepted_birth(
        at=local(2026, 11, 30, 23, 59), applicant=applicant(name="Đinh Thị Ước")
    )
    next_month = world.accepted_birth(
        at=local(2026, 12, 1, 0, 0), applicant=applicant(name="Tạ Văn Tháng Mười Hai")
    )
    before = world.accepted_birth(
        at=local(2026, 10, 31, 23, 59), applicant=applicant(name="Hà Thị Tháng Mười")
    )
    officer_b = Actor.official(world.reception_b)
    elsewhere = dossier_receive(
        spec=world.birth_spec(
            receiving_agency=world.center_b,
            competent_agency=world.commune_b,
            applicant=applicant(name="Mã Thị Na Hang"),
        ),
        actor=officer_b,
        at=local(2026, 11, 24, 9, 0),
    )
    dossier_accept(dossier=elsewhere.pk, actor=officer_b, at=local(2026, 11, 24, 9, 0))
    return {
        "returned": returned,
        "refused": Dossier.objects.get(pk=refused.pk),
        "last_minute": last_minute,
        "next_month": next_month,
        "before": before,
        "elsewhere": elsewhere,
    }


def test_the_register_holds_the_desks_dossiers_of_the_period(world: World) -> None:
    month = the_month(world)

    rows = register_rows(world.center_a, *NOVEMBER)

    assert [r.code for r in rows] == [
        month["returned"].code,
        month["refused"].code,
        month["last_minute"].code,
    ]
    assert [r.number for r in rows] == [1, 2, 3]
    first = rows[0]
    assert first.applicant == "Nguyễn Thị Hằng"
    assert first.address_phone == "Thôn Nà Héc, xã Lâm Bình, 0912000111"
    assert first.competent_agency == "Ủy ban nhân dân xã Lâm Bình"
    assert first.received_at == local(2026, 11, 23, 8, 5)
    assert first.appointment == local(2026, 11, 26, 17, 0)
    assert first.sent_at == local(2026, 11, 23, 9, 0)
    assert first.result_received_at == local(2026, 11, 24, 10, 0)
    assert first.returned_at == local(2026, 11, 25, 14, 30)
    assert rows[1].notes == "Từ chối tiếp nhận, giải quyết"
    assert rows[1].appointment is None


def test_the_province_register_covers_every_desk_below_it(world: World) -> None:
    month = the_month(world)

    codes = {r.code for r in register_rows(world.province, *NOVEMBER)}

    assert month["elsewhere"].code in codes
    assert month["returned"].code in codes
    assert month["next_month"].code not in codes
    assert month["before"].code not in codes


def test_the_register_as_pdf(world: World) -> None:
    month = the_month(world)

    doc = register_pdf(
        agency=world.center_a, start=NOVEMBER[0], end=NOVEMBER[1], user=world.manager_a
    )
    pdf = document_bytes(doc)
    text = flat_text(pdf)

    assert "Mẫu số 07" in text
    assert "SỔ THEO DÕI HỒ SƠ" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG XÃ LÂM BÌNH" in text
    assert "Từ ngày 01/11/2026 đến ngày 30/11/2026" in text
    for key in ("returned", "refused", "last_minute"):
        assert month[key].code in text
    assert month["next_month"].code not in text
    assert month["elsewhere"].code not in text
    assert "Nguyễn Thị Hằng" in text
    assert "Đinh Thị Ước" in text
    # Dates over times (received, appointment, sent, result back, returned).
    for date, time in [
        ("23/11/2026", "08:05"),
        ("26/11/2026", "17:00"),
        ("23/11/2026", "09:00"),
        ("24/11/2026", "10:00"),
        ("25/11/2026", "14:30"),
        ("30/11/2026", "23:59"),
    ]:
        assert date in text and time in text
    assert "Tổng số: 3 hồ sơ." in text
    assert font_problems(pdf) == []
    assert (doc.form, doc.agency_id, doc.dossier_id, doc.event_id) == (
        DocumentForm.REGISTER,
        world.center_a.pk,
        None,
        None,
    )
    assert (doc.period_start, doc.period_end) == NOVEMBER
    assert doc.sha256 == hashlib.sha256(pdf).hexdigest()
    assert doc.created_by_id == world.manager_a.pk
    # Landscape A4: wider than tall.
    from pypdf import PdfReader

    box = PdfReader(io.BytesIO(pdf)).pages[0].mediabox
    assert round(float(box.width)) == 842 and round(float(box.height)) == 595


def test_the_register_as_excel(world: World) -> None:
    month = the_month(world)

    doc = register_xlsx(agency=world.center_a, start=NOVEMBER[0], end=NOVEMBER[1])
    content = document_bytes(doc)
    book = load_workbook(io.BytesIO(content))
    sheet = book.active
    assert sheet is not None

    assert doc.content_type == ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    assert doc.file_name.endswith(".xlsx")
    assert doc.sha256 == hashlib.sha256(content).hexdigest()
    cells = [[c.value for c in row] for row in sheet.iter_rows()]
    flat = [v for row in cells for v in row if v is not None]
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in flat
    assert "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG XÃ LÂM BÌNH" in flat
    assert "SỔ THEO DÕI HỒ SƠ" in flat
    assert "Từ ngày 01/11/2026 đến ngày 30/11/2026" in flat
    header = cells[HEADER_ROW]
    assert header == [name for name, _w, _k in COLUMNS]
    body = cells[HEADER_ROW + 1 :]
    assert [row[1] for row in body] == [
        month["returned"].code,
        month["refused"].code,
        month["last_minute"].code,
    ]
    first = body[0]
    assert first[0] == 1
    assert first[3] == 1
    assert first[4] == "Nguyễn Thị Hằng"
    # Real Excel datetimes, in Vietnam wall-clock time.
    assert first[7] == wall(2026, 11, 23, 8, 5)
    assert first[8] == wall(2026, 11, 26, 17, 0)
    assert first[9] == wall(2026, 11, 23, 9, 0)
    assert first[10] == wall(2026, 11, 24, 10, 0)
    assert first[11] == wall(2026, 11, 25, 14, 30)
    assert body[2][7] == wall(2026, 11, 30, 23, 59)
    assert body[1][8] is None and body[1][12] == "Từ chối tiếp nhận, giải quyết"
    assert sheet.cell(HEADER_ROW + 2, 8).number_format == "dd/mm/yyyy hh:mm"
    # Frozen header, print setup.
    assert sheet.freeze_panes == f"A{HEADER_ROW + 2}"
    assert sheet.page_setup.orientation == "landscape"
    assert str(sheet.page_setup.paperSize) == "9"
    assert sheet.page_setup.fitToWidth in (None, 1)  # 1 is the default, left unwritten
    assert sheet.page_setup.fitToHeight == 0  # as many pages tall as needed
    assert sheet.sheet_properties.pageSetUpPr.fitToPage is True
    assert sheet.column_dimensions["C"].width > sheet.column_dimensions["A"].width
    assert sheet.cell(HEADER_ROW + 2, 3).alignment.wrap_text is True


def test_an_unchanged_register_is_stored_once(world: World) -> None:
    the_month(world)
    first = register_xlsx(agency=world.center_a, start=NOVEMBER[0], end=NOVEMBER[1])
    pdf = register_pdf(agency=world.center_a, start=NOVEMBER[0], end=NOVEMBER[1])

    assert register_xlsx(agency=world.center_a, start=NOVEMBER[0], end=NOVEMBER[1]).pk == first.pk
    assert register_pdf(agency=world.center_a, start=NOVEMBER[0], end=NOVEMBER[1]).pk == pdf.pk
    assert GeneratedDocument.objects.count() == 2

    world.accepted_birth(at=local(2026, 11, 27, 8, 0), applicant=applicant(name="Mới Thêm"))
    newer = register_xlsx(agency=world.center_a, start=NOVEMBER[0], end=NOVEMBER[1])
    assert newer.pk != first.pk and newer.sha256 != first.sha256


def test_an_empty_period_still_makes_a_register(world: World) -> None:
    doc = register_pdf(agency=world.center_a, start=dt.date(2026, 1, 1), end=dt.date(2026, 1, 31))
    text = flat_text(document_bytes(doc))

    assert "Không có hồ sơ nào được tiếp nhận trong kỳ." in text
    assert "Tổng số: 0 hồ sơ." in text


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (dt.date(2026, 11, 30), dt.date(2026, 11, 1)),
        (dt.date(2026, 1, 1), dt.date(2026, 1, 1) + dt.timedelta(days=MAX_REGISTER_DAYS)),
    ],
)
def test_a_bad_period_is_refused_and_nothing_stored(
    world: World, start: dt.date, end: dt.date
) -> None:
    for make in (register_pdf, register_xlsx):
        with pytest.raises(InvalidInput) as refused:
            make(agency=world.center_a, start=start, end=end)
        assert "end" in refused.value.details["errors"]
    assert GeneratedDocument.objects.count() == 0


def test_a_period_too_busy_for_one_pdf_asks_for_excel(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    the_month(world)
    monkeypatch.setattr(services, "MAX_REGISTER_PDF_ROWS", 2)

    with pytest.raises(InvalidInput) as refused:
        register_pdf(agency=world.center_a, start=NOVEMBER[0], end=NOVEMBER[1])
    assert refused.value.code == "register_too_long"
    assert GeneratedDocument.objects.count() == 0
    assert register_xlsx(agency=world.center_a, start=NOVEMBER[0], end=NOVEMBER[1]).size > 0


def test_a_whole_year_is_allowed(world: World) -> None:
    doc = register_xlsx(
        agency=world.center_a, start=dt.date(2028, 1, 1), end=dt.date(2028, 12, 31)
    )  # 366 days
    assert doc.period_end == dt.date(2028, 12, 31)


def test_who_may_read_the_register(world: World) -> None:
    args: dict[str, Any] = {"agency": world.center_a, "start": NOVEMBER[0], "end": NOVEMBER[1]}
    for outsider in (world.reception_b, world.specialist_a, world.leader_a):
        with pytest.raises(Forbidden):
            register_xlsx(**args, user=outsider)
    assert GeneratedDocument.objects.count() == 0

    for allowed in (world.manager_a, world.reception_a, world.auditor, world.admin):
        register_xlsx(**args, user=allowed)
    doc = GeneratedDocument.objects.get()
    assert list(visible_documents(world.manager_a)) == [doc]
    assert list(visible_documents(world.reception_b)) == []
    assert list(visible_documents(world.specialist_a)) == []
