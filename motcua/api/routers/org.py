"""Agencies — cơ quan, đơn vị: the province's organisation tree, readable by anyone."""

from __future__ import annotations

from typing import Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from motcua.api import selectors
from motcua.api.auth import OPTIONAL_AUTH
from motcua.api.pagination import Keyset, KeysetPage, PageParams, page_of, paginate
from motcua.api.schemas import Id, PathId
from motcua.core.errors import NotFound
from motcua.org.models import Agency, AgencyKind

router = Router(tags=["agencies"], auth=OPTIONAL_AUTH)

ORDERINGS = {
    "name": Keyset("name"),
    "-name": Keyset("-name"),
    "identifier": Keyset("identifier"),
    "-identifier": Keyset("-identifier"),
}


class AgencyRef(Schema):
    id: int
    name: str
    kind: AgencyKind


class AgencyItem(Schema):
    id: int
    name: str
    short_name: str
    kind: AgencyKind
    kind_label: str
    identifier: str = Field(description="Electronic identifier (QCVN 102), e.g. 000.00.00.H60.")
    identifier_is_illustrative: bool = Field(
        description="True while the identifier has not been checked against the official list."
    )
    parent_id: int | None
    admin_unit_code: int | None = Field(
        description="Code of the commune or ward in the national list of administrative units."
    )
    sector: str
    is_reception_point: bool = Field(description="Receives dossiers at a one-stop counter.")
    address: str
    phone: str
    email: str

    @staticmethod
    def resolve_kind_label(obj: Agency) -> str:
        return str(obj.get_kind_display())


class AgencyDetail(AgencyItem):
    ancestors: list[AgencyRef] = Field(description="From the root down to the parent.")

    @staticmethod
    def resolve_ancestors(obj: Agency) -> list[Agency]:
        return obj.ancestors()


class AgencyFilters(Schema):
    kind: AgencyKind | None = None
    parent: Id | None = Field(default=None, description="Only the direct children of this id.")
    reception_point: bool | None = None
    q: str | None = Field(
        default=None, max_length=100, description="Words of the name, with or without diacritics."
    )
    order: Literal["name", "-name", "identifier", "-identifier"] = "name"


@router.get("/", response=page_of(AgencyItem), url_name="agency_list")
def agency_list(
    request: HttpRequest, filters: Query[AgencyFilters], page: Query[PageParams]
) -> KeysetPage[Agency]:
    """Active agencies, a page at a time."""
    agencies = selectors.agencies_public(
        kind=filters.kind,
        parent_id=filters.parent,
        reception_point=filters.reception_point,
        query=filters.q,
    )
    return paginate(agencies, ORDERINGS[filters.order], page)


@router.get("/{agency_id}/", response=AgencyDetail, url_name="agency_detail")
def agency_detail(request: HttpRequest, agency_id: PathId) -> Agency:
    """An active agency with the chain of agencies above it."""
    agency = selectors.agency_public(agency_id=agency_id)
    if agency is None:
        raise NotFound(_("There is no agency with the id %(id)s.") % {"id": agency_id})
    return agency
