import pytest

from motcua.catalog.selectors import search_procedures
from motcua.catalog.services import catalog_import
from motcua.catalog.tests.factories import document, procedure

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def catalog():
    catalog_import(
        document(
            procedure(),
            procedure(code="1.000656", name="Đăng ký khai tử", keywords=["báo tử"]),
            procedure(code="2.000908", name="Cấp bản sao từ sổ gốc", field="CT", keywords=[]),
        )
    )


@pytest.mark.parametrize(
    "query",
    [
        "Đăng ký khai sinh",
        "dang ky khai sinh",
        "DANG KY KHAI SINH",
        "đăng ky khai sinh",
        "lam giay khai sinh",
        "làm giấy khai sinh cho con",
        "1.001193",
    ],
)
def test_birth_registration_is_found_with_or_without_diacritics(query):
    names = [v.name for v in search_procedures(query)]
    assert names[0] == "Đăng ký khai sinh"
    assert "Cấp bản sao từ sổ gốc" not in names


def test_d_stroke_folds_to_d():
    assert [v.name for v in search_procedures("dang ky khai tu")] == ["Đăng ký khai tử"]


def test_keywords_are_searchable():
    assert [v.name for v in search_procedures("bao tu")] == ["Đăng ký khai tử"]


def test_partial_match_still_answers_best_first():
    names = [v.name for v in search_procedures("ban sao khai sinh")]
    assert set(names[:2]) == {"Cấp bản sao từ sổ gốc", "Đăng ký khai sinh"}
    assert "Đăng ký khai tử" in names


def test_nothing_matches_nonsense():
    assert search_procedures("xyzzy") == []
