"""Reads of generated documents and of the dossier register (Mẫu 07), scoped per caller.

A document of a dossier is visible to whoever may see the dossier
(:func:`motcua.dossiers.selectors.visible_dossiers`); a register to the center managers,
reception officers and auditors of its agency or above (and the province administrator).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import IO

from django.core.files.storage import storages
from django.db.models import Min, OuterRef, Q, QuerySet, Subquery

from motcua.core.text import nfc
from motcua.documents.models import DocumentForm, GeneratedDocument
from motcua.documents.slips import state_text, vn_short_datetime
from motcua.dossiers.lifecycle import State
from motcua.dossiers.models import Channel, Dossier
from motcua.dossiers.selectors import visible_dossiers
from motcua.org.models import Agency, Role, User
from motcua.org.selectors import assigned_subtrees, is_province_admin, user_has_any_role
from motcua.workflow.models import HandOver
from motcua.worktime.calendar import VN_TZ

# Who may read an agency's register (sổ theo dõi hồ sơ).
REGISTER_ROLES = (Role.CENTER_MANAGER, Role.RECEPTION_OFFICER, Role.AUDITOR)


def documents_of(dossier: Dossier) -> QuerySet[GeneratedDocument]:
    """The documents generated for ``dossier``, oldest first."""
    return (
        GeneratedDocument.objects.filter(dossier=dossier)
        .select_related("event")
        .order_by("created_at", "pk")
    )


def may_read_register(user: User, agency: Agency) -> bool:
    return user.is_active and (
        is_province_admin(user) or user_has_any_role(user, REGISTER_ROLES, [agency])
    )


def visible_documents(user: User) -> QuerySet[GeneratedDocument]:
    """The generated documents ``user`` may download: those of dossiers they may see,
    and the registers of agencies where they hold a register role (or above)."""
    if not user.is_active:
        return GeneratedDocument.objects.none()
    if is_province_admin(user):
        return GeneratedDocument.objects.all()
    register_scope = assigned_subtrees(user, REGISTER_ROLES).values("pk")
    return GeneratedDocument.objects.filter(
        Q(dossier__in=visible_dossiers(user).values("pk"))
        | Q(dossier__isnull=True, form=DocumentForm.REGISTER, agency__in=register_scope)
    )


def open_document(document: GeneratedDocument) -> IO[bytes]:
    """The stored file of ``document``, opened for binary reading (caller closes it)."""
    return storages["dossier_files"].open(document.file.name, "rb")


def document_bytes(document: GeneratedDocument) -> bytes:
    with open_document(document) as handle:
        return handle.read()


# --- the register (Mẫu 07) ---------------------------------------------------------------


def local_day_bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """``[start 00:00, end+1 00:00)`` in Vietnam time: the period of local dates, inclusive."""
    return (
        dt.datetime.combine(start, dt.time.min, tzinfo=VN_TZ),
        dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=VN_TZ),
    )


def register_dossiers(agency: Agency, start: dt.date, end: dt.date) -> QuerySet[Dossier]:
    """Dossiers received at ``agency`` or at a desk under it (the center manager's register
    covers the center and its subtree) on local dates ``start``..``end`` inclusive.

    The parts of an interconnected group are left out: the citizen handed in one dossier,
    the group, which is the register's line.
    """
    since, until = local_day_bounds(start, end)
    first_sent = (
        HandOver.objects.filter(dossier=OuterRef("pk"), from_step__isnull=True)
        .values("dossier")
        .annotate(at=Min("handed_over_at"))
        .values("at")
    )
    return (
        Dossier.objects.filter(
            receiving_agency__path__startswith=agency.path,
            parent__isnull=True,
            received_at__gte=since,
            received_at__lt=until,
        )
        .select_related("procedure_version", "procedure_group", "competent_agency")
        .annotate(sent_at=Subquery(first_sent[:1]))
        .order_by("received_at", "code")
    )


@dataclass(frozen=True)
class RegisterRow:
    """A line of the register; datetimes are aware (shown in local time)."""

    number: int
    code: str
    procedure: str
    sets: int
    applicant: str
    address_phone: str
    competent_agency: str
    received_at: dt.datetime
    appointment: dt.datetime | None
    sent_at: dt.datetime | None
    result_received_at: dt.datetime | None
    returned_at: dt.datetime | None
    notes: str


_CHANNELS = {
    Channel.ONLINE: "Nộp trực tuyến",
    Channel.POSTAL: "Nộp qua bưu chính",
    Channel.VNEID: "Nộp qua ứng dụng VNeID",
}
# States worth a note: everything but the normal course of a dossier.
_NOTED_STATES = frozenset(
    {
        State.SUBMITTED,
        State.RECEIVED,
        State.INTAKE_INCOMPLETE,
        State.REFUSED,
        State.SUPPLEMENT_REQUESTED,
        State.AWAITING_PAYMENT,
        State.WITHDRAWN,
        State.STOPPED,
    }
)


def _notes(d: Dossier) -> str:
    notes: list[str] = []
    if d.channel in _CHANNELS:
        notes.append(_CHANNELS[Channel(d.channel)])
    if d.procedure_group_id is not None:
        notes.append("Hồ sơ liên thông")
    if State(d.state) in _NOTED_STATES:
        notes.append(state_text(d.state))
    if d.supplement_requests:
        notes.append("Đã yêu cầu bổ sung")
    if d.extensions and d.due_at is not None:
        notes.append(f"Gia hạn đến {vn_short_datetime(d.due_at)}")
    return "; ".join(notes)


def register_rows(agency: Agency, start: dt.date, end: dt.date) -> list[RegisterRow]:
    """The lines of the register of ``agency`` for local dates ``start``..``end``."""
    rows = []
    for n, d in enumerate(register_dossiers(agency, start, end), start=1):
        contact = ", ".join(p for p in (nfc(d.applicant_address), d.applicant_phone) if p)
        sent_at: dt.datetime | None = getattr(d, "sent_at", None)
        if sent_at is None and d.procedure_group_id is not None:
            sent_at = d.accepted_at  # the group's parts go to their agencies at acceptance
        rows.append(
            RegisterRow(
                number=n,
                code=d.code,
                procedure=nfc(d.procedure_name),
                sets=1,
                applicant=nfc(d.applicant_name),
                address_phone=contact,
                competent_agency=nfc(d.competent_agency.name),
                received_at=d.received_at,
                appointment=d.original_due_at,
                sent_at=sent_at,
                result_received_at=d.resolved_at,
                returned_at=d.returned_at,
                notes=_notes(d),
            )
        )
    return rows
