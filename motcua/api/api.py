"""The MotCua REST API: ``/api/v1/…``, its OpenAPI document at ``/api/schema/`` and the
interactive documentation at ``/api/docs`` (Swagger UI from our own static files).

Add a router here::

    api.add_router("/v1/dossiers/", dossiers.router)
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from ninja import NinjaAPI
from ninja.errors import ValidationError, ValidationErrorContext
from ninja.openapi.docs import Swagger
from ninja.openapi.schema import OpenAPISchema
from ninja.parser import Parser
from ninja.renderers import JSONRenderer
from pydantic.json_schema import models_json_schema

from motcua.api.auth import AnonymousAuth
from motcua.api.errors import (
    PROBLEM_CONTENT_TYPE,
    PROBLEMS,
    NullCharacter,
    field_path,
    install_exception_handlers,
    null_character_field,
    reject_null_characters,
)
from motcua.api.i18n import in_request_language
from motcua.api.routers import catalog, dossiers, me, org, tracking
from motcua.api.schemas import Problem

DESCRIPTION = """\
The REST API of MotCua, the provincial administrative-procedure system.

**Authentication.** Public reads (procedures, agencies) need none. Other operations take a
bearer token (`Authorization: Bearer mct_…`, issued with `motcua api-token <username>`) or
the browser session of a signed-in official; with the session, POST, PUT, PATCH and DELETE
must send the CSRF token in the `X-CSRFToken` header.

**Lists** are pages `{"items": [...], "next": "<cursor>" | null}`: pass `next` back as
`cursor` for the following page; `limit` is 1–200 (default 50). Cursors are opaque and
signed; an edited cursor is refused.

**Errors** are RFC 9457 problem details (`application/problem+json`) with `type`, `title`,
`status`, `detail` and a stable `code` (`type` is `https://motcua.example/problems/<code>`);
`invalid_input` adds `errors: [{field, message, code}]`. Messages follow `Accept-Language`
(Vietnamese by default, English with `en`). The codes:

| code | status | title |
| --- | --- | --- |
"""
DESCRIPTION += "".join(
    f"| `{code}` | {status} | {title} |\n" for code, (status, title) in PROBLEMS.items()
)

ANONYMOUS_SCHEME = AnonymousAuth.__name__


class Utf8JSONRenderer(JSONRenderer):
    """JSON with Vietnamese letters as they are, not as \\u escapes."""

    json_dumps_params = {"ensure_ascii": False}


def _not_json(constant: str) -> Any:
    raise ValueError(f"{constant} is not JSON")


class StrictJSONParser(Parser):
    """JSON bodies as RFC 8259 has them: NaN and Infinity are malformed JSON, and a NUL in
    any string is refused with its field (PostgreSQL cannot store it)."""

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        data = json.loads(request.body, parse_constant=_not_json)
        field = null_character_field(data)
        if field is not None:
            raise NullCharacter(field)
        return data  # type: ignore[no-any-return]


class LocalSwagger(Swagger):
    """Swagger UI served from ninja's static files, never from a CDN.

    The online validator badge is off (it would send the schema to validator.swagger.io),
    and the page carries the CSRF token so a signed-in official can try unsafe methods.
    """

    default_settings = {**Swagger.default_settings, "validatorUrl": None}

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        settings = {**self.settings, "url": self.get_openapi_url(api, kwargs)}
        context = {"swagger_settings": json.dumps(settings, indent=1), "api": api, "add_csrf": True}
        return render(request, self.template, context)


class MotcuaAPI(NinjaAPI):
    """NinjaAPI with problem-details errors and a few OpenAPI corrections."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("renderer", Utf8JSONRenderer())
        kwargs.setdefault("docs", LocalSwagger())
        kwargs.setdefault("parser", StrictJSONParser())
        super().__init__(**kwargs)
        # Around authentication and validation (the last added runs first): the language is
        # chosen before anything can fail, so every message is translated.
        self.add_decorator(reject_null_characters, mode="view")
        self.add_decorator(in_request_language, mode="view")

    def set_default_exception_handlers(self) -> None:
        install_exception_handlers(self)

    def get_openapi_operation_id(self, operation: Any) -> str:
        return str(operation.view_func.__name__)

    def validation_error_from_error_contexts(
        self, error_contexts: list[ValidationErrorContext[Any]]
    ) -> ValidationError:
        """ninja's errors, each with ``field``: its dotted path inside body, query or path."""
        error = super().validation_error_from_error_contexts(error_contexts)
        single_attrs = [
            getattr(context.model, "__read_from_single_attr__", None) for context in error_contexts
        ]
        for item in error.errors:
            loc = list(item.get("loc", ()))
            parts = loc[1:]
            if loc and loc[0] == "body" and parts and parts[0] in single_attrs:
                parts = parts[1:]  # the body is one schema: drop the argument's name
            item["field"] = field_path(parts)
        return error

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        components = schema.setdefault("components", {})
        _, definitions = models_json_schema(
            [(Problem, "serialization")], ref_template="#/components/schemas/{model}"
        )
        components.setdefault("schemas", {}).update(definitions.get("$defs", {}))
        problem = {
            "description": "Problem details (RFC 9457).",
            "content": {PROBLEM_CONTENT_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
        }
        for path_item in schema.get("paths", {}).values():
            for operation in path_item.values():
                operation.setdefault("responses", {}).setdefault("default", problem)
                security = operation.get("security")
                if security:
                    operation["security"] = [
                        {} if ANONYMOUS_SCHEME in requirement else requirement
                        for requirement in security
                    ]
        schemes = components.get("securitySchemes", {})
        schemes.pop(ANONYMOUS_SCHEME, None)
        if not schemes:
            components.pop("securitySchemes", None)
        return schema


api = MotcuaAPI(
    title="MotCua API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    openapi_url="/schema/",
    docs_url="/docs",
)
api.add_router("/v1/procedures/", catalog.router)
api.add_router("/v1/agencies/", org.router)
api.add_router("/v1/me/", me.router)
api.add_router("/v1/uploads/", dossiers.uploads_router)
api.add_router("/v1/dossiers/", dossiers.router)
api.add_router("/v1/tracking/", tracking.router)
