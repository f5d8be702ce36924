"""Every error is an RFC 9457 problem: 404, 405, 413, 422, malformed JSON, domain errors,
Django's exceptions and the unexpected 500; in Vietnamese by default, English on request."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from motcua.api.tests.support import assert_problem

pytestmark = [pytest.mark.django_db, pytest.mark.urls("motcua.api.tests.urls_for_tests")]

ECHO = "/api-test/public-echo/"


def post_json(client, url, body, **kwargs):
    data = body if isinstance(body, (str, bytes)) else json.dumps(body)
    return client.post(url, data=data, content_type="application/json", **kwargs)


def test_a_valid_body_is_accepted(client):
    response = post_json(client, ECHO, {"name": "Nguyễn Văn An", "count": 2, "tags": ["a"]})
    assert response.status_code == 200, response.content
    assert response.json()["name"] == "Nguyễn Văn An"


def test_text_is_normalised_to_nfc(client):
    decomposed = "Nguye\u0302\u0303n"  # "Nguyễn" typed with combining marks
    response = post_json(client, ECHO, {"name": decomposed})
    assert response.json()["name"] == "Nguyễn"


def test_an_unknown_field_is_a_422(client):
    body = assert_problem(
        post_json(client, ECHO, {"name": "An", "is_admin": True}), 422, "invalid_input"
    )
    assert body["errors"] == [
        {"field": "is_admin", "message": "Trường này không được phép.", "code": "extra_forbidden"}
    ]


def test_an_unknown_nested_field_is_a_422(client):
    body = assert_problem(
        post_json(client, ECHO, {"name": "An", "address": {"commune": "Tân Trào", "x": 1}}),
        422,
        "invalid_input",
    )
    assert [e["field"] for e in body["errors"]] == ["address.x"]


def test_a_wrong_type_and_a_missing_field_are_a_422(client):
    body = assert_problem(
        post_json(client, ECHO, {"count": "many", "tags": "a"}), 422, "invalid_input"
    )
    by_field = {e["field"]: e for e in body["errors"]}
    assert set(by_field) == {"name", "count", "tags"}
    assert by_field["name"]["code"] == "missing"
    assert by_field["name"]["message"] == "Trường này là bắt buộc."
    assert by_field["count"]["message"] == "Hãy nhập một số nguyên."
    assert by_field["tags"]["code"] == "list_type"


def test_a_body_that_is_not_an_object_is_a_422(client):
    body = assert_problem(post_json(client, ECHO, [1, 2]), 422, "invalid_input")
    assert body["errors"][0]["field"] is None


@pytest.mark.parametrize("raw", ["{", '{"name": }', "nan", b"\xff\xfe{", '{"name": "An"'])
def test_malformed_json_is_a_400(client, raw):
    body = assert_problem(post_json(client, ECHO, raw), 400, "malformed_json")
    assert "JSON" in body["detail"]


def test_an_oversized_body_is_a_413(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = post_json(client, ECHO, {"name": "x" * 2000})
    body = assert_problem(response, 413, "payload_too_large")
    assert "1000" in body["detail"]
    # Just under the limit is fine.
    assert post_json(client, ECHO, {"name": "x" * 900}).status_code == 200


def test_an_oversized_form_body_is_a_413_too(client, settings, official):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    client.force_login(official)
    response = client.post("/api-test/echo/", data={"name": "x" * 2000})
    assert_problem(response, 413, "payload_too_large")


def test_an_unknown_address_is_a_404_problem(client):
    for url in ["/api/v1/nothing-here/", "/api/v2/procedures/", "/api/", "/api/v1/procedures"]:
        assert_problem(client.get(url), 404, "not_found")


def test_a_wrong_method_is_a_405_problem(client):
    response = client.delete("/api/v1/procedures/")
    body = assert_problem(response, 405, "method_not_allowed")
    assert response["Allow"] == "GET"
    assert "DELETE" in body["detail"]


def test_a_domain_error_keeps_its_status_code_and_details(client):
    body = assert_problem(client.get("/api-test/illegal/"), 409, "illegal_transition")
    assert body["detail"] == "Hồ sơ đã được tiếp nhận."
    assert body["state"] == "accepted"
    assert body["at"] == "2026-03-02"
    assert body["who"].startswith("<object")


def test_invalid_input_lists_its_fields(client):
    body = assert_problem(client.get("/api-test/invalid/"), 422, "invalid_input")
    assert body["detail"] == "Hồ sơ chưa đủ."
    assert body["errors"] == [
        {"field": "applicant_name", "message": "Thiếu tên.", "code": "invalid"}
    ]


def test_django_validation_error_is_a_422(client):
    body = assert_problem(client.get("/api-test/django-validation/"), 422, "invalid_input")
    assert {(e["field"], e["message"]) for e in body["errors"]} == {
        ("name", "Tên quá ngắn."),
        (None, "Không hợp lệ."),
    }


def test_permission_denied_is_a_403(client):
    assert_problem(client.get("/api-test/denied/"), 403, "forbidden")


def test_an_unexpected_error_is_a_500_that_tells_nothing(caplog):
    client = Client(raise_request_exception=False)
    response = client.get("/api-test/boom/")
    body = assert_problem(response, 500, "server_error")
    text = response.content.decode()
    assert "hunter2" not in text and "RuntimeError" not in text and "Traceback" not in text
    assert set(body) == {"type", "title", "status", "detail", "code"}
    # ... but the log has it.
    assert any("hunter2" in str(r.exc_info) for r in caplog.records if r.exc_info)


def test_messages_are_vietnamese_by_default_and_english_on_request(client):
    vi = assert_problem(client.get("/api/v1/procedures/9.999999/"), 404, "not_found")
    en = assert_problem(
        client.get("/api/v1/procedures/9.999999/", headers={"Accept-Language": "en-US,en;q=0.9"}),
        404,
        "not_found",
    )
    assert vi["title"] == "Không tìm thấy"
    assert vi["detail"] == "Không có thủ tục nào đã công bố với mã 9.999999."
    assert en["title"] == "Not found"
    assert en["detail"] == "No published procedure has the code 9.999999."
    assert vi["type"] == en["type"] and vi["code"] == en["code"]


def test_validation_messages_follow_the_language(client):
    response = post_json(client, ECHO, {"count": 1}, headers={"Accept-Language": "en"})
    body = assert_problem(response, 422, "invalid_input")
    assert body["title"] == "Invalid input"
    assert body["errors"][0]["message"] == "This field is required."
    assert response["Content-Language"] == "en"
    vi = assert_problem(post_json(client, ECHO, {"count": 1}), 422, "invalid_input")
    assert vi["title"] == "Dữ liệu không hợp lệ"


def test_an_unsupported_language_falls_back_to_vietnamese(client):
    response = client.get("/api/v1/nowhere/", headers={"Accept-Language": "fr"})
    body = assert_problem(response, 404, "not_found")
    assert body["title"] == "Không tìm thấy"
    assert response["Content-Language"] == "vi"


def test_nan_and_infinity_are_not_json(client):
    for raw in ['{"name": "An", "count": NaN}', '{"name": "An", "count": Infinity}']:
        assert_problem(post_json(client, ECHO, raw), 400, "malformed_json")


def test_a_nul_character_in_the_body_is_a_422_naming_the_field(client):
    response = post_json(client, ECHO, {"name": "An", "tags": ["ok", "b\x00d"]})
    body = assert_problem(response, 422, "invalid_input")
    assert body["errors"] == [
        {
            "field": "tags.1",
            "message": "Giá trị này chứa ký tự NUL, không được phép.",
            "code": "null_character",
        }
    ]


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/v1/procedures/search/?q=khai%00sinh", "q"),
        ("/api/v1/procedures/?field=H%00T", "field"),
        ("/api/v1/agencies/?q=%00", "q"),
        ("/api/v1/procedures/1.0011%0093/", "code"),
    ],
)
def test_a_nul_character_in_the_query_or_path_is_a_422(client, url, field):
    body = assert_problem(client.get(url), 422, "invalid_input")
    assert [e["field"] for e in body["errors"]] == [field]


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/agencies/99999999999999999999999/",
        "/api/v1/agencies/0/",
        "/api/v1/agencies/?parent=99999999999999999999999",
    ],
)
def test_ids_out_of_range_are_a_422_not_a_database_error(client, url):
    assert_problem(client.get(url), 422, "invalid_input")
