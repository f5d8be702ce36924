"""A valid file creates the officials with their roles, normalised, with initial passwords."""

from __future__ import annotations

import csv
import io
import stat
import unicodedata

import pytest
from django.core.management import CommandError, call_command

from motcua.org.models import Role, RoleAssignment, User
from motcua.org.onboarding import import_officials
from motcua.org.tests.factories import (
    make_commune,
    make_commune_center,
    make_province,
    make_user,
    official_row,
    officials_workbook,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def commune():
    return make_commune("UBND xã Tân Trào", make_province())


@pytest.fixture
def center(commune):
    return make_commune_center(commune)


def _roles(user: User) -> set[tuple[str, str]]:
    return set(user.role_assignments.values_list("role", "agency__identifier"))


def test_creates_officials_with_roles_and_normalised_data(commune, center):
    data = officials_workbook(
        [
            official_row(
                f" {commune.identifier.lower()} ",
                "Nguyễn   Thị Hoa",
                "hoant",
                "Lãnh đạo; chuyen vien",
                email="HoaNT@TanTrao.Gov.VN",
                phone="0912.345 678",
                job_title="Chủ tịch UBND xã",
                number=1,
            ),
            official_row(
                center.identifier,
                "Trần Văn Bình",
                "binhtv",
                "reception_officer, Cán bộ một cửa",
                phone=912345678,  # a number cell: Excel dropped the leading 0
                number=2,
            ),
            official_row(center.identifier, "Lý Mùi", "muily", "THANH TRA", phone=84987654321),
        ]
    )

    report = import_officials(io.BytesIO(data))

    assert report.problems == []
    assert (report.rows, report.created, report.updated, report.unchanged) == (3, 3, 0, 0)
    hoa = User.objects.get(username="hoant")
    assert (hoa.last_name, hoa.first_name) == ("Nguyễn Thị", "Hoa")
    assert hoa.agency == commune
    assert hoa.email == "HoaNT@tantrao.gov.vn"  # Django lower-cases the domain only
    assert hoa.phone == "0912345678"
    assert hoa.job_title == "Chủ tịch UBND xã"
    assert _roles(hoa) == {("leader", commune.identifier), ("specialist", commune.identifier)}
    binh = User.objects.get(username="binhtv")
    assert binh.phone == "0912345678"
    assert binh.agency == center
    assert _roles(binh) == {("reception_officer", center.identifier)}
    assert User.objects.get(username="muily").phone == "+84987654321"
    assert _roles(User.objects.get(username="muily")) == {("auditor", center.identifier)}


def test_new_accounts_get_a_random_hashed_password_returned_once(commune):
    data = officials_workbook(
        [
            official_row(commune.identifier, "Nguyễn Thị Hoa", "hoant", "leader"),
            official_row(commune.identifier, "Trần Văn Bình", "binhtv", "specialist"),
        ]
    )

    report = import_officials(io.BytesIO(data))

    by_username = {c.username: c for c in report.credentials}
    assert set(by_username) == {"hoant", "binhtv"}
    assert by_username["hoant"].row == 2
    assert by_username["hoant"].full_name == "Nguyễn Thị Hoa"
    assert by_username["hoant"].agency == commune.identifier
    hoa_password = by_username["hoant"].password
    assert len(hoa_password) >= 16 and hoa_password != by_username["binhtv"].password
    hoa = User.objects.get(username="hoant")
    assert hoa.password != hoa_password  # stored hashed, never in clear
    assert hoa.check_password(hoa_password)
    assert hoa.is_active and not hoa.is_staff and not hoa.is_superuser


def test_text_is_normalised_to_nfc(commune):
    decomposed = unicodedata.normalize("NFD", "Phạm Thị Ngọc Ánh")
    assert decomposed != "Phạm Thị Ngọc Ánh"
    data = officials_workbook(
        [
            official_row(
                commune.identifier,
                decomposed,
                "anhptn",
                unicodedata.normalize("NFD", "Chuyên viên"),
                job_title=unicodedata.normalize("NFD", "Công chức Tư pháp - Hộ tịch"),
            )
        ]
    )

    import_officials(io.BytesIO(data))

    anh = User.objects.get(username="anhptn")
    assert (anh.last_name, anh.first_name) == ("Phạm Thị Ngọc", "Ánh")
    assert anh.job_title == "Công chức Tư pháp - Hộ tịch"
    assert _roles(anh) == {("specialist", commune.identifier)}


def test_header_may_sit_below_a_title_and_blank_rows_are_skipped(commune):
    data = officials_workbook(
        [
            official_row(commune.identifier, "Nguyễn Thị Hoa", "hoant", "leader"),
            ["3", None, None, None, None, None, None, None],  # numbered but empty: skipped
            official_row(commune.identifier, "Trần Văn Bình", "binhtv", "specialist"),
        ],
        rows_above_header=[["DANH SÁCH CÁN BỘ UBND XÃ TÂN TRÀO"], []],
    )

    report = import_officials(io.BytesIO(data))

    assert report.ok
    assert report.rows == 2
    assert {c.username: c.row for c in report.credentials} == {"hoant": 4, "binhtv": 6}


def test_existing_official_of_the_same_agency_is_updated_and_roles_only_added(commune):
    hoa = make_user(
        "hoant",
        agency=commune,
        roles=[Role.AUDITOR],
        first_name="Hoa",
        last_name="Nguyễn Thị",
        phone="0911111111",
        job_title="Phó Chủ tịch",
    )
    password = hoa.password
    data = officials_workbook(
        [
            official_row(
                commune.identifier,
                "Nguyễn Thị Hoa",
                "hoant",
                "leader",
                phone="0912345678",
                job_title="Chủ tịch UBND xã",
            )
        ]
    )

    report = import_officials(io.BytesIO(data))

    assert (report.created, report.updated, report.unchanged) == (0, 1, 0)
    assert report.credentials == []
    hoa.refresh_from_db()
    assert hoa.phone == "0912345678"
    assert hoa.job_title == "Chủ tịch UBND xã"
    assert hoa.password == password  # an existing account keeps its password
    assert _roles(hoa) == {("auditor", commune.identifier), ("leader", commune.identifier)}


def test_dry_run_counts_but_writes_nothing(commune):
    make_user("hoant", agency=commune, roles=[Role.LEADER], first_name="Hoa", last_name="Nguyễn")
    data = officials_workbook(
        [
            official_row(commune.identifier, "Nguyễn Hoa", "hoant", "leader, specialist"),
            official_row(commune.identifier, "Trần Văn Bình", "binhtv", "specialist"),
        ]
    )

    report = import_officials(io.BytesIO(data), dry_run=True)

    assert report.ok and report.dry_run
    assert (report.created, report.updated, report.unchanged) == (1, 1, 0)
    assert report.credentials == []
    assert not User.objects.filter(username="binhtv").exists()
    assert RoleAssignment.objects.filter(role=Role.SPECIALIST).count() == 0


def test_command_writes_passwords_to_a_private_csv_not_to_the_screen(commune, tmp_path):
    source = tmp_path / "tan-trao.xlsx"
    source.write_bytes(
        officials_workbook(
            [
                official_row(commune.identifier, "Nguyễn Thị Hoa", "hoant", "leader"),
                official_row(commune.identifier, "Trần Văn Bình", "binhtv", "specialist"),
            ]
        )
    )
    passwords = tmp_path / "mat-khau.csv"
    out = io.StringIO()

    call_command("import-officials", str(source), "--passwords-out", str(passwords), stdout=out)

    rows = list(csv.reader(passwords.read_text(encoding="utf-8-sig").splitlines()))
    assert rows[0] == [
        "Dòng",
        "Mã định danh cơ quan",
        "Họ và tên",
        "Tên đăng nhập",
        "Thư điện tử",
        "Mật khẩu ban đầu",
    ]
    by_username = {r[3]: r for r in rows[1:]}
    assert set(by_username) == {"hoant", "binhtv"}
    assert by_username["hoant"][:3] == ["2", commune.identifier, "Nguyễn Thị Hoa"]
    assert User.objects.get(username="hoant").check_password(by_username["hoant"][5])
    assert stat.S_IMODE(passwords.stat().st_mode) == 0o600
    printed = out.getvalue()
    assert by_username["hoant"][5] not in printed
    assert "Đã nhập 2 dòng: tạo mới 2, cập nhật 0, không đổi 0." in printed


def test_command_prints_passwords_only_when_asked(commune, tmp_path):
    source = tmp_path / "tan-trao.xlsx"
    source.write_bytes(
        officials_workbook([official_row(commune.identifier, "Nguyễn Thị Hoa", "hoant", "leader")])
    )
    out = io.StringIO()

    call_command("import-officials", str(source), "--print-passwords", stdout=out)

    username, password = out.getvalue().splitlines()[0].split("\t")
    assert username == "hoant"
    assert User.objects.get(username="hoant").check_password(password)


def test_command_refuses_to_create_accounts_whose_passwords_nobody_would_receive(commune, tmp_path):
    source = tmp_path / "tan-trao.xlsx"
    source.write_bytes(
        officials_workbook([official_row(commune.identifier, "Nguyễn Thị Hoa", "hoant", "leader")])
    )

    with pytest.raises(CommandError) as raised:
        call_command("import-officials", str(source), stdout=io.StringIO())

    assert raised.value.returncode == 2
    assert "--passwords-out" in str(raised.value)
    assert not User.objects.filter(username="hoant").exists()


def test_command_dry_run_reports_what_would_happen(commune, tmp_path):
    source = tmp_path / "tan-trao.xlsx"
    source.write_bytes(
        officials_workbook([official_row(commune.identifier, "Nguyễn Thị Hoa", "hoant", "leader")])
    )
    out = io.StringIO()

    call_command("import-officials", str(source), "--dry-run", stdout=out)

    assert "Chạy thử, không ghi gì: 1 dòng hợp lệ; sẽ tạo mới 1, cập nhật 0, không đổi 0." in (
        out.getvalue()
    )
    assert not User.objects.filter(username="hoant").exists()
