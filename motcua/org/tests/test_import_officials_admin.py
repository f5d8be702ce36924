"""The admin page "Nhập danh sách cán bộ từ Excel": province administrators only, CSRF-protected."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.contrib.admin.models import ADDITION, LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from motcua.desk.tests.signin import sign_in
from motcua.org.models import Role, User
from motcua.org.onboarding import MAX_UPLOAD_BYTES
from motcua.org.tests.factories import (
    make_commune,
    make_province,
    make_user,
    official_row,
    officials_workbook,
)

pytestmark = pytest.mark.django_db

IMPORT_URL = "admin:org_user_import_officials"
TEMPLATE_URL = "admin:org_user_officials_template"


@pytest.fixture
def commune():
    return make_commune("UBND xã Tân Trào", make_province())


@pytest.fixture
def superuser_client(client):
    root = make_user("root", is_superuser=True, is_staff=True)
    sign_in(client, root)
    return client


def _upload(data: bytes, name: str = "tan-trao.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def _good_file(commune) -> bytes:
    return officials_workbook(
        [
            official_row(commune.identifier, "Nguyễn Thị Hoa", "hoant", "Lãnh đạo"),
            official_row(commune.identifier, "Trần Văn Bình", "binhtv", "chuyen vien"),
        ]
    )


def test_user_changelist_links_to_the_import_page_for_a_superuser(superuser_client):
    response = superuser_client.get(reverse("admin:org_user_changelist"))

    assert response.status_code == 200
    content = response.content.decode()
    assert reverse(IMPORT_URL) in content
    assert "Nhập danh sách cán bộ từ Excel" in content


def test_import_page_shows_the_upload_form_and_template_link(superuser_client):
    response = superuser_client.get(reverse(IMPORT_URL))

    assert response.status_code == 200
    content = response.content.decode()
    assert "<title>Nhập danh sách cán bộ từ Excel" in content
    assert 'enctype="multipart/form-data"' in content
    assert 'name="csrfmiddlewaretoken"' in content
    assert 'name="dry_run"' in content and "Kiểm tra thử" in content
    assert reverse(TEMPLATE_URL) in content


def test_template_download_is_the_workbook(superuser_client, commune):
    response = superuser_client.get(reverse(TEMPLATE_URL))

    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert 'filename="mau-danh-sach-can-bo.xlsx"' in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Cán bộ", "Hướng dẫn", "Cơ quan"]
    assert book["Cơ quan"]["A3"].value == commune.identifier


def test_dry_run_shows_the_summary_and_writes_nothing(superuser_client, commune):
    response = superuser_client.post(
        reverse(IMPORT_URL), {"file": _upload(_good_file(commune)), "dry_run": "on"}
    )

    assert response.status_code == 200
    content = response.content.decode()
    assert (
        "Chạy thử, không ghi gì: 2 dòng hợp lệ; sẽ tạo mới 2, cập nhật 0, không đổi 0." in content
    )
    assert not User.objects.filter(username__in=["hoant", "binhtv"]).exists()


def test_import_creates_the_officials_and_shows_their_initial_passwords(superuser_client, commune):
    response = superuser_client.post(reverse(IMPORT_URL), {"file": _upload(_good_file(commune))})

    assert response.status_code == 200
    content = response.content.decode()
    assert "Đã nhập 2 dòng: tạo mới 2, cập nhật 0, không đổi 0." in content
    report = response.context["report"]
    assert {c.username for c in report.credentials} == {"hoant", "binhtv"}
    for credential in report.credentials:
        assert f"<code>{credential.password}</code>" in content
        assert User.objects.get(username=credential.username).check_password(credential.password)
    assert response.context["credentials_csv"].startswith("data:text/csv;charset=utf-8;base64,")
    assert set(
        User.objects.get(username="hoant").role_assignments.values_list("role", flat=True)
    ) == {Role.LEADER}
    logged = LogEntry.objects.filter(action_flag=ADDITION).values_list("object_repr", flat=True)
    assert set(logged) == {"hoant", "binhtv"}
    assert (
        response["Cache-Control"].startswith("max-age=0") or "no-cache" in response["Cache-Control"]
    )


def test_a_file_with_problems_shows_them_by_row_and_writes_nothing(superuser_client, commune):
    data = officials_workbook(
        [
            official_row(commune.identifier, "Nguyễn Thị Hoa", "hoant", "Lãnh đạo"),
            official_row("000.99.99.H60", "Trần Văn Bình", "binhtv", "Giám đốc sở"),
        ]
    )

    response = superuser_client.post(reverse(IMPORT_URL), {"file": _upload(data)})

    content = response.content.decode()
    assert "Tệp có 2 lỗi; chưa nhập gì." in content
    assert "<td>3</td><td>Không có cơ quan có mã định danh “000.99.99.H60”" in content
    assert "<td>3</td><td>Không có vai trò “Giám đốc sở”" in content
    assert not User.objects.filter(username__in=["hoant", "binhtv"]).exists()


@pytest.mark.parametrize("name", ["danh-sach.xlsx", "danh-sach.csv"])
def test_upload_must_be_an_xlsx_by_content_not_by_name(superuser_client, name):
    response = superuser_client.post(
        reverse(IMPORT_URL), {"file": _upload(b"STT;H\xe1\xbb\x8d v\xc3\xa0 t\xc3\xaan\n", name)}
    )

    assert response.context["form"].errors == {
        "file": ["Tệp không phải là bảng tính Excel (.xlsx)."]
    }
    assert response.context["report"] is None


def test_a_zip_without_a_workbook_is_refused(superuser_client):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")

    response = superuser_client.post(reverse(IMPORT_URL), {"file": _upload(buffer.getvalue())})

    assert response.context["form"].errors == {
        "file": ["Tệp không phải là bảng tính Excel (.xlsx)."]
    }


def test_upload_larger_than_5_mb_is_refused(superuser_client, commune):
    data = _good_file(commune)
    padded = data + b"\0" * (MAX_UPLOAD_BYTES + 1 - len(data))

    response = superuser_client.post(reverse(IMPORT_URL), {"file": _upload(padded)})

    assert response.context["form"].errors == {"file": ["Tệp lớn hơn 5 MB."]}
    assert not User.objects.filter(username="hoant").exists()


def test_province_administrator_may_import(client, commune):
    official = make_user("quantri", agency=commune, roles=[Role.PROVINCE_ADMIN], is_staff=True)
    sign_in(client, official)

    response = client.post(reverse(IMPORT_URL), {"file": _upload(_good_file(commune))})

    assert response.status_code == 200
    assert User.objects.filter(username__in=["hoant", "binhtv"]).count() == 2


def test_other_staff_are_forbidden_even_with_user_permissions(client, commune):
    from django.contrib.auth.models import Permission

    staff = make_user("canbo", agency=commune, roles=[Role.LEADER], is_staff=True)
    staff.user_permissions.set(Permission.objects.filter(content_type__app_label="org"))
    sign_in(client, staff)

    assert client.get(reverse("admin:org_user_changelist")).status_code == 200
    changelist = client.get(reverse("admin:org_user_changelist")).content.decode()
    assert reverse(IMPORT_URL) not in changelist
    assert client.get(reverse(IMPORT_URL)).status_code == 403
    assert client.get(reverse(TEMPLATE_URL)).status_code == 403
    response = client.post(reverse(IMPORT_URL), {"file": _upload(_good_file(commune))})
    assert response.status_code == 403
    assert not User.objects.filter(username="hoant").exists()


def test_anonymous_visitor_is_sent_to_the_login_page(client):
    response = client.get(reverse(IMPORT_URL))

    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_upload_without_csrf_token_is_refused(commune):
    root = make_user("root", is_superuser=True, is_staff=True)
    client = Client(enforce_csrf_checks=True)
    sign_in(client, root)

    response = client.post(reverse(IMPORT_URL), {"file": _upload(_good_file(commune))})

    assert response.status_code == 403
    assert not User.objects.filter(username="hoant").exists()
