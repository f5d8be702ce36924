"""Plain factory functions for organisation test data (no extra dependency)."""

from __future__ import annotations

import io
import itertools
from collections.abc import Iterable, Sequence
from typing import Any

from openpyxl import Workbook

from motcua.org.models import Agency, AgencyKind, Role, RoleAssignment, User
from motcua.org.onboarding import COLUMNS

_numbers = itertools.count(1)


def next_identifier() -> str:
    """A fresh QCVN 102 shaped identifier, e.g. ``000.00.07.H60``."""
    n = next(_numbers)
    return f"000.{n // 100:02d}.{n % 100:02d}.H60"


def make_agency(
    name: str,
    *,
    kind: str = AgencyKind.COMMUNE,
    parent: Agency | None = None,
    identifier: str | None = None,
    **fields: Any,
) -> Agency:
    return Agency.objects.create(
        name=name,
        kind=kind,
        parent=parent,
        identifier=identifier or next_identifier(),
        **fields,
    )


def make_province(name: str = "UBND tỉnh Tuyên Quang") -> Agency:
    return make_agency(name, kind=AgencyKind.PROVINCE_COMMITTEE, identifier="000.00.00.H60")


def make_commune(name: str, province: Agency, **fields: Any) -> Agency:
    return make_agency(name, kind=AgencyKind.COMMUNE, parent=province, **fields)


def make_commune_center(commune: Agency) -> Agency:
    return make_agency(
        f"Trung tâm Phục vụ hành chính công {commune.name}",
        kind=AgencyKind.COMMUNE_CENTER,
        parent=commune,
        is_reception_point=True,
    )


def make_user(
    username: str,
    *,
    agency: Agency | None = None,
    roles: Iterable[str] = (),
    password: str | None = None,
    **fields: Any,
) -> User:
    user = User(username=username, agency=agency, **fields)
    if password is None:
        user.set_unusable_password()
    else:
        user.set_password(password)
    user.save()
    for role in roles:
        RoleAssignment.objects.create(user=user, role=Role(role), agency=agency)
    return user


HEADER = [c.title for c in COLUMNS]


def official_row(
    agency: str,
    full_name: str,
    username: str,
    roles: str,
    *,
    email: Any = "",
    phone: Any = "",
    job_title: str = "",
    number: Any = None,
) -> list[Any]:
    """One data row in the template's column order."""
    return [number, agency, full_name, username, email, phone, job_title, roles]


def officials_workbook(
    rows: Sequence[Sequence[Any]],
    *,
    header: Sequence[str] = HEADER,
    rows_above_header: Sequence[Sequence[Any]] = (),
    sheet_title: str = "Cán bộ",
) -> bytes:
    """An .xlsx as an agency would send it back: header row, then ``rows``."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = sheet_title
    for row in rows_above_header:
        sheet.append(list(row))
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
