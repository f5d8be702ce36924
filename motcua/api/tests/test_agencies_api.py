"""Agencies: the active agencies of the province, filtered by kind, and one agency."""

from __future__ import annotations

import pytest

from motcua.api.tests.support import assert_problem, get_json

pytestmark = pytest.mark.django_db


def names(body):
    return [a["name"] for a in body["items"]]


def test_the_list_holds_the_active_agencies_by_name(client, province_tree):
    body = get_json(client, "/api/v1/agencies/")
    assert names(body) == [
        "Sở Tư pháp",
        "Trung tâm Phục vụ hành chính công UBND xã Tân Trào",
        "UBND phường Minh Xuân",
        "UBND tỉnh Tuyên Quang",
        "UBND xã Tân Trào",
    ]
    assert "UBND xã Đã Sáp Nhập" not in names(body)
    assert body["next"] is None


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("commune", ["UBND xã Tân Trào"]),
        ("ward", ["UBND phường Minh Xuân"]),
        ("department", ["Sở Tư pháp"]),
        ("commune_center", ["Trung tâm Phục vụ hành chính công UBND xã Tân Trào"]),
        ("special_zone", []),
    ],
)
def test_filter_by_kind(client, province_tree, kind, expected):
    body = get_json(client, "/api/v1/agencies/", query_params={"kind": kind})
    assert names(body) == expected
    assert all(a["kind"] == kind for a in body["items"])


def test_an_unknown_kind_is_a_422(client, province_tree):
    body = assert_problem(client.get("/api/v1/agencies/?kind=district"), 422, "invalid_input")
    assert body["errors"][0]["field"] == "kind"


def test_filter_by_parent_reception_point_and_words(client, province_tree):
    tan_trao = province_tree["tan_trao"]
    body = get_json(client, "/api/v1/agencies/", query_params={"parent": tan_trao.pk})
    assert names(body) == ["Trung tâm Phục vụ hành chính công UBND xã Tân Trào"]
    body = get_json(client, "/api/v1/agencies/", query_params={"reception_point": "true"})
    assert names(body) == ["Trung tâm Phục vụ hành chính công UBND xã Tân Trào"]
    body = get_json(client, "/api/v1/agencies/", query_params={"q": "tan trao", "kind": "commune"})
    assert names(body) == ["UBND xã Tân Trào"]


def test_detail_has_the_fields_and_the_chain_above(client, province_tree):
    center = province_tree["center"]
    body = get_json(client, f"/api/v1/agencies/{center.pk}/")
    assert body["name"] == "Trung tâm Phục vụ hành chính công UBND xã Tân Trào"
    assert body["kind"] == "commune_center"
    assert body["identifier"] == center.identifier
    assert body["is_reception_point"] is True
    assert body["parent_id"] == province_tree["tan_trao"].pk
    assert [a["name"] for a in body["ancestors"]] == ["UBND tỉnh Tuyên Quang", "UBND xã Tân Trào"]
    commune = get_json(client, f"/api/v1/agencies/{province_tree['tan_trao'].pk}/")
    assert commune["admin_unit_code"] == 2269


def test_kind_label_is_translated(client, province_tree):
    url = f"/api/v1/agencies/{province_tree['tan_trao'].pk}/"
    assert get_json(client, url)["kind_label"] == "Ủy ban nhân dân xã"
    en = get_json(client, url, headers={"Accept-Language": "en"})
    assert en["kind_label"] == "Commune People's Committee"


def test_an_inactive_or_unknown_agency_is_a_404(client, province_tree):
    assert_problem(client.get(f"/api/v1/agencies/{province_tree['closed'].pk}/"), 404, "not_found")
    assert_problem(client.get("/api/v1/agencies/999999/"), 404, "not_found")


def test_a_non_numeric_id_is_a_422(client, province_tree):
    body = assert_problem(client.get("/api/v1/agencies/abc/"), 422, "invalid_input")
    assert body["errors"][0]["field"] == "agency_id"
