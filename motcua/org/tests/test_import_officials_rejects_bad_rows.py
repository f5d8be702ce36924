"""Every bad row is reported with its Excel row number and reason, and nothing is written."""

from __future__ import annotations

import io
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from motcua.org.models import Agency, Role, RoleAssignment, User
from motcua.org.onboarding import OfficialsFileError, Problem, import_officials
from motcua.org.tests.factories import (
    make_commune,
    make_province,
    make_user,
    official_row,
    officials_workbook,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    province = make_province()
    tan_trao = make_commune("UBND xã Tân Trào", province)
    minh_xuan = make_commune("UBND phường Minh Xuân", province)
    merged = make_commune("UBND xã Cũ", province, active=False)
    make_user("lanhdao.mx", agency=minh_xuan, roles=[Role.LEADER])
    make_user("dungnv", agency=minh_xuan, email="dung@tuyenquang.gov.vn")
    make_user("hoant", agency=tan_trao, roles=[Role.SPECIALIST], first_name="Hoa")
    make_user("admin", is_superuser=True, is_staff=True)
    return tan_trao, minh_xuan, merged


def _bad_file(tan_trao: Agency, minh_xuan: Agency, merged: Agency) -> bytes:
    a = tan_trao.identifier
    return officials_workbook(
        [
            # row 2: a good row — still not written, because the file has problems
            official_row(a, "Nguyễn Thị Lan", "lannt", "leader", email="lan@tantrao.vn"),
            official_row("000.99.99.H60", "Trần Văn An", "antv", "leader"),  # 3
            official_row(a, "", "nobody", "specialist"),  # 4
            official_row(a, "Nguyễn Văn An", "nguyen van an", "specialist"),  # 5
            official_row(a, "Lê Thị Lan", "LANNT", "specialist"),  # 6
            official_row(a, "Lê Văn Tám", "tamlv", "specialist", email="LAN@tantrao.vn"),  # 7
            official_row(a, "Ngô Dũng", "dungn", "specialist", email="Dung@TuyenQuang.gov.vn"),  # 8
            official_row(a, "Hà Thu", "thuh", "specialist", email="thu@@tantrao"),  # 9
            official_row(a, "Đỗ Minh", "minhd", "Trưởng phòng; leader"),  # 10
            official_row(a, "Vũ Hằng", "hangv", "specialist", phone="12345"),  # 11
            official_row(a, "Lý Thành", "lanhdao.mx", "leader"),  # 12
            official_row(merged.identifier, "Mai Anh", "anhm", "leader"),  # 13
            official_row(a, "Nguyễn Thị Hoa", "HoaNT", "specialist"),  # 14
            official_row(a, "Quản Trị", "admin", "province_admin"),  # 15
            official_row(a, "Không Tên", "", "specialist", phone="09-12"),  # 16
        ]
    )


EXPECTED = [
    (3, "Không có cơ quan có mã định danh “000.99.99.H60”; xem sheet “Cơ quan”."),
    (4, "Ô “Họ và tên” bị để trống."),
    (
        5,
        "Tên đăng nhập “nguyen van an” chỉ được gồm chữ cái, chữ số và các ký tự @ . + - _ "
        "(không có dấu cách), tối đa 150 ký tự.",
    ),
    (6, "Tên đăng nhập “LANNT” trùng với dòng 2."),
    (7, "Địa chỉ thư điện tử “LAN@tantrao.vn” trùng với dòng 2."),
    (8, "Địa chỉ thư điện tử “Dung@tuyenquang.gov.vn” đã được tài khoản “dungnv” sử dụng."),
    (9, "“thu@@tantrao” không phải là địa chỉ thư điện tử hợp lệ."),
    (10, "Không có vai trò “Trưởng phòng”; xem danh sách vai trò ở sheet “Hướng dẫn”."),
    (11, "“12345” không phải là số điện thoại Việt Nam (ví dụ 0912345678 hoặc +84912345678)."),
    (
        12,
        "Tài khoản “lanhdao.mx” đã thuộc cơ quan khác ({mx}, UBND phường Minh Xuân); việc nhập "
        "tệp không chuyển cán bộ sang cơ quan khác.",
    ),
    (13, "Cơ quan “{merged}” (UBND xã Cũ) không còn hoạt động."),
    (14, "Tên đăng nhập “HoaNT” chỉ khác tài khoản đã có “hoant” ở chữ hoa/chữ thường."),
    (
        15,
        "Tài khoản “admin” đã có nhưng không thuộc cơ quan nào; việc nhập tệp không gắn tài "
        "khoản vào cơ quan.",
    ),
    (16, "Ô “Tên đăng nhập” bị để trống."),
    (16, "“09-12” không phải là số điện thoại Việt Nam (ví dụ 0912345678 hoặc +84912345678)."),
]


def _expected(minh_xuan: Agency, merged: Agency) -> list[tuple[int, str]]:
    return [
        (row, text.format(mx=minh_xuan.identifier, merged=merged.identifier))
        for row, text in EXPECTED
    ]


def _snapshot() -> tuple[list[tuple], list[tuple]]:
    users = list(User.objects.order_by("pk").values_list(*[f.attname for f in User._meta.fields]))
    roles = list(RoleAssignment.objects.order_by("pk").values_list("user_id", "role", "agency_id"))
    return users, roles


def test_every_problem_is_reported_with_its_row_and_nothing_is_written(world):
    tan_trao, minh_xuan, merged = world
    before = _snapshot()

    report = import_officials(io.BytesIO(_bad_file(tan_trao, minh_xuan, merged)))

    assert [(p.row, p.message) for p in report.problems] == _expected(minh_xuan, merged)
    assert (report.created, report.updated, report.credentials) == (0, 0, [])
    assert _snapshot() == before
    assert not User.objects.filter(username="lannt").exists()


def test_dry_run_reports_the_same_problems(world):
    tan_trao, minh_xuan, merged = world

    report = import_officials(io.BytesIO(_bad_file(tan_trao, minh_xuan, merged)), dry_run=True)

    assert [(p.row, p.message) for p in report.problems] == _expected(minh_xuan, merged)


def test_problem_reads_as_row_and_reason():
    assert str(Problem(7, "Ô “Họ và tên” bị để trống.")) == "Dòng 7: Ô “Họ và tên” bị để trống."
    assert str(Problem(None, "Thiếu các cột: “Vai trò”.")) == "Thiếu các cột: “Vai trò”."


def test_missing_required_column_is_a_file_problem(world):
    tan_trao = world[0]
    header = ["STT", "Mã định danh cơ quan", "Họ và tên", "Tên đăng nhập"]
    data = officials_workbook([[1, tan_trao.identifier, "Nguyễn Thị Lan", "lannt"]], header=header)

    report = import_officials(io.BytesIO(data))

    assert [(p.row, p.message) for p in report.problems] == [(None, "Thiếu các cột: “Vai trò”.")]
    assert not User.objects.filter(username="lannt").exists()


def test_command_prints_each_bad_row_and_exits_1(world, tmp_path):
    tan_trao, minh_xuan, merged = world
    source = tmp_path / "tan-trao.xlsx"
    source.write_bytes(_bad_file(tan_trao, minh_xuan, merged))
    passwords = tmp_path / "mat-khau.csv"
    err = io.StringIO()

    with pytest.raises(CommandError) as raised:
        call_command(
            "import-officials",
            str(source),
            "--passwords-out",
            str(passwords),
            stdout=io.StringIO(),
            stderr=err,
        )

    assert raised.value.returncode == 1
    assert str(raised.value) == f"Tệp {source} có 15 lỗi; chưa nhập gì."
    lines = err.getvalue().splitlines()
    assert lines == [f"Dòng {row}: {text}" for row, text in _expected(minh_xuan, merged)]
    assert "Dòng 7: Địa chỉ thư điện tử “LAN@tantrao.vn” trùng với dòng 2." in lines
    assert not passwords.exists()  # no credentials file is left behind
    assert not User.objects.filter(username="lannt").exists()


def test_non_xlsx_files_are_refused_by_content(tmp_path):
    text = tmp_path / "danh-sach.xlsx"
    text.write_text("STT;Họ và tên\n1;Nguyễn Thị Lan\n", encoding="utf-8")
    other_zip = tmp_path / "tai-lieu.xlsx"
    with zipfile.ZipFile(other_zip, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")

    for path in (text, other_zip):
        with pytest.raises(OfficialsFileError) as raised, path.open("rb") as f:
            import_officials(f)
        assert str(raised.value) == "Tệp không phải là bảng tính Excel (.xlsx)."


def test_command_exits_2_for_a_missing_or_unreadable_file(tmp_path):
    text = tmp_path / "danh-sach.xlsx"
    text.write_text("not a workbook", encoding="utf-8")

    with pytest.raises(CommandError) as raised:
        call_command("import-officials", str(text), "--dry-run")
    assert raised.value.returncode == 2
    assert str(raised.value) == f"{text}: Tệp không phải là bảng tính Excel (.xlsx)."

    with pytest.raises(CommandError) as raised:
        call_command("import-officials", str(tmp_path / "khong-co.xlsx"), "--dry-run")
    assert raised.value.returncode == 2
    assert str(raised.value).startswith(f"Không đọc được {tmp_path / 'khong-co.xlsx'}: ")


def test_console_script_exit_status_and_single_line_without_traceback(tmp_path):
    text = tmp_path / "danh-sach.xlsx"
    text.write_text("not a workbook", encoding="utf-8")
    script = Path(sys.executable).with_name("motcua")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "motcua"]

    done = subprocess.run(
        # --skip-checks: other apps' system-check warnings are not this test's business.
        [*command, "import-officials", str(text), "--dry-run", "--skip-checks"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        f"CommandError: {text}: Tệp không phải là bảng tính Excel (.xlsx)."
    ]
    assert "Traceback" not in done.stderr


def test_a_failure_while_writing_rolls_back_the_whole_file(world, monkeypatch):
    from django.db import IntegrityError
    from django.db.models import Manager

    tan_trao = world[0]
    data = officials_workbook(
        [
            official_row(tan_trao.identifier, "Nguyễn Thị Lan", "lannt", "leader"),
            official_row(tan_trao.identifier, "Trần Văn Bình", "binhtv", "specialist"),
        ]
    )
    real_bulk_create = Manager.bulk_create

    def roles_collide(self, objs, *args, **kwargs):
        if self.model is RoleAssignment:  # users already inserted: they must be undone
            raise IntegrityError("duplicate key value violates unique constraint")
        return real_bulk_create(self, objs, *args, **kwargs)

    monkeypatch.setattr(Manager, "bulk_create", roles_collide)
    before = _snapshot()

    report = import_officials(io.BytesIO(data))

    assert [(p.row, p.message) for p in report.problems] == [
        (
            None,
            "Dữ liệu tài khoản đã thay đổi trong lúc nhập tệp; chưa ghi gì. Hãy nhập lại tệp.",
        )
    ]
    assert (report.created, report.credentials) == (0, [])
    assert _snapshot() == before
