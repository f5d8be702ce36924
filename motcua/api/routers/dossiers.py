"""Dossiers — hồ sơ: submit, list, read and act on them; uploads; the control sheet.

Every read goes through ``motcua.dossiers.selectors.visible_dossiers``: a dossier the
caller may not see is a 404, whatever the address. Every action is a service function
call; the body carries the ``version`` the caller saw (optimistic concurrency: a stale
version is a 409 ``concurrent_change``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Annotated, Any, Literal

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Header, Query, Router, Schema, Status
from ninja.files import UploadedFile as NinjaUploadedFile
from ninja.responses import NinjaJSONEncoder
from pydantic import AwareDatetime, Field, field_validator

from motcua.api.auth import AUTH
from motcua.api.pagination import Keyset, KeysetPage, PageParams, page_of, paginate
from motcua.api.schemas import Id, InputSchema, PathId
from motcua.core.errors import Forbidden, IllegalTransition, InvalidInput, NotFound
from motcua.dossiers import services
from motcua.dossiers.actors import Actor
from motcua.dossiers.lifecycle import OPEN_ACCEPTED, State
from motcua.dossiers.models import (
    Channel,
    Dossier,
    DossierEvent,
    DossierState,
    IdempotencyRecord,
    PaymentMethod,
    ResultKind,
    ReturnMethod,
    UploadedFile,
)
from motcua.dossiers.selectors import DossierFilter, filter_dossiers, visible_dossiers
from motcua.dossiers.storage import store_checked
from motcua.dossiers.uploads import CheckedUpload, check_upload
from motcua.org.models import Agency, RoleAssignment, User
from motcua.workflow.models import HandOver

router = Router(tags=["dossiers"], auth=AUTH)
uploads_router = Router(tags=["uploads"], auth=AUTH)

# The largest file the upload endpoint takes; each procedure has its own, smaller limit
# that is checked when the file is attached.
MAX_UPLOAD_BYTES = 25 * 1024 * 1024

ORDERINGS = {
    "-received_at": Keyset("-received_at"),
    "received_at": Keyset("received_at"),
    "due_at": Keyset("due_at"),
    "-due_at": Keyset("-due_at"),
}


# --- output --------------------------------------------------------------------------


class DossierAgencyOut(Schema):
    id: int
    name: str
    identifier: str


class DossierItem(Schema):
    id: int
    code: str = Field(description="Dossier code (mã số hồ sơ).")
    procedure_code: str
    procedure_name: str
    applicant_name: str
    state: DossierState
    state_label: str
    national_status: int = Field(description="TrangThaiHoSo, 1–10.")
    channel: Channel
    receiving_agency_id: int
    competent_agency_id: int
    current_agency_id: int | None
    received_at: dt.datetime
    accepted_at: dt.datetime | None
    due_at: dt.datetime | None = Field(description="The appointment (ngày hẹn trả).")
    finished_at: dt.datetime | None
    past_due: bool = Field(
        description="Open, accepted and past its appointment (supplement waits not deducted; "
        "see the detail's `timeliness` for the Decision 766 classification)."
    )
    version: int

    @staticmethod
    def resolve_procedure_code(obj: Dossier) -> str:
        if obj.procedure_version is not None:
            return obj.procedure_version.procedure.code
        return obj.procedure_group.code if obj.procedure_group else ""

    @staticmethod
    def resolve_procedure_name(obj: Dossier) -> str:
        return obj.procedure_name

    @staticmethod
    def resolve_state_label(obj: Dossier) -> str:
        return str(obj.get_state_display())

    @staticmethod
    def resolve_national_status(obj: Dossier) -> int:
        return obj.national_status

    @staticmethod
    def resolve_past_due(obj: Dossier) -> bool:
        now = timezone.now()
        return bool(
            obj.due_at is not None
            and obj.state in OPEN_ACCEPTED
            and obj.state != State.SUPPLEMENT_REQUESTED
            and obj.due_at < now
        )


class ApplicantOut(Schema):
    kind: str
    name: str
    personal_id: str
    birth_date: dt.date | None
    org_code: str
    address: str
    phone: str
    email: str
    identity_verified_vneid: bool


class DossierDocumentOut(Schema):
    id: int
    name: str
    required_document_id: int | None
    original_name: str
    sha256: str
    size: int
    content_type: str
    digitised_at_intake: bool
    from_data_store: bool
    uploaded_at: dt.datetime


class DossierFeeOut(Schema):
    name: str
    amount: int


class PaymentOut(Schema):
    id: int
    amount: int
    method: PaymentMethod
    reference: str
    paid_at: dt.datetime


class SupplementOut(Schema):
    at_intake: bool
    items: list[str]
    reason: str
    requested_at: dt.datetime
    completed_at: dt.datetime | None


class ResultOut(Schema):
    number: int
    code: str = Field(description="`<dossier code>-KQ<n>`.")
    name: str
    kind: ResultKind
    sha256: str
    size: int | None
    attached_at: dt.datetime
    signed_at: dt.datetime | None


class ChildOut(Schema):
    id: int
    code: str
    procedure_name: str
    state: DossierState
    competent_agency_id: int
    due_at: dt.datetime | None

    @staticmethod
    def resolve_procedure_name(obj: Dossier) -> str:
        return obj.procedure_name


class StepOut(Schema):
    name: str
    role: str
    agency: int
    share: str
    allotted_seconds: int | None


class DossierDetail(DossierItem):
    applicant: ApplicantOut
    competent_agency: DossierAgencyOut
    receiving_agency: DossierAgencyOut
    return_method: ReturnMethod
    return_agency_id: int | None
    eform_data: dict[str, Any]
    workflow_steps: list[StepOut]
    current_step: int | None
    current_assignee_id: int | None
    original_due_at: dt.datetime | None
    resolved_at: dt.datetime | None
    returned_at: dt.datetime | None
    supplement_requests: int
    extensions: int
    fee_total: int
    paid_total: int
    timeliness: str = Field(
        description="Decision 766: early, on_time, late (finished); in_time, overdue (open); "
        "not_applicable."
    )
    parent_id: int | None
    children: list[ChildOut]
    documents: list[DossierDocumentOut]
    fees: list[DossierFeeOut]
    payments: list[PaymentOut]
    supplements: list[SupplementOut]
    results: list[ResultOut]

    @staticmethod
    def resolve_applicant(obj: Dossier) -> dict[str, Any]:
        return {
            "kind": obj.applicant_kind,
            "name": obj.applicant_name,
            "personal_id": obj.applicant_personal_id,
            "birth_date": obj.applicant_birth_date,
            "org_code": obj.applicant_org_code,
            "address": obj.applicant_address,
            "phone": obj.applicant_phone,
            "email": obj.applicant_email,
            "identity_verified_vneid": obj.identity_verified_vneid,
        }

    @staticmethod
    def resolve_timeliness(obj: Dossier) -> str:
        from motcua.dossiers.selectors import dossier_timeliness

        return dossier_timeliness(obj).value

    @staticmethod
    def resolve_children(obj: Dossier) -> list[Dossier]:
        return list(obj.children.select_related("procedure_version").order_by("id"))

    @staticmethod
    def resolve_documents(obj: Dossier) -> list[Any]:
        return list(obj.documents.all())

    @staticmethod
    def resolve_fees(obj: Dossier) -> list[Any]:
        return list(obj.fees.all())

    @staticmethod
    def resolve_payments(obj: Dossier) -> list[Any]:
        return list(obj.payments.all())

    @staticmethod
    def resolve_supplements(obj: Dossier) -> list[Any]:
        return list(obj.supplements.all())

    @staticmethod
    def resolve_results(obj: Dossier) -> list[Any]:
        return list(obj.results.all())


class SubmittedDossier(DossierDetail):
    lookup_secret: str = Field(
        description="With the code, lets the applicant follow the dossier without signing in."
    )


class EventOut(Schema):
    seq: int
    action: str
    actor_label: str
    at: dt.datetime
    from_state: str
    to_state: str
    reason: str
    data: dict[str, Any]
    hash: str


class HandOverOut(Schema):
    from_step: int | None
    to_step: int | None
    step_name: str
    from_agency_id: int
    from_user_id: int | None
    to_agency_id: int | None
    to_user_id: int | None
    step_started_at: dt.datetime
    handed_over_at: dt.datetime
    allotted_seconds: int | None
    step_due_at: dt.datetime | None
    outcome: str = Field(description="early, on_time or late against the step's allotted time.")
    note: str

    @staticmethod
    def resolve_allotted_seconds(obj: HandOver) -> int | None:
        return int(obj.allotted.total_seconds()) if obj.allotted is not None else None


class UploadOut(Schema):
    id: int
    sha256: str
    size: int
    content_type: str
    original_name: str


# --- input ---------------------------------------------------------------------------

# A moment in a request: with its UTC offset (a naive time is ambiguous), and within years
# that survive any time-zone conversion on every database. "0001-01-01T00:00:00+14:00" is
# year 0 in UTC: PostgreSQL stores it, then no row holding it can be read back.
Moment = Annotated[
    AwareDatetime,
    Field(ge=dt.datetime(1900, 1, 1, tzinfo=dt.UTC), lt=dt.datetime(3000, 1, 1, tzinfo=dt.UTC)),
]


class ApplicantIn(InputSchema):
    kind: Literal["person", "organisation"]
    name: str = Field(min_length=1, max_length=255)
    personal_id: str = Field(default="", max_length=20)
    birth_date: dt.date | None = None
    org_code: str = Field(default="", max_length=20)
    address: str = Field(default="", max_length=500)
    phone: str = Field(default="", max_length=20)
    email: str = Field(default="", max_length=254)


class DocumentIn(InputSchema):
    upload_id: Id
    required_document_id: Id | None = None
    name: str = Field(default="", max_length=1000)
    digitised_at_intake: bool = False
    from_data_store: bool = False


# E-forms are a few levels deep (a group's procedures, their fields, a list of rows): deeper
# data is refused before anything serialises it (pydantic gives up past ~250 levels).
MAX_EFORM_DEPTH = 32


def _eform_problem(value: Any) -> str | None:
    """Why free-form e-form data cannot be stored as JSON, or None (no recursion).

    JSON text may hold what a JSON column cannot: 1e400 parses to infinity, and a "\\ud800"
    escape to half a UTF-16 pair that no UTF-8 encoder accepts.
    """
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, (dict, list)):
            if depth > MAX_EFORM_DEPTH:
                return _("The e-form data nests more than %(n)d levels deep.") % {
                    "n": MAX_EFORM_DEPTH
                }
            children = [*item.keys(), *item.values()] if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
        elif isinstance(item, float) and not math.isfinite(item):
            return _("Numbers in the e-form data must be finite.")
        elif isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return _("The e-form data holds text that is not valid Unicode.")
    return None


class SubmitIn(InputSchema):
    procedure_code: str = Field(default="", max_length=20, description="e.g. 1.001193")
    group_code: str = Field(
        default="", max_length=60, description="An interconnected group instead of a procedure."
    )
    applicant: ApplicantIn
    receiving_agency_id: Id
    competent_agency_id: Id | None = None
    channel: Channel
    return_method: ReturnMethod = ReturnMethod.COUNTER
    return_agency_id: Id | None = None
    eform_data: dict[str, Any] = Field(default_factory=dict)
    documents: list[DocumentIn] = Field(default_factory=list, max_length=50)
    identity_verified_vneid: bool = False

    @field_validator("eform_data")
    @classmethod
    def _storable(cls, value: dict[str, Any]) -> dict[str, Any]:
        problem = _eform_problem(value)
        if problem is not None:
            raise ValueError(problem)
        return value


class VersionIn(InputSchema):
    version: int = Field(ge=1, le=2**31 - 1, description="The version of the dossier you saw.")


class NoteIn(VersionIn):
    note: str = Field(default="", max_length=2000)


class ReasonIn(VersionIn):
    reason: str = Field(min_length=1, max_length=2000)


class ItemsIn(VersionIn):
    items: list[str] = Field(min_length=1, max_length=50)
    reason: str = Field(default="", max_length=2000)


class ForwardIn(NoteIn):
    to_user_id: Id | None = None


class CompleteSupplementIn(NoteIn):
    documents: list[DocumentIn] = Field(default_factory=list, max_length=50)


class AmountItem(InputSchema):
    name: str = Field(min_length=1, max_length=500)
    amount: int = Field(ge=1, le=10**13)


class RequestPaymentIn(VersionIn):
    items: list[AmountItem] = Field(min_length=1, max_length=50)
    reason: str = Field(default="", max_length=2000)


class RecordPaymentIn(VersionIn):
    amount: int = Field(ge=1, le=10**13)
    method: PaymentMethod
    reference: str = Field(default="", max_length=100)
    paid_at: Moment | None = None


class ResultIn(VersionIn):
    name: str = Field(min_length=1, max_length=500)
    kind: ResultKind
    upload_id: Id | None = None


class ExtendIn(VersionIn):
    new_due_at: Moment
    reason: str = Field(min_length=1, max_length=2000)


class DossierFilters(Schema):
    agency: Id | None = Field(default=None, description="Receiving, competent or holding.")
    status: list[DossierState] = Field(default_factory=list, description="Any of these.")
    procedure: str | None = Field(default=None, max_length=20)
    due_before: Moment | None = None
    due_after: Moment | None = None
    channel: Channel | None = None
    q: str | None = Field(
        default=None, max_length=100, description="Code, applicant name, ID or phone."
    )
    order: Literal["-received_at", "received_at", "due_at", "-due_at"] = "-received_at"


# --- helpers -------------------------------------------------------------------------


def _user(request: HttpRequest) -> User:
    user = request.auth  # type: ignore[attr-defined]
    assert isinstance(user, User)
    return user


def actor_for(user: User) -> Actor:
    """An official when the account holds a role; otherwise a machine client."""
    if RoleAssignment.objects.filter(user=user).exists() or user.is_superuser:
        return Actor.official(user)
    return Actor.client(user)


def _visible(request: HttpRequest, dossier_id: int) -> Dossier:
    dossier = (
        visible_dossiers(_user(request))
        .select_related(
            "procedure_version__procedure",
            "procedure_group",
            "competent_agency",
            "receiving_agency",
        )
        .filter(pk=dossier_id)
        .first()
    )
    if dossier is None:
        raise NotFound(_("There is no dossier with the id %(id)s.") % {"id": dossier_id})
    return dossier


def _reload(dossier_id: int) -> Dossier:
    return Dossier.objects.select_related(
        "procedure_version__procedure", "procedure_group", "competent_agency", "receiving_agency"
    ).get(pk=dossier_id)


def _agency(agency_id: int | None, field: str) -> Agency | None:
    if agency_id is None:
        return None
    agency = Agency.objects.filter(pk=agency_id, active=True).first()
    if agency is None:
        raise InvalidInput(
            _("There is no agency with the id %(id)s.") % {"id": agency_id},
            details={"errors": {field: _("Unknown agency.")}},
        )
    return agency


def _checked(upload: UploadedFile) -> CheckedUpload:
    with upload.file.open("rb") as f:
        content = f.read()
    return CheckedUpload(
        content=content,
        sha256=upload.sha256,
        size=upload.size,
        content_type=upload.content_type,
        extension="." + upload.file.name.rsplit(".", 1)[-1] if "." in upload.file.name else "",
        original_name=upload.original_name,
    )


def _documents(user: User, docs: list[DocumentIn]) -> list[services.DocumentInput]:
    ids = {d.upload_id for d in docs}
    uploads = {u.pk: u for u in UploadedFile.objects.filter(owner=user, pk__in=ids)}
    result = []
    for i, doc in enumerate(docs):
        upload = uploads.get(doc.upload_id)
        if upload is None:
            raise InvalidInput(
                _("Upload %(id)s is not one of yours.") % {"id": doc.upload_id},
                details={"errors": {f"documents.{i}.upload_id": _("Unknown upload.")}},
            )
        result.append(
            services.DocumentInput(
                upload=_checked(upload),
                name=doc.name,
                required_document_id=doc.required_document_id,
                digitised_at_intake=doc.digitised_at_intake,
                from_data_store=doc.from_data_store,
            )
        )
    return result


def _spec(user: User, body: SubmitIn) -> services.NewDossier:
    receiving = _agency(body.receiving_agency_id, "receiving_agency_id")
    assert receiving is not None
    a = body.applicant
    return services.NewDossier(
        applicant=services.ApplicantInput(
            kind=a.kind,
            name=a.name,
            personal_id=a.personal_id,
            birth_date=a.birth_date,
            org_code=a.org_code,
            address=a.address,
            phone=a.phone,
            email=a.email,
        ),
        receiving_agency=receiving,
        channel=body.channel,
        procedure_code=body.procedure_code,
        group_code=body.group_code,
        competent_agency=_agency(body.competent_agency_id, "competent_agency_id"),
        return_method=body.return_method,
        return_agency=_agency(body.return_agency_id, "return_agency_id"),
        eform_data=body.eform_data,
        documents=_documents(user, body.documents),
        identity_verified_vneid=body.identity_verified_vneid,
    )


def _submitted(dossier: Dossier) -> str:
    """The submission's body as JSON text, encoded like every other response of the API."""
    data = SubmittedDossier.from_orm(_reload(dossier.pk)).model_dump()
    data["lookup_secret"] = dossier.lookup_secret
    return json.dumps(data, cls=NinjaJSONEncoder, ensure_ascii=False)


def _json(status: int, body: str | dict[str, Any]) -> HttpResponse:
    """The submission response, byte for byte the same when an Idempotency-Key replays it.

    The record keeps the body as JSON *text* (a JSON string in its JSONField): PostgreSQL's
    jsonb would reorder an object's keys, and the replay would no longer be the same bytes.
    """
    if not isinstance(body, str):  # a record written before the body was kept as text
        body = json.dumps(body, cls=NinjaJSONEncoder, ensure_ascii=False)
    return HttpResponse(body, status=status, content_type="application/json; charset=utf-8")


IdempotencyKey: Any = Header(  # type: ignore[type-arg]
    default=None,
    alias="Idempotency-Key",
    max_length=255,
    description="Retrying with the same key returns the first response; no second dossier.",
)


def _create(
    request: HttpRequest, body: SubmitIn, key: str | None, *, receive: bool
) -> HttpResponse:
    user = _user(request)
    owner = f"user:{user.pk}"
    request_hash = hashlib.sha256(
        json.dumps(body.model_dump(mode="json"), sort_keys=True).encode()
    ).hexdigest()

    def replay(record: IdempotencyRecord) -> HttpResponse:
        if record.request_hash != request_hash:
            raise InvalidInput(
                _("This Idempotency-Key was used for a different request."),
                code="idempotency_key_reused",
            )
        return _json(record.status, record.response)

    if key:
        record = IdempotencyRecord.objects.filter(owner=owner, key=key).first()
        if record is not None:
            return replay(record)
    try:
        with transaction.atomic():
            spec = _spec(user, body)
            actor = actor_for(user)
            if receive:
                dossier = services.dossier_receive(spec=spec, actor=actor)
            else:
                dossier = services.dossier_submit(spec=spec, actor=actor)
            response = _submitted(dossier)
            if key:
                IdempotencyRecord.objects.create(
                    owner=owner,
                    key=key,
                    request_hash=request_hash,
                    dossier=dossier,
                    status=201,
                    response=response,
                )
    except IntegrityError:
        # Another request with the same key committed first; this one rolled back whole.
        record = IdempotencyRecord.objects.filter(owner=owner, key=key).first()
        if record is None:
            raise
        return replay(record)
    return _json(201, response)


# --- endpoints -----------------------------------------------------------------------


@uploads_router.post("/", response={201: UploadOut}, url_name="upload_create")
def upload_create(request: HttpRequest, file: File[NinjaUploadedFile]) -> Status[Any]:
    """Upload a PDF, JPEG or PNG (checked by content) to attach to a dossier afterwards."""
    checked = check_upload(file, filename=file.name or "", max_bytes=MAX_UPLOAD_BYTES)
    name = store_checked(checked)
    upload = UploadedFile.objects.create(
        owner=_user(request),
        file=name,
        sha256=checked.sha256,
        size=checked.size,
        content_type=checked.content_type,
        original_name=checked.original_name,
    )
    return Status(201, upload)


@router.post("/", response={201: SubmittedDossier}, url_name="dossier_submit")
def dossier_submit(
    request: HttpRequest, body: SubmitIn, idempotency_key: str | None = IdempotencyKey
) -> Any:
    """Submit a dossier online (or from the national portal / VNeID): status 1."""
    return _create(request, body, idempotency_key, receive=False)


@router.post("/receive/", response={201: SubmittedDossier}, url_name="dossier_receive")
def dossier_receive(
    request: HttpRequest, body: SubmitIn, idempotency_key: str | None = IdempotencyKey
) -> Any:
    """Register a dossier handed in at a counter or by post (reception officers)."""
    return _create(request, body, idempotency_key, receive=True)


@router.get("/", response=page_of(DossierItem), url_name="dossier_list")
def dossier_list(
    request: HttpRequest, filters: Query[DossierFilters], page: Query[PageParams]
) -> KeysetPage[Dossier]:
    """The dossiers the caller may see, newest first by default, a page at a time."""
    qs = filter_dossiers(
        visible_dossiers(_user(request)),
        DossierFilter(
            agency_id=filters.agency,
            states=tuple(filters.status),
            procedure_code=filters.procedure or "",
            due_before=filters.due_before,
            due_after=filters.due_after,
            channel=filters.channel or "",
            text=filters.q or "",
        ),
    ).select_related("procedure_version__procedure", "procedure_group")
    return paginate(qs, ORDERINGS[filters.order], page)


@router.get("/{dossier_id}/", response=DossierDetail, url_name="dossier_detail")
def dossier_detail(request: HttpRequest, dossier_id: PathId) -> Dossier:
    """Everything stored about a dossier."""
    return _visible(request, dossier_id)


@router.get("/{dossier_id}/events/", response=list[EventOut], url_name="dossier_events")
def dossier_events(request: HttpRequest, dossier_id: PathId) -> list[DossierEvent]:
    """The dossier's audit ledger, oldest first, with each event's chain hash."""
    return list(_visible(request, dossier_id).events.order_by("seq"))


@router.get(
    "/{dossier_id}/control-sheet/", response=list[HandOverOut], url_name="dossier_control_sheet"
)
def dossier_control_sheet(request: HttpRequest, dossier_id: PathId) -> list[HandOver]:
    """The control sheet (Mẫu 06): each hand-over, classified against its step's time."""
    return list(_visible(request, dossier_id).handovers.order_by("handed_over_at", "id"))


@contextmanager
def documented_refusals() -> Iterator[None]:
    """A refused transition is the documented ``illegal_transition`` problem.

    The services name the precise reason in the error's code (``wrong_state``,
    ``last_step``, ``supplement_once``…); the API answers with the code its table lists, so
    the title is translated and clients branch on one code, and keeps the reason in the
    ``refusal`` member.
    """
    try:
        yield
    except IllegalTransition as exc:
        if exc.code == IllegalTransition.code:
            raise
        raise IllegalTransition(exc.message, details={**exc.details, "refusal": exc.code}) from exc


def _act(request: HttpRequest, dossier_id: int, call: Any) -> Dossier:
    dossier = _visible(request, dossier_id)
    actor = actor_for(_user(request))
    if actor.kind != "official":
        raise Forbidden(_("Only officials act on dossiers."))
    with documented_refusals():
        call(dossier, actor)
    return _reload(dossier.pk)


def _action(
    path: str, name: str, summary: str
) -> Callable[[Callable[..., Dossier]], Callable[..., Dossier]]:
    return router.post(
        f"/{{dossier_id}}/{path}/", response=DossierDetail, url_name=name, summary=summary
    )


@_action("accept", "dossier_accept", "Accept (Mẫu 01): computes the appointment")
def dossier_accept(request: HttpRequest, dossier_id: PathId, body: VersionIn) -> Dossier:
    return _act(
        request,
        dossier_id,
        lambda d, a: services.dossier_accept(dossier=d, actor=a, expected_version=body.version),
    )


@_action("ask-to-complete", "dossier_ask_to_complete", "Ask to complete at intake (Mẫu 02)")
def dossier_ask_to_complete(request: HttpRequest, dossier_id: PathId, body: ItemsIn) -> Dossier:
    return _act(
        request,
        dossier_id,
        lambda d, a: services.dossier_ask_to_complete(
            dossier=d, actor=a, items=body.items, reason=body.reason, expected_version=body.version
        ),
    )


@_action("refuse", "dossier_refuse", "Refuse with reasons (Mẫu 03)")
def dossier_refuse(request: HttpRequest, dossier_id: PathId, body: ReasonIn) -> Dossier:
    return _act(
        request,
        dossier_id,
        lambda d, a: services.dossier_refuse(
            dossier=d, actor=a, reason=body.reason, expected_version=body.version
        ),
    )


@_action("forward", "dossier_forward", "Forward to the next step")
def dossier_forward(request: HttpRequest, dossier_id: PathId, body: ForwardIn) -> Dossier:
    return _act(
        request,
        dossier_id,
        lambda d, a: services.dossier_forward(
            dossier=d,
            actor=a,
            to_user_id=body.to_user_id,
            note=body.note,
            expected_version=body.version,
        ),
    )


@_action("return-to-previous", "dossier_return_to_previous", "Return to the previous step")
def dossier_return_to_previous(request: HttpRequest, dossier_id: PathId, body: ReasonIn) -> Dossier:
    return _act(
        request,
        dossier_id,
        lambda d, a: services.dossier_return_to_previous(
            dossier=d, actor=a, reason=body.reason, expected_version=body.version
        ),
    )


@_action("request-supplement", "dossier_request_supplement", "Request a supplement (once)")
def dossier_request_supplement(request: HttpRequest, dossier_id: PathId, body: ItemsIn) -> Dossier:
    return _act(
        request,
        dossier_id,
        lambda d, a: services.dossier_request_supplement(
            dossier=d, actor=a, items=body.items, reason=body.reason, expected_version=body.version
        ),
    )


@_action("complete-supplement", "dossier_complete_supplement", "Record the supplement")
def dossier_complete_supplement(
    request: HttpRequest, dossier_id: PathId, body: CompleteSupplementIn
) -> Dossier:
    user = _user(request)
    return _act(
        request,
        dossier_id,
        lambda d, a: services.dossier_complete_supplement(
            dossier=d,
            actor=a,
            documents=_documents(user, body.documents),
            note=body.note,
            expected_version=body.version,
        ),
    )


@_action("request-payment", "dossier_request_payment", "Request the financial obligation")
def dossier_request_payment(
    request: HttpRequest, dossier_id: PathId, body: RequestPaymentIn
) -> Dossier:
    return _act(
        request,
        dossier_id,
        lambda d, a: services.dossier_request_payment(
            dossier=d,
            actor=a,
            items=[(i.name, i.amount) for i in body.items],
            reason=body.reason,
            expected_version=body.version,
        ),
    )


@_action("payments", "dossier_record_payment", "Record a payment")
def dossier_record_payment(
    request: HttpRequest, dossier_id: PathId, body: RecordPaymentIn
) -> Dossier:
    return _act(
        request,
        dossier_id,
        lambda d, a: services.dossier_record_payment(
            dossier=d,
            actor=a,
            amount=body.amount,
            method=body.method,
            reference=body.reference,
            paid_at=body.paid_at,
            expected_version=body.version,
        ),
    )


@_action("approve", "dossier_approve", "Approve at the last step")
def dossier_approve(request: HttpRequest, dossier_id: PathId, body: NoteIn) -> Dossier:
    return _act(
        request,
        dossier_id,
        lambda d, a: services.dossier_approve(
            dossier=d, actor=a, note=body.note, expected_version=body.version
        ),
    )


def _result_upload(user: User, upload_id: int | None) -> CheckedUpload | None:
    if upload_id is None:
        return None
    found = UploadedFile.objects.filter(owner=user, pk=upload_id).first()
    if found is None:
        raise InvalidInput(
            _("Upload %(id)s is not one of yours.") % {"id": upload_id},
            details={"errors": {"upload_id": _("Unknown upload.")}},
        )
    return _checked(found)


@_action("results", "dossier_attach_result", "Attach a result (<code>-KQ<n>)")
def dossier_attach_result(request: HttpRequest, dossier_id: PathId, body: ResultIn) -> Dossier:
    user = _user(request)
    # The upload is looked up once the dossier is known to be visible (a 404 comes first).
    return _act(
        request,
        dossier_id,
        lambda d, a: services.dossier_attach_result(
            dossier=d,
            actor=a,
            name=body.name,
            kind=body.kind,
            upload=_result_upload(user, body.upload_id),
            expected_version=body.version,
        ),
    )


@_action("sign", "dossier_sign_result", "Sign the results: result ready (status 9)")
def dossier_sign_result(request: HttpRequest, dossier_id: PathId, body: VersionIn) -> Dossier:
    from motcua.documents.results import dossier_sign_and_seal

    return _act(
        request,
        dossier_id,
        # The leader's signature and the competent agency's PAdES seal on the results.
        lambda d, a: dossier_sign_and_seal(dossier=d, actor=a, expected_version=body.version),
    )


@_action("extend", "dossier_extend", "Apologise and extend the appointment (Mẫu 04)")
def dossier_extend(request: HttpRequest, dossier_id: PathId, body: ExtendIn) -> Dossier:
    return _act(
        request,
        dossier_id,
        lambda d, a: services.dossier_extend(
            dossier=d,
            actor=a,
            new_due_at=body.new_due_at,
            reason=body.reason,
            expected_version=body.version,
        ),
    )


@_action("stop", "dossier_stop", "Stop processing (Mẫu 05)")
def dossier_stop(request: HttpRequest, dossier_id: PathId, body: ReasonIn) -> Dossier:
    return _act(
        request,
        dossier_id,
        lambda d, a: services.dossier_stop(
            dossier=d, actor=a, reason=body.reason, expected_version=body.version
        ),
    )


@_action("withdraw", "dossier_withdraw", "Record the applicant's request to withdraw")
def dossier_withdraw(request: HttpRequest, dossier_id: PathId, body: NoteIn) -> Dossier:
    return _act(
        request,
        dossier_id,
        lambda d, a: services.dossier_withdraw(
            dossier=d, actor=a, reason=body.note, expected_version=body.version
        ),
    )


@_action("return-result", "dossier_return_result", "Return the result (status 10)")
def dossier_return_result(request: HttpRequest, dossier_id: PathId, body: NoteIn) -> Dossier:
    return _act(
        request,
        dossier_id,
        lambda d, a: services.dossier_return_result(
            dossier=d, actor=a, note=body.note, expected_version=body.version
        ),
    )
