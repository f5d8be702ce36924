"""The dossier register (Sổ theo dõi hồ sơ, Mẫu 07) as an Excel workbook (XlsxWriter).

One sheet: the national motto and the agency over the title and the period, then the
register as a table with a frozen header, wrapped text, real Excel datetimes in Vietnam
time, and a print setup of A4 landscape fitted to the page width. The bytes are the same
for the same rows (fixed document properties), so an unchanged register is stored once.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass

import xlsxwriter

from motcua.core.text import nfc
from motcua.documents.selectors import RegisterRow
from motcua.worktime.calendar import to_local

SHEET_NAME = "So theo doi ho so"
TITLE = "SỔ THEO DÕI HỒ SƠ"
FONT = "Times New Roman"  # what Vietnamese offices' spreadsheets use; a viewer's choice

# (header, width in characters, kind) — the columns of Mẫu 07.
COLUMNS: tuple[tuple[str, float, str], ...] = (
    ("STT", 5, "int"),
    ("Mã hồ sơ", 24, "text"),
    ("Tên thủ tục hành chính", 36, "text"),
    ("Số lượng hồ sơ (bộ)", 9, "int"),
    ("Tên cá nhân, tổ chức", 22, "text"),
    ("Địa chỉ, số điện thoại", 28, "text"),
    ("Cơ quan chủ trì giải quyết", 24, "text"),
    ("Nhận hồ sơ", 16, "datetime"),
    ("Hẹn trả kết quả", 16, "datetime"),
    ("Chuyển hồ sơ đến cơ quan giải quyết", 16, "datetime"),
    ("Nhận kết quả từ cơ quan giải quyết", 16, "datetime"),
    ("Trả kết quả cho cá nhân, tổ chức", 16, "datetime"),
    ("Ghi chú", 26, "text"),
)
HEADER_ROW = 7  # 0-based: rows above hold the motto, the agency, the title and the period
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"


@dataclass(frozen=True)
class RegisterHeading:
    superior: str
    agency: str
    period: str
    date_line: str


def _local_naive(at: dt.datetime | None) -> dt.datetime | None:
    """Excel has no time zones: write the wall-clock time in Vietnam."""
    return to_local(at).replace(tzinfo=None) if at is not None else None


def _values(row: RegisterRow) -> list[object]:
    return [
        row.number,
        row.code,
        row.procedure,
        row.sets,
        row.applicant,
        row.address_phone,
        row.competent_agency,
        _local_naive(row.received_at),
        _local_naive(row.appointment),
        _local_naive(row.sent_at),
        _local_naive(row.result_received_at),
        _local_naive(row.returned_at),
        row.notes,
    ]


def register_workbook(heading: RegisterHeading, rows: Sequence[RegisterRow]) -> bytes:
    """The register as .xlsx bytes."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(
        out,
        {"in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False},
    )
    book.set_properties(
        {
            "title": f"{TITLE} – {nfc(heading.agency)} – {heading.period}",
            "author": "MotCua",
            "created": dt.datetime(2000, 1, 1, tzinfo=dt.UTC),  # fixed: same rows, same bytes
        }
    )
    base = {"font_name": FONT, "font_size": 11, "valign": "top"}
    center_bold = book.add_format({**base, "bold": True, "align": "center"})
    center = book.add_format({**base, "align": "center"})
    title = book.add_format({**base, "bold": True, "align": "center", "font_size": 14})
    header = book.add_format(
        {
            **base,
            "bold": True,
            "align": "center",
            "valign": "vcenter",
            "text_wrap": True,
            "border": 1,
            "bg_color": "#D9E2F3",
        }
    )
    cell = {**base, "text_wrap": True, "border": 1}
    formats = {
        "text": book.add_format(cell),
        "int": book.add_format({**cell, "align": "center"}),
        "datetime": book.add_format({**cell, "num_format": DATETIME_FORMAT, "align": "center"}),
    }

    sheet = book.add_worksheet(SHEET_NAME)
    last = len(COLUMNS) - 1
    split = 5
    if heading.superior:
        sheet.merge_range(0, 0, 0, split, nfc(heading.superior), center)
    sheet.merge_range(1, 0, 1, split, nfc(heading.agency), center_bold)
    sheet.merge_range(0, split + 1, 0, last, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", center_bold)
    sheet.merge_range(1, split + 1, 1, last, "Độc lập - Tự do - Hạnh phúc", center_bold)
    sheet.merge_range(2, split + 1, 2, last, nfc(heading.date_line), center)
    sheet.merge_range(3, last - 1, 3, last, "Mẫu số 07", center)
    sheet.merge_range(4, 0, 4, last, TITLE, title)
    sheet.merge_range(5, 0, 5, last, nfc(heading.period), center)

    for col, (name, width, _kind) in enumerate(COLUMNS):
        sheet.set_column(col, col, width)
        sheet.write_string(HEADER_ROW, col, name, header)
    sheet.set_row(HEADER_ROW, 48)

    for offset, row in enumerate(rows, start=1):
        r = HEADER_ROW + offset
        for col, value in enumerate(_values(row)):
            kind = COLUMNS[col][2]
            fmt = formats[kind]
            if value is None or value == "":
                sheet.write_blank(r, col, None, fmt)
            elif kind == "datetime":
                assert isinstance(value, dt.datetime)
                sheet.write_datetime(r, col, value, fmt)
            elif kind == "int":
                assert isinstance(value, int)
                sheet.write_number(r, col, value, fmt)
            else:
                sheet.write_string(r, col, nfc(str(value)), fmt)

    sheet.freeze_panes(HEADER_ROW + 1, 0)
    if rows:
        sheet.autofilter(HEADER_ROW, 0, HEADER_ROW + len(rows), last)
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)  # one page wide, as many tall as needed
    sheet.repeat_rows(HEADER_ROW)
    sheet.set_margins(left=0.5, right=0.4, top=0.6, bottom=0.6)
    sheet.set_footer("&CTrang &P/&N")
    book.close()
    return out.getvalue()
