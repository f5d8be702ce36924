"""``motcua lunar``: solar → lunar and back, with one-line errors."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command


def run(*args: str) -> str:
    out = StringIO()
    call_command("lunar", *args, stdout=out)
    return out.getvalue()


def fail(*args: str) -> str:
    err = StringIO()
    with pytest.raises(SystemExit) as info:
        call_command("lunar", *args, stdout=StringIO(), stderr=err)
    assert info.value.code == 2
    assert err.getvalue().count("\n") == 1
    return err.getvalue().strip()


@pytest.mark.parametrize(
    ("args", "output"),
    [
        (["2030-02-02"], "2030-01-01"),
        (["2025-07-25"], "2025-06-01L"),
        (["1985-01-21"], "1985-01-01"),
        (["--to-solar", "2025-06-01L"], "2025-07-25"),
        (["--to-solar", "2026-03-10"], "2026-04-26"),
    ],
)
def test_conversions(args: list[str], output: str) -> None:
    assert run(*args) == output + "\n"


def test_bad_dates() -> None:
    assert fail("--to-solar", "2026-06-01L").startswith("Ngày âm lịch không hợp lệ: 2026-06-01L.")
    assert fail("2025-02-30").startswith("Ngày không hợp lệ: 2025-02-30.")
    assert fail("2025-02-30", "--lang", "en").startswith("Invalid date: 2025-02-30.")
    assert fail("1850-01-01").startswith("Ngày không hợp lệ")
