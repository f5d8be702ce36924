import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from motcua.core.text import fold, nfc


def test_fold_removes_marks_and_d_stroke():
    assert fold("Đăng ký KHAI SINH") == "dang ky khai sinh"
    assert fold("Xác nhận tình trạng hôn nhân") == "xac nhan tinh trang hon nhan"
    assert fold("  nhiều   khoảng\ttrắng ") == "nhieu khoang trang"


def test_nfc_composes_decomposed_input():
    decomposed = unicodedata.normalize("NFD", "Nguyễn Thị Ánh")
    assert decomposed != "Nguyễn Thị Ánh"
    assert nfc(decomposed) == "Nguyễn Thị Ánh"


@given(st.text())
def test_fold_is_idempotent_and_ascii_for_vietnamese(text):
    once = fold(text)
    assert fold(once) == once


VIETNAMESE = (
    "aăâbcdđeêghiklmnoôơpqrstuưvxyàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ "
)


@given(st.text(alphabet=VIETNAMESE + VIETNAMESE.upper(), max_size=40))
def test_folded_vietnamese_is_plain_ascii(text):
    assert fold(text).isascii()
