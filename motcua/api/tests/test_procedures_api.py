"""Procedures: list with filters, diacritic-insensitive search, detail by national code."""

from __future__ import annotations

import pytest

from motcua.api.tests.support import assert_problem, get_json
from motcua.catalog.models import ProcedureVersion, VersionStatus
from motcua.catalog.services import procedure_version_new_draft
from motcua.catalog.tests.factories import BIRTH_SCHEMA

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalog")]


def test_the_list_holds_every_published_procedure_by_code(client):
    body = get_json(client, "/api/v1/procedures/")
    assert [p["code"] for p in body["items"]] == ["1.000656", "1.001193", "2.000908"]
    assert body["next"] is None
    birth = body["items"][1]
    assert birth["name"] == "Đăng ký khai sinh"
    assert birth["field"] == {"code": "HT", "name": "Hộ tịch"}
    assert birth["level"] == "commune"
    assert birth["online_level"] == "full"
    assert birth["time_limit"] == 0 and birth["time_unit"] == "working_days"
    assert birth["version"] == 1


def test_a_draft_is_not_listed_and_the_published_version_is(client):
    published = ProcedureVersion.objects.get(procedure__code="1.001193")
    draft = procedure_version_new_draft(version=published)
    assert draft.status == VersionStatus.DRAFT
    codes = [p["code"] for p in get_json(client, "/api/v1/procedures/")["items"]]
    assert codes.count("1.001193") == 1


@pytest.mark.parametrize(
    ("query", "codes"),
    [
        ("field=CT", ["2.000908"]),
        ("online_level=partial", ["2.000908"]),
        ("level=commune&field=HT", ["1.000656", "1.001193"]),
        ("life_event=birth&order=-code", ["1.001193", "1.000656"]),
        ("order=name", ["2.000908", "1.001193", "1.000656"]),
    ],
)
def test_filters_and_order(client, query, codes):
    body = get_json(client, f"/api/v1/procedures/?{query}")
    assert [p["code"] for p in body["items"]] == codes


def test_an_unknown_level_is_a_422_naming_the_choices(client):
    body = assert_problem(client.get("/api/v1/procedures/?level=district"), 422, "invalid_input")
    (error,) = body["errors"]
    assert error["field"] == "level"
    assert "province, commune, central_local" in error["message"]


@pytest.mark.parametrize(
    "words", ["dang ky khai sinh", "Đăng ký khai sinh", "DANG KY KHAI SINH", "giay khai sinh"]
)
def test_search_finds_birth_registration_without_diacritics(client, words):
    body = get_json(client, "/api/v1/procedures/search/", query_params={"q": words})
    assert body["items"][0]["name"] == "Đăng ký khai sinh"
    assert body["items"][0]["code"] == "1.001193"
    assert "Cấp bản sao từ sổ gốc" not in [p["name"] for p in body["items"]]
    assert body["next"] is None


def test_search_without_words_is_a_422(client):
    body = assert_problem(client.get("/api/v1/procedures/search/?q="), 422, "invalid_input")
    assert body["errors"][0]["field"] == "q"


def test_search_for_nonsense_is_empty(client):
    assert get_json(client, "/api/v1/procedures/search/?q=xyzzy") == {"items": [], "next": None}


def test_detail_has_documents_fees_time_limit_online_level_and_eform(client):
    body = get_json(client, "/api/v1/procedures/1.001193/")
    assert body["code"] == "1.001193"
    assert body["name"] == "Đăng ký khai sinh"
    assert body["time_limit"] == 0
    assert body["time_unit"] == "working_days"
    assert body["cutoff_time"] == "15:00"
    assert body["online_level"] == "full"
    assert body["eligible_full_online"] is True
    assert body["documents"] == [
        {
            "name": "Tờ khai đăng ký khai sinh",
            "copies": 1,
            "kind": "original",
            "kind_label": "Bản chính",
            "mandatory": True,
            "reusable": False,
            "template_name": "Tờ khai",
        },
        {
            "name": "Giấy chứng sinh",
            "copies": 1,
            "kind": "original",
            "kind_label": "Bản chính",
            "mandatory": True,
            "reusable": True,
            "template_name": "",
        },
    ]
    assert body["fees"] == [{"name": "Lệ phí đăng ký khai sinh", "amount": 0, "note": "Miễn"}]
    assert body["eform_schema"] == BIRTH_SCHEMA
    assert body["result_type"] == "both"
    assert body["result_name"] == "Giấy khai sinh"
    assert body["legal_basis"] == "Luật Hộ tịch 2014"
    assert body["life_events"] == [{"slug": "birth", "name": "Sinh con"}]


def test_detail_with_no_time_limit_and_a_fee(client):
    body = get_json(client, "/api/v1/procedures/2.000908/")
    assert body["time_limit"] is None
    assert body["online_level"] == "partial"
    assert body["fees"] == [{"name": "Phí cấp bản sao", "amount": 8000, "note": "mỗi bản"}]
    assert body["documents"] == []


def test_labels_follow_accept_language(client):
    vi = get_json(client, "/api/v1/procedures/1.001193/")
    en = get_json(client, "/api/v1/procedures/1.001193/", headers={"Accept-Language": "en"})
    assert en["level_label"] == "Commune"
    assert en["documents"][0]["kind_label"] == "Original"
    assert vi["level_label"] == "Cấp xã"
    assert vi["documents"][0]["kind_label"] == "Bản chính"


def test_an_unknown_code_is_a_404_problem(client):
    body = assert_problem(client.get("/api/v1/procedures/9.999999/"), 404, "not_found")
    assert "9.999999" in body["detail"]


def test_vietnamese_text_is_sent_as_utf8_not_escaped(client):
    response = client.get("/api/v1/procedures/1.001193/")
    assert "Đăng ký khai sinh".encode() in response.content
