"""`motcua api-token <username> [--name N] [--days D]` prints a token once; errors exit 2."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from django.core.management import call_command

from motcua.api.models import ApiToken
from motcua.api.tests.support import get_json

pytestmark = pytest.mark.django_db


def test_the_command_issues_a_working_token(client, official, capsys):
    call_command("api-token", "motcua.tiepnhan", "--name", "Cổng DVC", "--days", "30")
    out, err = capsys.readouterr()
    plaintext = out.strip()
    assert plaintext.startswith("mct_") and "\n" not in plaintext
    token = ApiToken.objects.get()
    assert token.name == "Cổng DVC"
    assert token.digest == hashlib.sha256(plaintext.encode()).hexdigest()
    assert dt.timedelta(days=30) == token.expires_at - token.created_at
    assert "Cổng DVC" in err and "không thể hiển thị lại" in err
    body = get_json(client, "/api/v1/me/", headers={"Authorization": f"Bearer {plaintext}"})
    assert body["username"] == "motcua.tiepnhan"


def test_defaults_a_year_and_a_name(official, capsys):
    call_command("api-token", "motcua.tiepnhan")
    token = ApiToken.objects.get()
    assert token.expires_at - token.created_at == dt.timedelta(days=365)
    assert token.name == "dòng lệnh"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nobody"], "Không có người dùng nào tên “nobody”."),
        (["motcua.tiepnhan", "--days", "0"], "--days phải từ 1 đến 3650"),
        (["motcua.tiepnhan", "--days", "5000"], "--days phải từ 1 đến 3650"),
        (["motcua.tiepnhan", "--name", "x" * 101], "--name có tối đa 100 ký tự."),
    ],
)
def test_bad_input_exits_2_with_one_vietnamese_line(official, capsys, args, message):
    with pytest.raises(SystemExit) as exit_info:
        call_command("api-token", *args)
    assert exit_info.value.code == 2
    out, err = capsys.readouterr()
    assert message in err
    assert err.count("\n") <= 1 and out == ""
    assert not ApiToken.objects.exists()


def test_a_disabled_account_gets_no_token(official, capsys):
    official.is_active = False
    official.save()
    with pytest.raises(SystemExit) as exit_info:
        call_command("api-token", "motcua.tiepnhan")
    assert exit_info.value.code == 2
    assert "vô hiệu hóa" in capsys.readouterr().err
    assert not ApiToken.objects.exists()
