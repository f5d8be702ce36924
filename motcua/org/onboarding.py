"""Onboarding at province scale: officials and their roles from an Excel workbook.

Each department and commune fills in the template made by ``build_officials_template``
(sheet "Cán bộ": one official a row) and the province imports the files with
``import_officials``. An import validates every row first and writes either the whole
file or nothing; importing the same file again writes nothing.

Matching rules:
- An official is identified by the username. An existing account is updated only when
  it belongs to the same agency (an import never moves an official between agencies),
  and only the fields whose value differs are written. A blank optional cell keeps the
  stored value. Missing roles are added at the row's agency; roles are never removed.
- A new account gets a random initial password, hashed by Django; the plain password is
  returned once in the report (``ImportReport.credentials``) and stored nowhere.
"""

from __future__ import annotations

import io
import os
import re
import secrets
import unicodedata
import zipfile
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import IO, Any

import xlsxwriter
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from motcua.core.text import fold, nfc
from motcua.org.models import PHONE_RE, Agency, Role, RoleAssignment, User

SHEET_OFFICIALS = "Cán bộ"
SHEET_GUIDE = "Hướng dẫn"
SHEET_AGENCIES = "Cơ quan"
TEMPLATE_FILENAME = "mau-danh-sach-can-bo.xlsx"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
# A 5 MB xlsx can inflate a lot; refuse archives that would unpack to more than this.
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_ROWS = 10_000
# The header row may sit below a title the sender added: look for it in the first rows.
HEADER_SEARCH_ROWS = 10

Source = str | os.PathLike[str] | IO[bytes]


@dataclass(frozen=True)
class Column:
    key: str
    title: str  # fixed Vietnamese title: the file format, not a translatable label
    required: bool
    help: Promise
    width: int
    max_length: int | None = None
    aliases: tuple[str, ...] = ()


COLUMNS: tuple[Column, ...] = (
    Column("number", "STT", False, gettext_lazy("Row number; optional, not imported."), 6),
    Column(
        "agency",
        "Mã định danh cơ quan",
        True,
        gettext_lazy(
            "Electronic identifier (QCVN 102) of the official's agency, e.g. 000.00.00.H60; "
            "copy it from the sheet “Cơ quan”."
        ),
        22,
        aliases=("ma co quan", "ma dinh danh", "agency", "agency identifier"),
    ),
    Column(
        "full_name",
        "Họ và tên",
        True,
        gettext_lazy("Full name with diacritics, family name first."),
        28,
        max_length=300,
        aliases=("ho ten", "full name", "name"),
    ),
    Column(
        "username",
        "Tên đăng nhập",
        True,
        gettext_lazy(
            "Login name: letters, digits and @ . + - _ only, no spaces, at most 150 "
            "characters; unique in the file."
        ),
        20,
        aliases=("username", "login"),
    ),
    Column(
        "email",
        "Thư điện tử",
        False,
        gettext_lazy("Work e-mail address; optional; not used by another account."),
        28,
        max_length=254,
        aliases=("email", "e-mail", "thu dien tu cong vu"),
    ),
    Column(
        "phone",
        "Số điện thoại",
        False,
        gettext_lazy("Optional, e.g. 0912 345 678 or +84 912 345 678."),
        16,
        aliases=("dien thoai", "so dt", "phone"),
    ),
    Column(
        "job_title",
        "Chức vụ",
        False,
        gettext_lazy("Optional, e.g. Phó Chủ tịch UBND xã."),
        24,
        max_length=150,
        aliases=("chuc danh", "job title"),
    ),
    Column(
        "roles",
        "Vai trò",
        True,
        gettext_lazy(
            "One or more role codes or role names from the list below, separated by "
            "commas or semicolons."
        ),
        30,
        aliases=("roles", "role"),
    ),
)
COLUMNS_BY_KEY = {c.key: c for c in COLUMNS}

# Vietnamese names a sender may write in the "Vai trò" cell, the first one canonical
# (shown in the dropdown). Matching folds case and diacritics; codes are accepted too.
ROLE_NAMES: dict[Role, tuple[str, ...]] = {
    Role.RECEPTION_OFFICER: ("Cán bộ một cửa", "Cán bộ tiếp nhận", "Tiếp nhận"),
    Role.SPECIALIST: ("Chuyên viên", "Chuyên viên xử lý", "Chuyên môn"),
    Role.LEADER: ("Lãnh đạo", "Lãnh đạo ký duyệt", "Người ký"),
    Role.CENTER_MANAGER: ("Quản lý trung tâm", "Giám đốc trung tâm"),
    Role.PROVINCE_ADMIN: ("Quản trị cấp tỉnh", "Quản trị viên cấp tỉnh", "Quản trị tỉnh"),
    Role.AUDITOR: ("Thanh tra", "Kiểm tra", "Giám sát"),
}

_ROLE_SEPARATORS = re.compile(r"[,;\n\r]+")
_PHONE_SEPARATORS = re.compile(r"[\s.\-()]+")
_PHONE_RE = re.compile(PHONE_RE)


class OfficialsFileError(Exception):
    """The file is not a readable .xlsx workbook (as opposed to a workbook with bad rows)."""


@dataclass(frozen=True)
class Problem:
    """One reason a file cannot be imported; ``row`` is the Excel row (None: the file)."""

    row: int | None
    message: str

    def __str__(self) -> str:
        if self.row is None:
            return self.message
        return _("Row %(row)d: %(reason)s") % {"row": self.row, "reason": self.message}


@dataclass(frozen=True)
class Credential:
    """Initial sign-in of a created account: given once, stored nowhere in plain text."""

    row: int
    agency: str
    username: str
    full_name: str
    email: str
    password: str


@dataclass
class ImportReport:
    dry_run: bool
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    problems: list[Problem] = field(default_factory=list)
    credentials: list[Credential] = field(default_factory=list)
    created_ids: list[int] = field(default_factory=list)
    updated_ids: list[int] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def written(self) -> bool:
        return self.ok and not self.dry_run and bool(self.created or self.updated)

    def summary(self) -> str:
        """One line: what was (or, in a dry run, would be) done."""
        counts = {
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
        }
        if self.dry_run:
            return (
                _(
                    "Dry run, nothing written: %(rows)d rows are valid; %(created)d would be "
                    "created, %(updated)d updated, %(unchanged)d unchanged."
                )
                % counts
            )
        return (
            _(
                "Imported %(rows)d rows: %(created)d created, %(updated)d updated, "
                "%(unchanged)d unchanged."
            )
            % counts
        )


# --- the template -----------------------------------------------------------------------


def role_name(role: Role) -> str:
    return ROLE_NAMES[role][0]


def role_other_names(role: Role) -> list[str]:
    """The other names accepted for ``role``: synonyms and its label (vi, en), once each."""
    names: list[str] = [*ROLE_NAMES[role][1:]]
    for language in ("vi", "en"):
        with translation.override(language):
            names.append(str(role.label))
    seen = {fold(role_name(role))}
    result = []
    for name in names:
        if fold(name) not in seen:
            seen.add(fold(name))
            result.append(name)
    return result


def build_officials_template() -> bytes:
    """The workbook each agency fills in: sheets "Cán bộ", "Hướng dẫn" and "Cơ quan".

    The data sheet holds only the header row, so an untouched template imports zero rows.
    """
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    header = book.add_format(
        {"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "valign": "top"}
    )
    title = book.add_format({"bold": True, "font_size": 14})
    bold = book.add_format({"bold": True})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    text = book.add_format({"num_format": "@"})  # phone numbers keep their leading 0

    agencies = list(
        Agency.objects.filter(active=True)
        .select_related("parent")
        .only("identifier", "name", "kind", "parent__name")
        .order_by("path")
    )

    sheet = book.add_worksheet(SHEET_OFFICIALS)
    for col, column in enumerate(COLUMNS):
        sheet.write_string(0, col, column.title, header)
        sheet.set_column(col, col, column.width, text)
    sheet.freeze_panes(1, 0)
    roles_col = _column_index("roles")
    sheet.data_validation(
        1,
        roles_col,
        MAX_ROWS,
        roles_col,
        {
            "validate": "list",
            "source": [role_name(role) for role in Role],
            # Not "stop": a cell may hold several roles separated by commas.
            "error_type": "information",
            "error_title": _("Roles")[:32],
            "error_message": _(
                "Several roles may be given, separated by commas or semicolons; see the "
                "sheet “Hướng dẫn”."
            )[:255],
            "input_title": _("Roles")[:32],
            "input_message": _("Pick a role, or type several separated by commas.")[:255],
        },
    )
    if agencies:
        agency_col = _column_index("agency")
        sheet.data_validation(
            1,
            agency_col,
            MAX_ROWS,
            agency_col,
            {
                "validate": "list",
                "source": f"='{SHEET_AGENCIES}'!$A$2:$A${len(agencies) + 1}",
                "error_type": "warning",
                "error_title": _("Agency")[:32],
                "error_message": _("Copy the identifier from the sheet “Cơ quan”.")[:255],
            },
        )

    guide = book.add_worksheet(SHEET_GUIDE)
    guide.set_column(0, 0, 26)
    guide.set_column(1, 1, 30)
    guide.set_column(2, 2, 80)
    row = 0
    guide.write_string(row, 0, _("How to fill in the list of officials"), title)
    row += 2
    for line in (
        _("Enter one official per row in the sheet “Cán bộ”, starting on row 2."),
        _("Do not change the titles of the first row."),
        _(
            "An account that already exists in the same agency is updated; a blank "
            "optional cell keeps the stored value; roles are added, never removed."
        ),
        _("An account that belongs to another agency is not moved: that row is refused."),
        _("If any row has a problem, nothing from the file is imported."),
        _("New accounts receive an initial password from the province administrator."),
    ):
        guide.write_string(row, 0, "•")
        guide.write_string(row, 1, line)
        row += 1
    row += 1
    for col, heading in enumerate((_("Column"), _("Required"), _("Content"))):
        guide.write_string(row, col, heading, header)
    row += 1
    for column in COLUMNS:
        guide.write_string(row, 0, column.title, bold)
        guide.write_string(row, 1, _("yes") if column.required else _("no"))
        guide.write_string(row, 2, str(column.help), wrap)
        row += 1
    row += 1
    guide.write_string(row, 0, _("Roles"), title)
    row += 1
    for col, heading in enumerate((_("Code"), _("Name"), _("Also accepted"))):
        guide.write_string(row, col, heading, header)
    row += 1
    for role in Role:
        guide.write_string(row, 0, role.value)
        guide.write_string(row, 1, role_name(role), bold)
        guide.write_string(row, 2, ", ".join(role_other_names(role)), wrap)
        row += 1
    row += 1
    guide.write_string(row, 0, _("Examples (do not copy them into the sheet “Cán bộ”)"), title)
    row += 1
    for col, column in enumerate(COLUMNS):
        guide.write_string(row, col, column.title, header)
    example_agency = agencies[0].identifier if agencies else "000.00.00.H60"
    examples = (
        ("1", example_agency, "Nguyễn Thị Hoa", "hoant", "hoant@example.gov.vn"),
        ("2", example_agency, "Trần Văn Bình", "binhtv", ""),
    )
    extras = (
        ("0912 345 678", "Chuyên viên", "Cán bộ một cửa; Chuyên viên"),
        ("", "Phó Chủ tịch", "Lãnh đạo"),
    )
    for values, more in zip(examples, extras, strict=True):
        row += 1
        for col, value in enumerate((*values, *more)):
            guide.write_string(row, col, value)

    agency_sheet = book.add_worksheet(SHEET_AGENCIES)
    for col, (heading, width) in enumerate(
        (("Mã định danh", 18), ("Tên cơ quan", 50), ("Loại", 40), ("Cơ quan cấp trên", 40))
    ):
        agency_sheet.write_string(0, col, heading, header)
        agency_sheet.set_column(col, col, width)
    agency_sheet.freeze_panes(1, 0)
    for i, agency in enumerate(agencies, start=1):
        agency_sheet.write_string(i, 0, agency.identifier)
        agency_sheet.write_string(i, 1, agency.name)
        agency_sheet.write_string(i, 2, str(agency.get_kind_display()))
        if agency.parent is not None:
            agency_sheet.write_string(i, 3, agency.parent.name)

    book.close()
    return buffer.getvalue()


def _column_index(key: str) -> int:
    return next(i for i, c in enumerate(COLUMNS) if c.key == key)


# --- reading the file -------------------------------------------------------------------


def check_xlsx(source: Source) -> None:
    """Raise OfficialsFileError unless ``source`` is really an .xlsx workbook (by content).

    An .xlsx is a zip archive holding ``xl/workbook.xml``; the file name is not trusted.
    """
    position = _tell(source)
    try:
        with zipfile.ZipFile(source) as archive:
            names = set(archive.namelist())
            inflated = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise OfficialsFileError(_("The file is not an Excel workbook (.xlsx).")) from exc
    finally:
        _seek(source, position)
    if "xl/workbook.xml" not in names:
        raise OfficialsFileError(_("The file is not an Excel workbook (.xlsx)."))
    if inflated > MAX_UNCOMPRESSED_BYTES:
        raise OfficialsFileError(_("The workbook is too large once unpacked."))


def _tell(source: Source) -> int | None:
    if hasattr(source, "seek") and hasattr(source, "tell"):
        return int(source.tell())
    return None


def _seek(source: Source, position: int | None) -> None:
    if position is not None and hasattr(source, "seek"):
        source.seek(position)


@dataclass
class _Row:
    number: int
    cells: dict[str, Any]


def _read_rows(source: Source) -> tuple[list[_Row], list[Problem]]:
    """The data rows of the officials sheet, keyed by column, with their Excel numbers."""
    check_xlsx(source)
    try:
        book = load_workbook(source, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise OfficialsFileError(_("The file cannot be read as an Excel workbook.")) from exc
    try:
        names = {unicodedata.normalize("NFC", n): n for n in book.sheetnames}
        sheet = book[names[SHEET_OFFICIALS]] if SHEET_OFFICIALS in names else book.worksheets[0]
        return _rows_of(sheet.iter_rows(values_only=True))
    except (KeyError, ValueError, IndexError, zipfile.BadZipFile, OSError) as exc:
        raise OfficialsFileError(_("The file cannot be read as an Excel workbook.")) from exc
    finally:
        book.close()


def _header_keys() -> dict[str, str]:
    keys: dict[str, str] = {}
    for column in COLUMNS:
        for name in (column.title, *column.aliases):
            keys[fold(name)] = column.key
    return keys


def _rows_of(values: Iterable[tuple[Any, ...]]) -> tuple[list[_Row], list[Problem]]:
    header_keys = _header_keys()
    positions: dict[str, int] | None = None
    rows: list[_Row] = []
    for number, row in enumerate(values, start=1):
        if positions is None:
            found = {
                header_keys[fold(str(v))]: i
                for i, v in enumerate(row)
                if v is not None and fold(str(v)) in header_keys
            }
            if "username" in found:
                positions = found
            elif number >= HEADER_SEARCH_ROWS:
                break
            continue
        cells = {key: row[i] if i < len(row) else None for key, i in positions.items()}
        if all(_is_blank(v) for k, v in cells.items() if k != "number"):
            continue
        if len(rows) >= MAX_ROWS:
            message = _("The file has more than %(max)d rows; split it into several files.")
            return rows, [Problem(None, message % {"max": MAX_ROWS})]
        rows.append(_Row(number, cells))
    if positions is None:
        titles = ", ".join(f"“{c.title}”" for c in COLUMNS if c.required)
        return [], [
            Problem(None, _("No header row with the columns %(columns)s.") % {"columns": titles})
        ]
    missing = [c.title for c in COLUMNS if c.required and c.key not in positions]
    if missing:
        titles = ", ".join(f"“{t}”" for t in missing)
        return [], [Problem(None, _("Missing columns: %(columns)s.") % {"columns": titles})]
    return rows, []


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return nfc(str(value))


# --- validating a row -------------------------------------------------------------------


@dataclass
class _Official:
    row: int
    agency_identifier: str
    first_name: str
    last_name: str
    username: str
    email: str
    phone: str
    job_title: str
    roles: list[Role]

    @property
    def full_name(self) -> str:
        return f"{self.last_name} {self.first_name}".strip()


def split_full_name(full_name: str) -> tuple[str, str]:
    """Vietnamese order: (given name, family and middle names) → (first_name, last_name)."""
    family, _space, given = full_name.rpartition(" ")
    return given, family


def normalise_phone(value: Any) -> str | None:
    """The phone number in canonical form, or None if it is not a Vietnamese number.

    Spaces, dots, hyphens and brackets are dropped. A number cell has lost what Excel
    strips from numbers: the leading 0 (912345678) or the + of +84 (84912345678).
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    phone = _PHONE_SEPARATORS.sub("", nfc(str(value)))
    if isinstance(value, int):
        if re.fullmatch(r"84\d{9,10}", phone):
            phone = "+" + phone
        elif not phone.startswith("0"):
            phone = "0" + phone
    return phone if _PHONE_RE.match(phone) else None


def role_lookup() -> dict[str, Role]:
    """Folded code, name or label → role (labels in Vietnamese and English)."""
    lookup: dict[str, Role] = {}
    for role in Role:
        names: list[str] = [role.value, role.value.replace("_", " "), *ROLE_NAMES[role]]
        for language in ("vi", "en"):
            with translation.override(language):
                names.append(str(role.label))
        for name in names:
            lookup.setdefault(fold(name), role)
    return lookup


def _parse_row(row: _Row, roles_by_name: dict[str, Role]) -> tuple[_Official, list[Problem]]:
    problems: list[Problem] = []

    def problem(message: str) -> None:
        problems.append(Problem(row.number, message))

    values = {key: _text(value) for key, value in row.cells.items()}
    for column in COLUMNS:
        value = values.get(column.key, "")
        if column.required and not value:
            problem(_("The cell “%(column)s” is empty.") % {"column": column.title})
        elif column.max_length is not None and len(value) > column.max_length:
            problem(
                _("The cell “%(column)s” is longer than %(max)d characters.")
                % {"column": column.title, "max": column.max_length}
            )

    identifier = values.get("agency", "").replace(" ", "").upper()

    first_name, last_name = split_full_name(values.get("full_name", ""))
    if len(first_name) > 150 or len(last_name) > 150:
        problem(_("The full name is too long."))

    username = User.normalize_username(values.get("username", ""))
    if username:
        try:
            User.username_validator(username)
            if len(username) > 150:
                raise ValidationError("too long")
        except ValidationError:
            problem(
                _(
                    "The username “%(username)s” may hold only letters, digits and "
                    "@ . + - _ (no spaces), at most 150 characters."
                )
                % {"username": username}
            )

    email = values.get("email", "")
    if email:
        try:
            validate_email(email)
            email = User.objects.normalize_email(email)
        except ValidationError:
            problem(_("“%(email)s” is not a valid e-mail address.") % {"email": email})

    phone = ""
    raw_phone = row.cells.get("phone")
    if not _is_blank(raw_phone):
        normalised = normalise_phone(raw_phone)
        if normalised is None:
            problem(
                _("“%(phone)s” is not a Vietnamese phone number (e.g. 0912345678 or +84912345678).")
                % {"phone": _text(raw_phone)}
            )
        else:
            phone = normalised

    roles: list[Role] = []
    raw_roles = row.cells.get("roles")
    if not _is_blank(raw_roles):
        for part in _ROLE_SEPARATORS.split(unicodedata.normalize("NFC", str(raw_roles))):
            name = nfc(part)
            if not name:
                continue
            role = roles_by_name.get(fold(name))
            if role is None:
                problem(
                    _("Unknown role “%(role)s”; the sheet “Hướng dẫn” lists the roles.")
                    % {"role": name}
                )
            elif role not in roles:
                roles.append(role)

    official = _Official(
        row=row.number,
        agency_identifier=identifier,
        first_name=first_name,
        last_name=last_name,
        username=username,
        email=email,
        phone=phone,
        job_title=values.get("job_title", ""),
        roles=roles,
    )
    return official, problems


# --- importing --------------------------------------------------------------------------


def import_officials(source: Source, *, dry_run: bool = False) -> ImportReport:
    """Validate every row of the workbook, then import all of it or nothing.

    Raise OfficialsFileError if ``source`` is not a readable .xlsx workbook. Problems in
    the rows are returned in the report (with Excel row numbers) and nothing is written.
    """
    report = ImportReport(dry_run=dry_run)
    rows, file_problems = _read_rows(source)
    report.rows = len(rows)
    if file_problems:
        report.problems = file_problems
        return report

    roles_by_name = role_lookup()
    officials: list[_Official] = []
    problems: list[Problem] = []
    for row in rows:
        official, row_problems = _parse_row(row, roles_by_name)
        officials.append(official)
        problems.extend(row_problems)
    problems.extend(_duplicates_in_file(officials))

    plan, db_problems = _plan(officials)
    problems.extend(db_problems)
    if problems:
        report.problems = sorted(problems, key=lambda p: p.row or 0)
        return report

    report.created = len(plan.create)
    report.updated = len(plan.update)
    report.unchanged = len(officials) - report.created - report.updated
    if dry_run or not (plan.create or plan.update or plan.add_roles):
        return report

    passwords = [new_password() for _ in plan.create]
    hashes = _hash_all(passwords)
    for (official, user), password, hashed in zip(plan.create, passwords, hashes, strict=True):
        user.password = hashed
        report.credentials.append(
            Credential(
                row=official.row,
                agency=official.agency_identifier,
                username=official.username,
                full_name=official.full_name,
                email=official.email,
                password=password,
            )
        )
    try:
        with transaction.atomic():
            _write(plan)
    except IntegrityError:
        report.credentials = []
        report.created = report.updated = report.unchanged = 0
        report.problems = [
            Problem(
                None,
                _(
                    "The accounts changed while the file was being imported; nothing was "
                    "written. Import the file again."
                ),
            )
        ]
        return report
    report.created_ids = [user.pk for _official, user in plan.create]
    report.updated_ids = [user.pk for user, _fields in plan.update]
    return report


def _duplicates_in_file(officials: Sequence[_Official]) -> Iterator[Problem]:
    first_username: dict[str, int] = {}
    first_email: dict[str, int] = {}
    for o in officials:
        if o.username:
            key = o.username.casefold()
            if key in first_username:
                yield Problem(
                    o.row,
                    _("The username “%(username)s” is also on row %(other)d.")
                    % {"username": o.username, "other": first_username[key]},
                )
            else:
                first_username[key] = o.row
        if o.email:
            key = o.email.casefold()
            if key in first_email:
                yield Problem(
                    o.row,
                    _("The e-mail address “%(email)s” is also on row %(other)d.")
                    % {"email": o.email, "other": first_email[key]},
                )
            else:
                first_email[key] = o.row


@dataclass
class _Plan:
    create: list[tuple[_Official, User]] = field(default_factory=list)
    update: list[tuple[User, list[str]]] = field(default_factory=list)
    add_roles: list[RoleAssignment] = field(default_factory=list)


def _plan(officials: Sequence[_Official]) -> tuple[_Plan, list[Problem]]:
    """Compare the rows with the database: what to create, update, refuse. Reads only."""
    plan = _Plan()
    problems: list[Problem] = []

    identifiers = {o.agency_identifier for o in officials if o.agency_identifier}
    agencies = {a.identifier: a for a in Agency.objects.filter(identifier__in=identifiers)}

    lowered = {o.username.lower() for o in officials if o.username}
    users_by_lower: dict[str, list[User]] = defaultdict(list)
    for found in (
        User.objects.annotate(username_lower=Lower("username"))
        .filter(username_lower__in=lowered)
        .select_related("agency")
    ):
        users_by_lower[found.username.lower()].append(found)

    emails = {o.email.lower() for o in officials if o.email}
    email_owners: dict[str, User] = {
        u.email.lower(): u
        for u in User.objects.annotate(email_lower=Lower("email"))
        .filter(email_lower__in=emails)
        .only("id", "username", "email")
    }

    existing_ids = [u.pk for users in users_by_lower.values() for u in users]
    held: dict[tuple[int, int], set[str]] = defaultdict(set)
    for user_id, agency_id, role in RoleAssignment.objects.filter(
        user_id__in=existing_ids
    ).values_list("user_id", "agency_id", "role"):
        held[(user_id, agency_id)].add(role)

    for o in officials:
        agency = agencies.get(o.agency_identifier)
        if o.agency_identifier and agency is None:
            problems.append(
                Problem(
                    o.row,
                    _("Unknown agency identifier “%(identifier)s”; see the sheet “Cơ quan”.")
                    % {"identifier": o.agency_identifier},
                )
            )
        elif agency is not None and not agency.active:
            problems.append(
                Problem(
                    o.row,
                    _("The agency “%(identifier)s” (%(name)s) is no longer active.")
                    % {"identifier": agency.identifier, "name": agency.name},
                )
            )

        candidates = users_by_lower.get(o.username.lower(), []) if o.username else []
        user = next((u for u in candidates if u.username == o.username), None)
        if user is None and candidates:
            problems.append(
                Problem(
                    o.row,
                    _(
                        "The username “%(username)s” differs only in upper/lower case from "
                        "the existing account “%(existing)s”."
                    )
                    % {"username": o.username, "existing": candidates[0].username},
                )
            )
        if user is not None and agency is not None and user.agency_id != agency.pk:
            if user.agency is None:
                message = _(
                    "The account “%(username)s” already exists without an agency; an "
                    "import does not attach it to one."
                ) % {"username": o.username}
            else:
                message = _(
                    "The account “%(username)s” already belongs to another agency "
                    "(%(identifier)s, %(name)s); an import does not move officials."
                ) % {
                    "username": o.username,
                    "identifier": user.agency.identifier,
                    "name": user.agency.name,
                }
            problems.append(Problem(o.row, message))

        owner = email_owners.get(o.email.lower()) if o.email else None
        if owner is not None and (user is None or owner.pk != user.pk):
            problems.append(
                Problem(
                    o.row,
                    _("The e-mail address “%(email)s” is already used by the account “%(owner)s”.")
                    % {"email": o.email, "owner": owner.username},
                )
            )

        if agency is None or not o.username or (candidates and user is None):
            continue
        if user is None:
            new_user = User(
                username=o.username,
                first_name=o.first_name,
                last_name=o.last_name,
                email=o.email,
                phone=o.phone,
                job_title=o.job_title,
                agency=agency,
                is_active=True,
            )
            plan.create.append((o, new_user))
            continue
        changed = _apply_changes(user, o)
        missing = [r.value for r in o.roles if r.value not in held[(user.pk, agency.pk)]]
        plan.add_roles.extend(RoleAssignment(user=user, role=r, agency=agency) for r in missing)
        if changed or missing:
            plan.update.append((user, changed))
    return plan, problems


def _apply_changes(user: User, o: _Official) -> list[str]:
    """Set the fields that differ (a blank optional cell keeps the stored value)."""
    wanted = {
        "first_name": o.first_name,
        "last_name": o.last_name,
        "email": o.email or user.email,
        "phone": o.phone or user.phone,
        "job_title": o.job_title or user.job_title,
    }
    changed = [name for name, value in wanted.items() if getattr(user, name) != value]
    for name in changed:
        setattr(user, name, wanted[name])
    return changed


def new_password() -> str:
    """16 random URL-safe characters, starting with a letter or digit (a leading - or _
    is easy to lose when copied, and a spreadsheet may read a leading - as a formula)."""
    while True:
        password = secrets.token_urlsafe(12)
        if password[0].isalnum():
            return password


def _hash_all(passwords: Sequence[str]) -> list[str]:
    """Hash with Django's hasher; PBKDF2 releases the GIL, so threads use every core."""
    if len(passwords) < 4:
        return [make_password(p) for p in passwords]
    with ThreadPoolExecutor(max_workers=min(8, os.cpu_count() or 1)) as pool:
        return list(pool.map(make_password, passwords))


def _write(plan: _Plan) -> None:
    if plan.create:
        User.objects.bulk_create([user for _official, user in plan.create], batch_size=500)
        ids = dict(
            User.objects.filter(
                username__in=[user.username for _official, user in plan.create]
            ).values_list("username", "id")
        )
        for official, user in plan.create:
            user.pk = ids[user.username]
            plan.add_roles.extend(
                RoleAssignment(user=user, role=role, agency=user.agency) for role in official.roles
            )
    fields = sorted({name for _user, changed in plan.update for name in changed})
    if fields:
        User.objects.bulk_update(
            [user for user, changed in plan.update if changed], fields, batch_size=500
        )
    if plan.add_roles:
        RoleAssignment.objects.bulk_create(plan.add_roles, batch_size=500)
