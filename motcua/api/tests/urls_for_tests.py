"""A small test-only API next to the real one: routes that raise, and unsafe methods.

Phase 1 has no public unsafe route yet, so request bodies, CSRF and the error mapping are
exercised here, on a ``MotcuaAPI`` configured like the real one.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.urls import path
from ninja import Router, Schema

from motcua.api.api import MotcuaAPI
from motcua.api.auth import AUTH
from motcua.api.schemas import InputSchema
from motcua.core.errors import IllegalTransition, InvalidInput
from motcua.urls import urlpatterns as site_urlpatterns


class Address(InputSchema):
    commune: str
    street: str = ""


class EchoIn(InputSchema):
    name: str
    count: int = 0
    address: Address | None = None
    tags: list[str] = []


class EchoOut(Schema):
    name: str
    count: int
    tags: list[str]
    username: str


router = Router()


@router.post("/echo/", response=EchoOut, auth=AUTH)
def echo(request: HttpRequest, payload: EchoIn) -> dict[str, object]:
    return {**payload.model_dump(), "username": request.auth.username}  # type: ignore[attr-defined]


@router.post("/public-echo/", response=EchoOut)
def public_echo(request: HttpRequest, payload: EchoIn) -> dict[str, object]:
    return {**payload.model_dump(), "username": ""}


@router.get("/boom/")
def boom(request: HttpRequest) -> None:
    raise RuntimeError("secret internal detail: password=hunter2")


@router.get("/illegal/")
def illegal(request: HttpRequest) -> None:
    raise IllegalTransition(
        "Hồ sơ đã được tiếp nhận.",
        details={"state": "accepted", "at": dt.date(2026, 3, 2), "who": object()},
    )


@router.get("/invalid/")
def invalid(request: HttpRequest) -> None:
    raise InvalidInput("Hồ sơ chưa đủ.", details={"errors": {"applicant_name": "Thiếu tên."}})


@router.get("/django-validation/")
def django_validation(request: HttpRequest) -> None:
    raise ValidationError({"name": ["Tên quá ngắn."], "__all__": ["Không hợp lệ."]})


@router.get("/denied/")
def denied(request: HttpRequest) -> None:
    raise PermissionDenied


test_api = MotcuaAPI(title="MotCua test API", version="test", urls_namespace="api-test")
test_api.add_router("/", router)

urlpatterns = [path("api-test/", test_api.urls), *site_urlpatterns]
