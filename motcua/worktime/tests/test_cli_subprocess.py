"""The commands as the console script runs them: exact stdout, exit status, stderr lines."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

MOTCUA = str(Path(sys.executable).with_name("motcua"))


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    data = tmp_path_factory.mktemp("cli")
    environment = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{data / 'cli.sqlite3'}",
        "MOTCUA_DATA_DIR": str(data),
    }
    subprocess.run([MOTCUA, "migrate", "-v", "0"], env=environment, check=True)
    return environment


def motcua(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([MOTCUA, *args], env=env, capture_output=True, text=True, timeout=120)


def test_deadline(env: dict[str, str]) -> None:
    result = motcua(
        env, "deadline", "--received", "2025-04-29T16:10", "--limit", "3", "--unit", "working_days"
    )
    assert (result.returncode, result.stdout, result.stderr) == (
        0,
        "2025-05-07T17:00:00+07:00\n",
        "",
    )


@pytest.mark.parametrize(
    ("args", "stderr"),
    [
        (
            ["deadline", "--received", "2025-04-29T16:10", "--limit", "3", "--unit", "weeks"],
            "Đơn vị thời hạn không hợp lệ",
        ),
        (
            ["deadline", "--received", "2025-04-29T16:10", "--limit", "-2", "--lang", "en"],
            "The limit must be",
        ),
        (["deadline", "--limit", "3"], "Tham số không hợp lệ"),
        (
            ["deadline", "--received", "x", "--limit", "3", "--lang", "en"],
            "Invalid date and time: x.",
        ),
        (["lunar", "--to-solar", "2025-05-01L"], "Ngày âm lịch không hợp lệ"),
        (["calendar", "20x6"], "Năm không hợp lệ"),
    ],
)
def test_bad_input(env: dict[str, str], args: list[str], stderr: str) -> None:
    result = motcua(env, *args)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith(stderr)
    assert result.stderr.count("\n") == 1


def test_lunar_and_calendar(env: dict[str, str]) -> None:
    assert motcua(env, "lunar", "2030-02-02").stdout == "2030-01-01\n"
    assert motcua(env, "lunar", "--to-solar", "2025-06-01L").stdout == "2025-07-25\n"
    assert motcua(env, "calendar", "2026").stdout.startswith("Năm 2026: chính thức.\n2026-01-01\t")
