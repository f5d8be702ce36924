"""Procedures — thủ tục hành chính: the published catalogue, readable by anyone."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from motcua.api import selectors
from motcua.api.auth import OPTIONAL_AUTH
from motcua.api.pagination import Keyset, KeysetPage, PageParams, page_of, paginate
from motcua.catalog.models import (
    CopyKind,
    Fee,
    Level,
    OnlineLevel,
    ProcedureVersion,
    RequiredDocument,
    ResultType,
    TimeUnit,
)
from motcua.catalog.selectors import search_procedures
from motcua.core.errors import NotFound
from motcua.org.models import AgencyKind

router = Router(tags=["procedures"], auth=OPTIONAL_AUTH)

ORDERINGS = {
    "code": Keyset("procedure__code"),
    "-code": Keyset("-procedure__code"),
    "name": Keyset("name"),
    "-name": Keyset("-name"),
}


class FieldOut(Schema):
    code: str
    name: str


class ProcedureItem(Schema):
    """A procedure as listed: what it is, who decides, how long it takes."""

    code: str = Field(description="National procedure code (mã TTHC), e.g. 1.001193.")
    name: str
    version: int = Field(description="Number of the published version.")
    field: FieldOut
    level: Level
    level_label: str
    competent_agency_kind: AgencyKind
    time_limit: int | None = Field(
        description="Legal time limit in `time_unit`; 0 means the same working day, "
        "null that the law sets none."
    )
    time_unit: TimeUnit
    time_unit_label: str
    online_level: OnlineLevel
    online_level_label: str
    published_at: dt.datetime | None

    @staticmethod
    def resolve_code(obj: ProcedureVersion) -> str:
        return obj.procedure.code

    @staticmethod
    def resolve_version(obj: ProcedureVersion) -> int:
        return obj.number

    @staticmethod
    def resolve_level_label(obj: ProcedureVersion) -> str:
        return str(obj.get_level_display())

    @staticmethod
    def resolve_time_unit_label(obj: ProcedureVersion) -> str:
        return str(obj.get_time_unit_display())

    @staticmethod
    def resolve_online_level_label(obj: ProcedureVersion) -> str:
        return str(obj.get_online_level_display())


class DocumentOut(Schema):
    """A paper the applicant submits — thành phần hồ sơ."""

    name: str
    copies: int
    kind: CopyKind
    kind_label: str
    mandatory: bool
    reusable: bool = Field(description="May be taken from the citizen's data store.")
    template_name: str

    @staticmethod
    def resolve_kind_label(obj: RequiredDocument) -> str:
        return str(obj.get_kind_display())


class FeeOut(Schema):
    name: str
    amount: int = Field(description="In đồng; 0 when there is nothing to pay.")
    note: str

    @staticmethod
    def resolve_amount(obj: Fee) -> int:
        return int(obj.amount)


class LifeEventOut(Schema):
    slug: str
    name: str


class ProcedureDetail(ProcedureItem):
    """Everything published about a procedure, with its e-form's JSON Schema."""

    competent_sector: str
    time_limit_note: str
    cutoff_time: str | None = Field(
        pattern=r"^([01]\d|2[0-3]):[0-5]\d$",
        description="HH:MM, local time: dossiers accepted later count from the next working day.",
    )
    result_type: ResultType
    result_name: str
    eligible_full_online: bool
    documents: list[DocumentOut]
    fees: list[FeeOut]
    eform_schema: dict[str, Any] = Field(description="JSON Schema of the e-form.")
    max_upload_mb: int
    legal_basis: str
    steps: str
    applicant_types: str
    life_events: list[LifeEventOut]
    keywords: list[str]
    unverified: list[str] = Field(
        description="Facts that could not be checked against the published record."
    )

    @staticmethod
    def resolve_cutoff_time(obj: ProcedureVersion) -> str | None:
        return obj.cutoff_time.strftime("%H:%M") if obj.cutoff_time else None

    @staticmethod
    def resolve_documents(obj: ProcedureVersion) -> list[RequiredDocument]:
        return list(obj.documents.all())

    @staticmethod
    def resolve_fees(obj: ProcedureVersion) -> list[Fee]:
        return list(obj.fees.all())

    @staticmethod
    def resolve_life_events(obj: ProcedureVersion) -> list[Any]:
        return list(obj.life_events.all())


class ProcedureFilters(Schema):
    field: str | None = Field(default=None, max_length=40, description="Field (lĩnh vực) code.")
    level: Level | None = None
    online_level: OnlineLevel | None = None
    life_event: str | None = Field(default=None, max_length=50, description="Life event key.")
    order: Literal["code", "-code", "name", "-name"] = "code"


class SearchParams(Schema):
    q: str = Field(
        min_length=1,
        max_length=200,
        description="Words to look for, with or without diacritics: `dang ky khai sinh`.",
    )
    limit: int = Field(default=20, ge=1, le=200)


@router.get("/", response=page_of(ProcedureItem), url_name="procedure_list")
def procedure_list(
    request: HttpRequest, filters: Query[ProcedureFilters], page: Query[PageParams]
) -> KeysetPage[ProcedureVersion]:
    """Published procedures, a page at a time."""
    versions = selectors.procedure_versions_published(
        field=filters.field,
        level=filters.level,
        online_level=filters.online_level,
        life_event=filters.life_event,
    )
    return paginate(versions, ORDERINGS[filters.order], page)


@router.get("/search/", response=page_of(ProcedureItem), url_name="procedure_search")
def procedure_search(
    request: HttpRequest, params: Query[SearchParams]
) -> KeysetPage[ProcedureVersion]:
    """Published procedures matching the words, best first.

    Diacritics and case do not matter. This is one page of the best `limit` matches
    (`next` is always null): refine the words to find more.
    """
    return KeysetPage(items=search_procedures(params.q, limit=params.limit), next=None)


@router.get("/{code}/", response=ProcedureDetail, url_name="procedure_detail")
def procedure_detail(request: HttpRequest, code: str) -> ProcedureVersion:
    """A published procedure by its national code: documents, fees, time limit, e-form."""
    version = selectors.procedure_version_published(code=code)
    if version is None:
        raise NotFound(_("No published procedure has the code %(code)s.") % {"code": code})
    return version
