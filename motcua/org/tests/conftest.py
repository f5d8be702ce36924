from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

# The compiled catalogue is build output (make messages); compile it here when it is
# missing or older than its source, so the Vietnamese messages are what the tests see.
_PO = Path(__file__).resolve().parents[1] / "locale" / "vi" / "LC_MESSAGES" / "django.po"
_MO = _PO.with_suffix(".mo")
if _PO.exists() and (not _MO.exists() or _MO.stat().st_mtime < _PO.stat().st_mtime):
    with _PO.open("rb") as po:
        catalog = read_po(po, locale="vi")
    with _MO.open("wb") as mo:
        write_mo(mo, catalog)


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings: Any) -> None:
    # Hashing is Django's; only its cost is lowered for the tests.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
