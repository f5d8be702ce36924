"""The 12-digit personal ID number ``PPP G YY RRRRRR`` (law-research.md §8.1, rules.md §4)."""

import datetime as dt
import gettext
import io
import os
import re
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_file
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from django.core.exceptions import ValidationError
from django.utils import translation
from hypothesis import assume, given
from hypothesis import strategies as st

from motcua.org import personal_id
from motcua.org.personal_id import (
    BIRTH_YEAR_MISMATCH,
    BORN_IN_FUTURE,
    NOT_12_DIGITS,
    PROVINCES,
    SEX_MISMATCH,
    UNKNOWN_PROVINCE,
    VN_TZ,
    InvalidPersonalId,
    PersonalId,
    parse_personal_id,
    personal_id_messages,
    personal_id_problems,
    validate_personal_id,
)

# A day on which every year up to 2399 is in the past, for checks that are not about it.
FAR_FUTURE = dt.date(2399, 12, 31)
TODAY = dt.date(2026, 6, 15)

# The table of law-research.md §8.1 (TT 07/2016/TT-BCA Phụ lục I), copied independently of
# the module so that a typo in either shows up.
SPEC_TABLE = (
    "001 Hà Nội, 002 Hà Giang, 004 Cao Bằng, 006 Bắc Kạn, 008 Tuyên Quang, 010 Lào Cai, "
    "011 Điện Biên, 012 Lai Châu, 014 Sơn La, 015 Yên Bái, 017 Hòa Bình, 019 Thái Nguyên, "
    "020 Lạng Sơn, 022 Quảng Ninh, 024 Bắc Giang, 025 Phú Thọ, 026 Vĩnh Phúc, 027 Bắc Ninh, "
    "030 Hải Dương, 031 Hải Phòng, 033 Hưng Yên, 034 Thái Bình, 035 Hà Nam, 036 Nam Định, "
    "037 Ninh Bình, 038 Thanh Hóa, 040 Nghệ An, 042 Hà Tĩnh, 044 Quảng Bình, 045 Quảng Trị, "
    "046 Thừa Thiên Huế, 048 Đà Nẵng, 049 Quảng Nam, 051 Quảng Ngãi, 052 Bình Định, "
    "054 Phú Yên, 056 Khánh Hòa, 058 Ninh Thuận, 060 Bình Thuận, 062 Kon Tum, 064 Gia Lai, "
    "066 Đắk Lắk, 067 Đắk Nông, 068 Lâm Đồng, 070 Bình Phước, 072 Tây Ninh, 074 Bình Dương, "
    "075 Đồng Nai, 077 Bà Rịa - Vũng Tàu, 079 Hồ Chí Minh, 080 Long An, 082 Tiền Giang, "
    "083 Bến Tre, 084 Trà Vinh, 086 Vĩnh Long, 087 Đồng Tháp, 089 An Giang, 091 Kiên Giang, "
    "092 Cần Thơ, 093 Hậu Giang, 094 Sóc Trăng, 095 Bạc Liêu, 096 Cà Mau"
)
SPEC_PROVINCES = dict(item.split(" ", 1) for item in SPEC_TABLE.split(", "))
LISTED = sorted(SPEC_PROVINCES)
UNLISTED = [f"{n:03d}" for n in range(1000) if f"{n:03d}" not in SPEC_PROVINCES]

# G digit -> (first year of the century, sex).
G_TABLE = {
    0: (1900, "male"),
    1: (1900, "female"),
    2: (2000, "male"),
    3: (2000, "female"),
    4: (2100, "male"),
    5: (2100, "female"),
    6: (2200, "male"),
    7: (2200, "female"),
    8: (2300, "male"),
    9: (2300, "female"),
}


def number(province: str = "035", g: int = 1, yy: int = 99, serial: str = "000123") -> str:
    return f"{province}{g}{yy:02d}{serial}"


# -- the table ---------------------------------------------------------------------------


def test_table_is_the_one_of_the_spec():
    assert len(SPEC_PROVINCES) == 63
    assert dict(PROVINCES) == SPEC_PROVINCES
    assert all(unicodedata.is_normalized("NFC", name) for name in PROVINCES.values())


def test_table_has_the_documented_gaps():
    for gap in ("000", "003", "005", "007", "009", "097", "099"):
        assert gap not in PROVINCES
    assert PROVINCES["002"] == "Hà Giang"
    assert PROVINCES["008"] == "Tuyên Quang"


def test_table_cannot_be_changed():
    with pytest.raises(TypeError):
        PROVINCES["003"] = "Nowhere"  # type: ignore[index]


# -- the spec's example ------------------------------------------------------------------


def test_spec_example_is_ha_nam_female_born_1999():
    parsed = parse_personal_id("035199000123", today=TODAY)
    assert parsed == PersonalId(
        number="035199000123",
        province_code="035",
        province_name="Hà Nam",
        sex="female",
        birth_year=1999,
    )
    assert (
        personal_id_problems(
            "035199000123", birth_date=dt.date(1999, 3, 8), sex="female", today=TODAY
        )
        == []
    )


def test_personal_id_is_frozen():
    parsed = parse_personal_id("035199000123", today=TODAY)
    with pytest.raises(AttributeError):
        parsed.birth_year = 2000  # type: ignore[misc]


# -- province codes ----------------------------------------------------------------------


@pytest.mark.parametrize("province", LISTED)
def test_every_listed_province_code_is_accepted(province):
    value = number(province=province)
    assert personal_id_problems(value, today=TODAY) == []
    assert parse_personal_id(value, today=TODAY).province_name == SPEC_PROVINCES[province]


@pytest.mark.parametrize("prefix", UNLISTED)
def test_every_other_three_digit_prefix_is_rejected(prefix):
    assert personal_id_problems(number(province=prefix), today=TODAY) == [UNKNOWN_PROVINCE]


def test_listed_and_unlisted_cover_all_prefixes():
    assert len(LISTED) + len(UNLISTED) == 1000


# -- century and sex digit G -------------------------------------------------------------


@pytest.mark.parametrize(("g", "century", "sex"), [(g, c, s) for g, (c, s) in G_TABLE.items()])
def test_g_digit_at_century_edges(g, century, sex):
    first, last = number(g=g, yy=0), number(g=g, yy=99)
    # 00 is the first year of the century, 99 the last.
    assert parse_personal_id(first, today=FAR_FUTURE).birth_year == century
    assert parse_personal_id(last, today=FAR_FUTURE).birth_year == century + 99
    assert parse_personal_id(first, today=FAR_FUTURE).sex == sex
    for birth_date in (dt.date(century, 1, 1), dt.date(century, 12, 31)):
        assert personal_id_problems(first, birth_date=birth_date, sex=sex, today=FAR_FUTURE) == []
    for birth_date in (dt.date(century + 99, 1, 1), dt.date(century + 99, 12, 31)):
        assert personal_id_problems(last, birth_date=birth_date, sex=sex, today=FAR_FUTURE) == []
    # One day across the edge is another century: the number does not match.
    day_before = dt.date(century, 1, 1) - dt.timedelta(days=1)
    day_after = dt.date(century + 99, 12, 31) + dt.timedelta(days=1)
    assert personal_id_problems(first, birth_date=day_before, today=FAR_FUTURE) == [
        BIRTH_YEAR_MISMATCH
    ]
    assert personal_id_problems(last, birth_date=day_after, today=FAR_FUTURE) == [
        BIRTH_YEAR_MISMATCH
    ]


@pytest.mark.parametrize(
    ("value", "birth_date", "expected"),
    [
        ("001099123456", dt.date(1999, 12, 31), []),  # 1999
        ("001299123456", dt.date(1999, 12, 31), [BIRTH_YEAR_MISMATCH]),  # 2099
        ("001200123456", dt.date(1900, 1, 1), [BIRTH_YEAR_MISMATCH]),  # 2000
        ("001000123456", dt.date(2000, 1, 1), [BIRTH_YEAR_MISMATCH]),  # 1900
    ],
)
def test_century_is_taken_from_g(value, birth_date, expected):
    assert personal_id_problems(value, birth_date=birth_date, today=FAR_FUTURE) == expected


# -- mismatches and the future -----------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "birth_date", "sex", "expected"),
    [
        ("035199000123", dt.date(1999, 1, 1), "female", []),
        ("035199000123", dt.date(1998, 12, 31), "female", [BIRTH_YEAR_MISMATCH]),
        ("035199000123", dt.date(1999, 1, 1), "male", [SEX_MISMATCH]),
        ("035199000123", dt.date(2099, 1, 1), "male", [BIRTH_YEAR_MISMATCH, SEX_MISMATCH]),
        ("035099000123", None, "female", [SEX_MISMATCH]),
        ("035099000123", None, "male", []),
        ("035099000123", dt.date(1999, 7, 1), None, []),
        (
            "003199000123",
            dt.date(1998, 1, 1),
            "male",
            [UNKNOWN_PROVINCE, BIRTH_YEAR_MISMATCH, SEX_MISMATCH],
        ),
        ("035199000123", None, None, []),
    ],
)
def test_mismatches(value, birth_date, sex, expected):
    assert personal_id_problems(value, birth_date=birth_date, sex=sex, today=TODAY) == expected


@pytest.mark.parametrize(
    ("value", "today", "expected"),
    [
        ("001226123456", dt.date(2026, 1, 1), []),  # born this year
        ("001226123456", dt.date(2025, 12, 31), [BORN_IN_FUTURE]),
        ("001227123456", dt.date(2026, 12, 31), [BORN_IN_FUTURE]),
        ("001299123456", dt.date(2026, 6, 15), [BORN_IN_FUTURE]),
        ("001400123456", dt.date(2026, 6, 15), [BORN_IN_FUTURE]),
        ("001900123456", dt.date(2026, 6, 15), [BORN_IN_FUTURE]),
        ("001400123456", dt.date(2100, 1, 1), []),
        ("001199123456", dt.date(2026, 6, 15), []),
    ],
)
def test_born_in_future(value, today, expected):
    assert personal_id_problems(value, today=today) == expected


def test_born_in_future_defaults_to_today_in_vietnam():
    this_year = dt.datetime.now(VN_TZ).year
    assert this_year < 2099  # the numbers below are in the 2000s
    assert personal_id_problems(number(g=2, yy=this_year % 100 + 1)) == [BORN_IN_FUTURE]
    assert personal_id_problems(number(g=2, yy=this_year % 100 - 1)) == []


def test_all_problems_at_once_in_a_stable_order():
    problems = personal_id_problems(
        "997950000000", birth_date=dt.date(1990, 1, 1), sex="male", today=TODAY
    )
    assert problems == [UNKNOWN_PROVINCE, BIRTH_YEAR_MISMATCH, SEX_MISMATCH, BORN_IN_FUTURE]


# -- shape: length, spaces, letters, non-ASCII digits ------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        " 035199000123",
        "035199000123 ",
        "  035199000123\t",
        "\n035199000123\r\n",
        "\u00a0035199000123\u3000",  # no-break and ideographic spaces from copy and paste
    ],
)
def test_surrounding_whitespace_is_ignored(value):
    assert personal_id_problems(value, today=TODAY) == []
    assert parse_personal_id(value, today=TODAY).number == "035199000123"


@pytest.mark.parametrize(
    "value",
    [
        "",
        "   ",
        "03519900012",  # 11 digits
        "0351990001234",  # 13 digits
        "35199000123",  # leading zero lost (as from a spreadsheet number)
        "035 199 000 123",  # inner spaces
        "035-199-000-123",
        "03519900012O",  # letter O for zero
        "O35199000123",
        "03519900012a",
        "abcdefghijkl",
        "035199000123\x00",
        "+35199000123",
        "-35199000123",
        "3.5199000123",
        "035199000123.0",
    ],
)
def test_not_12_digits(value):
    assert personal_id_problems(value, today=TODAY) == [NOT_12_DIGITS]


@pytest.mark.parametrize(
    "value",
    [
        "٠٣٥١٩٩٠٠٠١٢٣",  # Arabic-Indic digits
        "۰۳۵۱۹۹۰۰۰۱۲۳",  # Extended Arabic-Indic (Persian) digits
        "０３５１９９０００１２３",  # full-width digits, e.g. from a Japanese IME
        "०३५१९९०००१२३",  # Devanagari digits
        "03519900012３",  # one full-width digit among ASCII digits
        "𝟎𝟑𝟓𝟏𝟗𝟗𝟎𝟎𝟎𝟏𝟐𝟑",  # mathematical bold digits
    ],
)
def test_non_ascii_digits_are_not_accepted(value):
    # Python calls all of these digits (and int() would read them): the check must not.
    assert value.isdigit()
    assert personal_id_problems(value, today=TODAY) == [NOT_12_DIGITS]
    with pytest.raises(InvalidPersonalId):
        parse_personal_id(value, today=TODAY)


def test_shape_is_checked_before_anything_else():
    problems = personal_id_problems(
        "0031990001234", birth_date=dt.date(1800, 1, 1), sex="male", today=TODAY
    )
    assert problems == [NOT_12_DIGITS]


# -- parse_personal_id -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "codes"),
    [
        ("0351990001", (NOT_12_DIGITS,)),
        ("003199000123", (UNKNOWN_PROVINCE,)),
        ("035299000123", (BORN_IN_FUTURE,)),
        ("003299000123", (UNKNOWN_PROVINCE, BORN_IN_FUTURE)),
    ],
)
def test_parse_raises_with_the_codes(value, codes):
    with pytest.raises(InvalidPersonalId) as caught:
        parse_personal_id(value, today=TODAY)
    assert caught.value.codes == codes
    assert isinstance(caught.value, ValueError)
    assert str(caught.value) == ", ".join(codes)


@pytest.mark.parametrize(
    ("value", "province_name", "sex", "birth_year"),
    [
        ("001085012345", "Hà Nội", "male", 1985),
        ("002301000001", "Hà Giang", "female", 2001),
        ("008210999999", "Tuyên Quang", "male", 2010),
        ("079100000000", "Hồ Chí Minh", "female", 1900),
        ("096220000000", "Cà Mau", "male", 2020),
    ],
)
def test_parse_table(value, province_name, sex, birth_year):
    parsed = parse_personal_id(value, today=TODAY)
    assert (parsed.province_code, parsed.province_name) == (value[:3], province_name)
    assert (parsed.sex, parsed.birth_year) == (sex, birth_year)


# -- messages and the Django validator ---------------------------------------------------


@pytest.mark.parametrize(
    ("codes", "value", "expected"),
    [
        ([NOT_12_DIGITS], None, ["The personal ID number must have exactly 12 digits."]),
        ([NOT_12_DIGITS], "12", ["The personal ID number must have exactly 12 digits."]),
        (
            [UNKNOWN_PROVINCE],
            " 003199000123 ",
            ["The first three digits (003) are not a province code."],
        ),
        ([UNKNOWN_PROVINCE], None, ["The first three digits are not a province code."]),
        ([UNKNOWN_PROVINCE], "garbage", ["The first three digits are not a province code."]),
        (
            [BIRTH_YEAR_MISMATCH],
            "035199000123",
            [
                "The personal ID number says the holder was born in 1999, "
                "which does not match the date of birth."
            ],
        ),
        (
            [BIRTH_YEAR_MISMATCH],
            None,
            ["The personal ID number does not match the year of birth (digits 4 to 6)."],
        ),
        (
            [SEX_MISMATCH],
            "035199000123",
            ["The fourth digit of the personal ID number does not match the sex given."],
        ),
        (
            [BORN_IN_FUTURE],
            "035499000123",
            ["The personal ID number gives 2199 as the year of birth, which is in the future."],
        ),
        (
            [BORN_IN_FUTURE],
            None,
            ["The personal ID number gives a year of birth that is in the future."],
        ),
        ([], "035199000123", []),
    ],
)
def test_messages_in_english(codes, value, expected):
    with translation.override("en"):
        assert personal_id_messages(codes, value=value) == expected


def test_every_code_has_a_message_and_unknown_codes_are_refused():
    codes = [NOT_12_DIGITS, UNKNOWN_PROVINCE, BIRTH_YEAR_MISMATCH, SEX_MISMATCH, BORN_IN_FUTURE]
    with translation.override("en"):
        assert len(set(personal_id_messages(codes, value="003499000123"))) == len(codes)
        with pytest.raises(ValueError, match="no_such_code"):
            personal_id_messages(["no_such_code"])


def test_validator_accepts_a_valid_number():
    assert validate_personal_id(" 035199000123 ") is None


def test_validator_raises_coded_errors():
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        validate_personal_id("003299000123")
    errors = caught.value.error_list
    assert [e.code for e in errors] == [UNKNOWN_PROVINCE, BORN_IN_FUTURE]
    assert caught.value.messages == [
        "The first three digits (003) are not a province code.",
        "The personal ID number gives 2099 as the year of birth, which is in the future.",
    ]


def test_validator_works_on_a_form_field():
    from django import forms

    class Form(forms.Form):
        number = forms.CharField(validators=[validate_personal_id])

    with translation.override("en"):
        form = Form(data={"number": "03519900012"})
        assert not form.is_valid()
        assert form.errors["number"] == ["The personal ID number must have exactly 12 digits."]
        assert Form(data={"number": "035199000123"}).is_valid()


def test_problem_codes_need_no_django_settings():
    # Only the messages need Django (gettext); the checks run in a bare interpreter.
    script = (
        "import datetime\n"
        "from motcua.org.personal_id import personal_id_problems, tax_code_problems\n"
        "print(personal_id_problems('003299000123', today=datetime.date(2026, 1, 1)))\n"
        "print(tax_code_problems('0100109107'))\n"
        "from django.conf import settings\n"
        "assert not settings.configured\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    result = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    )
    assert result.stdout.splitlines() == [
        "['unknown_province', 'born_in_future']",
        "['bad_check_digit']",
    ]


# -- translations ------------------------------------------------------------------------

ORG = Path(personal_id.__file__).resolve().parent
CATALOGUES = [
    ORG.parents[1] / ".po-fragments" / "personal_id.po",
    ORG / "locale" / "vi" / "LC_MESSAGES" / "django.po",
]
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def _msgids() -> list[str]:
    extracted = extract_from_file(
        "python", str(ORG / "personal_id.py"), keywords={"_": None, "gettext": None}
    )
    return [message for _lineno, message, _comments, _context in extracted]


def _translations() -> dict[str, str]:
    found: dict[str, str] = {}
    for path in CATALOGUES:
        if path.exists():
            with path.open("rb") as po:
                for message in read_po(po, locale="vi"):
                    if message.id and message.string:
                        found.setdefault(str(message.id), str(message.string))
    return found


def test_every_message_of_the_module_has_a_vietnamese_translation():
    msgids = _msgids()
    assert len(msgids) == 10  # eight for the personal ID, two for the tax code
    translations = _translations()
    missing = [m for m in msgids if m not in translations]
    assert missing == []
    for msgid in msgids:
        msgstr = translations[msgid]
        assert unicodedata.is_normalized("NFC", msgstr)
        assert sorted(PLACEHOLDER.findall(msgstr)) == sorted(PLACEHOLDER.findall(msgid))
        assert msgstr != msgid


def test_vietnamese_catalogue_formats_the_messages():
    # Compile what the translations say and run the placeholders through Python's gettext.
    translations = _translations()
    catalogue_po = io.BytesIO()
    lines = ['msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n']
    for msgid in _msgids():
        lines.append(f"msgid {_quote(msgid)}\nmsgstr {_quote(translations[msgid])}\n")
    catalogue_po.write("\n".join(lines).encode())
    catalogue_po.seek(0)
    mo = io.BytesIO()
    write_mo(mo, read_po(catalogue_po, locale="vi"))
    mo.seek(0)
    vi = gettext.GNUTranslations(mo)
    message = vi.gettext("The first three digits (%(code)s) are not a province code.")
    assert message % {"code": "003"} == "Ba chữ số đầu (003) không phải là mã tỉnh, thành phố."
    message = vi.gettext(
        "The personal ID number gives %(year)s as the year of birth, which is in the future."
    )
    assert "2199" in message % {"year": 2199}


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


# -- properties --------------------------------------------------------------------------

provinces = st.sampled_from(LISTED)
g_digits = st.integers(0, 9)
years = st.integers(0, 99)
serials = st.text(alphabet="0123456789", min_size=6, max_size=6)


@given(provinces, g_digits, years, serials)
def test_valid_numbers_parse_back_to_their_parts(province, g, yy, serial):
    value = number(province, g, yy, serial)
    century, sex = G_TABLE[g]
    parsed = parse_personal_id(value, today=FAR_FUTURE)
    assert parsed == PersonalId(value, province, SPEC_PROVINCES[province], sex, century + yy)


@given(provinces, g_digits, years, serials, st.integers(1, 365), st.booleans())
def test_consistent_birth_date_and_sex_are_accepted(province, g, yy, serial, day, other_sex):
    value = number(province, g, yy, serial)
    century, sex = G_TABLE[g]
    birth_date = dt.date(century + yy, 1, 1) + dt.timedelta(days=day - 1)
    assume(birth_date.year == century + yy)
    given_sex = ("female" if sex == "male" else "male") if other_sex else sex
    expected = [SEX_MISMATCH] if other_sex else []
    assert (
        personal_id_problems(value, birth_date=birth_date, sex=given_sex, today=FAR_FUTURE)
        == expected
    )


@given(provinces, g_digits, years, serials, st.dates())
def test_birth_date_in_another_year_is_a_mismatch(province, g, yy, serial, birth_date):
    value = number(province, g, yy, serial)
    century, _sex = G_TABLE[g]
    assume(birth_date.year != century + yy)
    assert personal_id_problems(value, birth_date=birth_date, today=FAR_FUTURE) == [
        BIRTH_YEAR_MISMATCH
    ]


@given(provinces, g_digits, years, serials, st.dates(dt.date(1900, 1, 1), dt.date(2399, 12, 31)))
def test_born_in_future_exactly_when_the_year_is_after_today(province, g, yy, serial, today):
    value = number(province, g, yy, serial)
    century, _sex = G_TABLE[g]
    future = century + yy > today.year
    assert personal_id_problems(value, today=today) == ([BORN_IN_FUTURE] if future else [])


@given(st.sampled_from(UNLISTED), g_digits, years, serials)
def test_unlisted_prefixes_are_always_rejected(prefix, g, yy, serial):
    problems = personal_id_problems(number(prefix, g, yy, serial), today=FAR_FUTURE)
    assert problems == [UNKNOWN_PROVINCE]


@given(st.text())
def test_anything_but_twelve_ascii_digits_is_not_12_digits(text):
    assume(re.fullmatch(r"[0-9]{12}", text.strip()) is None)
    assert personal_id_problems(text, today=TODAY) == [NOT_12_DIGITS]


@given(
    st.lists(st.characters(categories=["Nd"]), min_size=12, max_size=12).filter(
        lambda chars: not "".join(chars).isascii()
    )
)
def test_twelve_unicode_digits_are_rejected_unless_all_ascii(chars):
    assert personal_id_problems("".join(chars), today=TODAY) == [NOT_12_DIGITS]


@given(
    provinces,
    g_digits,
    years,
    serials,
    st.text(alphabet=" \t\n\r\u00a0\u3000", max_size=3),
    st.text(alphabet=" \t\n\r\u00a0\u3000", max_size=3),
)
def test_surrounding_whitespace_never_changes_the_result(province, g, yy, serial, left, right):
    value = number(province, g, yy, serial)
    assert personal_id_problems(left + value + right, today=TODAY) == personal_id_problems(
        value, today=TODAY
    )
