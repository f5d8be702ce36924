import pytest

from motcua.catalog.services import catalog_import
from motcua.catalog.tests.factories import document, procedure

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def catalog():
    catalog_import(
        document(procedure(), procedure(code="2.000908", name="Cấp bản sao từ sổ gốc", field="CT"))
    )


def test_home_page_is_vietnamese_by_default(client):
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="vi">' in html
    assert "Tìm thủ tục hành chính" in html


def test_home_page_in_english(client):
    html = client.get("/en/").content.decode()
    assert '<html lang="en">' in html
    assert "Find an administrative procedure" in html


def test_search_without_diacritics_lists_the_procedure(client):
    html = client.get("/", {"q": "dang ky khai sinh"}).content.decode()
    assert "Đăng ký khai sinh" in html
    assert "Cấp bản sao từ sổ gốc" not in html
    assert 'href="/thu-tuc/1.001193/"' in html


def test_browse_by_life_event(client):
    html = client.get("/", {"su-kien": "birth"}).content.decode()
    assert "Đăng ký khai sinh" in html


def test_procedure_page_publishes_documents_fees_and_basis(client):
    html = client.get("/thu-tuc/1.001193/").content.decode()
    assert "Giấy chứng sinh" in html
    assert "Lệ phí đăng ký khai sinh" in html
    assert "Luật Hộ tịch 2014" in html
    assert "15:00" in html


def test_unknown_procedure_is_404(client):
    assert client.get("/thu-tuc/9.999999/").status_code == 404


def test_healthz_reports_the_database(client, settings):
    data = client.get("/healthz").json()
    assert data["status"] == "ok"
    assert data["database"] in {"sqlite", "postgresql"}


def test_procedure_page_says_where_to_file_and_who_decides(client):
    html = client.get("/en/thu-tuc/1.001193/").content.decode()
    assert "Where to file" in html
    assert "one-stop desk (Public Administrative Service Center) of any commune" in html
    assert "or online on this site" in html
    assert "Decided by" in html


def test_search_with_everyday_words(client):
    # "làm giấy khai sinh" typed without diacritics: "lam" and "giay" say nothing.
    html = client.get("/", {"q": "lam giay khai sinh"}).content.decode()
    first = html.index('<ul class="results">')
    assert html.index('href="/thu-tuc/1.001193/"', first) == html.index("<a href=", first) + 3
