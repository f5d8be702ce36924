"""The Excel template: three sheets, Vietnamese headers, role dropdown, agencies, no data."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.utils import translation
from openpyxl import load_workbook

from motcua.org.models import Role
from motcua.org.onboarding import (
    SHEET_AGENCIES,
    SHEET_GUIDE,
    SHEET_OFFICIALS,
    build_officials_template,
    import_officials,
)
from motcua.org.tests.factories import make_commune, make_commune_center, make_province

pytestmark = pytest.mark.django_db

HEADER = [
    "STT",
    "Mã định danh cơ quan",
    "Họ và tên",
    "Tên đăng nhập",
    "Thư điện tử",
    "Số điện thoại",
    "Chức vụ",
    "Vai trò",
]


@pytest.fixture
def agencies():
    province = make_province()
    commune = make_commune("UBND xã Tân Trào", province)
    center = make_commune_center(commune)
    closed = make_commune("UBND xã Đã Sáp Nhập", province, active=False)
    return province, commune, center, closed


def _book(data: bytes):
    return load_workbook(io.BytesIO(data))


def test_three_sheets_and_a_vietnamese_header_row_without_data(agencies):
    book = _book(build_officials_template())

    assert book.sheetnames == [SHEET_OFFICIALS, SHEET_GUIDE, SHEET_AGENCIES]
    sheet = book[SHEET_OFFICIALS]
    assert [c.value for c in sheet[1]] == HEADER
    # Examples live in the guide only: the data sheet has no row below the header.
    assert sheet.max_row == 1
    assert sheet.freeze_panes == "A2"


def test_role_column_has_a_dropdown_of_role_names(agencies):
    sheet = _book(build_officials_template())[SHEET_OFFICIALS]

    validations = {str(v.sqref): v for v in sheet.data_validations.dataValidation}
    roles = validations["H2:H10001"]
    assert roles.type == "list"
    assert roles.formula1 == (
        '"Cán bộ một cửa,Chuyên viên,Lãnh đạo,Quản lý trung tâm,Quản trị cấp tỉnh,Thanh tra"'
    )
    # Several roles may be typed in one cell, so the dropdown does not refuse other text.
    assert roles.errorStyle == "information"
    agency = validations["B2:B10001"]
    assert agency.formula1 == "'Cơ quan'!$A$2:$A$4"


def test_guide_explains_every_column_and_lists_role_codes_with_vietnamese_names(agencies):
    with translation.override("vi"):
        guide = _book(build_officials_template())[SHEET_GUIDE]
    rows = [tuple(v for v in row) for row in guide.iter_rows(values_only=True)]
    cells = {v for row in rows for v in row if v}

    assert "Cách điền danh sách cán bộ" in cells
    for title in HEADER:
        assert title in cells
    by_code = {row[0]: row for row in rows if row[0] in {r.value for r in Role}}
    assert set(by_code) == {r.value for r in Role}
    assert by_code["reception_officer"][1] == "Cán bộ một cửa"
    assert by_code["leader"][1] == "Lãnh đạo"
    assert "Lãnh đạo (ký duyệt)" in by_code["leader"][2]  # the translated label
    assert "Leader / signer" in by_code["leader"][2]  # and the English one
    # Worked examples are shown here, after a header row like the data sheet's.
    assert any(row[2] == "Nguyễn Thị Hoa" and row[3] == "hoant" for row in rows)


def test_agency_sheet_lists_active_agencies_with_their_codes(agencies):
    province, commune, center, closed = agencies
    with translation.override("vi"):
        sheet = _book(build_officials_template())[SHEET_AGENCIES]
    rows = list(sheet.iter_rows(values_only=True))

    assert rows[0] == ("Mã định danh", "Tên cơ quan", "Loại", "Cơ quan cấp trên")
    assert rows[1:] == [
        (province.identifier, province.name, "Ủy ban nhân dân tỉnh", None),
        (commune.identifier, commune.name, "Ủy ban nhân dân xã", province.name),
        (center.identifier, center.name, "Trung tâm Phục vụ hành chính công xã", commune.name),
    ]
    assert closed.identifier not in {r[0] for r in rows}


def test_untouched_template_imports_zero_rows_cleanly(agencies):
    report = import_officials(io.BytesIO(build_officials_template()))

    assert report.ok
    assert (report.rows, report.created, report.updated, report.unchanged) == (0, 0, 0, 0)


def test_command_writes_the_template_to_the_default_name(agencies, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    out = io.StringIO()

    call_command("officials-template", stdout=out)

    written = tmp_path / "mau-danh-sach-can-bo.xlsx"
    assert _book(written.read_bytes()).sheetnames == [SHEET_OFFICIALS, SHEET_GUIDE, SHEET_AGENCIES]
    assert "mau-danh-sach-can-bo.xlsx" in out.getvalue()


def test_command_writes_the_template_where_asked(agencies, tmp_path):
    target = tmp_path / "xa-tan-trao.xlsx"

    call_command("officials-template", str(target), stdout=io.StringIO())

    assert [c.value for c in _book(target.read_bytes())[SHEET_OFFICIALS][1]] == HEADER
