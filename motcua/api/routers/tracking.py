"""Public tracking — tra cứu hồ sơ: a dossier by its code and lookup secret, no sign-in.

Only what the applicant may see: status, the public history, the appointment, results by
code. No personal data beyond the applicant's name, nothing about officials or internal
hand-overs. A wrong code or secret is the same 404, so codes cannot be probed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from motcua.api.auth import OPTIONAL_AUTH
from motcua.api.routers.dossiers import documented_refusals
from motcua.api.schemas import InputSchema
from motcua.core.errors import NotFound
from motcua.dossiers import services
from motcua.dossiers.actors import Actor
from motcua.dossiers.models import Dossier, DossierState
from motcua.dossiers.selectors import dossier_for_tracking, dossier_timeliness, public_history

router = Router(tags=["tracking"], auth=OPTIONAL_AUTH)


class SecretQuery(Schema):
    secret: str = Field(
        min_length=1, max_length=64, description="The lookup secret on the receipt."
    )


class PublicEvent(Schema):
    action: str
    at: dt.datetime
    state: DossierState
    state_label: str
    note: str


class PublicResult(Schema):
    code: str
    name: str
    kind: str
    signed: bool


class PublicPart(Schema):
    procedure_name: str
    agency: str
    state: DossierState
    state_label: str
    due_at: dt.datetime | None


class TrackingOut(Schema):
    code: str
    procedure_name: str
    applicant_name: str
    state: DossierState
    state_label: str
    national_status: int
    received_at: dt.datetime
    accepted_at: dt.datetime | None
    due_at: dt.datetime | None = Field(description="The appointment (ngày hẹn trả).")
    timeliness: str
    return_method: str
    history: list[PublicEvent]
    results: list[PublicResult]
    parts: list[PublicPart] = Field(
        description="For an interconnected dossier: each agency's part."
    )
    version: int


def _label(state: str) -> str:
    return str(DossierState(state).label)


def _out(d: Dossier) -> dict[str, Any]:
    parts = d.children.select_related("procedure_version", "competent_agency").order_by("id")
    return {
        "code": d.code,
        "procedure_name": d.procedure_name,
        "applicant_name": d.applicant_name,
        "state": d.state,
        "state_label": _label(d.state),
        "national_status": d.national_status,
        "received_at": d.received_at,
        "accepted_at": d.accepted_at,
        "due_at": d.due_at,
        "timeliness": dossier_timeliness(d).value,
        "return_method": d.return_method,
        "history": [
            {
                "action": e.action,
                "at": e.at,
                "state": e.to_state,
                "state_label": _label(e.to_state),
                # Reasons the applicant must know (refusal, supplement, extension, stop).
                "note": e.reason if e.action != "forward" else "",
            }
            for e in public_history(d)
        ],
        "results": [
            {"code": r.code, "name": r.name, "kind": r.kind, "signed": r.signed_at is not None}
            for r in d.results.all()
        ],
        "parts": [
            {
                "procedure_name": c.procedure_name,
                "agency": c.competent_agency.name,
                "state": c.state,
                "state_label": _label(c.state),
                "due_at": c.due_at,
            }
            for c in parts
        ],
        "version": d.version,
    }


def _find(code: str, secret: str) -> Dossier:
    dossier = dossier_for_tracking(code, secret)
    if dossier is None or dossier.parent_id is not None:
        raise NotFound(_("No dossier has this code and lookup secret."))
    return dossier


@router.get("/{code}/", response=TrackingOut, url_name="tracking_detail")
def tracking_detail(request: HttpRequest, code: str, q: Query[SecretQuery]) -> dict[str, Any]:
    """A dossier as its applicant sees it."""
    return _out(_find(code, q.secret))


class ApplicantRequestIn(InputSchema):
    secret: str = Field(min_length=1, max_length=64)
    version: int = Field(ge=1, le=2**31 - 1)
    reason: str = Field(default="", max_length=2000)


@router.post("/{code}/withdraw/", response=TrackingOut, url_name="tracking_withdraw")
def tracking_withdraw(request: HttpRequest, code: str, body: ApplicantRequestIn) -> dict[str, Any]:
    """The applicant asks to withdraw their dossier (status 7)."""
    dossier = _find(code, body.secret)
    with documented_refusals():
        services.dossier_withdraw(
            dossier=dossier,
            actor=Actor.applicant(dossier.applicant_name),
            reason=body.reason,
            expected_version=body.version,
        )
    return _out(_find(code, body.secret))
