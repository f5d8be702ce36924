"""Tax code / enterprise code (mã số thuế / mã số doanh nghiệp) of organisation applicants."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from motcua.org.personal_id import (
    BAD_CHECK_DIGIT,
    BAD_FORMAT,
    tax_code_check_digit,
    tax_code_messages,
    tax_code_problems,
    validate_tax_code,
)

# Published codes of real enterprises, as printed on their invoices, registration
# certificates and e-invoice provider settings (MSTTCGP). They include N10 = 0, the case
# where the weighted sum leaves 10.
REAL_CODES = {
    "0100109106": "Tập đoàn Công nghiệp - Viễn thông Quân đội (Viettel)",
    "0100684378": "Tập đoàn Bưu chính Viễn thông Việt Nam (VNPT)",
    "0101248141": "Công ty Cổ phần FPT",
    "0300588569": "Công ty Cổ phần Sữa Việt Nam (Vinamilk)",
    "0100112437": "Ngân hàng TMCP Ngoại thương Việt Nam (Vietcombank)",
    "0100230800": "Ngân hàng TMCP Kỹ thương Việt Nam (Techcombank)",
    "0100283873": "Ngân hàng TMCP Quân đội (MB)",
    "0100100079": "Tập đoàn Điện lực Việt Nam (EVN)",
    "0101243150": "Công ty Cổ phần MISA",
    "0101360697": "Công ty Cổ phần BKAV",
}
# Dependent units with their published 13-digit codes.
REAL_BRANCHES = ["0100109106-509", "0100112437-005", "0101243150-195"]

WEIGHTS = (31, 29, 23, 19, 17, 13, 7, 5, 3)


def reference_check_digit(first_nine: str) -> int:
    """The rule as usually written: N10 = 10 - (weighted sum mod 11); 10 is impossible."""
    return 10 - sum(w * int(d) for w, d in zip(WEIGHTS, first_nine, strict=True)) % 11


@pytest.mark.parametrize("code", sorted(REAL_CODES))
def test_real_codes_pass(code):
    assert tax_code_problems(code) == []
    assert str(reference_check_digit(code[:9])) == code[9]


def test_real_codes_include_check_digit_zero():
    assert any(code.endswith("0") for code in REAL_CODES)


@pytest.mark.parametrize("code", REAL_BRANCHES)
def test_real_branch_codes_pass(code):
    assert tax_code_problems(code) == []


@pytest.mark.parametrize("code", sorted(REAL_CODES))
@pytest.mark.parametrize("position", range(10))
def test_any_one_changed_digit_fails(code, position):
    for digit in "0123456789":
        if digit != code[position]:
            changed = code[:position] + digit + code[position + 1 :]
            assert tax_code_problems(changed) == [BAD_CHECK_DIGIT], changed
            assert tax_code_problems(changed + "-001") == [BAD_CHECK_DIGIT], changed


@pytest.mark.parametrize("code", sorted(REAL_CODES))
def test_swapped_neighbours_among_the_first_nine_fail(code):
    for i in range(8):
        if code[i] != code[i + 1]:
            swapped = code[:i] + code[i + 1] + code[i] + code[i + 2 :]
            assert tax_code_problems(swapped) == [BAD_CHECK_DIGIT], swapped


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0100109106", []),
        ("0100109106-001", []),
        ("0100109106-999", []),
        (" 0100109106-001 ", []),
        ("\t0100109106\n", []),
        ("0100109106-000", [BAD_FORMAT]),  # branches are numbered from 001
        ("0100109106-01", [BAD_FORMAT]),
        ("0100109106-0001", [BAD_FORMAT]),
        ("0100109106001", [BAD_FORMAT]),  # 13 digits without the hyphen
        ("0100109106 - 001", [BAD_FORMAT]),
        ("0100109106–001", [BAD_FORMAT]),  # en dash
        ("0100109106-", [BAD_FORMAT]),
        ("-001", [BAD_FORMAT]),
        ("010010910", [BAD_FORMAT]),  # 9 digits
        ("01001091066", [BAD_FORMAT]),  # 11 digits
        ("100109106", [BAD_FORMAT]),  # leading zero lost
        ("0100 109 106", [BAD_FORMAT]),
        ("01.00.109.106", [BAD_FORMAT]),
        ("O100109106", [BAD_FORMAT]),  # letter O
        ("MST0100109106", [BAD_FORMAT]),
        ("", [BAD_FORMAT]),
        ("０１００１０９１０６", [BAD_FORMAT]),  # full-width digits
        ("٠١٠٠١٠٩١٠٦", [BAD_FORMAT]),  # Arabic-Indic digits
        ("0100109106-００１", [BAD_FORMAT]),
        ("0100109107", [BAD_CHECK_DIGIT]),
        ("0100109107-001", [BAD_CHECK_DIGIT]),
        ("0300588560", [BAD_CHECK_DIGIT]),
    ],
)
def test_format_table(value, expected):
    assert tax_code_problems(value) == expected


def test_check_digit_examples():
    assert tax_code_check_digit("010010910") == "6"
    assert tax_code_check_digit("010023080") == "0"  # Techcombank: the sum leaves 10
    # 000000000 leaves 0: no digit fits, so no code starts with it.
    assert tax_code_check_digit("000000000") is None
    assert all(tax_code_problems(f"000000000{d}") == [BAD_CHECK_DIGIT] for d in "0123456789")


@pytest.mark.parametrize("value", ["", "01001091", "0100109106", "01001091a", "０１００１０９１０"])
def test_check_digit_wants_nine_ascii_digits(value):
    with pytest.raises(ValueError, match="nine ASCII digits"):
        tax_code_check_digit(value)


# -- messages and the Django validator ---------------------------------------------------


def test_messages_in_english():
    with translation.override("en"):
        assert tax_code_messages([BAD_FORMAT, BAD_CHECK_DIGIT]) == [
            "The tax code must have 10 digits, or 10 digits, a hyphen and 3 digits for a "
            "branch (for example 0100109106 or 0100109106-001).",
            "The tax code is not valid: its tenth digit does not match the first nine. "
            "Please check it for typing mistakes.",
        ]
        assert tax_code_messages([]) == []
        with pytest.raises(ValueError, match="no_such_code"):
            tax_code_messages(["no_such_code"])


@pytest.mark.parametrize("value", ["0100109106", "0100109106-509", " 0300588569 "])
def test_validator_accepts_valid_codes(value):
    assert validate_tax_code(value) is None


@pytest.mark.parametrize(
    ("value", "code"), [("0100109107", BAD_CHECK_DIGIT), ("0100109106-000", BAD_FORMAT)]
)
def test_validator_raises_a_coded_error(value, code):
    with translation.override("en"):
        with pytest.raises(ValidationError) as caught:
            validate_tax_code(value)
        expected = tax_code_messages([code])
    assert [e.code for e in caught.value.error_list] == [code]
    assert caught.value.messages == expected


# -- properties --------------------------------------------------------------------------

nine_digits = st.text(alphabet="0123456789", min_size=9, max_size=9)
branches = st.integers(1, 999).map(lambda n: f"-{n:03d}")


@given(nine_digits)
def test_exactly_one_tenth_digit_fits_unless_none_does(first_nine):
    passing = [d for d in "0123456789" if tax_code_problems(first_nine + d) == []]
    expected = tax_code_check_digit(first_nine)
    assert passing == ([] if expected is None else [expected])
    reference = reference_check_digit(first_nine)
    assert expected == (None if reference == 10 else str(reference))


@given(nine_digits, branches)
def test_branch_suffix_never_changes_the_check(first_nine, branch):
    for d in "0123456789":
        code = first_nine + d
        assert tax_code_problems(code + branch) == tax_code_problems(code)


@given(nine_digits, st.integers(0, 9), st.integers(1, 9))
def test_one_changed_digit_is_always_caught(first_nine, position, delta):
    check = tax_code_check_digit(first_nine)
    if check is None:
        return
    code = first_nine + check
    changed = code[:position] + str((int(code[position]) + delta) % 10) + code[position + 1 :]
    assert tax_code_problems(changed) == [BAD_CHECK_DIGIT]


@given(st.text())
def test_text_that_is_not_the_shape_is_bad_format(text):
    stripped = text.strip()
    shaped = (
        len(stripped) in (10, 14)
        and stripped[:10].isascii()
        and stripped[:10].isdigit()
        and (len(stripped) == 10 or (stripped[10] == "-" and stripped[11:].isascii()))
        and (len(stripped) == 10 or (stripped[11:].isdigit() and stripped[11:] != "000"))
    )
    problems = tax_code_problems(text)
    assert (problems == [BAD_FORMAT]) == (not shaped)
