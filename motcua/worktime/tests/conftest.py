from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from motcua.worktime.calendar import WorkCalendar
from motcua.worktime.tests.support import official_calendar

# The compiled catalogue is build output (make messages); compile it here when it is
# missing or older than its source, so the Vietnamese messages are what the tests see.
_PO = Path(__file__).resolve().parents[1] / "locale" / "vi" / "LC_MESSAGES" / "django.po"
_MO = _PO.with_suffix(".mo")
if not _MO.exists() or _MO.stat().st_mtime < _PO.stat().st_mtime:
    with _PO.open("rb") as po:
        catalog = read_po(po, locale="vi")
    with _MO.open("wb") as mo:
        write_mo(mo, catalog)


@pytest.fixture(scope="session")
def cal() -> WorkCalendar:
    """The shipped 2025–2026 calendar plus provisional 2027, without a database."""
    return official_calendar()
