"""Generating the documents MotCua issues: slips Mẫu 01–06 from dossier events, and the
dossier register Mẫu 07 for an agency and a period.

Every generated file is stored content-addressed in ``STORAGES["dossier_files"]`` with its
SHA-256 and size, and recorded as a :class:`GeneratedDocument` linked to the event (or
agency and period) it comes from. A slip is made once per event: asking again returns the
stored one, also when two requests race (the unique constraint decides, the loser reads
the winner's row).

Rendering happens outside any transaction (it takes tens of milliseconds and needs no
lock); only the row is written inside one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.errors import Forbidden, InvalidInput, NotFound
from motcua.documents.models import DocumentForm, GeneratedDocument
from motcua.documents.register import RegisterHeading, register_workbook
from motcua.documents.render import render_pdf
from motcua.documents.selectors import RegisterRow, may_read_register, register_rows
from motcua.documents.slips import (
    CONTROL_SHEET,
    SLIPS,
    SlipKind,
    issuer_lines,
    place_name,
    vn_date,
    vn_long_date,
)
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.selectors import visible_dossiers
from motcua.dossiers.storage import store_bytes
from motcua.org.models import Agency, User
from motcua.worktime.calendar import to_local

PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The longest period one register covers, and the most lines a register PDF holds: WeasyPrint
# needs ~30 ms of CPU per line (13 cells), so 500 lines is ~15 s; a busier period is still
# available as Excel, which takes ~0.5 ms a line.
MAX_REGISTER_DAYS = 366
MAX_REGISTER_PDF_ROWS = 500


def slip_form_for_action(action: str) -> DocumentForm | None:
    """The slip an event of ``action`` produces (Mẫu 01–05), or None."""
    kind = SLIPS.get(action)
    return kind.form if kind is not None else None


def _check_sees(user: User | None, dossier: Dossier) -> None:
    if user is not None and not visible_dossiers(user).filter(pk=dossier.pk).exists():
        raise NotFound(_("No such dossier."))


def _load_event(event: DossierEvent | int) -> DossierEvent:
    pk = event.pk if isinstance(event, DossierEvent) else event
    found = (
        DossierEvent.objects.select_related(
            "actor",
            "dossier__procedure_version",
            "dossier__procedure_group",
            "dossier__receiving_agency__parent",
            "dossier__competent_agency__parent",
            "dossier__return_agency",
        )
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise NotFound(_("No such dossier event."))
    return found


def _existing(
    event: DossierEvent, form: DocumentForm, content_type: str
) -> GeneratedDocument | None:
    return GeneratedDocument.objects.filter(
        event=event, form=form, content_type=content_type
    ).first()


def event_document(
    *,
    event: DossierEvent,
    form: DocumentForm,
    template: str,
    context: Callable[[], Mapping[str, Any]],
    file_name: str,
    agency: Agency | None = None,
    user: User | None = None,
) -> GeneratedDocument:
    """The PDF ``form`` that ``event`` produces, rendered from ``template`` on first request
    and stored once with its SHA-256: a second request, or a concurrent one, gets the same
    file. ``context`` is only called when the document must be rendered."""
    existing = _existing(event, form, PDF)
    if existing is not None:
        return existing
    pdf = render_pdf(template, context())
    name, sha256, size = store_bytes(pdf, ".pdf")
    document = GeneratedDocument(
        form=form,
        dossier=event.dossier,
        event=event,
        agency=agency,
        file=name,
        file_name=file_name,
        sha256=sha256,
        size=size,
        content_type=PDF,
        created_at=timezone.now(),
        created_by=user,
    )
    try:
        with transaction.atomic():
            document.save()
    except IntegrityError:
        # Someone made the same document meanwhile: theirs is the document.
        winner = _existing(event, form, PDF)
        if winner is None:
            raise
        return winner
    return document


def _slip(event: DossierEvent, kind: SlipKind, user: User | None) -> GeneratedDocument:
    return event_document(
        event=event,
        form=kind.form,
        template=kind.template,
        context=lambda: kind.build(event),
        file_name=f"{kind.file_stem}-{event.dossier.code}-{event.seq}.pdf",
        user=user,
    )


def slip_for_event(*, event: DossierEvent | int, user: User | None = None) -> GeneratedDocument:
    """The slip (Mẫu 01–05) ``event`` produces, rendered and stored on first request.

    ``user`` is recorded as the creator and must be able to see the dossier (otherwise
    :class:`NotFound`, as for a dossier that does not exist). An event that produces no
    slip is :class:`InvalidInput`.
    """
    loaded = _load_event(event)
    _check_sees(user, loaded.dossier)
    kind = SLIPS.get(loaded.action)
    if kind is None:
        raise InvalidInput(
            _("This step of the dossier produces no slip."),
            code="no_slip",
            details={"action": loaded.action},
        )
    return _slip(loaded, kind, user)


def control_sheet(*, dossier: Dossier | int, user: User | None = None) -> GeneratedDocument:
    """Mẫu 06 as of the dossier's latest event; the stored one while nothing happened."""
    pk = dossier.pk if isinstance(dossier, Dossier) else dossier
    latest = DossierEvent.objects.filter(dossier_id=pk).order_by("-seq").values("pk").first()
    if latest is None:
        raise NotFound(_("No such dossier."))
    event = _load_event(latest["pk"])
    _check_sees(user, event.dossier)
    return _slip(event, CONTROL_SHEET, user)


# --- the register (Mẫu 07) ---------------------------------------------------------------


def _check_period(start: dt.date, end: dt.date) -> None:
    errors: dict[str, str] = {}
    if end < start:
        errors["end"] = _("The end of the period must not be before its start.")
    elif (end - start).days + 1 > MAX_REGISTER_DAYS:
        errors["end"] = _("A register covers at most %(days)d days.") % {"days": MAX_REGISTER_DAYS}
    if errors:
        raise InvalidInput(_("Choose a valid period."), details={"errors": errors})


def _register(
    *,
    agency: Agency,
    start: dt.date,
    end: dt.date,
    user: User | None,
    content_type: str,
    extension: str,
    make: Callable[[RegisterHeading, list[RegisterRow]], bytes],
) -> GeneratedDocument:
    _check_period(start, end)
    if user is not None and not may_read_register(user, agency):
        raise Forbidden(
            _("You may not read the dossier register of %(agency)s.") % {"agency": agency.name}
        )
    rows = register_rows(agency, start, end)
    now = timezone.now()
    superior, name = issuer_lines(agency)
    place = place_name(agency)
    day = vn_long_date(to_local(now).date())
    heading = RegisterHeading(
        superior=superior,
        agency=name,
        period=f"Từ ngày {vn_date(start)} đến ngày {vn_date(end)}",
        date_line=f"{place}, {day}" if place else day.capitalize(),
    )
    content = make(heading, rows)
    name_stored, sha256, size = store_bytes(content, extension)
    period = f"{start:%Y%m%d}-{end:%Y%m%d}"
    with transaction.atomic():
        same = GeneratedDocument.objects.filter(
            form=DocumentForm.REGISTER,
            agency=agency,
            period_start=start,
            period_end=end,
            content_type=content_type,
            sha256=sha256,
        ).first()
        if same is not None:  # nothing changed since it was last generated
            return same
        return GeneratedDocument.objects.create(
            form=DocumentForm.REGISTER,
            agency=agency,
            period_start=start,
            period_end=end,
            file=name_stored,
            file_name=f"mau-07-so-theo-doi-{agency.identifier}-{period}{extension}",
            sha256=sha256,
            size=size,
            content_type=content_type,
            created_at=now,
            created_by=user,
        )


def _when(at: dt.datetime | None) -> dict[str, str]:
    """A date cell of the register: the local date over the time."""
    if at is None:
        return {"date": "", "time": ""}
    local = to_local(at)
    return {"date": vn_date(local), "time": f"{local:%H:%M}"}


def _register_pdf_bytes(heading: RegisterHeading, rows: list[RegisterRow]) -> bytes:
    if len(rows) > MAX_REGISTER_PDF_ROWS:
        raise InvalidInput(
            _(
                "The period holds %(count)d dossiers, too many for one PDF (at most "
                "%(max)d): choose a shorter period or download the Excel file."
            )
            % {"count": len(rows), "max": MAX_REGISTER_PDF_ROWS},
            code="register_too_long",
        )
    context = {
        "form_number": "07",
        "title": "SỔ THEO DÕI HỒ SƠ",
        "document_title": f"Mẫu số 07 – Sổ theo dõi hồ sơ – {heading.agency} – {heading.period}",
        "issuer": {
            "superior": heading.superior,
            "name": heading.agency,
            "date_line": heading.date_line,
        },
        "period": heading.period,
        "rows": [
            {
                "number": r.number,
                "code": r.code,
                "procedure": r.procedure,
                "sets": r.sets,
                "applicant": r.applicant,
                "address_phone": r.address_phone,
                "competent_agency": r.competent_agency,
                "when": [
                    _when(at)
                    for at in (
                        r.received_at,
                        r.appointment,
                        r.sent_at,
                        r.result_received_at,
                        r.returned_at,
                    )
                ],
                "notes": r.notes,
            }
            for r in rows
        ],
    }
    return render_pdf("documents/register_07.html", context, orientation="landscape")


def register_pdf(
    *, agency: Agency, start: dt.date, end: dt.date, user: User | None = None
) -> GeneratedDocument:
    """Mẫu 07 as PDF (A4 landscape) for dossiers received at ``agency`` or the desks under
    it on local dates ``start``..``end`` inclusive."""
    return _register(
        agency=agency,
        start=start,
        end=end,
        user=user,
        content_type=PDF,
        extension=".pdf",
        make=_register_pdf_bytes,
    )


def register_xlsx(
    *, agency: Agency, start: dt.date, end: dt.date, user: User | None = None
) -> GeneratedDocument:
    """Mẫu 07 as an Excel workbook; same rows as :func:`register_pdf`."""
    return _register(
        agency=agency,
        start=start,
        end=end,
        user=user,
        content_type=XLSX,
        extension=".xlsx",
        make=register_workbook,
    )
