"""The embedded database runs in WAL mode with foreign keys enforced."""

import subprocess
import sys

import pytest


def test_file_sqlite_uses_wal_and_foreign_keys(tmp_path):
    code = (
        "import django; django.setup();"
        "from django.db import connection;"
        "c = connection.cursor();"
        "print(c.execute('PRAGMA journal_mode').fetchone()[0],"
        " c.execute('PRAGMA foreign_keys').fetchone()[0])"
    )
    env = {
        "DJANGO_SETTINGS_MODULE": "motcua.settings",
        "MOTCUA_DATA_DIR": str(tmp_path),
        "PATH": "/usr/bin:/bin",
    }
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == ["wal", "1"]


@pytest.mark.parametrize("debug", ["0"])
def test_production_refuses_to_start_without_a_secret_key(tmp_path, debug):
    env = {
        "DJANGO_SETTINGS_MODULE": "motcua.settings",
        "MOTCUA_DATA_DIR": str(tmp_path),
        "DEBUG": debug,
        "PATH": "/usr/bin:/bin",
    }
    out = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert out.returncode != 0
    assert "SECRET_KEY must be set" in out.stderr


def test_console_script_runs_django_commands():
    out = subprocess.run(
        [sys.executable, "-m", "motcua", "help"], capture_output=True, text=True, check=True
    )
    for name in ("migrate", "runserver", "demo", "catalog-import", "catalog-export"):
        assert name in out.stdout
