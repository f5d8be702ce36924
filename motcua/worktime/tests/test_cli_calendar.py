"""``motcua calendar``: the year's exceptions as text or JSON, and whether it is official."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("calendar", *args, stdout=out)
    return out.getvalue()


def test_official_year_lists_every_exception() -> None:
    lines = run("2026").splitlines()
    assert lines[0] == "Năm 2026: chính thức."
    assert len(lines) == 16
    date, kind, reason, source = lines[3].split("\t")
    assert (date, kind) == ("2026-01-10", "swapped_workday")
    assert reason == "Làm việc bù cho thứ Sáu 02/01/2026"
    assert "12729/VPCP-KGVX" in source
    assert [line.split("\t")[0] for line in lines[-4:]] == [
        "2026-08-22",
        "2026-08-31",
        "2026-09-01",
        "2026-09-02",
    ]


def test_provisional_year_says_so() -> None:
    lines = run("2027").splitlines()
    assert lines[0].startswith("Năm 2027: tạm tính")
    assert run("2027", "--lang", "en").startswith("Year 2027: provisional")
    assert "2027-05-03\tcompensatory_off" in lines[-3]


def test_json() -> None:
    data = json.loads(run("2025", "--json"))
    assert data["year"] == 2025 and data["provisional"] is False
    assert len(data["days"]) == 13
    assert data["days"][7] == {
        "date": "2025-04-26",
        "kind": "swapped_workday",
        "working": True,
        "reason": "Làm việc bù cho thứ Sáu 02/5/2025",
        "source": data["days"][7]["source"],
    }
    assert "26/4/2025" in data["days"][7]["source"]


@pytest.mark.parametrize(
    ("year", "message"),
    [("abc", "Năm không hợp lệ: abc."), ("2019", "Không có lịch làm việc cho năm 2019.")],
)
def test_bad_year(year: str, message: str) -> None:
    err = StringIO()
    with pytest.raises(SystemExit) as info:
        call_command("calendar", year, stdout=StringIO(), stderr=err)
    assert info.value.code == 2
    assert err.getvalue() == message + "\n"
