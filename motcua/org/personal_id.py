"""Applicant identifiers: the 12-digit personal ID number and the enterprise tax code.

Personal ID (số định danh cá nhân, printed on the CCCD / thẻ căn cước), ``PPP G YY RRRRRR``:

* ``PPP``: the province where the birth was registered, from TT 07/2016/TT-BCA Phụ lục I
  (see ``law-research.md`` §8.1). The code records the birth registration, not the
  residence, so it never changes after a move or a merger of provinces.
* ``G``: century and sex, 0/1 = 1900s male/female, 2/3 = 2000s, 4/5 = 2100s, 6/7 = 2200s,
  8/9 = 2300s.
* ``YY``: the last two digits of the year of birth.
* ``RRRRRR``: a serial number. There is no check digit.

Tax code (mã số thuế, which is also the enterprise code, mã số doanh nghiệp) of an
organisation: ten digits ``N1 … N10``, where N10 is a check digit, optionally followed by a
hyphen and three digits ``001``–``999`` for a dependent unit (branch).

The ``*_problems`` functions are pure: they return stable problem codes (the ``*`` constants
below) and need neither Django settings nor a database. The ``*_messages`` functions turn
codes into messages in the active language, and the ``validate_*`` functions are Django
validators for model and form fields.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final, Literal
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

Sex = Literal["male", "female"]

VN_TZ: Final = ZoneInfo("Asia/Ho_Chi_Minh")

# Province codes of TT 07/2016/TT-BCA Phụ lục I (the GSO codes of QĐ 124/2004/QĐ-TTg,
# zero-padded), names as they were when the table was made. There are gaps (003, 005, …).
# Births registered abroad may carry a country code instead; that table is not part of the
# spec yet, so such numbers are reported as ``unknown_province``.
PROVINCES: Final[Mapping[str, str]] = MappingProxyType(
    {
        "001": "Hà Nội",
        "002": "Hà Giang",
        "004": "Cao Bằng",
        "006": "Bắc Kạn",
        "008": "Tuyên Quang",
        "010": "Lào Cai",
        "011": "Điện Biên",
        "012": "Lai Châu",
        "014": "Sơn La",
        "015": "Yên Bái",
        "017": "Hòa Bình",
        "019": "Thái Nguyên",
        "020": "Lạng Sơn",
        "022": "Quảng Ninh",
        "024": "Bắc Giang",
        "025": "Phú Thọ",
        "026": "Vĩnh Phúc",
        "027": "Bắc Ninh",
        "030": "Hải Dương",
        "031": "Hải Phòng",
        "033": "Hưng Yên",
        "034": "Thái Bình",
        "035": "Hà Nam",
        "036": "Nam Định",
        "037": "Ninh Bình",
        "038": "Thanh Hóa",
        "040": "Nghệ An",
        "042": "Hà Tĩnh",
        "044": "Quảng Bình",
        "045": "Quảng Trị",
        "046": "Thừa Thiên Huế",
        "048": "Đà Nẵng",
        "049": "Quảng Nam",
        "051": "Quảng Ngãi",
        "052": "Bình Định",
        "054": "Phú Yên",
        "056": "Khánh Hòa",
        "058": "Ninh Thuận",
        "060": "Bình Thuận",
        "062": "Kon Tum",
        "064": "Gia Lai",
        "066": "Đắk Lắk",
        "067": "Đắk Nông",
        "068": "Lâm Đồng",
        "070": "Bình Phước",
        "072": "Tây Ninh",
        "074": "Bình Dương",
        "075": "Đồng Nai",
        "077": "Bà Rịa - Vũng Tàu",
        "079": "Hồ Chí Minh",
        "080": "Long An",
        "082": "Tiền Giang",
        "083": "Bến Tre",
        "084": "Trà Vinh",
        "086": "Vĩnh Long",
        "087": "Đồng Tháp",
        "089": "An Giang",
        "091": "Kiên Giang",
        "092": "Cần Thơ",
        "093": "Hậu Giang",
        "094": "Sóc Trăng",
        "095": "Bạc Liêu",
        "096": "Cà Mau",
    }
)

# Problem codes of a personal ID number.
NOT_12_DIGITS: Final = "not_12_digits"
UNKNOWN_PROVINCE: Final = "unknown_province"
BIRTH_YEAR_MISMATCH: Final = "birth_year_mismatch"
SEX_MISMATCH: Final = "sex_mismatch"
BORN_IN_FUTURE: Final = "born_in_future"

# Problem codes of a tax code.
BAD_FORMAT: Final = "bad_format"
BAD_CHECK_DIGIT: Final = "bad_check_digit"

# ASCII digits only: ``\d`` would also accept Arabic-Indic, full-width and other digits.
_PERSONAL_ID_RE: Final = re.compile(r"[0-9]{12}")
_TAX_CODE_RE: Final = re.compile(r"([0-9]{10})(?:-([0-9]{3}))?")


@dataclass(frozen=True)
class PersonalId:
    number: str
    province_code: str
    province_name: str
    sex: Sex
    birth_year: int


class InvalidPersonalId(ValueError):
    """The number is not a valid personal ID; ``codes`` says why."""

    def __init__(self, codes: Iterable[str]) -> None:
        self.codes: tuple[str, ...] = tuple(codes)
        super().__init__(", ".join(self.codes))


def _today() -> dt.date:
    return dt.datetime.now(VN_TZ).date()


def _century_sex(g: int) -> tuple[int, Sex]:
    """The first year of the century and the sex that the digit G stands for."""
    return 1900 + 100 * (g // 2), ("male" if g % 2 == 0 else "female")


def personal_id_problems(
    value: str,
    *,
    birth_date: dt.date | None = None,
    sex: Sex | None = None,
    today: dt.date | None = None,
) -> list[str]:
    """Problem codes of ``value`` as a personal ID number; empty when it is valid.

    ``birth_date`` and ``sex``, when known from elsewhere (the form, the population
    database), are checked against the number. ``today`` defaults to the date in Vietnam.
    """
    number = value.strip()
    if _PERSONAL_ID_RE.fullmatch(number) is None:
        return [NOT_12_DIGITS]
    problems: list[str] = []
    if number[:3] not in PROVINCES:
        problems.append(UNKNOWN_PROVINCE)
    century, encoded_sex = _century_sex(int(number[3]))
    birth_year = century + int(number[4:6])
    if birth_date is not None and birth_date.year != birth_year:
        problems.append(BIRTH_YEAR_MISMATCH)
    if sex is not None and sex != encoded_sex:
        problems.append(SEX_MISMATCH)
    if birth_year > (today or _today()).year:
        problems.append(BORN_IN_FUTURE)
    return problems


def parse_personal_id(value: str, *, today: dt.date | None = None) -> PersonalId:
    """Parse a personal ID number; raise :class:`InvalidPersonalId` if it is not valid."""
    problems = personal_id_problems(value, today=today)
    if problems:
        raise InvalidPersonalId(problems)
    number = value.strip()
    century, sex = _century_sex(int(number[3]))
    return PersonalId(
        number=number,
        province_code=number[:3],
        province_name=PROVINCES[number[:3]],
        sex=sex,
        birth_year=century + int(number[4:6]),
    )


def personal_id_messages(codes: Iterable[str], *, value: str | None = None) -> list[str]:
    """Messages in the active language for the problem codes of a personal ID number.

    With ``value`` (the number that was checked) the messages quote the digits at fault.
    """
    number = (value or "").strip()
    digits = _PERSONAL_ID_RE.fullmatch(number) is not None
    birth_year = _century_sex(int(number[3]))[0] + int(number[4:6]) if digits else 0
    messages: list[str] = []
    for code in codes:
        if code == NOT_12_DIGITS:
            message = _("The personal ID number must have exactly 12 digits.")
        elif code == UNKNOWN_PROVINCE and digits:
            # Translators: code = the first three digits of the personal ID number.
            message = _("The first three digits (%(code)s) are not a province code.") % {
                "code": number[:3]
            }
        elif code == UNKNOWN_PROVINCE:
            message = _("The first three digits are not a province code.")
        elif code == BIRTH_YEAR_MISMATCH and digits:
            # Translators: year = the year of birth read from digits 4 to 6 of the number.
            message = _(
                "The personal ID number says the holder was born in %(year)s, "
                "which does not match the date of birth."
            ) % {"year": birth_year}
        elif code == BIRTH_YEAR_MISMATCH:
            message = _("The personal ID number does not match the year of birth (digits 4 to 6).")
        elif code == SEX_MISMATCH:
            message = _("The fourth digit of the personal ID number does not match the sex given.")
        elif code == BORN_IN_FUTURE and digits:
            # Translators: year = the year of birth read from digits 4 to 6 of the number.
            message = _(
                "The personal ID number gives %(year)s as the year of birth, "
                "which is in the future."
            ) % {"year": birth_year}
        elif code == BORN_IN_FUTURE:
            message = _("The personal ID number gives a year of birth that is in the future.")
        else:
            raise ValueError(f"unknown personal ID problem code: {code!r}")
        messages.append(message)
    return messages


def validate_personal_id(value: str) -> None:
    """Django validator: raise ``ValidationError`` (one per problem, coded) if not valid."""
    problems = personal_id_problems(value)
    if problems:
        messages = personal_id_messages(problems, value=value)
        raise ValidationError(
            [ValidationError(m, code=c) for m, c in zip(messages, problems, strict=True)]
        )


# The check digit of the tax code. The rule below is the one cited by secondary sources
# for Quyết định 75/1998/QĐ-TCT (the official text could not be read): with r =
# (31·N1 + 29·N2 + 23·N3 + 19·N4 + 17·N5 + 13·N6 + 7·N7 + 5·N8 + 3·N9) mod 11,
# N10 = 10 − r. It was verified against published codes of real enterprises (Viettel
# 0100109106, VNPT 0100684378, FPT 0101248141, Vinamilk 0300588569, Vietcombank
# 0100112437, Techcombank 0100230800, MB 0100283873, MISA 0101243150, …), including codes
# with r = 10 (N10 = 0). When r = 0 no single digit fits, so no such code is ever issued
# and any number with that prefix fails. Every weight is non-zero mod 11 and neighbours
# differ, so any one mistyped digit and any swap of neighbours among N1…N9 are caught.
_TAX_WEIGHTS: Final = (31, 29, 23, 19, 17, 13, 7, 5, 3)


def tax_code_check_digit(first_nine: str) -> str | None:
    """The check digit N10 for the digits N1…N9, or None if no digit fits (r = 0)."""
    if len(first_nine) != 9 or not (first_nine.isascii() and first_nine.isdigit()):
        raise ValueError(f"expected nine ASCII digits, got {first_nine!r}")
    remainder = sum(w * int(d) for w, d in zip(_TAX_WEIGHTS, first_nine, strict=True)) % 11
    return None if remainder == 0 else str(10 - remainder)


def tax_code_problems(value: str) -> list[str]:
    """Problem codes of ``value`` as a tax code; empty when it is valid.

    Accepted: ``NNNNNNNNNN`` or ``NNNNNNNNNN-BBB`` with ``BBB`` from 001 to 999, ASCII digits,
    surrounding spaces ignored.
    """
    match = _TAX_CODE_RE.fullmatch(value.strip())
    if match is None or match.group(2) == "000":
        return [BAD_FORMAT]
    enterprise = match.group(1)
    if tax_code_check_digit(enterprise[:9]) != enterprise[9]:
        return [BAD_CHECK_DIGIT]
    return []


def tax_code_messages(codes: Iterable[str]) -> list[str]:
    """Messages in the active language for the problem codes of a tax code."""
    messages: list[str] = []
    for code in codes:
        if code == BAD_FORMAT:
            message = _(
                "The tax code must have 10 digits, or 10 digits, a hyphen and 3 digits "
                "for a branch (for example 0100109106 or 0100109106-001)."
            )
        elif code == BAD_CHECK_DIGIT:
            message = _(
                "The tax code is not valid: its tenth digit does not match the first nine. "
                "Please check it for typing mistakes."
            )
        else:
            raise ValueError(f"unknown tax code problem code: {code!r}")
        messages.append(message)
    return messages


def validate_tax_code(value: str) -> None:
    """Django validator: raise ``ValidationError`` (coded) if ``value`` is not a tax code."""
    problems = tax_code_problems(value)
    if problems:
        messages = tax_code_messages(problems)
        raise ValidationError(
            [ValidationError(m, code=c) for m, c in zip(messages, problems, strict=True)]
        )
