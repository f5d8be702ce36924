import json

import pytest
from django.core.management import call_command

from motcua.catalog.models import Procedure
from motcua.catalog.tests.factories import document, procedure

pytestmark = pytest.mark.django_db


def test_import_then_export_through_the_commands(tmp_path, capsys):
    source = tmp_path / "in.json"
    source.write_text(json.dumps(document(procedure()), ensure_ascii=False), encoding="utf-8")
    call_command("catalog-import", str(source))
    assert "1 thủ tục mới" in capsys.readouterr().out
    target = tmp_path / "out.json"
    call_command("catalog-export", str(target))
    exported = json.loads(target.read_text(encoding="utf-8"))
    assert [p["name"] for p in exported["procedures"]] == ["Đăng ký khai sinh"]


def test_a_bad_file_exits_1_and_imports_nothing(tmp_path, capsys):
    source = tmp_path / "bad.json"
    source.write_text(json.dumps(document(procedure(time_limit=-1))), encoding="utf-8")
    with pytest.raises(SystemExit) as exit_info:
        call_command("catalog-import", str(source))
    assert exit_info.value.code == 1
    assert "1.001193" in capsys.readouterr().err
    assert not Procedure.objects.exists()


def test_an_unreadable_file_exits_2(tmp_path):
    source = tmp_path / "not.json"
    source.write_text("{", encoding="utf-8")
    with pytest.raises(SystemExit) as exit_info:
        call_command("catalog-import", str(source))
    assert exit_info.value.code == 2
