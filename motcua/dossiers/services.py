"""State changes of dossiers (hồ sơ): one service function per business action.

Every function is keyword-only and atomic: it locks the dossier row, checks the expected
version (optimistic concurrency), asks :func:`motcua.dossiers.lifecycle.decide` whether
the action is legal now, checks the actor's role at the right agency, changes the
dossier, and appends the event (hash-chained) in the same transaction. Side effects
(notifications, national sync) are enqueued as background tasks after commit.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import validate_email
from django.db import IntegrityError, connection, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.catalog.models import (
    GroupMember,
    Procedure,
    ProcedureGroup,
    ProcedureVersion,
    RequiredDocument,
    VersionStatus,
)
from motcua.catalog.schemas import eform_data_errors
from motcua.catalog.services import procedure_version_freeze
from motcua.core.errors import (
    ConcurrentChange,
    Forbidden,
    IllegalTransition,
    InvalidInput,
    NotFound,
)
from motcua.core.text import fold, nfc
from motcua.dossiers import ledger
from motcua.dossiers.actors import Actor, ActorKind
from motcua.dossiers.codes import CodeFormatError, format_dossier_code, result_code
from motcua.dossiers.lifecycle import (
    Action,
    Decision,
    Refusal,
    Situation,
    State,
    creation_state,
    decide,
    ends_processing,
)
from motcua.dossiers.models import (
    ApplicantKind,
    Channel,
    DailySequence,
    Document,
    Dossier,
    DossierEvent,
    DossierFee,
    DossierState,
    Payment,
    PaymentMethod,
    Result,
    ResultKind,
    ReturnMethod,
    SupplementRequest,
)
from motcua.dossiers.permissions import RECEPTION, authorise
from motcua.dossiers.storage import store_checked
from motcua.dossiers.timeliness import Pause
from motcua.dossiers.uploads import CheckedUpload
from motcua.org.models import (
    ADMIN_UNIT_KINDS,
    PHONE_RE,
    Agency,
    AgencyKind,
    Role,
    RoleAssignment,
    User,
)
from motcua.org.personal_id import (
    personal_id_messages,
    personal_id_problems,
    tax_code_messages,
    tax_code_problems,
)
from motcua.org.selectors import user_has_any_role
from motcua.workflow.allotment import allotted_times, classify_handover, step_due
from motcua.workflow.models import HandOver, StepAgency, Workflow
from motcua.worktime.calendar import WorkCalendar, to_local
from motcua.worktime.deadlines import compute_due
from motcua.worktime.selectors import work_calendar

# The default workflow where none is configured: appraisal by a specialist and approval
# and signature by a leader of the competent agency; the rest of the time is the desk's.
DEFAULT_STEPS: tuple[tuple[str, str, Decimal], ...] = (
    ("Thẩm định hồ sơ", Role.SPECIALIST, Decimal("60")),
    ("Phê duyệt, ký kết quả", Role.LEADER, Decimal("30")),
)


# What a child of an interconnected group takes from its group: the same applicant.
APPLICANT_FIELDS = (
    "applicant_kind",
    "applicant_name",
    "applicant_personal_id",
    "applicant_birth_date",
    "applicant_org_code",
    "applicant_address",
    "applicant_phone",
    "applicant_email",
    "identity_verified_vneid",
    "owner",
)


# --- input ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ApplicantInput:
    kind: str
    name: str
    personal_id: str = ""
    birth_date: dt.date | None = None
    org_code: str = ""
    address: str = ""
    phone: str = ""
    email: str = ""


@dataclass(frozen=True)
class DocumentInput:
    """A paper handed in: an uploaded file, or one taken from the citizen's data store."""

    upload: CheckedUpload
    name: str = ""
    required_document_id: int | None = None
    digitised_at_intake: bool = False
    from_data_store: bool = False


@dataclass(frozen=True)
class NewDossier:
    applicant: ApplicantInput
    receiving_agency: Agency
    channel: str
    procedure_code: str = ""
    group_code: str = ""
    competent_agency: Agency | None = None
    return_method: str = ReturnMethod.COUNTER
    return_agency: Agency | None = None
    eform_data: dict[str, Any] = field(default_factory=dict)
    documents: Sequence[DocumentInput] = ()
    identity_verified_vneid: bool = False
    # The citizen account the dossier belongs to (online filing, assisted filing).
    owner: User | None = None
    # Facts recorded in the creation event: how the identity was verified, who assisted.
    event_data: Mapping[str, Any] = field(default_factory=dict)


# --- errors --------------------------------------------------------------------------


def _refusal_message(refusal: Refusal, action: Action, state: State) -> str:
    messages = {
        Refusal.LAST_STEP: _("This is the last step: approve the dossier instead."),
        Refusal.FIRST_STEP: _("This is the first step: there is no previous step."),
        Refusal.NOT_LAST_STEP: _("Only the last step of the workflow can approve."),
        Refusal.ALREADY_ASKED_TO_COMPLETE: _(
            "The applicant has already been asked once to complete this dossier."
        ),
        Refusal.SUPPLEMENT_ONCE: _("A supplement may be requested only once."),
        Refusal.EXTENSION_ONCE: _("The appointment may be extended only once."),
        Refusal.EXTENSION_TOO_LATE: _(
            "An extension must be issued at least one working day before the appointment."
        ),
        Refusal.NO_RESULT: _("Attach the result before signing."),
        Refusal.GROUP_PROCESSED_BY_CHILDREN: _(
            "An interconnected dossier is processed through its dossiers at each agency."
        ),
        Refusal.CHILDREN_OPEN: _("Some agencies have not finished their part yet."),
        Refusal.NOT_A_GROUP: _("This is not an interconnected dossier."),
        Refusal.CHILD_FOLLOWS_GROUP: _(
            "This part of an interconnected dossier is received and returned with its group."
        ),
        Refusal.CREATING_ONLY: _("This action creates a new dossier."),
    }
    if refusal in messages:
        return messages[refusal]
    return _("A dossier with status “%(state)s” cannot be %(action)s.") % {
        "state": _state_label(state),
        "action": _action_verb(action),
    }


def _state_label(state: State) -> str:
    return str(DossierState(state).label)


def _action_verb(action: Action) -> str:
    verbs = {
        Action.ACCEPT: _("accepted"),
        Action.ASK_TO_COMPLETE: _("sent back to be completed"),
        Action.REFUSE: _("refused"),
        Action.FORWARD: _("forwarded"),
        Action.RETURN_TO_PREVIOUS: _("returned to the previous step"),
        Action.REQUEST_SUPPLEMENT: _("sent back for a supplement"),
        Action.COMPLETE_SUPPLEMENT: _("supplemented"),
        Action.REQUEST_PAYMENT: _("asked for payment"),
        Action.RECORD_PAYMENT: _("paid"),
        Action.APPROVE: _("approved"),
        Action.ATTACH_RESULT: _("given a result"),
        Action.SIGN_RESULT: _("signed"),
        Action.EXTEND: _("extended"),
        Action.STOP: _("stopped"),
        Action.WITHDRAW: _("withdrawn"),
        Action.RETURN_RESULT: _("returned to the applicant"),
        Action.FINISH_GROUP: _("finished"),
    }
    return verbs.get(action, str(action))


# --- helpers -------------------------------------------------------------------------


def _now(at: dt.datetime | None) -> dt.datetime:
    if at is None:
        return timezone.now()
    if timezone.is_naive(at):
        raise ValueError("times must be timezone-aware")
    return at


def calendar_for(agency: Agency | None, start: dt.datetime, years: int = 3) -> WorkCalendar:
    year = to_local(start).year
    return work_calendar(year - 1, year + years, agency)


def _lock(dossier: Dossier | int, expected_version: int | None) -> Dossier:
    pk = dossier.pk if isinstance(dossier, Dossier) else dossier
    # One lock order, group before child: a group's stop, withdrawal or return locks its
    # children, and a child that finishes locks its group; the reverse order deadlocks.
    parent_id = Dossier.objects.filter(pk=pk).values_list("parent_id", flat=True).first()
    if parent_id is not None:
        list(Dossier.objects.select_for_update().filter(pk=parent_id).values_list("pk"))
    try:
        locked = (
            # Only the dossier row: PostgreSQL refuses FOR UPDATE on the nullable side of
            # the outer joins select_related makes (procedure version or group).
            Dossier.objects.select_for_update(of=("self",))
            .select_related("procedure_version", "procedure_group")
            .get(pk=pk)
        )
    except Dossier.DoesNotExist:
        raise NotFound(_("No such dossier.")) from None
    if expected_version is not None and locked.version != expected_version:
        raise ConcurrentChange(
            _(
                "Someone else changed this dossier meanwhile (version %(now)d, you saw "
                "%(seen)d). Reload it and try again."
            )
            % {"now": locked.version, "seen": expected_version},
            details={"version": locked.version},
        )
    return locked


def _situation(d: Dossier, **over: Any) -> Situation:
    values: dict[str, Any] = {
        "state": State(d.state),
        "step": d.current_step,
        "step_count": len(d.workflow_steps),
        "is_group": d.procedure_group_id is not None,
        "is_child": d.parent_id is not None,
        "resume_state": State(d.resume_state) if d.resume_state else None,
        "intake_completion_requested": d.intake_completion_requested,
        "supplement_requests": d.supplement_requests,
        "extensions": d.extensions,
        "results": d.results.count() if d.state == State.APPROVED else 0,
    }
    values.update(over)
    return Situation(**values)


def _decide(d: Dossier, action: Action, **over: Any) -> Decision:
    decision = decide(action, _situation(d, **over))
    if not decision.allowed:
        assert decision.refusal is not None
        raise IllegalTransition(
            _refusal_message(decision.refusal, action, State(d.state)),
            code=decision.refusal.value,
            details={"state": d.state, "action": action.value},
        )
    return decision


def _authorise(actor: Actor, action: Action, d: Dossier) -> None:
    """Least privilege: which role, at which of the dossier's agencies, may do what (the
    rule lives in ``motcua.dossiers.permissions``, shared with the officials' pages)."""
    authorise(actor, action, d)


def _begin(
    dossier: Dossier | int, action: Action, actor: Actor, expected_version: int | None
) -> tuple[Dossier, Decision]:
    """Lock the dossier, check the version, the actor's right, then the lifecycle."""
    d = _lock(dossier, expected_version)
    _authorise(actor, action, d)
    return d, _decide(d, action)


def _append_event(
    d: Dossier,
    *,
    action: Action,
    actor: Actor,
    from_state: str,
    to_state: str,
    at: dt.datetime,
    reason: str = "",
    data: dict[str, Any] | None = None,
) -> DossierEvent:
    """Append the next event of ``d``'s chain and move its head (caller holds the lock)."""
    payload = data or {}
    seq = d.event_count + 1
    prev = d.last_event_hash or ledger.GENESIS
    content = ledger.canonical(
        dossier_id=d.pk,
        seq=seq,
        action=action.value,
        actor_id=actor.user_id,
        actor_label=actor.label,
        at=at,
        from_state=from_state,
        to_state=to_state,
        reason=reason,
        data=payload,
    )
    event = DossierEvent.objects.create(
        dossier=d,
        seq=seq,
        action=action.value,
        actor=actor.user,
        actor_label=actor.label,
        at=at,
        from_state=from_state,
        to_state=to_state,
        reason=reason,
        data=payload,
        prev_hash=prev,
        hash=ledger.chain_hash(prev, content),
    )
    d.event_count = seq
    d.last_event_hash = event.hash
    if not _quiet.get():
        transaction.on_commit(lambda: _after_commit(event.pk))
    return event


# Set while recording history that must not reach anyone (demo data, imports of past
# dossiers): no notification, no sync for those events.
_quiet: ContextVar[bool] = ContextVar("motcua_dossier_events_quiet", default=False)


@contextmanager
def history_only() -> Iterator[None]:
    """Record events without queueing their side effects (backdated demo or import data)."""
    token = _quiet.set(True)
    try:
        yield
    finally:
        _quiet.reset(token)


def _after_commit(event_id: int) -> None:
    from motcua.dossiers.tasks import deliver_event

    deliver_event.enqueue(event_id)


def _save(d: Dossier, *fields: str) -> None:
    d.version += 1
    d.save(update_fields=[*fields, "version", "event_count", "last_event_hash", "updated_at"])


def _transition(
    d: Dossier,
    decision: Decision,
    *,
    action: Action,
    actor: Actor,
    at: dt.datetime,
    reason: str = "",
    data: dict[str, Any] | None = None,
    fields: Sequence[str] = (),
) -> DossierEvent:
    """Move ``d`` to the decided state, set the end of processing, append the event."""
    from_state = State(d.state)
    assert decision.to_state is not None
    to_state = decision.to_state
    d.state = to_state
    changed = ["state", *fields]
    if ends_processing(from_state, to_state) and d.finished_at is None:
        d.finished_at = at
        changed.append("finished_at")
    event = _append_event(
        d,
        action=action,
        actor=actor,
        from_state=from_state,
        to_state=to_state,
        at=at,
        reason=reason,
        data=data,
    )
    _save(d, *dict.fromkeys(changed))
    if d.parent_id is not None and to_state in {
        State.RESOLVED,
        State.STOPPED,
        State.REFUSED,
        State.WITHDRAWN,
    }:
        _maybe_finish_group(d.parent_id, at=at)
    return event


# --- creation ------------------------------------------------------------------------


def _allocate_code(agency: Agency, day: dt.date) -> str:
    """Next code of ``agency`` for ``day``: gap-free, because the counter row is locked
    until the dossier that used the number commits (or both roll back)."""
    table = DailySequence._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (agency_id, day, last) VALUES (%s, %s, 1) "
            f"ON CONFLICT (agency_id, day) DO UPDATE SET last = {table}.last + 1 "
            "RETURNING last",
            [agency.pk, day],
        )
        row = cursor.fetchone()
    assert row is not None
    try:
        return format_dossier_code(
            agency=agency.identifier,
            day=day,
            seq=int(row[0]),
            fmt=settings.MOTCUA_DOSSIER_CODE_FORMAT,
            regex=settings.MOTCUA_DOSSIER_CODE_REGEX,
        )
    except CodeFormatError as exc:
        raise InvalidInput(
            _("No dossier code can be issued: %(error)s") % {"error": exc},
            code="code_format",
        ) from exc


def _published_version(code: str) -> ProcedureVersion:
    version = (
        ProcedureVersion.objects.filter(procedure__code=code, status=VersionStatus.PUBLISHED)
        .select_related("procedure")
        .first()
    )
    if version is None:
        raise InvalidInput(
            _("There is no published procedure with code %(code)s.") % {"code": code},
            code="unknown_procedure",
            details={"errors": {"procedure": _("Unknown procedure.")}},
        )
    return version


def resolve_competent_agency(
    version: ProcedureVersion, requested: Agency | None, receiving: Agency
) -> Agency:
    """The agency that decides ``version`` for this dossier.

    Department and central-agency procedures have exactly one competent agency in the
    province (by sector); the provincial committee's are decided by the root; commune
    procedures by the commune the applicant names (by default the commune whose centre
    received the dossier).
    """
    kind = version.competent_agency_kind
    if kind in {AgencyKind.DEPARTMENT, AgencyKind.CENTRAL_LOCAL}:
        found = Agency.objects.filter(
            kind=kind, sector=version.competent_sector, active=True
        ).first()
    elif kind == AgencyKind.PROVINCE_COMMITTEE:
        found = Agency.objects.filter(kind=kind, parent__isnull=True, active=True).first()
    else:
        commune_kinds = {AgencyKind.COMMUNE, AgencyKind.WARD, AgencyKind.SPECIAL_ZONE}
        candidate = requested
        if candidate is None and receiving.parent is not None:
            candidate = receiving.parent if receiving.parent.kind in commune_kinds else None
        if candidate is None or candidate.kind not in commune_kinds or not candidate.active:
            raise InvalidInput(
                _("Name the commune or ward that decides this procedure."),
                code="competent_agency_required",
                details={"errors": {"competent_agency": _("Choose a commune or ward.")}},
            )
        return candidate
    if found is None:
        raise InvalidInput(
            _("No agency of this province decides this procedure yet."),
            code="no_competent_agency",
        )
    if requested is not None and requested.pk != found.pk:
        raise InvalidInput(
            _("%(agency)s does not decide this procedure; %(right)s does.")
            % {"agency": requested.name, "right": found.name},
            code="wrong_competent_agency",
            details={"errors": {"competent_agency": _("Not the competent agency.")}},
        )
    return found


def _applicant_errors(a: ApplicantInput) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not nfc(a.name):
        errors["applicant.name"] = _("Enter the applicant's name.")
    if a.kind == ApplicantKind.PERSON:
        codes = personal_id_problems(a.personal_id, birth_date=a.birth_date)
        if codes:
            errors["applicant.personal_id"] = " ".join(
                personal_id_messages(codes, value=a.personal_id)
            )
    elif a.kind == ApplicantKind.ORGANISATION:
        codes = tax_code_problems(a.org_code)
        if codes:
            errors["applicant.org_code"] = " ".join(tax_code_messages(codes))
    else:
        errors["applicant.kind"] = _("The applicant is a person or an organisation.")
    if a.phone and not re.match(PHONE_RE, a.phone.strip()):
        errors["applicant.phone"] = _(
            "Enter a Vietnamese phone number, e.g. 0912345678 or +84912345678."
        )
    if a.email:
        try:
            validate_email(a.email.strip())
        except Exception:
            errors["applicant.email"] = _("Enter a valid e-mail address.")
    return errors


def _eform_errors(schema: dict[str, Any], data: Any, prefix: str = "eform") -> dict[str, str]:
    if not schema:
        return {}
    return {
        f"{prefix}.{k}" if k != "__all__" else prefix: v
        for k, v in eform_data_errors(schema, data).items()
    }


def _normalise(value: Any) -> Any:
    """NFC for every string of the e-form data, recursively."""
    if isinstance(value, str):
        return nfc(value)
    if isinstance(value, dict):
        return {k: _normalise(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_normalise(v) for v in value]
    return value


def _check_documents(
    version: ProcedureVersion | None, docs: Sequence[DocumentInput], channel: str
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if version is None:
        return errors
    required = {d.pk: d for d in version.documents.all()}
    limit = version.max_upload_mb * 1024 * 1024
    for i, doc in enumerate(docs):
        if doc.required_document_id is not None and doc.required_document_id not in required:
            errors[f"documents.{i}.required_document"] = _(
                "This paper is not one the procedure asks for."
            )
        if doc.upload.size > limit:
            errors[f"documents.{i}"] = _("The file is larger than %(mb)d MB.") % {
                "mb": version.max_upload_mb
            }
    if channel in {Channel.ONLINE, Channel.VNEID}:
        given = {d.required_document_id for d in docs}
        for pk, req in required.items():
            if req.mandatory and pk not in given:
                errors[f"documents.required.{pk}"] = _("Attach “%(name)s”.") % {"name": req.name}
    return errors


def _store_documents(
    d: Dossier,
    docs: Sequence[DocumentInput],
    *,
    at: dt.datetime,
    actor: Actor,
    supplement: SupplementRequest | None = None,
) -> list[Document]:
    stored = []
    for doc in docs:
        name = store_checked(doc.upload)
        stored.append(
            Document(
                dossier=d,
                required_document_id=doc.required_document_id,
                name=nfc(doc.name or doc.upload.original_name)[:1000],
                file=name,
                original_name=doc.upload.original_name,
                sha256=doc.upload.sha256,
                size=doc.upload.size,
                content_type=doc.upload.content_type,
                digitised_at_intake=doc.digitised_at_intake,
                from_data_store=doc.from_data_store,
                supplement=supplement,
                uploaded_at=at,
                uploaded_by=actor.user,
            )
        )
    return Document.objects.bulk_create(stored)


def _search_key(d: Dossier) -> str:
    return fold(
        " ".join(
            [
                d.code,
                d.applicant_name,
                d.applicant_personal_id,
                d.applicant_org_code,
                d.applicant_phone,
            ]
        )
    )[:400]


def _create(
    spec: NewDossier,
    *,
    action: Action,
    actor: Actor,
    at: dt.datetime,
) -> Dossier:
    errors: dict[str, str] = _applicant_errors(spec.applicant)
    receiving = spec.receiving_agency
    if not (receiving.is_reception_point and receiving.active):
        errors["receiving_agency"] = _("Choose a one-stop reception point.")
    if spec.channel not in Channel.values:
        errors["channel"] = _("Unknown channel.")
    if spec.return_method not in ReturnMethod.values:
        errors["return_method"] = _("Unknown way of returning the result.")
    return_agency = spec.return_agency
    if spec.return_method == ReturnMethod.COUNTER:
        return_agency = return_agency or receiving
        if not (return_agency.is_reception_point and return_agency.active):
            errors["return_agency"] = _("Results are returned at a one-stop reception point.")
    if bool(spec.procedure_code) == bool(spec.group_code):
        errors["procedure"] = _("Name one procedure or one interconnected group.")
        raise InvalidInput(_("The dossier has errors."), details={"errors": errors})

    version: ProcedureVersion | None = None
    group: ProcedureGroup | None = None
    members: list[ProcedureVersion] = []
    data = _normalise(spec.eform_data)
    if spec.procedure_code:
        version = _published_version(spec.procedure_code)
        competent = resolve_competent_agency(version, spec.competent_agency, receiving)
        errors.update(_eform_errors(version.eform_schema, data))
    else:
        group = ProcedureGroup.objects.filter(code=spec.group_code, published=True).first()
        if group is None:
            raise InvalidInput(
                _("There is no interconnected group %(code)s.") % {"code": spec.group_code},
                code="unknown_procedure",
                details={"errors": {"procedure": _("Unknown interconnected group.")}},
            )
        codes = list(
            GroupMember.objects.filter(group=group)
            .order_by("position")
            .values_list("procedure__code", flat=True)
        )
        members = [_published_version(c) for c in codes]
        competent = resolve_competent_agency(members[0], spec.competent_agency, receiving)
        if not isinstance(data, dict):
            data = {}
        for member in members:
            errors.update(
                _eform_errors(
                    member.eform_schema,
                    data.get(member.procedure.code, {}),
                    f"eform.{member.procedure.code}",
                )
            )
    errors.update(_check_documents(version, spec.documents, spec.channel))
    if errors:
        raise InvalidInput(_("The dossier has errors."), details={"errors": errors})

    day = to_local(at).date()
    a = spec.applicant
    d = Dossier(
        code=_allocate_code(receiving, day),
        lookup_secret=secrets.token_urlsafe(9),
        procedure_version=version,
        procedure_group=group,
        applicant_kind=a.kind,
        applicant_name=nfc(a.name),
        applicant_personal_id=a.personal_id.strip() if a.kind == ApplicantKind.PERSON else "",
        applicant_birth_date=a.birth_date,
        applicant_org_code=a.org_code.strip() if a.kind == ApplicantKind.ORGANISATION else "",
        applicant_address=nfc(a.address),
        applicant_phone=a.phone.strip(),
        applicant_email=a.email.strip(),
        identity_verified_vneid=spec.identity_verified_vneid,
        receiving_agency=receiving,
        competent_agency=competent,
        return_method=spec.return_method,
        return_agency=return_agency if spec.return_method == ReturnMethod.COUNTER else None,
        channel=spec.channel,
        eform_data=data,
        state=creation_state(action),
        received_at=at,
        created_by=actor.user,
        owner=spec.owner,
    )
    d.search_key = _search_key(d)
    d.save()
    for v in [version, *members]:
        if v is not None:
            procedure_version_freeze(version=v)
    if version is not None:
        fees = [DossierFee(dossier=d, name=f.name, amount=f.amount) for f in version.fees.all()]
        DossierFee.objects.bulk_create(fees)
        d.fee_total = sum(f.amount for f in fees)
    _store_documents(d, spec.documents, at=at, actor=actor)
    _append_event(
        d,
        action=action,
        actor=actor,
        from_state="",
        to_state=d.state,
        at=at,
        data={
            **spec.event_data,
            "code": d.code,
            "channel": d.channel,
            "documents": len(spec.documents),
        },
    )
    d.save(update_fields=["fee_total", "event_count", "last_event_hash"])
    return d


@transaction.atomic
def dossier_submit(*, spec: NewDossier, actor: Actor, at: dt.datetime | None = None) -> Dossier:
    """An online (or national-portal, VNeID) filing arrives: awaiting intake (status 1)."""
    if spec.channel not in {Channel.ONLINE, Channel.VNEID}:
        raise InvalidInput(
            _("An online submission comes through the online or VNeID channel."),
            details={"errors": {"channel": _("Use the online or VNeID channel.")}},
        )
    return _create(spec, action=Action.SUBMIT, actor=actor, at=_now(at))


@transaction.atomic
def dossier_receive(*, spec: NewDossier, actor: Actor, at: dt.datetime | None = None) -> Dossier:
    """A reception officer registers a dossier handed in at the counter or by post."""
    if spec.channel not in {Channel.IN_PERSON, Channel.POSTAL}:
        raise InvalidInput(
            _("A counter reception is in person or by post."),
            details={"errors": {"channel": _("Use the in-person or postal channel.")}},
        )
    if actor.kind is not ActorKind.OFFICIAL or actor.user is None:
        raise Forbidden(_("Only a reception officer can receive a dossier at the counter."))
    if not user_has_any_role(actor.user, RECEPTION, [spec.receiving_agency]):
        raise Forbidden(_("You are not a reception officer of this one-stop desk."))
    return _create(spec, action=Action.RECEIVE, actor=actor, at=_now(at))


# --- intake --------------------------------------------------------------------------


def _legal_limit(d: Dossier) -> tuple[int | None, str, dt.time | None]:
    if d.procedure_group is not None:
        g = d.procedure_group
        return g.time_limit, g.time_unit, g.cutoff_time
    v = d.procedure_version
    assert v is not None
    return v.time_limit, v.time_unit, v.cutoff_time


def _workflow_steps(d: Dossier, cal: WorkCalendar) -> list[dict[str, Any]]:
    """Copy the workflow for (procedure, competent agency) onto the dossier."""
    if d.procedure_version is None:
        return []
    procedure_id = d.procedure_version.procedure_id
    workflow = (
        Workflow.objects.filter(
            procedure_id=procedure_id, competent_agency=d.competent_agency, active=True
        ).first()
        or Workflow.objects.filter(
            procedure_id=procedure_id, competent_agency__isnull=True, active=True
        ).first()
    )
    rows: list[tuple[str, str, int, Decimal]] = []
    if workflow is not None:
        for step in workflow.steps.order_by("position"):
            agency_id = {
                StepAgency.COMPETENT: d.competent_agency_id,
                StepAgency.RECEIVING: d.receiving_agency_id,
                StepAgency.FIXED: step.agency_id,
            }[StepAgency(step.agency_rule)]
            assert agency_id is not None
            rows.append((step.name, step.role, agency_id, step.share))
    if not rows:
        rows = [(n, r, d.competent_agency_id, s) for n, r, s in DEFAULT_STEPS]
    allotted: list[dt.timedelta | None]
    if d.due_at is not None and d.accepted_at is not None:
        allotted = list(
            allotted_times(
                cal, accepted_at=d.accepted_at, due_at=d.due_at, shares=[r[3] for r in rows]
            )
        )
    else:
        allotted = [None] * len(rows)
    return [
        {
            "name": name,
            "role": str(role),
            "agency": agency_id,
            "share": str(share),
            "allotted_seconds": int(a.total_seconds()) if a is not None else None,
        }
        for (name, role, agency_id, share), a in zip(rows, allotted, strict=True)
    ]


def _desk_allotment(d: Dossier) -> dt.timedelta | None:
    """The one-stop desk's time: what the workflow steps leave of the legal time."""
    if d.due_at is None or d.accepted_at is None or not d.workflow_steps:
        return None
    left = Decimal(100) - sum(Decimal(s["share"]) for s in d.workflow_steps)
    if left <= 0:
        return None
    cal = calendar_for(d.competent_agency, d.accepted_at)
    return allotted_times(cal, accepted_at=d.accepted_at, due_at=d.due_at, shares=[left])[0]


@transaction.atomic
def dossier_accept(
    *,
    dossier: Dossier | int,
    actor: Actor,
    expected_version: int | None = None,
    at: dt.datetime | None = None,
) -> Dossier:
    """Accept at intake: the appointment is computed and stored, the receipt (Mẫu 01) can be
    printed. An interconnected group spawns its dossiers at each agency."""
    now = _now(at)
    d, decision = _begin(dossier, Action.ACCEPT, actor, expected_version)
    limit, unit, cutoff = _legal_limit(d)
    cal = calendar_for(d.competent_agency, now)
    d.accepted_at = now
    if limit is not None:
        d.due_at = compute_due(cal, now, limit, unit, cutoff)
        d.original_due_at = d.due_at
    d.workflow_steps = _workflow_steps(d, cal)
    fields = ["accepted_at", "due_at", "original_due_at", "workflow_steps"]
    if not d.is_group:
        d.current_agency = d.receiving_agency
        d.step_started_at = now
        fields += ["current_agency", "step_started_at"]
    _transition(
        d,
        decision,
        action=Action.ACCEPT,
        actor=actor,
        at=now,
        data={"due_at": d.due_at.isoformat() if d.due_at else None},
        fields=fields,
    )
    if d.is_group:
        _spawn_children(d, actor=actor, at=now)
    return d


def _spawn_children(group: Dossier, *, actor: Actor, at: dt.datetime) -> None:
    assert group.procedure_group is not None
    codes = (
        GroupMember.objects.filter(group=group.procedure_group)
        .order_by("position")
        .values_list("procedure__code", flat=True)
    )
    day = to_local(at).date()
    for code in codes:
        version = _published_version(code)
        # A commune-level part goes to the commune or ward the group names (a ward is not of
        # the catalogue's kind "commune"); other parts are found by sector or are the root.
        commune_level = version.competent_agency_kind not in {
            AgencyKind.DEPARTMENT,
            AgencyKind.CENTRAL_LOCAL,
            AgencyKind.PROVINCE_COMMITTEE,
        }
        competent = resolve_competent_agency(
            version,
            group.competent_agency
            if commune_level and group.competent_agency.kind in ADMIN_UNIT_KINDS
            else None,
            group.receiving_agency,
        )
        child = Dossier(
            code=_allocate_code(competent, day),
            lookup_secret=secrets.token_urlsafe(9),
            procedure_version=version,
            parent=group,
            **{name: getattr(group, name) for name in APPLICANT_FIELDS},
            receiving_agency=competent,
            competent_agency=competent,
            return_method=group.return_method,
            return_agency=group.return_agency,
            channel=group.channel,
            eform_data=(group.eform_data or {}).get(code, {}),
            state=creation_state(Action.SPAWN),
            received_at=at,
            accepted_at=at,
            current_agency=competent,
            step_started_at=at,
            created_by=actor.user,
        )
        limit, unit, cutoff = version.time_limit, version.time_unit, version.cutoff_time
        cal = calendar_for(competent, at)
        if limit is not None:
            child.due_at = compute_due(cal, at, limit, unit, cutoff)
            child.original_due_at = child.due_at
        child.search_key = _search_key(child)
        child.save()
        child.workflow_steps = _workflow_steps(child, cal)
        fees = [DossierFee(dossier=child, name=f.name, amount=f.amount) for f in version.fees.all()]
        DossierFee.objects.bulk_create(fees)
        child.fee_total = sum(f.amount for f in fees)
        _append_event(
            child,
            action=Action.SPAWN,
            actor=actor,
            from_state="",
            to_state=child.state,
            at=at,
            data={"group": group.code, "code": child.code},
        )
        child.save(update_fields=["workflow_steps", "fee_total", "event_count", "last_event_hash"])


def _maybe_finish_group(group_id: int, *, at: dt.datetime) -> None:
    group = _lock(group_id, None)
    open_children = group.children.exclude(
        state__in=[State.RESOLVED, State.RETURNED, State.STOPPED, State.REFUSED, State.WITHDRAWN]
    ).count()
    with_result = group.children.filter(state__in=[State.RESOLVED, State.RETURNED]).count()
    decision = decide(
        Action.FINISH_GROUP,
        _situation(group, children_open=open_children, children_with_result=with_result),
    )
    if decision.allowed:
        if decision.to_state == State.RESOLVED:
            group.resolved_at = at
        _transition(
            group,
            decision,
            action=Action.FINISH_GROUP,
            actor=Actor.system(),
            at=at,
            fields=["resolved_at"],
        )


@transaction.atomic
def dossier_ask_to_complete(
    *,
    dossier: Dossier | int,
    actor: Actor,
    items: Sequence[str],
    reason: str = "",
    expected_version: int | None = None,
    at: dt.datetime | None = None,
) -> Dossier:
    """Ask, once and in writing (Mẫu 02), to complete the dossier before acceptance."""
    now = _now(at)
    items = [nfc(i) for i in items if nfc(i)]
    if not items:
        raise InvalidInput(
            _("List the papers the applicant must add."),
            details={"errors": {"items": _("List at least one paper.")}},
        )
    d, decision = _begin(dossier, Action.ASK_TO_COMPLETE, actor, expected_version)
    SupplementRequest.objects.create(
        dossier=d,
        at_intake=True,
        items=items,
        reason=nfc(reason),
        requested_at=now,
        requested_by=actor.user,
    )
    d.resume_state = d.state
    d.intake_completion_requested = True
    _transition(
        d,
        decision,
        action=Action.ASK_TO_COMPLETE,
        actor=actor,
        at=now,
        reason=nfc(reason),
        data={"items": items},
        fields=["resume_state", "intake_completion_requested"],
    )
    return d


def _require_reason(reason: str, field_name: str = "reason") -> str:
    text = nfc(reason)
    if not text:
        raise InvalidInput(
            _("Give the reason."), details={"errors": {field_name: _("Give the reason.")}}
        )
    return text


@transaction.atomic
def dossier_refuse(
    *,
    dossier: Dossier | int,
    actor: Actor,
    reason: str,
    expected_version: int | None = None,
    at: dt.datetime | None = None,
) -> Dossier:
    """Refuse, with reasons (Mẫu 03): at intake, or after appraisal by a leader."""
    now = _now(at)
    reason = _require_reason(reason)
    d, decision = _begin(dossier, Action.REFUSE, actor, expected_version)
    _transition(d, decision, action=Action.REFUSE, actor=actor, at=now, reason=reason)
    return d


# --- processing ----------------------------------------------------------------------


def _pauses(d: Dossier) -> list[Pause]:
    return [
        Pause(start=s.requested_at, end=s.completed_at)
        for s in d.supplements.filter(at_intake=False)
    ]


def _handover(
    d: Dossier,
    event: DossierEvent,
    *,
    from_step: int | None,
    to_step: int | None,
    from_agency_id: int,
    to_agency_id: int | None,
    actor: Actor,
    to_user_id: int | None,
    at: dt.datetime,
    allotted: dt.timedelta | None,
    note: str = "",
) -> HandOver:
    started = d.step_started_at or d.accepted_at or at
    outcome = ""
    due = None
    if allotted is not None:
        cal = calendar_for(d.competent_agency, started)
        pauses = _pauses(d)
        due = step_due(cal, started_at=started, allotted=allotted, pauses=pauses, until=at)
        outcome = classify_handover(
            cal, started_at=started, handed_over_at=at, allotted=allotted, pauses=pauses
        ).value
    step_name = ""
    if from_step is not None:
        step_name = d.workflow_steps[from_step - 1]["name"]
    else:
        step_name = _("One-stop desk")
    return HandOver.objects.create(
        dossier=d,
        event=event,
        from_step=from_step,
        to_step=to_step,
        step_name=step_name,
        from_agency_id=from_agency_id,
        from_user=actor.user,
        to_agency_id=to_agency_id,
        to_user_id=to_user_id,
        step_started_at=started,
        handed_over_at=at,
        allotted=allotted,
        step_due_at=due,
        outcome=outcome,
        note=note,
    )


def _step_allotment(d: Dossier, step: int | None) -> dt.timedelta | None:
    if step is None:
        return _desk_allotment(d)
    seconds = d.workflow_steps[step - 1].get("allotted_seconds")
    return dt.timedelta(seconds=seconds) if seconds is not None else None


@transaction.atomic
def dossier_forward(
    *,
    dossier: Dossier | int,
    actor: Actor,
    to_user_id: int | None = None,
    note: str = "",
    expected_version: int | None = None,
    at: dt.datetime | None = None,
) -> Dossier:
    """Hand the dossier to the next step (from the desk to the first step, or onwards);
    the hand-over is a row of the control sheet (Mẫu 06)."""
    now = _now(at)
    d, decision = _begin(dossier, Action.FORWARD, actor, expected_version)
    from_step = d.current_step if d.state == State.PROCESSING else None
    assert decision.step is not None
    step = d.workflow_steps[decision.step - 1]
    from_agency_id = d.current_agency_id or d.receiving_agency_id
    to_agency_id = int(step["agency"])
    if to_user_id is not None and not user_has_any_role(
        _user(to_user_id), [step["role"], Role.LEADER], [Agency.objects.get(pk=to_agency_id)]
    ):
        raise InvalidInput(
            _("That official does not hold the role of the next step at its agency."),
            details={"errors": {"to_user": _("Choose an official of the next step.")}},
        )
    allotted = _step_allotment(d, from_step)
    d.current_step = decision.step
    d.current_agency_id = to_agency_id
    d.current_assignee_id = to_user_id
    event = _transition(
        d,
        decision,
        action=Action.FORWARD,
        actor=actor,
        at=now,
        reason=nfc(note),
        data={"from_step": from_step, "to_step": decision.step, "to_user": to_user_id},
        fields=["current_step", "current_agency", "current_assignee"],
    )
    _handover(
        d,
        event,
        from_step=from_step,
        to_step=decision.step,
        from_agency_id=from_agency_id,
        to_agency_id=to_agency_id,
        actor=actor,
        to_user_id=to_user_id,
        at=now,
        allotted=allotted,
        note=nfc(note),
    )
    d.step_started_at = now
    d.save(update_fields=["step_started_at"])
    return d


def _user(pk: int) -> Any:
    from motcua.org.models import User

    user = User.objects.filter(pk=pk, is_active=True).first()
    if user is None:
        raise InvalidInput(
            _("No such official."), details={"errors": {"to_user": _("No such official.")}}
        )
    return user


@transaction.atomic
def dossier_return_to_previous(
    *,
    dossier: Dossier | int,
    actor: Actor,
    reason: str,
    expected_version: int | None = None,
    at: dt.datetime | None = None,
) -> Dossier:
    """Send the dossier back to the previous step, with the reason."""
    now = _now(at)
    reason = _require_reason(reason)
    d, decision = _begin(dossier, Action.RETURN_TO_PREVIOUS, actor, expected_version)
    assert decision.step is not None
    from_step = d.current_step
    from_agency_id = d.current_agency_id or d.competent_agency_id
    to_agency_id = int(d.workflow_steps[decision.step - 1]["agency"])
    allotted = _step_allotment(d, from_step) if d.state == State.PROCESSING else None
    d.current_step = decision.step
    d.current_agency_id = to_agency_id
    d.current_assignee_id = None
    event = _transition(
        d,
        decision,
        action=Action.RETURN_TO_PREVIOUS,
        actor=actor,
        at=now,
        reason=reason,
        data={"from_step": from_step, "to_step": decision.step},
        fields=["current_step", "current_agency", "current_assignee"],
    )
    _handover(
        d,
        event,
        from_step=from_step,
        to_step=decision.step,
        from_agency_id=from_agency_id,
        to_agency_id=to_agency_id,
        actor=actor,
        to_user_id=None,
        at=now,
        allotted=allotted,
        note=reason,
    )
    d.step_started_at = now
    d.save(update_fields=["step_started_at"])
    return d


@transaction.atomic
def dossier_request_supplement(
    *,
    dossier: Dossier | int,
    actor: Actor,
    items: Sequence[str],
    reason: str,
    expected_version: int | None = None,
    at: dt.datetime | None = None,
) -> Dossier:
    """Ask the applicant, once, to supplement papers (Mẫu 02); the clock pauses."""
    now = _now(at)
    reason = _require_reason(reason)
    items = [nfc(i) for i in items if nfc(i)]
    if not items:
        raise InvalidInput(
            _("List the papers the applicant must add."),
            details={"errors": {"items": _("List at least one paper.")}},
        )
    d, decision = _begin(dossier, Action.REQUEST_SUPPLEMENT, actor, expected_version)
    SupplementRequest.objects.create(
        dossier=d,
        at_intake=False,
        items=items,
        reason=reason,
        requested_at=now,
        requested_by=actor.user,
    )
    d.supplement_requests += 1
    d.resume_state = State.PROCESSING
    _transition(
        d,
        decision,
        action=Action.REQUEST_SUPPLEMENT,
        actor=actor,
        at=now,
        reason=reason,
        data={"items": items},
        fields=["supplement_requests", "resume_state"],
    )
    return d


@transaction.atomic
def dossier_complete_supplement(
    *,
    dossier: Dossier | int,
    actor: Actor,
    documents: Sequence[DocumentInput] = (),
    note: str = "",
    expected_version: int | None = None,
    at: dt.datetime | None = None,
) -> Dossier:
    """The applicant adds the requested papers: intake resumes, or the clock restarts."""
    now = _now(at)
    d, decision = _begin(dossier, Action.COMPLETE_SUPPLEMENT, actor, expected_version)
    errors = _check_documents(d.procedure_version, documents, Channel.IN_PERSON)
    if errors:
        raise InvalidInput(_("The papers have errors."), details={"errors": errors})
    request = d.supplements.filter(completed_at__isnull=True).order_by("-requested_at").first()
    if request is not None:
        request.completed_at = now
        request.save(update_fields=["completed_at"])
    stored = _store_documents(d, documents, at=now, actor=actor, supplement=request)
    d.resume_state = ""
    _transition(
        d,
        decision,
        action=Action.COMPLETE_SUPPLEMENT,
        actor=actor,
        at=now,
        reason=nfc(note),
        data={"documents": [doc.sha256 for doc in stored]},
        fields=["resume_state"],
    )
    return d


@transaction.atomic
def dossier_request_payment(
    *,
    dossier: Dossier | int,
    actor: Actor,
    items: Sequence[tuple[str, int]],
    reason: str = "",
    expected_version: int | None = None,
    at: dt.datetime | None = None,
) -> Dossier:
    """Ask the applicant to fulfil a financial obligation (status 6) of the listed amounts."""
    now = _now(at)
    clean = [(nfc(name), int(amount)) for name, amount in items]
    if not clean or any(not n or a <= 0 for n, a in clean):
        raise InvalidInput(
            _("List each amount due with its name and a positive amount in đồng."),
            details={"errors": {"items": _("Give a name and a positive amount.")}},
        )
    d, decision = _begin(dossier, Action.REQUEST_PAYMENT, actor, expected_version)
    DossierFee.objects.bulk_create([DossierFee(dossier=d, name=n, amount=a) for n, a in clean])
    d.fee_total += sum(a for _, a in clean)
    d.resume_state = d.state
    _transition(
        d,
        decision,
        action=Action.REQUEST_PAYMENT,
        actor=actor,
        at=now,
        reason=nfc(reason),
        data={"items": [{"name": n, "amount": a} for n, a in clean]},
        fields=["fee_total", "resume_state"],
    )
    return d


@transaction.atomic
def dossier_record_payment(
    *,
    dossier: Dossier | int,
    actor: Actor,
    amount: int,
    method: str,
    reference: str = "",
    paid_at: dt.datetime | None = None,
    expected_version: int | None = None,
    at: dt.datetime | None = None,
) -> Payment:
    """Record a payment; once the obligation is covered the dossier resumes."""
    now = _now(at)
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        raise InvalidInput(
            _("The amount must be a positive whole number of đồng."),
            details={"errors": {"amount": _("Enter a positive amount.")}},
        )
    if method not in PaymentMethod.values:
        raise InvalidInput(
            _("Unknown payment method."), details={"errors": {"method": _("Unknown method.")}}
        )
    d = _lock(dossier, expected_version)
    fully_paid = d.paid_total + amount >= d.fee_total
    _authorise(actor, Action.RECORD_PAYMENT, d)
    decision = _decide(d, Action.RECORD_PAYMENT, fully_paid=fully_paid)
    reference = nfc(reference)[:100]
    try:
        with transaction.atomic():
            payment = Payment.objects.create(
                dossier=d,
                amount=amount,
                method=method,
                reference=reference,
                paid_at=paid_at or now,
                recorded_by=actor.user,
            )
    except IntegrityError:
        raise ConcurrentChange(
            _("This payment (reference %(ref)s) is already recorded.") % {"ref": reference},
            code="payment_already_recorded",
        ) from None
    d.paid_total += amount
    resumed = d.state == State.AWAITING_PAYMENT and fully_paid
    if resumed:
        d.resume_state = ""
    _transition(
        d,
        decision,
        action=Action.RECORD_PAYMENT,
        actor=actor,
        at=now,
        data={"amount": amount, "method": method, "reference": reference, "payment": payment.pk},
        fields=["paid_total", "resume_state"],
    )
    return payment


@transaction.atomic
def dossier_approve(
    *,
    dossier: Dossier | int,
    actor: Actor,
    note: str = "",
    expected_version: int | None = None,
    at: dt.datetime | None = None,
) -> Dossier:
    """The leader at the last step approves; the result is then attached and signed."""
    now = _now(at)
    d, decision = _begin(dossier, Action.APPROVE, actor, expected_version)
    _transition(d, decision, action=Action.APPROVE, actor=actor, at=now, reason=nfc(note))
    return d


@transaction.atomic
def dossier_attach_result(
    *,
    dossier: Dossier | int,
    actor: Actor,
    name: str,
    kind: str,
    upload: CheckedUpload | None = None,
    expected_version: int | None = None,
    at: dt.datetime | None = None,
) -> Result:
    """Attach a result document, coded ``<dossier code>-KQ<n>``."""
    now = _now(at)
    name = nfc(name)
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = _("Name the result document.")
    if kind not in ResultKind.values:
        errors["kind"] = _("A result is electronic or paper.")
    if kind == ResultKind.ELECTRONIC and upload is None:
        errors["file"] = _("An electronic result needs its file.")
    elif kind == ResultKind.ELECTRONIC and upload and upload.content_type != "application/pdf":
        # The competent agency signs electronic results as PDF (PAdES).
        errors["file"] = _("An electronic result must be a PDF file, to be signed.")
    if errors:
        raise InvalidInput(_("The result has errors."), details={"errors": errors})
    d, decision = _begin(dossier, Action.ATTACH_RESULT, actor, expected_version)
    number = d.results.count() + 1
    result = Result(
        dossier=d,
        number=number,
        code=result_code(d.code, number),
        name=name,
        kind=kind,
        attached_at=now,
        attached_by=actor.user,
    )
    if upload is not None:
        result.file = store_checked(upload)
        result.sha256 = upload.sha256
        result.size = upload.size
        result.content_type = upload.content_type
    result.save()
    _transition(
        d,
        decision,
        action=Action.ATTACH_RESULT,
        actor=actor,
        at=now,
        data={"result": result.code, "kind": kind, "sha256": result.sha256},
    )
    return result


@dataclass(frozen=True)
class SealedFile:
    """A result's file replaced by its signed copy when the leader signs."""

    name: str  # stored name in STORAGES["dossier_files"]
    sha256: str
    size: int
    unsigned_sha256: str


# Signs the dossier's unsigned results (the lock is held): result pk → its signed file.
Sealer = Callable[[Dossier, Sequence[Result], dt.datetime], Mapping[int, SealedFile]]


def _signed_entry(r: Result, sealed: Mapping[int, SealedFile]) -> dict[str, str]:
    entry = {"code": r.code, "sha256": r.sha256}
    if r.pk in sealed:
        entry["unsigned_sha256"] = sealed[r.pk].unsigned_sha256
    return entry


@transaction.atomic
def dossier_sign_result(
    *,
    dossier: Dossier | int,
    actor: Actor,
    expected_version: int | None = None,
    at: dt.datetime | None = None,
    seal: Sealer | None = None,
) -> Dossier:
    """The competent leader signs the results: the dossier is finished (status 9).

    The signature recorded here is the leader's decision in the ledger. ``seal``, called
    once the dossier is locked and the action allowed, signs the files of electronic
    results (``motcua.documents.results.dossier_sign_and_seal`` passes the PAdES one); each
    sealed result then holds its signed file, whose SHA-256 the event records.
    """
    now = _now(at)
    d, decision = _begin(dossier, Action.SIGN_RESULT, actor, expected_version)
    results = list(d.results.filter(signed_at__isnull=True))
    sealed = seal(d, results, now) if seal is not None else {}
    for r in results:
        if r.pk in sealed:
            signed = sealed[r.pk]
            r.file.name, r.sha256, r.size = signed.name, signed.sha256, signed.size
            Result.objects.filter(pk=r.pk).update(
                file=signed.name, sha256=signed.sha256, size=signed.size
            )
    Result.objects.filter(pk__in=[r.pk for r in results]).update(
        signed_at=now, signed_by=actor.user
    )
    from_step = d.current_step
    from_agency_id = d.current_agency_id or d.competent_agency_id
    allotted = _step_allotment(d, from_step)
    to_agency_id = (d.return_agency_id or d.receiving_agency_id) if d.parent_id is None else None
    d.resolved_at = now
    d.current_agency_id = to_agency_id or d.current_agency_id
    event = _transition(
        d,
        decision,
        action=Action.SIGN_RESULT,
        actor=actor,
        at=now,
        data={"results": [_signed_entry(r, sealed) for r in results]},
        fields=["resolved_at", "current_agency"],
    )
    _handover(
        d,
        event,
        from_step=from_step,
        to_step=None,
        from_agency_id=from_agency_id,
        to_agency_id=to_agency_id,
        actor=actor,
        to_user_id=None,
        at=now,
        allotted=allotted,
        note=_("Result signed and sent to the return point."),
    )
    return d


def _previous_working_day_close(cal: WorkCalendar, due: dt.datetime) -> dt.datetime:
    day = to_local(due).date() - dt.timedelta(days=1)
    while not cal.is_working_day(day):
        day -= dt.timedelta(days=1)
    return cal.closing(day)


@transaction.atomic
def dossier_extend(
    *,
    dossier: Dossier | int,
    actor: Actor,
    new_due_at: dt.datetime,
    reason: str,
    expected_version: int | None = None,
    at: dt.datetime | None = None,
) -> Dossier:
    """Apologise and extend the appointment (Mẫu 04): once, and no later than the end of
    the working day before the appointment."""
    now = _now(at)
    reason = _require_reason(reason)
    d = _lock(dossier, expected_version)
    _authorise(actor, Action.EXTEND, d)
    if d.due_at is None:
        raise IllegalTransition(
            _("This dossier has no appointment to extend."), code="no_appointment"
        )
    cal = calendar_for(d.competent_agency, d.due_at)
    in_time = now <= _previous_working_day_close(cal, d.due_at)
    decision = _decide(d, Action.EXTEND, extension_allowed_by_time=in_time)
    if timezone.is_naive(new_due_at) or new_due_at <= d.due_at:
        raise InvalidInput(
            _("The new appointment must be later than the current one."),
            details={"errors": {"new_due_at": _("Choose a later time.")}},
        )
    old = d.due_at
    d.due_at = new_due_at
    d.extensions += 1
    _transition(
        d,
        decision,
        action=Action.EXTEND,
        actor=actor,
        at=now,
        reason=reason,
        data={"old_due_at": old.isoformat(), "new_due_at": new_due_at.isoformat()},
        fields=["due_at", "extensions"],
    )
    return d


def _cascade(group: Dossier, action: Action, *, at: dt.datetime, reason: str) -> None:
    for child_id in group.children.values_list("pk", flat=True):
        child = _lock(child_id, None)
        decision = decide(action, _situation(child, is_child=False))
        if decision.allowed:
            _transition(child, decision, action=action, actor=Actor.system(), at=at, reason=reason)


@transaction.atomic
def dossier_stop(
    *,
    dossier: Dossier | int,
    actor: Actor,
    reason: str,
    expected_version: int | None = None,
    at: dt.datetime | None = None,
) -> Dossier:
    """Stop processing (Mẫu 05), with the reason."""
    now = _now(at)
    reason = _require_reason(reason)
    d, decision = _begin(dossier, Action.STOP, actor, expected_version)
    _transition(d, decision, action=Action.STOP, actor=actor, at=now, reason=reason)
    if d.is_group:
        _cascade(d, Action.STOP, at=now, reason=reason)
    return d


@transaction.atomic
def dossier_withdraw(
    *,
    dossier: Dossier | int,
    actor: Actor,
    reason: str = "",
    expected_version: int | None = None,
    at: dt.datetime | None = None,
) -> Dossier:
    """The applicant asks to withdraw the dossier (status 7)."""
    now = _now(at)
    d, decision = _begin(dossier, Action.WITHDRAW, actor, expected_version)
    _transition(d, decision, action=Action.WITHDRAW, actor=actor, at=now, reason=nfc(reason))
    if d.is_group:
        _cascade(d, Action.WITHDRAW, at=now, reason=nfc(reason))
    return d


@transaction.atomic
def dossier_return_result(
    *,
    dossier: Dossier | int,
    actor: Actor,
    note: str = "",
    expected_version: int | None = None,
    at: dt.datetime | None = None,
) -> Dossier:
    """Hand the result to the applicant (status 10)."""
    now = _now(at)
    d, decision = _begin(dossier, Action.RETURN_RESULT, actor, expected_version)
    d.returned_at = now
    if d.resolved_at is None:
        d.resolved_at = now
    _transition(
        d,
        decision,
        action=Action.RETURN_RESULT,
        actor=actor,
        at=now,
        reason=nfc(note),
        data={"return_method": d.return_method},
        fields=["returned_at", "resolved_at"],
    )
    if d.is_group:
        for child_id in d.children.filter(state=State.RESOLVED).values_list("pk", flat=True):
            child = _lock(child_id, None)
            child.returned_at = now
            _transition(
                child,
                Decision(True, to_state=State.RETURNED, step=child.current_step),
                action=Action.RETURN_RESULT,
                actor=Actor.system(),
                at=now,
                fields=["returned_at"],
            )
    return d


def check_lookup_secret(dossier: Dossier, secret: str) -> bool:
    return secrets.compare_digest(dossier.lookup_secret.encode(), secret.strip().encode())


# --- reassignment --------------------------------------------------------------------


def step_officials(dossier: Dossier) -> QuerySet[User]:
    """The active officials who hold the current step's role at the agency holding it:
    whom the step may be given to (none when no step holds the dossier)."""
    if dossier.current_step is None or dossier.current_agency_id is None:
        return User.objects.none()
    role = str(dossier.workflow_steps[dossier.current_step - 1]["role"])
    holders = RoleAssignment.objects.filter(role=role, agency_id=dossier.current_agency_id)
    return User.objects.filter(is_active=True, pk__in=holders.values("user_id")).order_by(
        "last_name", "first_name", "username"
    )


def authorise_reassign(actor: Actor, d: Dossier) -> None:
    """The manager of the center that received the dossier, or a leader of the agency
    holding it, may give its current step to another official."""
    if actor.kind is ActorKind.SYSTEM:
        return
    user = actor.user
    if actor.kind is not ActorKind.OFFICIAL or user is None:
        raise Forbidden(_("Only an official of the responsible agency can do this."))
    if user_has_any_role(user, (Role.CENTER_MANAGER,), [d.receiving_agency]):
        return
    if user_has_any_role(user, (Role.LEADER,), [d.current_agency or d.competent_agency]):
        return
    raise Forbidden(
        _(
            "Only the center manager or a leader of the agency holding dossier %(code)s can "
            "reassign it."
        )
        % {"code": d.code}
    )


@transaction.atomic
def dossier_reassign(
    *,
    dossier: Dossier | int,
    actor: Actor,
    to_user: User | int,
    reason: str,
    expected_version: int | None = None,
    at: dt.datetime | None = None,
) -> Dossier:
    """Give the current workflow step to another official who holds the step's role at
    the agency holding the dossier (the state and the step stay as they are)."""
    now = _now(at)
    reason = _require_reason(reason)
    d = _lock(dossier, expected_version)
    authorise_reassign(actor, d)
    decision = decide(Action.REASSIGN, _situation(d))
    if not decision.allowed:
        raise IllegalTransition(
            _("Only a dossier held at a workflow step can be reassigned."),
            code=(decision.refusal or Refusal.WRONG_STATE).value,
            details={"state": d.state, "action": Action.REASSIGN.value},
        )
    target_id = to_user.pk if isinstance(to_user, User) else int(to_user)
    if not step_officials(d).filter(pk=target_id).exists():
        raise InvalidInput(
            _("That official does not hold the role of the current step at its agency."),
            details={"errors": {"to_user": _("Choose an official of the current step.")}},
        )
    if target_id == d.current_assignee_id:
        raise InvalidInput(
            _("The dossier is already assigned to that official."),
            details={"errors": {"to_user": _("Choose another official.")}},
        )
    previous = d.current_assignee_id
    d.current_assignee_id = target_id
    _transition(
        d,
        decision,
        action=Action.REASSIGN,
        actor=actor,
        at=now,
        reason=reason,
        data={"step": d.current_step, "from_user": previous, "to_user": target_id},
        fields=["current_assignee"],
    )
    return d


__all__ = [
    "ApplicantInput",
    "DocumentInput",
    "NewDossier",
    "Procedure",
    "RequiredDocument",
    "authorise_reassign",
    "calendar_for",
    "check_lookup_secret",
    "dossier_accept",
    "dossier_approve",
    "dossier_ask_to_complete",
    "dossier_attach_result",
    "dossier_complete_supplement",
    "dossier_extend",
    "dossier_forward",
    "dossier_reassign",
    "dossier_receive",
    "dossier_record_payment",
    "dossier_refuse",
    "dossier_request_payment",
    "dossier_request_supplement",
    "dossier_return_result",
    "dossier_return_to_previous",
    "dossier_sign_result",
    "dossier_stop",
    "dossier_submit",
    "dossier_withdraw",
    "resolve_competent_agency",
    "step_officials",
]
