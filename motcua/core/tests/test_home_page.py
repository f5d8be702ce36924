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
