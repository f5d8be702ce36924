"""Synthetic but realistic dossiers in bulk, for benchmarks (``motcua bench-load``).

Three parts:

* :func:`ensure_reference_data` makes sure the province, the catalogue, a few officials per
  agency and one stored PDF (shared, content-addressed, by documents and results) exist.
* :class:`Generator` makes dossiers day by day over a year, each with a legal history: every
  transition is checked with :func:`motcua.dossiers.lifecycle.decide`, every event is hashed
  with :func:`motcua.dossiers.ledger.canonical` and :func:`~motcua.dossiers.ledger.chain_hash`
  like the services do, the dossier row carries the chain head and the fields the services
  would have set, codes follow each receiving agency's gap-free daily sequence, and the side
  rows (fees, payments, supplement requests, documents, results, control-sheet hand-overs)
  are those the services write for the same actions. Rows are plain tuples in the tables'
  column order (checked against the models at start).
* :class:`PostgresWriter` (``COPY … FROM STDIN`` on the raw psycopg 3 connection) and
  :class:`SqliteWriter` (``executemany``) store one batch per transaction, with the daily
  sequences and id sequences moved in the same transaction, so the database is consistent
  after every batch.

The load appends: ids start after the largest existing ones and daily numbers after the
stored ``DailySequence.last``, so a second load (even with the same seed) never collides.
Nothing else may write dossiers while a load runs (ids are taken from ``max(id)``): run it on
a database of its own. Interconnected (group) dossiers are not generated.
"""

from __future__ import annotations

import base64
import bisect
import datetime as dt
import io
import json
import os
import random
import time
import unicodedata
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import translation
from django.utils.translation import gettext

from motcua.catalog.models import ProcedureVersion, VersionStatus
from motcua.core.text import fold
from motcua.dossiers import ledger
from motcua.dossiers.codes import CodeFormatError, format_dossier_code, result_code
from motcua.dossiers.lifecycle import (
    Action,
    Situation,
    State,
    decide,
    ends_processing,
)
from motcua.dossiers.models import (
    DailySequence,
    Document,
    Dossier,
    DossierEvent,
    DossierFee,
    Payment,
    Result,
    SupplementRequest,
)
from motcua.dossiers.services import DEFAULT_STEPS
from motcua.dossiers.timeliness import Pause
from motcua.org.models import Agency, AgencyKind, Role, RoleAssignment, User
from motcua.org.personal_id import PROVINCES, tax_code_check_digit
from motcua.workflow.allotment import classify_handover, step_due
from motcua.workflow.models import HandOver
from motcua.worktime.calendar import VN_TZ, WorkCalendar
from motcua.worktime.deadlines import compute_due, effective_acceptance
from motcua.worktime.selectors import work_calendar

CATALOG_DATA = Path(__file__).resolve().parents[1] / "catalog" / "data" / "procedures"
UTC = dt.UTC
VN_OFFSET = 7 * 3600
USERNAME_PREFIX = "bench."

# --- columns ---------------------------------------------------------------------------

# Each table's columns in the order the generator fills its tuples. ``check_columns``
# compares them with the models, so a model change fails loudly instead of loading garbage.
TABLES: dict[str, tuple[type, tuple[str, ...]]] = {
    "dossier": (
        Dossier,
        [
            "id",
            "code",
            "lookup_secret",
            "procedure_version_id",
            "procedure_group_id",
            "parent_id",
            "applicant_kind",
            "applicant_name",
            "applicant_personal_id",
            "applicant_birth_date",
            "applicant_org_code",
            "applicant_address",
            "applicant_phone",
            "applicant_email",
            "identity_verified_vneid",
            "receiving_agency_id",
            "competent_agency_id",
            "return_method",
            "return_agency_id",
            "channel",
            "eform_data",
            "state",
            "resume_state",
            "workflow_steps",
            "current_step",
            "current_agency_id",
            "current_assignee_id",
            "step_started_at",
            "received_at",
            "accepted_at",
            "due_at",
            "original_due_at",
            "finished_at",
            "resolved_at",
            "returned_at",
            "intake_completion_requested",
            "supplement_requests",
            "extensions",
            "fee_total",
            "paid_total",
            "created_by_id",
            "owner_id",
            "search_key",
            "version",
            "event_count",
            "last_event_hash",
            "updated_at",
        ],
    ),
    "event": (
        DossierEvent,
        [
            "id",
            "dossier_id",
            "seq",
            "action",
            "actor_id",
            "actor_label",
            "at",
            "from_state",
            "to_state",
            "reason",
            "data",
            "prev_hash",
            "hash",
        ],
    ),
    "supplement": (
        SupplementRequest,
        [
            "id",
            "dossier_id",
            "at_intake",
            "items",
            "reason",
            "requested_at",
            "requested_by_id",
            "completed_at",
        ],
    ),
    "document": (
        Document,
        [
            "id",
            "dossier_id",
            "required_document_id",
            "name",
            "file",
            "original_name",
            "sha256",
            "size",
            "content_type",
            "digitised_at_intake",
            "from_data_store",
            "supplement_id",
            "uploaded_at",
            "uploaded_by_id",
        ],
    ),
    "fee": (DossierFee, ["id", "dossier_id", "name", "amount"]),
    "payment": (
        Payment,
        ["id", "dossier_id", "amount", "method", "reference", "paid_at", "recorded_by_id"],
    ),
    "result": (
        Result,
        [
            "id",
            "dossier_id",
            "number",
            "code",
            "name",
            "kind",
            "file",
            "sha256",
            "size",
            "content_type",
            "attached_at",
            "attached_by_id",
            "signed_at",
            "signed_by_id",
        ],
    ),
    "handover": (
        HandOver,
        [
            "id",
            "dossier_id",
            "event_id",
            "from_step",
            "to_step",
            "step_name",
            "from_agency_id",
            "from_user_id",
            "to_agency_id",
            "to_user_id",
            "step_started_at",
            "handed_over_at",
            "allotted",
            "step_due_at",
            "outcome",
            "note",
        ],
    ),
}
# Columns holding JSON (dumped to text by the generator) and datetimes / dates / durations.
JSON_COLUMNS = {"eform_data", "workflow_steps", "data", "items"}
DURATION_COLUMNS = {"allotted"}
DATE_COLUMNS = {"applicant_birth_date"}


def check_columns() -> None:
    for name, (model, columns) in TABLES.items():
        actual = [f.column for f in model._meta.concrete_fields]
        if actual != list(columns):
            raise RuntimeError(
                f"The {model.__name__} model changed (columns {actual}); update "
                f"motcua.dossiers.bulk.TABLES[{name!r}] and the generator."
            )


# --- names and other applicant data -----------------------------------------------------


def _nfc(items: Sequence[str]) -> tuple[str, ...]:
    return tuple(unicodedata.normalize("NFC", s) for s in items)


# Family names with rough national frequencies, plus the Tày, Dao, Nùng names of the north.
SURNAMES = _nfc(
    [
        "Nguyễn",
        "Trần",
        "Lê",
        "Phạm",
        "Hoàng",
        "Huỳnh",
        "Phan",
        "Vũ",
        "Võ",
        "Đặng",
        "Bùi",
        "Đỗ",
        "Hồ",
        "Ngô",
        "Dương",
        "Lý",
        "Ma",
        "Nông",
        "Hà",
        "Triệu",
        "Lưu",
        "Quan",
        "Chu",
        "Lò",
        "Đinh",
        "Mai",
        "Trịnh",
        "Đào",
        "Tạ",
        "Lương",
        "Vương",
    ]
)
SURNAME_WEIGHTS = (
    36, 11, 9, 7, 5, 2, 4, 4, 3, 2, 2, 2, 1.3, 1.3, 1, 0.5,
    2, 2, 2, 1.5, 1, 1, 1, 0.5, 1, 0.5, 1, 1, 0.5, 0.5, 0.5,
)  # fmt: skip
MALE_MIDDLE = _nfc(
    ["Văn", "Đức", "Minh", "Quốc", "Hữu", "Thành", "Công", "Xuân", "Ngọc", "Trọng", "Anh", "Gia"]
)
FEMALE_MIDDLE = _nfc(
    ["Thị", "Thu", "Ngọc", "Thanh", "Hồng", "Phương", "Minh", "Thùy", "Kim", "Mai", "Bảo"]
)
MALE_GIVEN = _nfc(
    [
        "An",
        "Bình",
        "Cường",
        "Dũng",
        "Đức",
        "Hải",
        "Hùng",
        "Huy",
        "Khánh",
        "Long",
        "Minh",
        "Nam",
        "Phúc",
        "Quang",
        "Sơn",
        "Thắng",
        "Tuấn",
        "Việt",
        "Vinh",
        "Hiếu",
        "Trung",
        "Kiên",
        "Toàn",
        "Thành",
        "Hoàng",
        "Lâm",
        "Tùng",
        "Quý",
        "Phong",
        "Đạt",
        "Khoa",
        "Tâm",
    ]
)
FEMALE_GIVEN = _nfc(
    [
        "Anh",
        "Chi",
        "Dung",
        "Giang",
        "Hà",
        "Hạnh",
        "Hằng",
        "Hoa",
        "Hương",
        "Lan",
        "Linh",
        "Mai",
        "Ngọc",
        "Nhung",
        "Oanh",
        "Phương",
        "Quỳnh",
        "Thảo",
        "Trang",
        "Tuyết",
        "Vân",
        "Yến",
        "Huyền",
        "Thủy",
        "Loan",
        "Nga",
        "Nhàn",
        "Thư",
        "Hiền",
        "Liên",
    ]
)
ORG_FORMS = _nfc(["Công ty TNHH", "Công ty cổ phần", "Hợp tác xã", "Doanh nghiệp tư nhân"])
ORG_NAMES = _nfc(
    [
        "Thành Đạt", "Phú Cường", "Hoàng Long", "Minh Phát", "Tân Tiến", "Sông Lô",
        "Na Hang", "Xanh Việt", "Chè Tân Trào", "Lâm sản Hàm Yên", "Xây dựng Đại Thịnh",
        "Vận tải Hồng Hà", "Nông sản Chiêm Hóa", "Thương mại An Phát", "Du lịch Lâm Bình",
    ]
)  # fmt: skip
HAMLETS = _nfc(["Thôn", "Bản", "Tổ dân phố", "Xóm"])
ETHNIC = _nfc(["Kinh", "Tày", "Dao", "Sán Chay", "Mông", "Nùng", "Sán Dìu", "Cao Lan"])
ETHNIC_WEIGHTS = (46, 25, 12, 8, 3, 2, 2, 2)
TEXTS = _nfc(
    [
        "Theo hồ sơ kèm theo",
        "Đề nghị giải quyết theo quy định",
        "Có nhu cầu sử dụng cho công việc",
        "Bổ sung hồ sơ xin việc làm",
        "Hoàn thiện thủ tục cho gia đình",
        "Phục vụ học tập của con",
    ]
)
ASK_ITEMS = _nfc(
    [
        "Bản sao giấy chứng nhận quyền sử dụng đất có chứng thực",
        "Tờ khai có chữ ký của người yêu cầu",
        "Giấy ủy quyền có chứng thực",
        "Bản chụp giấy tờ tùy thân còn hiệu lực",
        "Sơ đồ thửa đất có xác nhận",
    ]
)
REFUSE_REASONS = _nfc(
    [
        "Hồ sơ không thuộc thẩm quyền giải quyết",
        "Người yêu cầu không đủ điều kiện theo quy định",
        "Giấy tờ nộp kèm không hợp lệ",
        "Quá thời hạn bổ sung mà người yêu cầu không hoàn thiện hồ sơ",
    ]
)
WITHDRAW_REASONS = _nfc(["Không còn nhu cầu", "Nộp nhầm thủ tục", "Sẽ nộp lại sau", ""])
STOP_REASONS = _nfc(["Có tranh chấp chưa được giải quyết", "Theo yêu cầu của cơ quan điều tra"])
EXTEND_REASONS = _nfc(["Cần xác minh thêm thông tin", "Chờ ý kiến của cơ quan liên quan"])
LAND_FEES = _nfc(["Lệ phí trước bạ", "Tiền sử dụng đất", "Thuế thu nhập cá nhân"])

# How often each procedure is filed relative to an ordinary one (1).
PROCEDURE_WEIGHTS: dict[str, float] = {
    "2.000815": 30,  # chứng thực bản sao
    "2.000884": 6,  # chứng thực chữ ký
    "2.001035": 4,  # chứng thực hợp đồng
    "1.001193": 8,  # khai sinh
    "1.000656": 3,  # khai tử
    "1.000894": 3,  # kết hôn
    "1.004873": 6,  # xác nhận tình trạng hôn nhân
    "2.000635": 4,  # bản sao trích lục
    "1.004222": 8,  # thường trú
    "1.004194": 8,  # tạm trú
    "1.002755": 3,  # gia hạn tạm trú
    "1.013831": 6,  # biến động đất đai
    "1.012783": 3,  # cấp đổi GCN
    "1.013978": 3,  # đăng ký đất đai
    "3.000333": 4,  # lý lịch tư pháp
    "1.013067": 4,  # đăng ký xe
    "1.012575": 3,
    "3.000347": 4,  # đổi giấy phép lái xe
    "1.001612": 3,  # hộ kinh doanh
    "1.013225": 2,  # giấy phép xây dựng
}
LAND_SECTOR = "agriculture-environment"
EFORM_POOL = 500


# --- the working clock ------------------------------------------------------------------


class WorkClock:
    """The office periods of a range of days, with cumulative working seconds, so that
    working-time arithmetic is a bisection (instants are whole epoch seconds).

    ``add`` and ``elapsed`` give exactly what ``worktime.deadlines.add_working_time`` and
    ``elapsed_working_time`` give on the same calendar (``tests/test_bench_load.py`` checks).
    """

    def __init__(self, cal: WorkCalendar, first: dt.date, last: dt.date) -> None:
        self.cal = cal
        starts: list[int] = []
        ends: list[int] = []
        cum: list[int] = []
        total = 0
        day = first
        while day <= last:
            for s, e in cal.periods(day):
                a, b = int(s.timestamp()), int(e.timestamp())
                starts.append(a)
                ends.append(b)
                cum.append(total)
                total += b - a
            day += dt.timedelta(days=1)
        self.starts, self.ends, self.cum = starts, ends, cum
        self.cum_end = [c + (e - s) for c, s, e in zip(cum, starts, ends, strict=True)]
        self.first, self.last = first, last

    def worked(self, t: int) -> int:
        i = bisect.bisect_right(self.starts, t) - 1
        if i < 0:
            return 0
        return self.cum[i] + min(t - self.starts[i], self.ends[i] - self.starts[i])

    def next_opening(self, t: int) -> int:
        i = bisect.bisect_right(self.ends, t)
        return max(self.starts[i], t)

    def add(self, t: int, seconds: int) -> int:
        """Like ``add_working_time``: a due time on a closing time stays there."""
        if seconds <= 0:
            return self.next_opening(t)
        w = self.worked(t) + seconds
        i = bisect.bisect_left(self.cum_end, w)
        if i == len(self.starts):  # past the clock's range: only ever compared with as_of
            return self.ends[-1] + (w - self.cum_end[-1])
        return self.starts[i] + (w - self.cum[i])

    def elapsed(self, a: int, b: int) -> int:
        return self.worked(b) - self.worked(a)

    def periods_of(self, day: dt.date) -> list[tuple[int, int]]:
        return [(int(s.timestamp()), int(e.timestamp())) for s, e in self.cal.periods(day)]

    def is_working_day(self, day: dt.date) -> bool:
        return self.cal.is_working_day(day)

    def previous_working_close(self, due: int) -> int:
        """End of the working day before ``due``'s local day (the extension deadline)."""
        day = local_date(due) - dt.timedelta(days=1)
        while not self.cal.is_working_day(day):
            day -= dt.timedelta(days=1)
        return int(self.cal.closing(day).timestamp())


def utc(t: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(t, UTC)


def local_date(t: int) -> dt.date:
    return dt.date.fromordinal((t + VN_OFFSET) // 86400 + 719163)


class Deadlines:
    """``compute_due`` with a cache (day-based limits depend on the acceptance day only),
    and the control sheet's allotments and outcomes without pauses on the fast clock."""

    def __init__(self, clock: WorkClock) -> None:
        self.clock = clock
        self.cal = clock.cal
        self._days: dict[tuple[dt.date, int, str], int] = {}

    def due(
        self, accepted: int, limit: int | None, unit: str, cutoff: dt.time | None
    ) -> int | None:
        if limit is None:
            return None
        if unit == "working_hours":
            return int(compute_due(self.cal, utc(accepted), limit, unit, cutoff).timestamp())
        eff = effective_acceptance(self.cal, utc(accepted), cutoff)
        key = (eff.date(), limit, unit)
        hit = self._days.get(key)
        if hit is None:
            hit = int(compute_due(self.cal, eff, limit, unit, None).timestamp())
            self._days[key] = hit
        return hit

    def allotted(
        self, accepted: int, due: int | None, shares: Sequence[Decimal]
    ) -> list[int | None]:
        """``allotment.allotted_times`` in seconds (whole minutes)."""
        if due is None:
            return [None] * len(shares)
        total = Fraction(self.clock.elapsed(accepted, due) * 1_000_000)
        per_minute = 60_000_000 * 100
        return [int(total * Fraction(s) // per_minute) * 60 for s in shares]

    def desk_allotment(self, accepted: int, due: int | None, used: Decimal) -> int | None:
        """``services._desk_allotment`` in seconds."""
        if due is None or used >= 100:
            return None
        total = self.clock.elapsed(accepted, due)
        return int(total * float(100 - used) / 100 // 60) * 60

    def step(
        self, started: int, handed: int, allotted: int | None, pauses: list[tuple[int, int]]
    ) -> tuple[dt.datetime | None, str]:
        """(step due, outcome) of a hand-over, as ``services._handover`` computes them."""
        if allotted is None:
            return None, ""
        if pauses:
            ps = [Pause(utc(a), utc(b)) for a, b in pauses]
            s, h, al = utc(started), utc(handed), dt.timedelta(seconds=allotted)
            due = step_due(self.cal, started_at=s, allotted=al, pauses=ps)
            outcome = classify_handover(
                self.cal, started_at=s, handed_over_at=h, allotted=al, pauses=ps
            )
            return due, outcome.value
        base = self.clock.add(started, allotted) if allotted else started
        if handed > base:
            outcome = "late"
        elif local_date(handed) < local_date(base):
            outcome = "early"
        else:
            outcome = "on_time"
        return utc(base), outcome


# --- reference data ---------------------------------------------------------------------


@dataclass(frozen=True)
class Official:
    id: int | None
    label: str


@dataclass
class ProcedureInfo:
    version_id: int
    code: str
    name: str
    kind: str
    sector: str
    time_limit: int | None
    time_unit: str
    cutoff: dt.time | None
    fees: list[tuple[str, int]]
    documents: list[tuple[int, str, bool]]
    result_name: str
    result_kind: str
    full_online: bool
    weight: float
    eform: list[tuple[str, Callable[[random.Random, dict[str, Any]], Any]]]


@dataclass
class Reference:
    root: Agency
    province_center: Agency
    centers: list[Agency]  # commune centers, in national-code order
    commune_of_center: dict[int, Agency]
    by_sector: dict[tuple[str, str], Agency]
    procedures: list[ProcedureInfo]
    reception: dict[int, list[Official]]
    specialists: dict[int, list[Official]]
    leaders: dict[int, list[Official]]
    shared_file: tuple[str, str, int]  # stored name, sha256, size


def _person_name(rng: random.Random) -> tuple[str, str, str, bool]:
    """(family and middle names, given name, full name, female)."""
    female = rng.random() < 0.5
    surname = SURNAMES[_pick(_SURNAME_CUM, rng.random())]
    middle = rng.choice(FEMALE_MIDDLE if female else MALE_MIDDLE)
    given = rng.choice(FEMALE_GIVEN if female else MALE_GIVEN)
    last = f"{surname} {middle}"
    return last, given, f"{last} {given}", female


def ensure_reference_data(*, province: int | None = None, stdout: Any = None) -> None:
    """Province, catalogue, bench officials and the shared file: load what is missing."""
    from motcua.catalog.models import Procedure
    from motcua.catalog.services import catalog_import
    from motcua.org.demo import load_province

    def say(msg: str) -> None:
        if stdout is not None:
            stdout.write(msg)

    code = settings.MOTCUA_PROVINCE_CODE if province is None else province
    if not Agency.objects.filter(kind=AgencyKind.COMMUNE_CENTER).exists():
        loaded = load_province(code)
        say(f"Loaded province {loaded.province.name}: {loaded.agencies} agencies.")
    if not Procedure.objects.exists():
        for path in sorted(CATALOG_DATA.glob("*.json")):
            with path.open(encoding="utf-8") as f:
                catalog_import(json.load(f))
        say(f"Imported the catalogue: {Procedure.objects.count()} procedures.")
    _ensure_officials(say)


@transaction.atomic
def _ensure_officials(say: Callable[[str], None]) -> None:
    """Two reception officers per one-stop center, two specialists and a leader per
    competent agency, and a province administrator: ``bench.*`` accounts, no password."""
    if User.objects.filter(username__startswith=USERNAME_PREFIX).exists():
        return
    rng = random.Random(20250701)
    plan: list[tuple[str, Agency, str]] = []
    for agency in Agency.objects.order_by("id"):
        if agency.is_reception_point:
            plan += [(f"{agency.identifier}.tn{i}", agency, Role.RECEPTION_OFFICER) for i in (1, 2)]
        if agency.kind in {
            AgencyKind.COMMUNE,
            AgencyKind.WARD,
            AgencyKind.SPECIAL_ZONE,
            AgencyKind.DEPARTMENT,
            AgencyKind.CENTRAL_LOCAL,
            AgencyKind.PROVINCE_COMMITTEE,
        }:
            plan += [(f"{agency.identifier}.cv{i}", agency, Role.SPECIALIST) for i in (1, 2)]
            plan.append((f"{agency.identifier}.ld", agency, Role.LEADER))
    root = Agency.objects.get(parent__isnull=True, kind=AgencyKind.PROVINCE_COMMITTEE)
    plan.append(("admin", root, Role.PROVINCE_ADMIN))
    users = []
    for suffix, agency, _role in plan:
        last, given, _full, _female = _person_name(rng)
        user = User(
            username=f"{USERNAME_PREFIX}{suffix}",
            first_name=given,
            last_name=last,
            agency=agency,
            is_staff=suffix == "admin",
        )
        user.set_unusable_password()
        users.append(user)
    User.objects.bulk_create(users, batch_size=1000)
    by_name = {u.username: u for u in User.objects.filter(username__startswith=USERNAME_PREFIX)}
    RoleAssignment.objects.bulk_create(
        [
            RoleAssignment(user=by_name[f"{USERNAME_PREFIX}{s}"], role=role, agency=agency)
            for s, agency, role in plan
        ],
        batch_size=1000,
    )
    say(f"Created {len(users)} bench officials (bench.*, no password).")


def shared_pdf_bytes() -> bytes:
    """A small valid PDF (one blank A4 page)."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": "MotCua bench"})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _shared_file() -> tuple[str, str, int]:
    """One small PDF in the dossier file storage that every generated document points to."""
    from motcua.dossiers.storage import store_checked
    from motcua.dossiers.uploads import check_upload

    upload = check_upload(shared_pdf_bytes(), filename="giay-to.pdf", max_bytes=1 << 20)
    return store_checked(upload), upload.sha256, upload.size


def sample_applicant(rng: random.Random, center: Agency) -> dict[str, Any]:
    """An applicant as the API takes it (``ApplicantIn``), living in ``center``'s commune."""
    commune = center.parent
    place = commune.name.removeprefix("Ủy ban nhân dân ") if commune else "phường Minh Xuân"
    _last, given, full, female = _person_name(rng)
    birth = _birth(rng)
    email = ""
    if rng.random() < 0.35:
        email = f"{fold(given).replace(' ', '')}{rng.randint(1, 9999)}@gmail.com"
    return {
        "kind": "person",
        "name": full,
        "personal_id": personal_id(rng, birth, female),
        "birth_date": birth.isoformat(),
        "address": f"{rng.choice(HAMLETS)} {rng.randint(1, 25)}, {place}, tỉnh Tuyên Quang",
        "phone": phone(rng),
        "email": email,
    }


def _officials(role: str) -> dict[int, list[Official]]:
    out: dict[int, list[Official]] = {}
    rows = (
        RoleAssignment.objects.filter(role=role, user__username__startswith=USERNAME_PREFIX)
        .select_related("user")
        .order_by("agency_id", "user__username")
    )
    for ra in rows:
        out.setdefault(ra.agency_id, []).append(Official(ra.user_id, ra.user.get_full_name()))
    return out


def load_reference() -> Reference:
    root = Agency.objects.get(parent__isnull=True, kind=AgencyKind.PROVINCE_COMMITTEE)
    province_center = Agency.objects.get(kind=AgencyKind.PROVINCE_CENTER, active=True)
    centers = list(
        Agency.objects.filter(kind=AgencyKind.COMMUNE_CENTER, active=True)
        .select_related("parent")
        .order_by("parent__admin_unit_code", "id")
    )
    by_sector = {
        (a.kind, a.sector): a
        for a in Agency.objects.filter(
            kind__in=[AgencyKind.DEPARTMENT, AgencyKind.CENTRAL_LOCAL], active=True
        ).order_by("-id")
    }
    procedures = []
    versions = (
        ProcedureVersion.objects.filter(status=VersionStatus.PUBLISHED)
        .select_related("procedure")
        .prefetch_related("fees", "documents")
        .order_by("procedure__code")
    )
    for v in versions:
        kind = v.competent_agency_kind
        if kind in {AgencyKind.DEPARTMENT, AgencyKind.CENTRAL_LOCAL}:
            if (kind, v.competent_sector) not in by_sector:
                continue
        elif kind not in {AgencyKind.COMMUNE, AgencyKind.WARD, AgencyKind.PROVINCE_COMMITTEE}:
            continue
        procedures.append(
            ProcedureInfo(
                version_id=v.pk,
                code=v.procedure.code,
                name=v.name,
                kind=kind,
                sector=v.competent_sector,
                time_limit=v.time_limit,
                time_unit=v.time_unit,
                cutoff=v.cutoff_time,
                fees=[(f.name, f.amount) for f in v.fees.all()],
                documents=[(d.pk, d.name, d.mandatory) for d in v.documents.all()],
                result_name=v.result_name or v.name,
                result_kind="paper" if v.result_type == "paper" else "electronic",
                full_online=v.online_level == "full",
                weight=PROCEDURE_WEIGHTS.get(v.procedure.code, 1.0),
                eform=eform_plan(v.eform_schema or {}),
            )
        )
    if not procedures:
        raise RuntimeError("No published procedure: import the catalogue first.")
    return Reference(
        root=root,
        province_center=province_center,
        centers=centers,
        commune_of_center={c.pk: c.parent for c in centers if c.parent is not None},
        by_sector=by_sector,
        procedures=procedures,
        reception=_officials(Role.RECEPTION_OFFICER),
        specialists=_officials(Role.SPECIALIST),
        leaders=_officials(Role.LEADER),
        shared_file=_shared_file(),
    )


# --- e-form data ------------------------------------------------------------------------


def _digits(rng: random.Random, n: int) -> str:
    return str(rng.randrange(10**n)).zfill(n)


def personal_id(rng: random.Random, birth: dt.date, female: bool) -> str:
    province = "008" if rng.random() < 0.8 else rng.choice(list(PROVINCES))
    g = 2 * ((birth.year - 1900) // 100) + (1 if female else 0)
    return f"{province}{g}{birth.year % 100:02d}{_digits(rng, 6)}"


def tax_code(rng: random.Random) -> str:
    while True:
        first = rng.choice("0123456789"[1:]) + _digits(rng, 8)
        check = tax_code_check_digit(first)
        if check is not None:
            return first + check


def phone(rng: random.Random) -> str:
    return "0" + rng.choice("35789") + _digits(rng, 8)


def _birth(rng: random.Random, lo: int = 1945, hi: int = 2006) -> dt.date:
    return dt.date(rng.randint(lo, hi), rng.randint(1, 12), rng.randint(1, 28))


def _string_maker(key: str, prop: dict[str, Any]) -> Callable[[random.Random, dict[str, Any]], Any]:
    limit = int(prop.get("maxLength", 255))
    pattern = prop.get("pattern", "")
    if "enum" in prop:
        choices = list(prop["enum"])
        return lambda rng, ctx: rng.choice(choices)
    fmt = prop.get("format")
    if fmt == "date":
        return lambda rng, ctx: _birth(rng, 1950, 2024).isoformat()
    if fmt == "email":
        return lambda rng, ctx: ctx["email"] or "congdan@example.vn"
    if pattern == r"^\d{12}$":
        return lambda rng, ctx: personal_id(rng, _birth(rng), rng.random() < 0.5)
    if pattern == r"^0\d{9}$":
        return lambda rng, ctx: ctx["phone"]
    if pattern:
        return _pattern_maker(pattern, limit)

    def text(rng: random.Random, ctx: dict[str, Any]) -> str:
        if "ho_ten" in key or (key.endswith("_ten") and "giay" not in key):
            value = _person_name(rng)[2]
        elif any(w in key for w in ("dia_chi", "noi_cu_tru", "noi_sinh", "que_quan", "dia_diem")):
            value = ctx["address"]
        elif "dan_toc" in key:
            value = rng.choices(ETHNIC, ETHNIC_WEIGHTS)[0]
        elif "quoc_tich" in key:
            value = "Việt Nam"
        elif key.startswith("so_") or key.startswith("ma_"):
            value = _digits(rng, min(limit, 8))
        else:
            value = rng.choice(TEXTS)
        return value[:limit]

    return text


def _pattern_maker(pattern: str, limit: int) -> Callable[[random.Random, dict[str, Any]], Any]:
    import re

    compiled = re.compile(pattern)
    candidates = ["0" + "9" * 9, "001", "A1", "29A12345", "B2", "1", "2025", "AB123456"]
    for length in range(1, min(limit, 16) + 1):
        candidates.append("1" * length)
    for c in candidates:
        if compiled.search(c) and len(c) <= limit:
            fixed = c
            return lambda rng, ctx: fixed
    return lambda rng, ctx: None


def eform_plan(
    schema: dict[str, Any],
) -> list[tuple[str, Callable[[random.Random, dict[str, Any]], Any]]]:
    """How to fill an e-form: the required fields and those applicants usually fill."""
    props: dict[str, Any] = schema.get("properties") or {}
    required = set(schema.get("required") or [])
    plan: list[tuple[str, Callable[[random.Random, dict[str, Any]], Any]]] = []
    for key, prop in props.items():
        if key not in required and not any(w in key for w in ("dien_thoai", "email")):
            continue
        kind = prop.get("type")
        maker: Callable[[random.Random, dict[str, Any]], Any] | None = None
        if kind == "string":
            maker = _string_maker(key, prop)
        elif kind == "integer":
            lo = int(prop.get("minimum", 0))
            hi = int(prop.get("maximum", lo + 10))
            if lo >= 1900:
                lo, hi = max(lo, 1950), min(hi, 2024)
            else:
                hi = min(hi, lo + 10)
            maker = lambda rng, ctx, lo=lo, hi=hi: rng.randint(lo, max(lo, hi))  # noqa: E731
        elif kind == "number":
            lo_n = float(prop.get("minimum", 0))
            maker = lambda rng, ctx, lo=lo_n: round(lo + rng.randint(50, 5000), 0)  # noqa: E731
        elif kind == "boolean":
            maker = lambda rng, ctx: rng.random() < 0.5  # noqa: E731
        elif kind == "array":
            items = prop.get("items") or {}
            if items.get("type") == "string":
                inner = _string_maker(key, items)
                maker = lambda rng, ctx, inner=inner: [inner(rng, ctx)]  # noqa: E731
            else:
                maker = lambda rng, ctx: []  # noqa: E731
        if maker is not None:
            plan.append((key, maker))
    return plan


# --- generation ---------------------------------------------------------------------------


@dataclass
class Batch:
    rows: dict[str, list[tuple[Any, ...]]] = field(default_factory=lambda: {t: [] for t in TABLES})
    sequences: dict[tuple[int, dt.date], int] = field(default_factory=dict)
    dossiers: int = 0
    version_ids: set[int] = field(default_factory=set)


class _Sink(list):  # type: ignore[type-arg]
    """Where the rows of the tables a lean load leaves out go."""

    def append(self, _row: Any) -> None:
        pass


_SINK = _Sink()
# Tables a lean load (``side_rows=False``) leaves out: the dossier rows, their events and the
# daily sequences are all the list and the audit need.
SIDE_TABLES = ("supplement", "document", "fee", "payment", "result", "handover")


class Stop(Exception):
    """The next event would fall after the load's end: the dossier stays where it is."""


class Ids:
    def __init__(self, start: dict[str, int]) -> None:
        self.next = dict(start)

    def take(self, table: str) -> int:
        value = self.next[table]
        self.next[table] = value + 1
        return value


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _iso(t: int) -> str:
    return dt.datetime.fromtimestamp(t, VN_TZ).isoformat()


class _Dossier:
    """One dossier being generated: its row fields, its chain and its side rows."""

    __slots__ = (
        "accepted_at",
        "code",
        "competent",
        "current_agency",
        "current_step",
        "due_at",
        "event_count",
        "events",
        "extensions",
        "fee_total",
        "finished_at",
        "id",
        "intake_completion_requested",
        "last_hash",
        "original_due_at",
        "paid_total",
        "pauses",
        "receiving",
        "resolved_at",
        "results",
        "resume_state",
        "return_agency",
        "returned_at",
        "state",
        "step_started_at",
        "steps",
        "supplement_requests",
        "updated",
    )  # fmt: skip

    def __init__(self) -> None:
        self.accepted_at: int | None = None
        self.due_at: int | None = None
        self.original_due_at: int | None = None
        self.finished_at: int | None = None
        self.resolved_at: int | None = None
        self.returned_at: int | None = None
        self.step_started_at: int | None = None
        self.current_step: int | None = None
        self.current_agency: int | None = None
        self.resume_state = ""
        self.intake_completion_requested = False
        self.supplement_requests = 0
        self.extensions = 0
        self.fee_total = 0
        self.paid_total = 0
        self.results = 0
        self.event_count = 0
        self.last_hash = ""
        self.steps: list[dict[str, Any]] = []
        self.pauses: list[list[int | None]] = []


class Generator:
    """Dossiers of one year (up to ``as_of``), day by day, in batches of ``batch`` dossiers."""

    def __init__(
        self,
        ref: Reference,
        *,
        seed: int,
        year: int,
        ids: dict[str, int],
        sequences: dict[tuple[int, dt.date], int],
        as_of: dt.datetime | None = None,
        documents: bool = True,
        side_rows: bool = True,
        replicas: int = 1,
    ) -> None:
        if replicas < 1 or (replicas > 1 and side_rows):
            raise ValueError("replicas (more than 1) need a lean load (no side rows)")
        self.replicas = replicas
        self.total = 0
        self.emitted = 0
        self.ref = ref
        self.rng = random.Random(seed)
        self.year = year
        end = dt.datetime(year, 12, 31, 17, 0, tzinfo=VN_TZ)
        self.as_of = int(min(end, as_of or dt.datetime.now(UTC)).timestamp())
        if self.as_of <= int(dt.datetime(year, 1, 1, tzinfo=VN_TZ).timestamp()):
            raise ValueError(f"{year} has not begun yet")
        self.ids = Ids(ids)
        self.sequences = sequences
        self.with_documents = documents and side_rows
        self.side_rows = side_rows
        cal = work_calendar(year - 1, year + 2, ref.root)
        self.clock = WorkClock(cal, dt.date(year - 1, 12, 1), dt.date(year + 2, 12, 31))
        self.deadlines = Deadlines(self.clock)
        self.code_format = settings.MOTCUA_DOSSIER_CODE_FORMAT
        self.code_regex = settings.MOTCUA_DOSSIER_CODE_REGEX
        with translation.override(settings.LANGUAGE_CODE):
            self.desk_name = gettext("One-stop desk")
            self.signed_note = gettext("Result signed and sent to the return point.")
        self.shares = [s for _n, _r, s in DEFAULT_STEPS]
        self.used_share = sum(self.shares, Decimal(0))
        # Busier wards: a Zipf-like weight over the communes in a fixed shuffled order,
        # wards twice as busy as rural communes.
        order = list(range(len(ref.centers)))
        random.Random(7).shuffle(order)
        self.center_weights = [0.0] * len(ref.centers)
        for rank, index in enumerate(order, start=1):
            commune = ref.commune_of_center[ref.centers[index].pk]
            boost = 2.0 if commune.kind == AgencyKind.WARD else 1.0
            self.center_weights[index] = boost / rank**0.8
        self.center_cum = _cumulative(self.center_weights)
        self.proc_cum = _cumulative([p.weight for p in ref.procedures])
        self.surname_cum = _cumulative(SURNAME_WEIGHTS)
        self.fold_cache: dict[str, str] = {}
        self.eform_pools: dict[int, list[str]] = {}

    # -- the calendar of filings --

    def day_plan(self, total: int) -> list[tuple[dt.date, int]]:
        """How many dossiers arrive each day: working days busy (Mondays most), weekends
        and holidays a trickle (online), Tết quiet, January and August busier."""
        first = dt.date(self.year, 1, 1)
        last = local_date(self.as_of)
        days, weights = [], []
        day = first
        while day <= last:
            if self.clock.is_working_day(day):
                w = (1.15, 1.0, 1.0, 1.0, 0.95, 0.6, 0.6)[day.weekday()]
            else:
                w = 0.1 if day.weekday() < 5 else (0.15 if day.weekday() == 5 else 0.08)
            w *= {1: 1.15, 2: 0.8, 8: 1.1, 12: 1.05}.get(day.month, 1.0)
            days.append(day)
            weights.append(w)
            day += dt.timedelta(days=1)
        scale = total / sum(weights)
        exact = [w * scale for w in weights]
        counts = [int(x) for x in exact]
        rest = total - sum(counts)
        for i in sorted(range(len(days)), key=lambda i: exact[i] - counts[i], reverse=True)[:rest]:
            counts[i] += 1
        return [(d, c) for d, c in zip(days, counts, strict=True) if c]

    def batches(
        self, total: int, batch: int, plan: list[tuple[dt.date, int]] | None = None
    ) -> Iterator[Batch]:
        """``total`` dossiers over ``plan`` (default: the year's plan of simulated
        histories, each stored ``replicas`` times)."""
        self.total, self.emitted = total, 0
        if plan is None:
            plan = self.day_plan(-(-total // self.replicas))
        current = Batch()
        for day, count in plan:
            for item in self._day(day, count):
                if self.emitted >= self.total:
                    break
                self._dossier(current, *item)
                if current.dossiers >= batch:
                    yield current
                    current = Batch()
        if current.dossiers:
            yield current

    def _day(self, day: dt.date, count: int) -> list[tuple[int, str, ProcedureInfo, Agency]]:
        """The day's filings, in order of arrival: (time, channel, procedure, receiving)."""
        rng = self.rng
        working = self.clock.is_working_day(day)
        periods = self.clock.periods_of(day) if working else []
        midnight = int(dt.datetime.combine(day, dt.time(), VN_TZ).timestamp())
        out = []
        for _ in range(count):
            proc = self.ref.procedures[_pick(self.proc_cum, rng.random())]
            online_share = 0.62 if proc.full_online else 0.38
            r = rng.random()
            if not working or r < online_share:
                channel = "vneid" if rng.random() < 0.18 else "online"
                hour = ONLINE_HOURS[_pick(_ONLINE_HOUR_CUM, rng.random())]
                t = min(midnight + hour * 3600 + rng.randrange(7200), midnight + 86399)
            else:
                channel = "postal" if rng.random() < 0.06 else "in_person"
                lengths = [e - s for s, e in periods]
                # Mornings are busier than afternoons at the counter.
                k = 0 if rng.random() < 0.6 or len(periods) == 1 else 1
                t = periods[k][0] + rng.randrange(max(1, lengths[k] - 600))
            if t > self.as_of:  # the load's last day ends at as_of
                t = self.as_of - rng.randrange(1, 4 * 3600)
            receiving = self._receiving(proc, rng)
            out.append((t, channel, proc, receiving))
        out.sort(key=lambda x: x[0])
        return out

    def _receiving(self, proc: ProcedureInfo, rng: random.Random) -> Agency:
        if proc.kind in {AgencyKind.COMMUNE, AgencyKind.WARD}:
            return self.ref.centers[_pick(self.center_cum, rng.random())]
        province_share = 0.6 if proc.kind == AgencyKind.DEPARTMENT else 0.3
        if rng.random() < province_share:
            return self.ref.province_center
        return self.ref.centers[_pick(self.center_cum, rng.random())]

    def _competent(self, proc: ProcedureInfo, receiving: Agency) -> Agency:
        if proc.kind in {AgencyKind.DEPARTMENT, AgencyKind.CENTRAL_LOCAL}:
            return self.ref.by_sector[(proc.kind, proc.sector)]
        if proc.kind == AgencyKind.PROVINCE_COMMITTEE:
            return self.ref.root
        commune = self.ref.commune_of_center.get(receiving.pk)
        if commune is None:  # a commune procedure at the provincial center: pick a commune
            commune = self.ref.commune_of_center[self.ref.centers[0].pk]
        return commune

    # -- one dossier --

    def _code(self, agency: Agency, day: dt.date, batch: Batch) -> str:
        key = (agency.pk, day)
        seq = self.sequences.get(key, 0) + 1
        self.sequences[key] = seq
        batch.sequences[key] = seq
        try:
            return format_dossier_code(
                agency=agency.identifier,
                day=day,
                seq=seq,
                fmt=self.code_format,
                regex=self.code_regex,
            )
        except CodeFormatError as exc:
            raise CodeFormatError(
                f"{exc}: {agency.identifier} would receive more dossiers on {day} than the code "
                "format allows; load fewer dossiers or over more days."
            ) from exc

    def _fold(self, text: str) -> str:
        hit = self.fold_cache.get(text)
        if hit is None:
            hit = fold(text)
            if len(self.fold_cache) < 500_000:
                self.fold_cache[text] = hit
        return hit

    def _dossier(
        self, batch: Batch, received: int, channel: str, proc: ProcedureInfo, receiving: Agency
    ) -> None:
        rng = self.rng
        rows: dict[str, Any] = batch.rows
        if not self.side_rows:
            rows = {**rows, **dict.fromkeys(SIDE_TABLES, _SINK)}
        d = _Dossier()
        d.id = self.ids.take("dossier")
        d.receiving = receiving
        competent = self._competent(proc, receiving)
        d.competent = competent
        day = local_date(received)
        d.code = self._code(receiving, day, batch)
        batch.dossiers += 1
        batch.version_ids.add(proc.version_id)

        # Applicant.
        commune = self.ref.commune_of_center.get(receiving.pk) or (
            competent if competent.kind in {AgencyKind.COMMUNE, AgencyKind.WARD} else None
        )
        place = commune.name.removeprefix("Ủy ban nhân dân ") if commune else "phường Minh Xuân"
        address = f"{rng.choice(HAMLETS)} {rng.randint(1, 25)}, {place}, tỉnh Tuyên Quang"
        is_org = rng.random() < 0.08
        _last, given, full, female = _person_name(rng)
        birth = _birth(rng)
        contact_phone = phone(rng)
        email = ""
        if rng.random() < 0.35:
            email = f"{self._fold(given).replace(' ', '')}{rng.randint(1, 9999)}@gmail.com"
        if is_org:
            name = f"{rng.choice(ORG_FORMS)} {rng.choice(ORG_NAMES)}"
            org_code, pid, birth_date = tax_code(rng), "", None
        else:
            name, org_code = full, ""
            pid, birth_date = personal_id(rng, birth, female), birth
        ctx = {"address": address, "phone": contact_phone, "email": email}
        # E-forms come from a pool per procedure (filled like the rest, with this
        # applicant's contact details), dumped once: generating each one is slow.
        pool = self.eform_pools.setdefault(proc.version_id, [])
        if len(pool) < EFORM_POOL:
            pool.append(_json({key: make(rng, ctx) for key, make in proc.eform}))
        eform_json = pool[rng.randrange(len(pool))]

        r = rng.random()
        return_method = "counter" if r < 0.7 else ("online" if r < 0.9 else "post")
        if channel in {"in_person", "postal"} and return_method == "online":
            return_method = "counter"
        return_agency = receiving.pk if return_method == "counter" else None
        d.return_agency = return_agency

        reception = self.ref.reception[receiving.pk]
        clerk = reception[rng.randrange(len(reception))]
        specialists = self.ref.specialists[competent.pk]
        specialist = specialists[rng.randrange(len(specialists))]
        leader = self.ref.leaders[competent.pk][0]
        applicant = Official(None, name)
        system = Official(None, "MotCua")
        online = channel in {"online", "vneid"}
        creator = None if online else clerk.id

        events: list[tuple[Any, ...]] = []
        canon: list[bytes] = []
        d.events = events
        t = received

        def emit(
            action: Action,
            actor: Official,
            at: int,
            data: dict[str, Any] | None = None,
            reason: str = "",
            **over: Any,
        ) -> int:
            """Append the event (the caller checked the time); returns its id."""
            from_state = d.state if d.event_count else ""
            if d.event_count:
                decision = decide(action, self._situation(d, **over))
                if not decision.allowed:
                    raise AssertionError(f"{action} from {d.state}: {decision.refusal}")
                to_state = str(decision.to_state)
                if ends_processing(State(from_state), State(to_state)) and d.finished_at is None:
                    d.finished_at = at
            else:
                to_state = State.SUBMITTED if action is Action.SUBMIT else State.RECEIVED
            seq = d.event_count + 1
            prev = d.last_hash or ledger.GENESIS
            payload = data or {}
            when = utc(at)
            content = ledger.canonical(
                dossier_id=d.id,
                seq=seq,
                action=action.value,
                actor_id=actor.id,
                actor_label=actor.label,
                at=when,
                from_state=from_state,
                to_state=to_state,
                reason=reason,
                data=payload,
            )
            digest = ledger.chain_hash(prev, content)
            canon.append(content)
            event_id = self.ids.take("event")
            events.append(
                (event_id, d.id, seq, action.value, actor.id, actor.label, when, from_state,
                 to_state, reason, _json(payload) if payload else "{}", prev, digest)
            )  # fmt: skip
            d.event_count = seq
            d.last_hash = digest
            d.state = to_state
            d.updated = at
            return event_id

        def at_or_stop(at: int) -> int:
            if at > self.as_of:
                raise Stop
            return at

        def work(t0: int, hours: float) -> int:
            return self.clock.add(t0, max(60, int(hours * 3600)))

        def document_rows(at: int, uploader: int | None, supplement: int | None, n: int) -> int:
            if not self.with_documents:
                return 0
            stored, sha, size = self.ref.shared_file
            docs = [x for x in proc.documents if x[2]][:n] or proc.documents[:n]
            for doc_id, doc_name, _mandatory in docs:
                rows["document"].append(
                    (self.ids.take("document"), d.id, doc_id, doc_name[:1000], stored,
                     "giay-to.pdf", sha, size, "application/pdf", not online, False,
                     supplement, utc(at), uploader)
                )  # fmt: skip
            return len(docs)

        def handover(event_id: int, at: int, from_step: int | None, to_step: int | None,
                     from_agency: int, to_agency: int | None, actor: Official,
                     allotted: int | None, note: str = "") -> None:  # fmt: skip
            if not self.side_rows:
                return
            started = d.step_started_at or d.accepted_at or at
            pauses = [(p[0], p[1] if p[1] is not None else p[0]) for p in d.pauses]
            due, outcome = self.deadlines.step(started, at, allotted, pauses)  # type: ignore[arg-type]
            step_name = d.steps[from_step - 1]["name"] if from_step is not None else self.desk_name
            rows["handover"].append(
                (self.ids.take("handover"), d.id, event_id, from_step, to_step, step_name,
                 from_agency, actor.id, to_agency, None, utc(started), utc(at),
                 dt.timedelta(seconds=allotted) if allotted is not None else None, due,
                 outcome, note)
            )  # fmt: skip

        def pay(at: int, actor: Official, method: str) -> None:
            amount = d.fee_total - d.paid_total
            payment_id = self.ids.take("payment")
            reference = "" if method == "counter" else f"MC{d.id:010d}{payment_id % 1000:03d}"
            rows["payment"].append((payment_id, d.id, amount, method, reference, utc(at), actor.id))
            d.paid_total += amount
            fully = d.state == State.AWAITING_PAYMENT
            emit(
                Action.RECORD_PAYMENT,
                actor,
                at,
                {"amount": amount, "method": method, "reference": reference, "payment": payment_id},
            )
            if fully:
                d.resume_state = ""

        try:
            # Filing: online submission or reception at the counter (fees are copied then).
            d.state = ""
            ndocs = document_rows(t, creator, None, rng.randint(1, 3))
            for fee_name, amount in proc.fees:
                rows["fee"].append((self.ids.take("fee"), d.id, fee_name, amount))
                d.fee_total += amount
            emit(
                Action.SUBMIT if online else Action.RECEIVE,
                applicant if online else clerk,
                t,
                {"code": d.code, "channel": channel, "documents": ndocs},
            )
            if d.fee_total:
                if online:
                    t = at_or_stop(t + rng.randint(60, 900))
                    pay(t, system, rng.choice(("national_portal", "province_gateway")))
                else:
                    t = at_or_stop(t + rng.randint(60, 600))
                    pay(t, clerk, "counter")

            # Intake at the one-stop desk.
            t = at_or_stop(work(t, rng.expovariate(1 / 5) if online else 0.15))
            r = rng.random()
            if r < 0.007:
                t = at_or_stop(t)
                emit(Action.WITHDRAW, applicant, t, reason=rng.choice(WITHDRAW_REASONS))
                raise Stop
            if r < 0.027:
                emit(Action.REFUSE, clerk, t, reason=rng.choice(REFUSE_REASONS))
                raise Stop
            if r < 0.09:
                items = rng.sample(ASK_ITEMS, rng.randint(1, 2))
                reason = "Hồ sơ chưa đầy đủ thành phần"
                sid = self.ids.take("supplement")
                srow = [sid, d.id, True, _json(items), reason, utc(t), clerk.id, None]
                rows["supplement"].append(srow)  # type: ignore[arg-type]
                before = d.state
                emit(Action.ASK_TO_COMPLETE, clerk, t, {"items": items}, reason)
                d.resume_state = before
                d.intake_completion_requested = True
                t2 = work(t, rng.expovariate(1 / 20))
                r2 = rng.random()
                if r2 < 0.08:
                    emit(Action.WITHDRAW, applicant, at_or_stop(t2), reason="Không bổ sung được")
                    raise Stop
                if r2 < 0.2:
                    t2 = at_or_stop(work(t, 60))
                    emit(Action.REFUSE, clerk, t2, reason=REFUSE_REASONS[3])
                    raise Stop
                t = at_or_stop(t2)
                srow[7] = utc(t)
                n = document_rows(t, None, sid, 1)
                sha = self.ref.shared_file[1]
                emit(Action.COMPLETE_SUPPLEMENT, applicant, t, {"documents": [sha] * n})
                d.resume_state = ""
                t = at_or_stop(work(t, rng.expovariate(1 / 2)))

            # Acceptance: the appointment, the workflow copied onto the dossier.
            d.accepted_at = t
            d.due_at = self.deadlines.due(t, proc.time_limit, proc.time_unit, proc.cutoff)
            d.original_due_at = d.due_at
            allotted = self.deadlines.allotted(t, d.due_at, self.shares)
            d.steps = [
                {"name": n, "role": str(role), "agency": competent.pk, "share": str(share),
                 "allotted_seconds": a}
                for (n, role, share), a in zip(DEFAULT_STEPS, allotted, strict=True)
            ]  # fmt: skip
            d.current_agency = receiving.pk
            d.step_started_at = t
            emit(Action.ACCEPT, clerk, t, {"due_at": _iso(d.due_at) if d.due_at else None})

            # How long this dossier will really take: most well within the time limit,
            # some late, a few stuck for good.
            limit_hours = self.clock.elapsed(t, d.due_at) / 3600 if d.due_at else 7.5 * 10
            pace = rng.lognormvariate(-0.9, 0.55)  # fraction of the legal time used
            if rng.random() < 0.012:
                pace = 50.0  # stuck: overdue and still open
            budget = max(0.5, limit_hours) * pace

            # To the first step.
            t = at_or_stop(work(t, 0.1 + budget * 0.05))
            desk = self.deadlines.desk_allotment(d.accepted_at, d.due_at, self.used_share)
            from_agency = d.current_agency or receiving.pk
            d.current_step = 1
            d.current_agency = competent.pk
            eid = emit(Action.FORWARD, clerk, t, {"from_step": None, "to_step": 1, "to_user": None})
            handover(eid, t, None, 1, from_agency, competent.pk, clerk, desk)
            d.step_started_at = t

            # Appraisal; maybe a supplement, an extension, a refusal, a withdrawal.
            r = rng.random()
            if r < 0.05:
                t = at_or_stop(work(t, budget * 0.3))
                items = rng.sample(ASK_ITEMS, 1)
                reason = "Cần bổ sung giấy tờ để thẩm định"
                sid = self.ids.take("supplement")
                srow = [sid, d.id, False, _json(items), reason, utc(t), specialist.id, None]
                rows["supplement"].append(srow)  # type: ignore[arg-type]
                emit(Action.REQUEST_SUPPLEMENT, specialist, t, {"items": items}, reason)
                d.supplement_requests += 1
                d.resume_state = State.PROCESSING
                pause: list[int | None] = [t, None]
                d.pauses.append(pause)
                t2 = work(t, rng.expovariate(1 / 25))
                r2 = rng.random()
                if r2 < 0.1:
                    emit(Action.WITHDRAW, applicant, at_or_stop(t2), reason="Không bổ sung được")
                    raise Stop
                if r2 < 0.13:
                    emit(Action.STOP, leader, at_or_stop(t2), reason=rng.choice(STOP_REASONS))
                    raise Stop
                t = at_or_stop(t2)
                srow[7] = utc(t)
                pause[1] = t
                n = document_rows(t, None, sid, 1)
                emit(
                    Action.COMPLETE_SUPPLEMENT,
                    applicant,
                    t,
                    {"documents": [self.ref.shared_file[1]] * n},
                )
                d.resume_state = ""
            elif r < 0.06:
                t = at_or_stop(work(t, budget * 0.4))
                emit(Action.WITHDRAW, applicant, t, reason=rng.choice(WITHDRAW_REASONS))
                raise Stop
            elif r < 0.063:
                t = at_or_stop(work(t, budget * 0.4))
                emit(Action.STOP, leader, t, reason=rng.choice(STOP_REASONS))
                raise Stop

            finish_step1 = work(t, budget * 0.55)
            if d.due_at and finish_step1 > d.due_at and rng.random() < 0.35:
                # Late: apologise and extend, at least a working day before the appointment.
                t_ext = work(t, 1)
                if t_ext <= self.clock.previous_working_close(d.due_at):
                    at_or_stop(t_ext)
                    old = d.due_at
                    new = self.clock.add(old, int(rng.randint(3, 10) * 7.5 * 3600))
                    emit(
                        Action.EXTEND,
                        leader,
                        t_ext,
                        {"old_due_at": utc(old).isoformat(), "new_due_at": _iso(new)},
                        rng.choice(EXTEND_REASONS),
                    )
                    d.due_at = new
                    d.extensions += 1
                    t = t_ext
            t = at_or_stop(max(finish_step1, t + 60))
            if rng.random() < 0.015:
                emit(Action.REFUSE, leader, t, reason=rng.choice(REFUSE_REASONS))
                raise Stop
            eid = emit(
                Action.FORWARD, specialist, t, {"from_step": 1, "to_step": 2, "to_user": None}
            )
            handover(eid, t, 1, 2, competent.pk, competent.pk, specialist, allotted[0])
            d.current_step = 2
            d.step_started_at = t

            # A financial obligation for land procedures, paid before approval.
            if proc.sector == LAND_SECTOR and rng.random() < 0.4:
                t = at_or_stop(work(t, budget * 0.05))
                items = [
                    {"name": n, "amount": rng.randint(5, 400) * 10_000}
                    for n in rng.sample(LAND_FEES, rng.randint(1, 2))
                ]
                for item in items:
                    rows["fee"].append((self.ids.take("fee"), d.id, item["name"], item["amount"]))
                    d.fee_total += item["amount"]
                before = d.state
                emit(Action.REQUEST_PAYMENT, specialist, t, {"items": items})
                d.resume_state = before
                t = at_or_stop(work(t, rng.expovariate(1 / 15)))
                pay(t, clerk, rng.choice(("counter", "bank_transfer")))

            # Approval, the result, the signature.
            t = at_or_stop(work(t, budget * 0.3))
            emit(Action.APPROVE, leader, t)
            t = at_or_stop(work(t, 0.2))
            number = d.results + 1
            code = result_code(d.code, number)
            electronic = proc.result_kind == "electronic"
            stored, sha, size = self.ref.shared_file
            rrow = [
                self.ids.take("result"), d.id, number, code, proc.result_name[:500],
                proc.result_kind, stored if electronic else "", sha if electronic else "",
                size if electronic else None, "application/pdf" if electronic else "",
                utc(t), specialist.id, None, None,
            ]  # fmt: skip
            rows["result"].append(rrow)  # type: ignore[arg-type]
            d.results = number
            emit(
                Action.ATTACH_RESULT,
                specialist,
                t,
                {"result": code, "kind": proc.result_kind, "sha256": rrow[7]},
            )
            t = at_or_stop(work(t, budget * 0.05 + 0.1))
            rrow[12], rrow[13] = utc(t), leader.id
            from_step, from_agency = d.current_step, d.current_agency or competent.pk
            to_agency = d.return_agency or receiving.pk
            d.resolved_at = t
            d.current_agency = to_agency
            eid = emit(
                Action.SIGN_RESULT, leader, t, {"results": [{"code": code, "sha256": rrow[7]}]}
            )
            handover(
                eid,
                t,
                from_step,
                None,
                from_agency,
                to_agency,
                leader,
                allotted[1],
                self.signed_note,
            )

            # The applicant collects the result (a few never come).
            if rng.random() < 0.04:
                raise Stop
            t = at_or_stop(work(t, rng.expovariate(1 / 12)))
            d.returned_at = t
            emit(Action.RETURN_RESULT, clerk, t, {"return_method": return_method})
        except Stop:
            pass

        rows["event"].extend(events)
        search_key = " ".join([d.code.lower(), self._fold(name), pid, org_code, contact_phone])[
            :400
        ]
        lookup = base64.urlsafe_b64encode(rng.getrandbits(72).to_bytes(9, "big")).decode()
        rows["dossier"].append(
            (d.id, d.code, lookup, proc.version_id, None, None,
             "organisation" if is_org else "person", name, pid, birth_date, org_code, address,
             contact_phone, email, channel == "vneid", receiving.pk, competent.pk, return_method,
             return_agency, channel, eform_json, d.state, d.resume_state,
             _json(d.steps), d.current_step, d.current_agency, None, _u(d.step_started_at),
             utc(received), _u(d.accepted_at), _u(d.due_at), _u(d.original_due_at),
             _u(d.finished_at), _u(d.resolved_at), _u(d.returned_at),
             d.intake_completion_requested, d.supplement_requests, d.extensions, d.fee_total,
             d.paid_total, creator, None, search_key, d.event_count, d.event_count, d.last_hash,
             utc(d.updated))
        )  # fmt: skip
        self.emitted += 1
        if self.replicas > 1:
            self._replicate(batch, d, receiving, day, name, is_org, events, canon)

    def _replicate(
        self,
        batch: Batch,
        d: _Dossier,
        receiving: Agency,
        day: dt.date,
        name: str,
        is_org: bool,
        events: list[tuple[Any, ...]],
        canon: list[bytes],
    ) -> None:
        """The same history for other applicants: new id, code and applicant; each event's
        canonical bytes get those values substituted and the chain is hashed again (what
        ``ledger.canonical`` gives for them: ids and codes are plain JSON numbers and
        ASCII strings, names are written unescaped)."""
        rng = self.rng
        template = batch.rows["dossier"][-1]
        id_pattern = f'"dossier":{d.id},'.encode()
        code_pattern = f'"{d.code}'.encode()
        name_pattern = b'"actor_label":' + json.dumps(name, ensure_ascii=False).encode()
        applicant_event = [e[4] is None and e[5] == name for e in events]
        for _ in range(self.replicas - 1):
            if self.emitted >= self.total:
                return
            new_id = self.ids.take("dossier")
            code = self._code(receiving, day, batch)
            batch.dossiers += 1
            self.emitted += 1
            if is_org:
                new_name = f"{rng.choice(ORG_FORMS)} {rng.choice(ORG_NAMES)}"
                org, pid, birth = tax_code(rng), "", None
            else:
                _last, _given, new_name, female = _person_name(rng)
                born = _birth(rng)
                org, pid, birth = "", personal_id(rng, born, female), born
            contact = phone(rng)
            subs = [
                (id_pattern, f'"dossier":{new_id},'.encode()),
                (code_pattern, f'"{code}'.encode()),
            ]
            name_sub = (
                name_pattern,
                b'"actor_label":' + json.dumps(new_name, ensure_ascii=False).encode(),
            )
            prev = ledger.GENESIS
            out = batch.rows["event"]
            for e, content, by_applicant in zip(events, canon, applicant_event, strict=True):
                for a, b in subs:
                    content = content.replace(a, b)
                label = e[5]
                if by_applicant:
                    content = content.replace(*name_sub)
                    label = new_name
                data = e[10]
                if d.code in data:
                    data = data.replace(d.code, code)
                digest = ledger.chain_hash(prev, content)
                out.append(
                    (self.ids.take("event"), new_id, e[2], e[3], e[4], label, e[6], e[7], e[8],
                     e[9], data, prev, digest)
                )  # fmt: skip
                prev = digest
            row = list(template)
            row[0], row[1], row[7], row[8], row[9], row[10], row[12] = (
                new_id, code, new_name, pid, birth, org, contact
            )  # fmt: skip
            row[2] = base64.urlsafe_b64encode(rng.getrandbits(72).to_bytes(9, "big")).decode()
            row[42] = " ".join([code.lower(), self._fold(new_name), pid, org, contact])[:400]
            row[45] = prev
            batch.rows["dossier"].append(tuple(row))

    def _situation(self, d: _Dossier, **over: Any) -> Situation:
        s = Situation(
            state=State(d.state),
            step=d.current_step,
            step_count=len(d.steps),
            resume_state=State(d.resume_state) if d.resume_state else None,
            intake_completion_requested=d.intake_completion_requested,
            supplement_requests=d.supplement_requests,
            extensions=d.extensions,
            results=d.results,
            fully_paid=d.paid_total >= d.fee_total,
        )
        if over:
            from dataclasses import replace

            s = replace(s, **over)
        return s


def _u(t: int | None) -> dt.datetime | None:
    return None if t is None else utc(t)


def _cumulative(weights: Sequence[float]) -> list[float]:
    out, total = [], 0.0
    for w in weights:
        total += w
        out.append(total)
    return [x / total for x in out]


def _pick(cum: list[float], r: float) -> int:
    return min(bisect.bisect_right(cum, r), len(cum) - 1)


_SURNAME_CUM = _cumulative(SURNAME_WEIGHTS)
# Online filings by hour of day (two-hour slots starting at these hours).
ONLINE_HOURS = (7, 9, 11, 13, 15, 17, 19, 21, 23, 1)
_ONLINE_HOUR_CUM = _cumulative((8, 14, 12, 8, 12, 10, 10, 8, 3, 1))


# --- writers ----------------------------------------------------------------------------


def existing_state(year: int) -> tuple[dict[str, int], dict[tuple[int, dt.date], int]]:
    """Next free id of each table, and the stored daily sequences of ``year``."""
    ids: dict[str, int] = {}
    with connection.cursor() as cursor:
        for name, (model, _cols) in TABLES.items():
            cursor.execute(f"SELECT MAX(id) FROM {model._meta.db_table}")
            ids[name] = int(cursor.fetchone()[0] or 0) + 1
    sequences = {
        (agency_id, day): last
        for agency_id, day, last in DailySequence.objects.filter(day__year=year).values_list(
            "agency_id", "day", "last"
        )
    }
    return ids, sequences


class Writer(ABC):
    @abstractmethod
    def write(self, batch: Batch) -> None: ...

    def close(self) -> None:  # noqa: B027 - a writer with nothing to release needs no close
        pass


class PostgresWriter(Writer):
    """``COPY FROM STDIN`` (text) per table on the raw psycopg 3 connection, one transaction
    per batch; then the daily sequences (upsert) and the id sequences follow."""

    def __init__(self, *, set_sequences: bool = True, fk_checks: bool = True) -> None:
        self.conn = connection
        self.set_sequences = set_sequences
        self.fk_checks = fk_checks

    def write(self, batch: Batch) -> None:
        with transaction.atomic():
            raw = self.conn.connection
            with raw.cursor() as cur:
                cur.execute("SET LOCAL synchronous_commit = off")
                if not self.fk_checks:
                    # Superuser only: no deferred foreign-key triggers at COMMIT. The generator
                    # refers only to rows that exist (the tests load with the checks on).
                    cur.execute("SET LOCAL session_replication_role = replica")
                for name, (model, columns) in TABLES.items():
                    rows = batch.rows[name]
                    if not rows:
                        continue
                    cols = ", ".join(columns)
                    with cur.copy(f"COPY {model._meta.db_table} ({cols}) FROM STDIN") as copy:
                        for row in rows:
                            copy.write_row(row)
                _upsert_sequences(cur, batch, "%s")
                _freeze_versions(cur, batch, "%s")
                for name, (model, _cols) in TABLES.items():
                    if batch.rows[name] and self.set_sequences:
                        table = model._meta.db_table
                        cur.execute(
                            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                            f"(SELECT MAX(id) FROM {table}))"
                        )


def _upsert_sequences(cur: Any, batch: Batch, mark: str) -> None:
    table = DailySequence._meta.db_table
    params = [(agency, day.isoformat(), last) for (agency, day), last in batch.sequences.items()]
    if params:
        cur.executemany(
            f"INSERT INTO {table} (agency_id, day, last) VALUES ({mark}, {mark}, {mark}) "
            f"ON CONFLICT (agency_id, day) DO UPDATE SET last = excluded.last",
            params,
        )


def _freeze_versions(cur: Any, batch: Batch, mark: str) -> None:
    table = ProcedureVersion._meta.db_table
    now = dt.datetime.now(UTC)
    stamp: Any = now if mark == "%s" else _sqlite_dt(now)
    for version_id in sorted(batch.version_ids):
        cur.execute(
            f"UPDATE {table} SET frozen_at = {mark} WHERE id = {mark} AND frozen_at IS NULL",
            (stamp, version_id),
        )


def _sqlite_dt(value: dt.datetime) -> str:
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ")


SQLITE_CACHE_KIB = int(os.environ.get("MOTCUA_BENCH_SQLITE_CACHE_KIB", str(1 << 20)))


class SqliteWriter(Writer):
    """``executemany`` per table on the raw sqlite3 connection, one transaction per batch;
    ``PRAGMA synchronous=OFF`` while loading (restored at the end)."""

    def __init__(self) -> None:
        self.conn = connection
        self.pragma = not connection.in_atomic_block
        connection.ensure_connection()
        raw = connection.connection
        if self.pragma:
            self.previous = raw.execute("PRAGMA synchronous").fetchone()[0]
            self.previous_cache = raw.execute("PRAGMA cache_size").fetchone()[0]
            raw.execute("PRAGMA synchronous=OFF")
            # The default 2 MB page cache is far smaller than the indexes being filled.
            raw.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
        self.plans = {}
        for name, (model, columns) in TABLES.items():
            fields = {f.column: f for f in model._meta.concrete_fields}
            conv: list[tuple[int, Callable[[Any], Any]]] = []
            for i, col in enumerate(columns):
                internal = fields[col].get_internal_type()
                if internal == "DateTimeField":
                    conv.append((i, _sqlite_dt))
                elif internal == "DurationField":
                    conv.append((i, lambda v: v // dt.timedelta(microseconds=1)))
                elif internal == "DateField":
                    conv.append((i, dt.date.isoformat))
            marks = ", ".join("?" * len(columns))
            sql = f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) VALUES ({marks})"
            self.plans[name] = (sql, conv)

    def write(self, batch: Batch) -> None:
        with transaction.atomic():
            raw = self.conn.connection
            for name, (sql, conv) in self.plans.items():
                rows = batch.rows[name]
                if not rows:
                    continue
                if conv:
                    out = []
                    for row in rows:
                        values = list(row)
                        for i, f in conv:
                            v = values[i]
                            if v is not None:
                                values[i] = f(v)
                        out.append(values)
                    raw.executemany(sql, out)
                else:
                    raw.executemany(sql, rows)
            cur = raw.cursor()
            _upsert_sequences(cur, batch, "?")
            _freeze_versions(cur, batch, "?")

    def close(self) -> None:
        if self.pragma:
            self.conn.connection.execute(f"PRAGMA synchronous={int(self.previous)}")
            self.conn.connection.execute(f"PRAGMA cache_size={int(self.previous_cache)}")


# --- index handling for huge loads (PostgreSQL) --------------------------------------------

BULK_TABLES = [m._meta.db_table for m, _c in TABLES.values()]


def droppable_indexes() -> list[tuple[str, str]]:
    """(name, definition) of the non-unique indexes on the loaded tables (PostgreSQL)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT i.relname, pg_get_indexdef(i.oid)
            FROM pg_index x
            JOIN pg_class i ON i.oid = x.indexrelid
            JOIN pg_class t ON t.oid = x.indrelid
            WHERE t.relname = ANY(%s) AND NOT x.indisunique AND NOT x.indisprimary
            ORDER BY t.relname, i.relname
            """,
            [BULK_TABLES],
        )
        return list(cursor.fetchall())


# --- the load -----------------------------------------------------------------------------


@dataclass
class LoadReport:
    dossiers: int = 0
    rows: dict[str, int] = field(default_factory=lambda: dict.fromkeys(TABLES, 0))
    seconds: float = 0.0
    generate_seconds: float = 0.0
    write_seconds: float = 0.0
    index_seconds: float = 0.0
    states: dict[str, int] = field(default_factory=dict)


def _split(plan: list[tuple[dt.date, int]], parts: int) -> list[list[tuple[dt.date, int]]]:
    """Contiguous runs of days with about the same number of dossiers each."""
    total = sum(c for _d, c in plan)
    chunks: list[list[tuple[dt.date, int]]] = [[] for _ in range(parts)]
    done = 0
    for day, count in plan:
        k = min(parts - 1, done * parts // max(total, 1))
        chunks[k].append((day, count))
        done += count
    return [c for c in chunks if c]


# Upper bound of the rows of any table per dossier: a worker's id range of that table.
ROWS_PER_DOSSIER_BOUND = 25


def _run(
    gen: Generator,
    writer: Writer,
    total: int,
    batch: int,
    plan: list[tuple[dt.date, int]] | None,
    report: LoadReport,
    tick: Callable[[Batch], None],
) -> None:
    it = gen.batches(total, batch, plan)
    while True:
        t0 = time.monotonic()
        b = next(it, None)
        t1 = time.monotonic()
        report.generate_seconds += t1 - t0
        if b is None:
            return
        writer.write(b)
        report.write_seconds += time.monotonic() - t1
        report.dossiers += b.dossiers
        for name, rows in b.rows.items():
            report.rows[name] += len(rows)
        for row in b.rows["dossier"]:
            report.states[row[21]] = report.states.get(row[21], 0) + 1
        tick(b)


def _worker(args: tuple[Any, ...]) -> LoadReport:
    """One process of a parallel PostgreSQL load: its days, its id ranges, its own COPYs."""
    (
        k,
        plan,
        total,
        ids,
        sequences,
        seed,
        year,
        as_of,
        documents,
        side_rows,
        replicas,
        fk_checks,
        batch,
        queue,
    ) = args
    from django.db import connections

    connections.close_all()
    ref = load_reference()
    gen = Generator(
        ref,
        seed=seed * 1000 + k,
        year=year,
        ids=ids,
        sequences=sequences,
        as_of=as_of,
        documents=documents,
        side_rows=side_rows,
        replicas=replicas,
    )
    report = LoadReport()
    writer = PostgresWriter(set_sequences=False, fk_checks=fk_checks)

    def tick(b: Batch) -> None:
        queue.put((k, b.dossiers, len(b.rows["event"])))

    _run(gen, writer, total, batch, plan, report, tick)
    connections.close_all()
    return report


def load(
    total: int,
    *,
    batch: int = 10_000,
    seed: int = 1,
    year: int = 2025,
    as_of: dt.datetime | None = None,
    documents: bool = True,
    side_rows: bool = True,
    replicas: int = 1,
    fk_checks: bool = True,
    drop_indexes: bool = False,
    workers: int = 1,
    progress: Callable[[LoadReport], None] | None = None,
    index_file: Path | None = None,
) -> LoadReport:
    """Generate and store ``total`` dossiers (reference data must exist).

    ``workers`` > 1 (PostgreSQL only, outside a transaction) splits the year into that many
    runs of days, each generated and copied by its own process with its own id ranges (ids
    of the side tables then have gaps between the runs).
    """
    check_columns()
    started = time.monotonic()
    ref = load_reference()
    ids, sequences = existing_state(year)
    gen = Generator(
        ref,
        seed=seed,
        year=year,
        ids=ids,
        sequences=sequences,
        as_of=as_of,
        documents=documents,
        side_rows=side_rows,
        replicas=replicas,
    )
    vendor = connection.vendor
    if vendor not in {"postgresql", "sqlite"}:
        raise RuntimeError(f"bench-load supports PostgreSQL and SQLite, not {vendor}")
    parallel = workers > 1 and vendor == "postgresql" and not connection.in_atomic_block
    dropped: list[tuple[str, str]] = []
    if drop_indexes and vendor == "postgresql":
        dropped = droppable_indexes()
        if index_file is not None:
            index_file.parent.mkdir(parents=True, exist_ok=True)
            index_file.write_text("".join(f"{sql};\n" for _n, sql in dropped))
        with connection.cursor() as cursor:
            for name, _sql in dropped:
                cursor.execute(f'DROP INDEX IF EXISTS "{name}"')
    report = LoadReport()
    try:
        if parallel:
            options = (seed, year, as_of, documents, side_rows, replicas, fk_checks)
            _parallel(gen, total, batch, workers, options, report, progress)
        else:
            writer: Writer = (
                PostgresWriter(fk_checks=fk_checks) if vendor == "postgresql" else SqliteWriter()
            )

            def tick(_b: Batch) -> None:
                report.seconds = time.monotonic() - started
                if progress is not None:
                    progress(report)

            try:
                _run(gen, writer, total, batch, None, report, tick)
            finally:
                writer.close()
    finally:
        if dropped:
            t2 = time.monotonic()
            with connection.cursor() as cursor:
                cursor.execute("SET maintenance_work_mem = '1GB'")
                for _name, sql in dropped:
                    cursor.execute(sql)
            report.index_seconds = time.monotonic() - t2
    if vendor == "postgresql":
        with connection.cursor() as cursor:
            for table in BULK_TABLES:
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"GREATEST((SELECT MAX(id) FROM {table}), 1))"
                )
            for table in [*BULK_TABLES, DailySequence._meta.db_table]:
                cursor.execute(f"ANALYZE {table}")
    report.seconds = time.monotonic() - started
    return report


def _parallel(
    gen: Generator,
    total: int,
    batch: int,
    workers: int,
    options: tuple[Any, ...],
    report: LoadReport,
    progress: Callable[[LoadReport], None] | None,
) -> None:
    import multiprocessing

    from django.db import connections

    started = time.monotonic()
    chunks = _split(gen.day_plan(-(-total // gen.replicas)), workers)
    sizes = [gen.replicas * sum(c for _d, c in p) for p in chunks]
    sizes[-1] = total - sum(sizes[:-1])
    args = []
    dossier_base = gen.ids.next["dossier"]
    for k, plan in enumerate(chunks):
        size = sizes[k]
        bound = ROWS_PER_DOSSIER_BOUND * max(sizes)
        ids = {name: base + k * bound for name, base in gen.ids.next.items()}
        ids["dossier"] = dossier_base
        dossier_base += size
        args.append((k, plan, size, ids, gen.sequences, *options, batch, None))
    connections.close_all()
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Manager().Queue()
    args = [(*a[:-1], queue) for a in args]
    with ctx.Pool(len(args)) as pool:
        pending = pool.map_async(_worker, args)
        while not pending.ready() or not queue.empty():
            try:
                _k, dossiers, events = queue.get(timeout=1)
            except Exception:
                continue
            report.dossiers += dossiers
            report.rows["event"] += events
            report.seconds = time.monotonic() - started
            if progress is not None:
                progress(report)
        parts = pending.get()
    report.dossiers = sum(p.dossiers for p in parts)
    report.rows = {name: sum(p.rows[name] for p in parts) for name in TABLES}
    for p in parts:
        report.generate_seconds += p.generate_seconds
        report.write_seconds += p.write_seconds
        for state, n in p.states.items():
            report.states[state] = report.states.get(state, 0) + n
