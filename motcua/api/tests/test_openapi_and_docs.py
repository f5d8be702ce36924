"""/api/schema/ is a valid OpenAPI 3.1 document; /api/docs loads nothing from elsewhere."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import jsonschema
import pytest
from django.contrib.staticfiles import finders

from motcua.api.api import api

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema(client):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    return json.loads(response.content)


def test_the_schema_is_valid_openapi_3_1(schema):
    from schemathesis.specs.openapi.definitions import OPENAPI_31

    assert schema["openapi"].startswith("3.1")
    jsonschema.Draft202012Validator(OPENAPI_31).validate(schema)
    assert schema["info"]["title"] == "MotCua API"
    assert schema["info"]["version"] == "1"


def test_every_reference_resolves_and_every_name_is_legal(schema):
    names = set(schema["components"]["schemas"])
    assert all(re.fullmatch(r"[A-Za-z0-9._-]+", name) for name in names), names
    text = json.dumps(schema)
    for ref in set(re.findall(r'"\$ref": "([^"]+)"', text)):
        assert ref.startswith("#/components/schemas/"), ref
        assert ref.rsplit("/", 1)[1] in names, ref
    for schemas in schema["components"]["schemas"].values():
        jsonschema.Draft202012Validator.check_schema(schemas)


def test_the_schema_lists_the_endpoints(schema):
    paths = schema["paths"]
    assert set(paths) >= {
        "/api/v1/procedures/",
        "/api/v1/procedures/search/",
        "/api/v1/procedures/{code}/",
        "/api/v1/agencies/",
        "/api/v1/agencies/{agency_id}/",
        "/api/v1/me/",
    }
    ids = [op["operationId"] for item in paths.values() for op in item.values()]
    assert len(ids) == len(set(ids))


def test_every_operation_documents_problem_details(schema):
    for item in schema["paths"].values():
        for operation in item.values():
            default = operation["responses"]["default"]
            ref = default["content"]["application/problem+json"]["schema"]["$ref"]
            assert ref == "#/components/schemas/Problem"
    problem = schema["components"]["schemas"]["Problem"]
    assert set(problem["required"]) == {"type", "title", "status", "detail", "code"}


def test_security_public_reads_are_optional_and_me_needs_a_user(schema):
    schemes = schema["components"]["securitySchemes"]
    assert schemes["BearerAuth"]["scheme"] == "bearer"
    assert schemes["SessionAuth"] == {
        "type": "apiKey",
        "in": "cookie",
        "name": "sessionid",
        "description": schemes["SessionAuth"]["description"],
    }
    assert {} in schema["paths"]["/api/v1/procedures/"]["get"]["security"]
    me = schema["paths"]["/api/v1/me/"]["get"]["security"]
    assert me == [{"BearerAuth": []}, {"SessionAuth": []}]
    assert "AnonymousAuth" not in json.dumps(schema)


def test_list_responses_are_pages(schema):
    page = schema["components"]["schemas"]["ProcedureItemPage"]
    assert set(page["properties"]) == {"items", "next"}
    params = {p["name"] for p in schema["paths"]["/api/v1/procedures/"]["get"]["parameters"]}
    assert {"cursor", "limit", "order"} <= params


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in {"src", "href", "action", "data", "poster"} and value:
                self.urls.append(value)


def test_the_docs_page_uses_only_our_static_files(client):
    response = client.get("/api/docs")
    assert response.status_code == 200
    html = response.content.decode()
    links = _Links()
    links.feed(html)
    assert links.urls, "the page should load Swagger UI"
    for url in links.urls:
        assert url.startswith("/static/"), url
        assert finders.find(url.removeprefix("/static/")), f"{url} is not a static file"
    assert {"/static/ninja/swagger-ui-bundle.js", "/static/ninja/swagger-ui.css"} <= set(links.urls)
    # No absolute URL anywhere in the page, and no inline script.
    assert not re.search(r"(https?:)?//[a-z0-9.-]+\.[a-z]{2,}", html, re.IGNORECASE)
    assert "<script>" not in html


def test_swagger_loads_our_schema_and_never_calls_the_online_validator(client):
    html = client.get("/api/docs").content.decode()
    settings_json = html.split('id="swagger-settings">')[1].split("</script>")[0]
    swagger = json.loads(settings_json)
    assert swagger["url"] == "/api/schema/"
    assert swagger["validatorUrl"] is None


def test_the_api_object():
    assert api.title == "MotCua API" and api.version == "1" and api.urls_namespace == "api"
