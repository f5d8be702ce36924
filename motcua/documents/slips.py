"""What each slip (Mẫu 01–07, Circular 03/2025/TT-VPCP, Phụ lục I) says, from the ledger.

One context builder per form, from the dossier event that produced the slip (and its
dossier): plain dictionaries of strings, dates already written the Vietnamese way, so the
templates only lay them out. The slips are legal documents in Vietnamese: their fixed text
is literal Vietnamese, not a translated interface string.

A slip states the facts *as of its event*: Mẫu 01 prints the appointment the acceptance
event recorded (``data["due_at"]``), never the dossier's current one, and lists the papers
uploaded up to the acceptance, so a later extension or supplement never rewrites an old
receipt.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import F
from django.urls import reverse
from django.utils import translation

from motcua.core.text import nfc
from motcua.documents.models import DocumentForm
from motcua.documents.render import qr_svg
from motcua.dossiers.lifecycle import BEFORE_ACCEPTANCE, Action, State
from motcua.dossiers.models import (
    ApplicantKind,
    Channel,
    Dossier,
    DossierEvent,
    ReturnMethod,
    SupplementRequest,
)
from motcua.org.models import ADMIN_UNIT_KINDS, Agency, AgencyKind
from motcua.workflow.models import HandOver
from motcua.worktime.calendar import to_local

# --- Vietnamese wording of dates and times ------------------------------------------------


def vn_datetime(at: dt.datetime | None) -> str:
    """``09 giờ 30 phút, ngày 25 tháng 11 năm 2026`` (local time), or an empty string."""
    if at is None:
        return ""
    t = to_local(at)
    return (
        f"{t.hour:02d} giờ {t.minute:02d} phút, ngày {t.day:02d} tháng {t.month:02d} năm {t.year}"
    )


def vn_long_date(day: dt.date) -> str:
    """``ngày 25 tháng 11 năm 2026``."""
    return f"ngày {day.day:02d} tháng {day.month:02d} năm {day.year}"


def vn_date(at: dt.datetime | dt.date | None) -> str:
    """``25/11/2026`` (a datetime is taken in local time)."""
    if at is None:
        return ""
    day = to_local(at).date() if isinstance(at, dt.datetime) else at
    return f"{day.day:02d}/{day.month:02d}/{day.year}"


def vn_short_datetime(at: dt.datetime | None) -> str:
    """``09:30 25/11/2026`` (local time), for the tables of Mẫu 06 and 07."""
    if at is None:
        return ""
    t = to_local(at)
    return f"{t.hour:02d}:{t.minute:02d} {vn_date(t)}"


def vnd(amount: int) -> str:
    """``75.000 đồng``; nothing due is ``không thu``."""
    if amount == 0:
        return "không thu"
    return f"{amount:,}".replace(",", ".") + " đồng"


def _parse_iso(value: Any) -> dt.datetime | None:
    if not value:
        return None
    parsed = dt.datetime.fromisoformat(str(value))
    return parsed if parsed.tzinfo is not None else None


# --- agencies: who issues the slip, and where -----------------------------------------

_COMMITTEE = re.compile(r"^(?:ủy|uỷ) ban nhân dân\s+", re.IGNORECASE)
_UNIT_WORD = re.compile(r"^(?:xã|phường|thị trấn|đặc khu|tỉnh|thành phố)\s+", re.IGNORECASE)
_PLACE_KINDS = frozenset({*ADMIN_UNIT_KINDS, AgencyKind.PROVINCE_COMMITTEE})


def _upper(text: str) -> str:
    return nfc(text).upper()


def _short_committee(name: str) -> str:
    """``Ủy ban nhân dân tỉnh Tuyên Quang`` → ``UBND tỉnh Tuyên Quang``."""
    return _COMMITTEE.sub("UBND ", nfc(name))


def issuer_lines(agency: Agency) -> tuple[str, str]:
    """The two header lines of the issuing agency: its superior (or the committee
    word), then its own name in capitals.

    A People's Committee writes ``ỦY BAN NHÂN DÂN`` over ``XÃ LÂM BÌNH``; a center or a
    department writes its superior (``UBND XÃ LÂM BÌNH``) over its own name; a locally
    placed central agency answers to its ministry, which the tree does not hold, so only
    its name is written.
    """
    name = nfc(agency.name)
    if agency.kind in _PLACE_KINDS and _COMMITTEE.match(name):
        return "ỦY BAN NHÂN DÂN", _upper(_COMMITTEE.sub("", name))
    parent = agency.parent
    if parent is None or agency.kind == AgencyKind.CENTRAL_LOCAL:
        return "", _upper(name)
    return _upper(_short_committee(parent.name)), _upper(name)


def place_name(agency: Agency) -> str:
    """Where the slip is issued, for the date line: the commune, ward or province of the
    nearest administrative unit at or above ``agency`` (``Lâm Bình``, ``Tuyên Quang``)."""
    chain = [agency, *reversed(agency.ancestors())]
    for unit in chain:
        if unit.kind in _PLACE_KINDS:
            return _UNIT_WORD.sub("", _COMMITTEE.sub("", nfc(unit.name)))
    return ""


def _issuer(agency: Agency, at: dt.datetime) -> dict[str, str]:
    superior, name = issuer_lines(agency)
    place = place_name(agency)
    day = vn_long_date(to_local(at).date())
    return {
        "superior": superior,
        "name": name,
        "plain_name": nfc(agency.name),
        "date_line": f"{place}, {day}" if place else day.capitalize(),
        "address": nfc(agency.address),
        "phone": agency.phone,
        "email": agency.email,
    }


# --- the dossier --------------------------------------------------------------------


def tracking_url(dossier: Dossier) -> str:
    """The public tracking page of ``dossier`` with its lookup secret (what the QR opens)."""
    with translation.override(settings.LANGUAGE_CODE):
        path = reverse("portal:track")
    query = urlencode({"code": dossier.code, "k": dossier.lookup_secret})
    return f"{settings.MOTCUA_PUBLIC_URL}{path}?{query}"


_TIME_UNITS = {
    "working_hours": "giờ làm việc",
    "working_days": "ngày làm việc",
    "days": "ngày",
    "months": "tháng",
}

_COPY_KINDS = {
    "original": "Bản chính",
    "copy": "Bản sao",
    "certified_copy": "Bản sao chứng thực",
    "electronic": "Bản điện tử",
    "original_or_copy": "Bản chính hoặc bản sao",
}

_STATES = {
    State.SUBMITTED: "Mới đăng ký, chờ tiếp nhận",
    State.RECEIVED: "Đang kiểm tra, chờ tiếp nhận",
    State.INTAKE_INCOMPLETE: "Yêu cầu bổ sung, hoàn thiện trước khi tiếp nhận",
    State.REFUSED: "Từ chối tiếp nhận, giải quyết",
    State.ACCEPTED: "Đã tiếp nhận",
    State.PROCESSING: "Đang xử lý",
    State.SUPPLEMENT_REQUESTED: "Yêu cầu bổ sung hồ sơ",
    State.AWAITING_PAYMENT: "Chờ thực hiện nghĩa vụ tài chính",
    State.APPROVED: "Đã phê duyệt, chờ ký kết quả",
    State.RESOLVED: "Đã có kết quả",
    State.RETURNED: "Đã trả kết quả",
    State.WITHDRAWN: "Công dân rút hồ sơ",
    State.STOPPED: "Dừng giải quyết",
}

OUTCOMES = {"early": "Trước hạn", "on_time": "Đúng hạn", "late": "Quá hạn"}
DESK_STEP = "Tiếp nhận, chuyển hồ sơ (Bộ phận Một cửa)"


def state_text(state: str) -> str:
    return _STATES.get(State(state), state)


def time_limit_text(limit: int | None, unit: str) -> str:
    if limit is None:
        return "Không quy định thời hạn"
    if limit == 0:
        return "Trong ngày làm việc"
    return f"{limit} {_TIME_UNITS.get(unit, unit)}"


def legal_time_limit(dossier: Dossier) -> str:
    if dossier.procedure_group is not None:
        group = dossier.procedure_group
        return time_limit_text(group.time_limit, group.time_unit)
    version = dossier.procedure_version
    if version is None:  # pragma: no cover - a dossier has a procedure or a group
        return ""
    return time_limit_text(version.time_limit, version.time_unit)


def return_place(dossier: Dossier) -> str:
    """Where and how the result is returned (nơi trả kết quả)."""
    if dossier.return_method == ReturnMethod.POST:
        return (
            "Qua dịch vụ bưu chính công ích, đến địa chỉ: "
            f"{nfc(dossier.applicant_address) or 'địa chỉ người nộp đã đăng ký'}"
        )
    if dossier.return_method == ReturnMethod.ONLINE:
        return (
            "Trực tuyến, trên Cổng Dịch vụ công và kho quản lý dữ liệu điện tử của tổ chức, cá nhân"
        )
    agency = dossier.return_agency or dossier.receiving_agency
    where = f"Tại Bộ phận Một cửa – {nfc(agency.name)}"
    return f"{where}, {nfc(agency.address)}" if agency.address else where


def applicant(dossier: Dossier) -> dict[str, str]:
    person = dossier.applicant_kind == ApplicantKind.PERSON
    return {
        "name": nfc(dossier.applicant_name),
        "id_label": "Số định danh cá nhân" if person else "Mã số thuế/mã số doanh nghiệp",
        "id": dossier.applicant_personal_id if person else dossier.applicant_org_code,
        "address": nfc(dossier.applicant_address),
        "phone": dossier.applicant_phone,
        "email": dossier.applicant_email,
        "salutation": "Ông/Bà" if person else "Quý cơ quan, tổ chức",
    }


def _base(
    form: DocumentForm, title: str, dossier: Dossier, issuer: Agency, at: dt.datetime
) -> dict[str, Any]:
    url = tracking_url(dossier)
    return {
        "form_number": str(form.value),
        "title": title,
        "document_title": f"Mẫu số {form.value} – {title.capitalize()} – {dossier.code}",
        "code": dossier.code,
        "tracking_url": url,
        "qr": qr_svg(url),
        "issuer": _issuer(issuer, at),
        "applicant": applicant(dossier),
        "procedure": nfc(dossier.procedure_name),
        "time_limit": legal_time_limit(dossier),
        "received_at": vn_datetime(dossier.received_at),
        "accepted_at": vn_datetime(dossier.accepted_at),
        "receiving_agency": nfc(dossier.receiving_agency.name),
        "competent_agency": nfc(dossier.competent_agency.name),
    }


def _contact(event: DossierEvent, agency: Agency) -> dict[str, str]:
    official = event.actor
    return {
        "official": nfc(event.actor_label),
        "official_phone": official.phone if official is not None else "",
        "official_email": official.email if official is not None else "",
        "agency": nfc(agency.name),
        "agency_phone": agency.phone,
        "agency_email": agency.email,
    }


# --- Mẫu 01 --------------------------------------------------------------------------


@dataclass(frozen=True)
class ReceivedPaper:
    name: str
    form: str
    copies: int
    files: int


def received_papers(dossier: Dossier, until: dt.datetime) -> list[ReceivedPaper]:
    """The papers handed in up to ``until``, one line per required paper (or per file
    that answers no required paper), with the copies the catalogue asks for."""
    electronic = dossier.channel in {Channel.ONLINE, Channel.VNEID}
    lines: dict[object, ReceivedPaper] = {}
    documents = dossier.documents.filter(uploaded_at__lte=until).select_related("required_document")
    order = (F("required_document__position").asc(nulls_last=True), "id")
    for doc in documents.order_by(*order):
        required = doc.required_document
        key: object = ("required", required.pk) if required is not None else ("file", doc.pk)
        if key in lines:
            line = lines[key]
            lines[key] = ReceivedPaper(line.name, line.form, line.copies, line.files + 1)
            continue
        if doc.from_data_store:
            form = "Bản điện tử (kho dữ liệu)"
        elif electronic:
            form = "Bản điện tử"
        elif required is not None:
            form = _COPY_KINDS.get(required.kind, "")
        else:
            form = "Bản sao"
        lines[key] = ReceivedPaper(
            name=nfc(required.name if required is not None else doc.name),
            form=form,
            copies=max(required.copies, 1) if required is not None else 1,
            files=1,
        )
    return list(lines.values())


def receipt_context(event: DossierEvent) -> dict[str, Any]:
    """Mẫu 01 — Giấy tiếp nhận hồ sơ và hẹn trả kết quả (the ``accept`` event)."""
    dossier = event.dossier
    context = _base(
        DocumentForm.RECEIPT,
        "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
        dossier,
        dossier.receiving_agency,
        event.at,
    )
    papers = received_papers(dossier, event.at)
    due = _parse_iso(event.data.get("due_at"))
    sequence = re.search(r"(\d+)$", dossier.code)
    context.update(
        {
            "papers": [p.__dict__ for p in papers],
            "paper_count": sum(p.copies for p in papers),
            "sets": 1,
            "receipt_time": vn_datetime(event.at),
            "appointment": vn_datetime(due) if due else "Không hẹn (không quy định thời hạn)",
            "return_place": return_place(dossier),
            "register_line": (
                f"Vào Sổ theo dõi hồ sơ ngày {vn_date(event.at)}, "
                f"số thứ tự {sequence.group(1) if sequence else dossier.code}"
            ),
            "fees": [{"name": nfc(f.name), "amount": vnd(f.amount)} for f in dossier.fees.all()],
            "officer": nfc(event.actor_label),
            "channel": dossier.channel,
        }
    )
    return context


# --- Mẫu 02 --------------------------------------------------------------------------


def supplement_request_of(event: DossierEvent) -> SupplementRequest | None:
    """The supplement request an ``ask_to_complete`` / ``request_supplement`` event made
    (same dossier, same moment, same stage)."""
    return (
        SupplementRequest.objects.filter(
            dossier_id=event.dossier_id,
            at_intake=event.action == Action.ASK_TO_COMPLETE,
            requested_at=event.at,
        )
        .order_by("-pk")
        .first()
    )


def supplement_context(event: DossierEvent) -> dict[str, Any]:
    """Mẫu 02 — Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (at intake, or during processing
    where the competent agency asks through the one-stop desk)."""
    dossier = event.dossier
    at_intake = event.action == Action.ASK_TO_COMPLETE
    issuer = dossier.receiving_agency if at_intake else dossier.competent_agency
    context = _base(
        DocumentForm.SUPPLEMENT,
        "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ",
        dossier,
        issuer,
        event.at,
    )
    request = supplement_request_of(event)
    items: Sequence[Any] = request.items if request is not None else event.data.get("items", [])
    reason = (request.reason if request is not None else "") or event.reason
    context.update(
        {
            "at_intake": at_intake,
            "items": [nfc(str(i)) for i in items],
            "reason": nfc(reason),
            "requested_at": vn_datetime(event.at),
            "contact": _contact(event, issuer),
            "officer": nfc(event.actor_label),
        }
    )
    return context


# --- Mẫu 03 --------------------------------------------------------------------------


def refusal_context(event: DossierEvent) -> dict[str, Any]:
    """Mẫu 03 — Phiếu từ chối tiếp nhận giải quyết hồ sơ: by the desk at intake, or by
    the competent agency's leader after appraisal."""
    dossier = event.dossier
    at_intake = event.from_state in BEFORE_ACCEPTANCE
    issuer = dossier.receiving_agency if at_intake else dossier.competent_agency
    context = _base(
        DocumentForm.REFUSAL,
        "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ",
        dossier,
        issuer,
        event.at,
    )
    context.update(
        {
            "at_intake": at_intake,
            "reason": nfc(event.reason),
            "refused_at": vn_datetime(event.at),
            "officer": nfc(event.actor_label),
        }
    )
    return context


# --- Mẫu 04 --------------------------------------------------------------------------


def apology_context(event: DossierEvent) -> dict[str, Any]:
    """Mẫu 04 — Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết (``extend``)."""
    dossier = event.dossier
    context = _base(
        DocumentForm.APOLOGY,
        "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT",
        dossier,
        dossier.competent_agency,
        event.at,
    )
    context.update(
        {
            "old_appointment": vn_datetime(_parse_iso(event.data.get("old_due_at"))),
            "new_appointment": vn_datetime(_parse_iso(event.data.get("new_due_at"))),
            "reason": nfc(event.reason),
            "officer": nfc(event.actor_label),
        }
    )
    return context


# --- Mẫu 05 --------------------------------------------------------------------------


def stop_context(event: DossierEvent) -> dict[str, Any]:
    """Mẫu 05 — Thông báo dừng giải quyết hồ sơ (``stop``)."""
    dossier = event.dossier
    context = _base(
        DocumentForm.STOP,
        "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ",
        dossier,
        dossier.competent_agency,
        event.at,
    )
    context.update(
        {
            "on_withdrawal": event.from_state == State.WITHDRAWN,
            "stopped_at": vn_datetime(event.at),
            "reason": nfc(event.reason),
            "officer": nfc(event.actor_label),
        }
    )
    return context


# --- Mẫu 06 --------------------------------------------------------------------------


def _person(user: Any) -> str:
    if user is None:
        return ""
    return nfc(user.get_full_name() or user.get_username())


def control_sheet_rows(dossier: Dossier, until_seq: int) -> list[dict[str, str]]:
    """One row per hand-over (workflow.HandOver) up to event ``until_seq``."""
    handovers = (
        HandOver.objects.filter(dossier=dossier, event__seq__lte=until_seq)
        .select_related("from_agency", "to_agency", "from_user", "to_user")
        .order_by("handed_over_at", "id")
    )
    return [
        {
            "number": str(n),
            # The desk's step has no workflow name; a step's name is the workflow's.
            "step": DESK_STEP if h.from_step is None else nfc(h.step_name),
            "from_agency": nfc(h.from_agency.name),
            "from_person": _person(h.from_user),
            "to_agency": nfc(h.to_agency.name) if h.to_agency is not None else "",
            "to_person": _person(h.to_user),
            "at": vn_datetime(h.handed_over_at),
            "step_due": vn_short_datetime(h.step_due_at),
            "outcome": OUTCOMES.get(h.outcome, ""),
            "note": nfc(h.note),
        }
        for n, h in enumerate(handovers, start=1)
    ]


def control_sheet_context(event: DossierEvent) -> dict[str, Any]:
    """Mẫu 06 — Phiếu kiểm soát quá trình giải quyết hồ sơ, as of ``event`` (the dossier's
    latest event when it is generated)."""
    dossier = event.dossier
    context = _base(
        DocumentForm.CONTROL_SHEET,
        "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ",
        dossier,
        dossier.receiving_agency,
        event.at,
    )
    context.update(
        {
            "rows": control_sheet_rows(dossier, event.seq),
            "appointment": vn_datetime(dossier.original_due_at),
            "extended_to": (
                vn_datetime(dossier.due_at)
                if dossier.due_at and dossier.due_at != dossier.original_due_at
                else ""
            ),
            "state": state_text(event.to_state),
            "as_of": vn_datetime(event.at),
        }
    )
    return context


# --- which event makes which slip -------------------------------------------------------


@dataclass(frozen=True)
class SlipKind:
    form: DocumentForm
    template: str
    build: Callable[[DossierEvent], dict[str, Any]]
    file_stem: str


SLIPS: dict[str, SlipKind] = {
    Action.ACCEPT: SlipKind(
        DocumentForm.RECEIPT, "documents/slip_01_receipt.html", receipt_context, "mau-01"
    ),
    Action.ASK_TO_COMPLETE: SlipKind(
        DocumentForm.SUPPLEMENT,
        "documents/slip_02_supplement.html",
        supplement_context,
        "mau-02",
    ),
    Action.REQUEST_SUPPLEMENT: SlipKind(
        DocumentForm.SUPPLEMENT,
        "documents/slip_02_supplement.html",
        supplement_context,
        "mau-02",
    ),
    Action.REFUSE: SlipKind(
        DocumentForm.REFUSAL, "documents/slip_03_refusal.html", refusal_context, "mau-03"
    ),
    Action.EXTEND: SlipKind(
        DocumentForm.APOLOGY, "documents/slip_04_apology.html", apology_context, "mau-04"
    ),
    Action.STOP: SlipKind(DocumentForm.STOP, "documents/slip_05_stop.html", stop_context, "mau-05"),
}

CONTROL_SHEET = SlipKind(
    DocumentForm.CONTROL_SHEET,
    "documents/slip_06_control_sheet.html",
    control_sheet_context,
    "mau-06",
)
