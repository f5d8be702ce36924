"""Dossier and result codes (mã số hồ sơ, mã kết quả). Pure functions.

TT 01/2018/TT-VPCP: ``<receiving agency identifier>-<YYMMDD>-<NNNN>`` where NNNN is the
receiving agency's running number of the day; NĐ 45/2020 art. 14(3): a result is
``<dossier code>-KQ<n>``. TT 03/2025 re-regulates the code, so the format is configuration
(``MOTCUA_DOSSIER_CODE_FORMAT``, a ``str.format`` template over ``agency``, ``date`` and
``seq``) and only its defaults live here.
"""

from __future__ import annotations

import datetime as dt
import re

DEFAULT_FORMAT = "{agency}-{date:%y%m%d}-{seq:04d}"
DEFAULT_REGEX = r"^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}-\d{6}-\d{4}$"
RESULT_CODE_RE = re.compile(r"^(?P<dossier>.+)-KQ(?P<n>[1-9]\d*)$")


class CodeFormatError(ValueError):
    """The configured format cannot make a valid code for these values."""


def format_dossier_code(
    *,
    agency: str,
    day: dt.date,
    seq: int,
    fmt: str = DEFAULT_FORMAT,
    regex: str | None = DEFAULT_REGEX,
) -> str:
    """The code of the ``seq``-th dossier received by ``agency`` on ``day``.

    Raises :class:`CodeFormatError` when the result does not match ``regex`` (e.g. a
    10,000th dossier of the day with a 4-digit sequence): a wrong code must never be issued.
    """
    if seq < 1:
        raise CodeFormatError("the daily sequence starts at 1")
    try:
        code = fmt.format(agency=agency, date=day, seq=seq)
    except (KeyError, IndexError, ValueError) as exc:
        raise CodeFormatError(f"bad dossier code format {fmt!r}: {exc}") from exc
    if regex and not re.fullmatch(regex, code):
        raise CodeFormatError(f"{code!r} does not match {regex!r}")
    return code


def result_code(dossier_code: str, n: int) -> str:
    """``<dossier code>-KQ<n>``: the n-th result of a dossier (n from 1)."""
    if n < 1:
        raise ValueError("result numbers start at 1")
    return f"{dossier_code}-KQ{n}"


def parse_result_code(code: str) -> tuple[str, int] | None:
    match = RESULT_CODE_RE.fullmatch(code.strip())
    if match is None:
        return None
    return match["dossier"], int(match["n"])
