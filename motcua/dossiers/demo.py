"""Demo dossiers: a few hundred filings in every state, made through the services.

``load_demo_dossiers`` runs after the demo province, catalogue and officials are loaded
(``motcua demo``). It files dossiers at the demo communes and the provincial centre over
the last ~60 days, always in office hours of working days, and walks each one through the
service functions with ``at=`` in the past, so codes, appointments, hand-overs, ledger
and timeliness are exactly what the real code makes. Per dossier every action is later
than the one before, and none is in the future.

It is deterministic for a ``seed`` and a ``now`` (except the lookup secrets, which the
services draw themselves) and does nothing once any dossier exists.

The catalogue has no procedure decided by the justice or construction departments (the
ones ``load_demo_officials`` staffs), so a specialist and a leader are added here for the
provincial police (Công an tỉnh: the second half of the interconnected birth group and
the residence procedures) and the agriculture and environment department (land
procedures received at the provincial centre). Accounts are named like the others
(``ca.chuyenvien``, ``ca.lanhdao``, ``snnmt.chuyenvien``, ``snnmt.lanhdao``).
"""

from __future__ import annotations

import bisect
import contextlib
import datetime as dt
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count, F
from django.utils import timezone
from django.utils.translation import gettext

from motcua.catalog.models import (
    GroupMember,
    ProcedureGroup,
    ProcedureVersion,
    RequiredDocument,
    VersionStatus,
)
from motcua.catalog.schemas import eform_data_errors
from motcua.core.text import fold
from motcua.documents.results import dossier_sign_and_seal
from motcua.dossiers import services
from motcua.dossiers.actors import Actor
from motcua.dossiers.lifecycle import OPEN_ACCEPTED, State
from motcua.dossiers.models import (
    ApplicantKind,
    Channel,
    Dossier,
    DossierState,
    Payment,
    PaymentMethod,
    ResultKind,
    ReturnMethod,
    SupplementRequest,
)
from motcua.dossiers.services import (
    ApplicantInput,
    DocumentInput,
    NewDossier,
)
from motcua.dossiers.uploads import CheckedUpload, check_upload
from motcua.org.demo import DemoAccount, _demo_user
from motcua.org.models import ADMIN_UNIT_KINDS, Agency, AgencyKind, Role, RoleAssignment, User
from motcua.org.personal_id import PROVINCES, tax_code_check_digit
from motcua.worktime.calendar import WorkCalendar, to_local
from motcua.worktime.selectors import work_calendar

WINDOW_DAYS = 60  # dossiers are received over the last WINDOW_DAYS calendar days
DAY = 450  # minutes of a working day (07:30–11:30, 13:30–17:00)
EIGHT_HOURS = 8 * 60
GROUP_CODE = "lien-thong-khai-sinh"

# Specialist and leader accounts this module adds: (sector, prefix, specialist, leader).
EXTRA_PROCESSORS: tuple[tuple[str, str, str, str], ...] = (
    ("police", "ca", "Lò Văn Công", "Hà Thị An"),
    ("agriculture-environment", "snnmt", "Triệu Văn Điền", "Ma Thị Nguyên"),
)

# How many of each final state, per 100 single-procedure dossiers.
STATE_WEIGHTS: dict[State, int] = {
    State.RETURNED: 30,
    State.RESOLVED: 6,
    State.APPROVED: 3,
    State.PROCESSING: 14,
    State.ACCEPTED: 4,
    State.SUPPLEMENT_REQUESTED: 5,
    State.AWAITING_PAYMENT: 4,
    State.SUBMITTED: 8,
    State.RECEIVED: 3,
    State.INTAKE_INCOMPLETE: 4,
    State.REFUSED: 5,
    State.WITHDRAWN: 4,
    State.STOPPED: 3,
}
GROUP_SHARE = 0.07  # interconnected dossiers among those filed
GROUP_WEIGHTS: dict[State, int] = {
    State.RETURNED: 40,
    State.PROCESSING: 30,
    State.RESOLVED: 10,
    State.SUBMITTED: 10,
    State.WITHDRAWN: 5,
    State.STOPPED: 5,
}
# The procedures citizens file most often come up more often.
POPULAR: dict[str, int] = {
    "2.000815": 8,  # chứng thực bản sao
    "1.001193": 6,  # khai sinh
    "2.000884": 4,  # chứng thực chữ ký
    "1.000894": 4,  # kết hôn
    "1.004873": 4,  # xác nhận tình trạng hôn nhân
    "1.004194": 4,  # tạm trú
    "1.004222": 4,  # thường trú
    "1.000656": 3,  # khai tử
    "1.013831": 3,  # biến động đất đai
    "1.001612": 2,  # hộ kinh doanh
}
# Procedures an organisation files now and then.
ORGANISATION_PROCEDURES = frozenset({"1.003622", "2.001035", "1.011441", "1.013831", "1.013225"})

# --- names, places, numbers ------------------------------------------------------------

FAMILY_NAMES: dict[str, int] = {
    "Nguyễn": 22, "Trần": 6, "Lê": 5, "Phạm": 4, "Hoàng": 5, "Vũ": 3, "Đặng": 2, "Bùi": 2,
    "Đỗ": 2, "Ngô": 1, "Dương": 1, "Lý": 1, "Phan": 2, "Đinh": 1, "Ma": 4, "Hà": 4,
    "Nông": 3, "Triệu": 3, "Bàn": 2, "Lương": 2, "Quan": 1, "Chu": 1, "Lục": 1, "Sầm": 1,
    "Giàng": 2, "Vàng": 2, "Sùng": 1, "Lò": 1, "Mai": 1, "Hứa": 1,
}  # fmt: skip
ETHNIC_BY_FAMILY: dict[str, tuple[str, ...]] = {
    "Ma": ("Tày",), "Nông": ("Tày", "Nùng"), "Hà": ("Tày", "Kinh"), "Lục": ("Tày",),
    "Quan": ("Tày",), "Sầm": ("Tày",), "Lương": ("Tày", "Kinh"), "Hoàng": ("Tày", "Kinh"),
    "Triệu": ("Dao",), "Bàn": ("Dao",), "Giàng": ("Mông",), "Vàng": ("Mông",),
    "Sùng": ("Mông",), "Lò": ("Pà Thẻn", "Tày"), "Chu": ("Sán Chay", "Kinh"),
}  # fmt: skip
MIDDLE_NAMES = {
    "male": ("Văn", "Văn", "Văn", "Đức", "Minh", "Quang", "Hữu", "Công", "Xuân", "Thanh",
             "Tiến", "Ngọc", "Mạnh", "Trọng"),
    "female": ("Thị", "Thị", "Thị", "Thị", "Thu", "Ngọc", "Thanh", "Minh", "Hồng", "Kim",
               "Bích", "Thùy", "Phương", "Diệu"),
}  # fmt: skip
GIVEN_NAMES = {
    "male": ("Anh", "Bình", "Cường", "Dũng", "Duy", "Đạt", "Đức", "Giang", "Hải", "Hiếu",
             "Hoàng", "Hùng", "Huy", "Hưng", "Khánh", "Khoa", "Kiên", "Lâm", "Long", "Lộc",
             "Mạnh", "Minh", "Nam", "Nghĩa", "Phong", "Phúc", "Quân", "Quý", "Sơn", "Tâm",
             "Thành", "Thắng", "Thịnh", "Toàn", "Trung", "Tuấn", "Tùng", "Việt", "Vinh",
             "Chiến", "Định", "Hậu"),
    "female": ("Anh", "Chi", "Dung", "Duyên", "Giang", "Hà", "Hạnh", "Hằng", "Hiền", "Hoa",
               "Huệ", "Hương", "Huyền", "Lan", "Liên", "Linh", "Loan", "Ly", "Mai", "My",
               "Nga", "Ngân", "Ngọc", "Nhung", "Oanh", "Phương", "Quyên", "Quỳnh", "Thảo",
               "Thơ", "Thủy", "Trang", "Tuyết", "Vân", "Yến", "Xuân", "Nhàn", "Thoa", "Lụa"),
}  # fmt: skip
VILLAGES = (
    "Thôn Nà Héc", "Thôn Bản Chợ", "Thôn Khuổi Ma", "Thôn Nà Khà", "Thôn Đồng Bài",
    "Thôn Tân Lập", "Thôn Làng Giàng", "Thôn Phai Tre", "Thôn Nà Va", "Thôn Bản Piát",
    "Thôn Cốc Phát", "Thôn Pác Hóp", "Thôn Tân Hoa", "Thôn Làng Chả", "Thôn Đồng Xe",
)  # fmt: skip
STREETS = (
    "đường Tân Trào", "đường Bình Thuận", "đường 17 Tháng 8", "đường Quang Trung",
    "đường Chiến Thắng Sông Lô", "đường Nguyễn Văn Cừ", "đường Lê Duẩn", "đường Phạm Văn Đồng",
)  # fmt: skip
# Mobile prefixes in use (Viettel, VinaPhone, MobiFone, Vietnamobile).
PHONE_PREFIXES = (
    "086", "096", "097", "098", "032", "033", "034", "035", "036", "037", "038", "039",
    "088", "091", "094", "081", "082", "083", "084", "085", "089", "090", "093", "070",
    "076", "077", "078", "079", "056", "058",
)  # fmt: skip
ORGANISATION_KINDS = ("Công ty TNHH", "Công ty cổ phần", "Hợp tác xã", "Doanh nghiệp tư nhân")
ORGANISATION_NAMES = (
    "Xây dựng Tân Trào", "Nông sản Hàm Yên", "Chè Shan tuyết Na Hang", "Vận tải Sông Lô",
    "Thương mại Minh Khai", "Lâm sản Yên Sơn", "Du lịch sinh thái Lâm Bình",
    "Vật liệu xây dựng Hồng Phúc", "Cam sành Hàm Yên", "Dịch vụ nông nghiệp Phúc Thịnh",
)  # fmt: skip
BANKS = (
    "Ngân hàng Nông nghiệp và Phát triển Nông thôn Việt Nam - Chi nhánh Tuyên Quang",
    "Ngân hàng TMCP Công Thương Việt Nam - Chi nhánh Tuyên Quang",
    "Ngân hàng Chính sách xã hội - Chi nhánh Tuyên Quang",
)
REASONS = (
    "Bổ sung hồ sơ xin việc làm",
    "Phục vụ thủ tục vay vốn ngân hàng",
    "Theo nhu cầu của gia đình",
    "Hoàn thiện hồ sơ đi học",
    "Giấy tờ cũ bị hư hỏng, mất",
)
TEXTS: dict[str, tuple[str, ...]] = {
    "nganh_nghe": ("Bán lẻ hàng tạp hóa", "Dịch vụ ăn uống", "Sửa chữa xe máy",
                   "Chế biến chè", "Bán lẻ vật liệu xây dựng"),
    "ten_giay_to": ("Bằng tốt nghiệp trung học phổ thông", "Giấy khai sinh",
                    "Sổ hộ khẩu gia đình (bản cũ)", "Học bạ trung học cơ sở"),
    "ten_van_ban": ("Giấy ủy quyền", "Đơn xin xác nhận", "Giấy cam kết"),
    "ngon_ngu": ("Tiếng Anh sang tiếng Việt", "Tiếng Trung sang tiếng Việt"),
    "ten_le_hoi": ("Lễ hội Lồng Tông", "Lễ hội Nàng Hai", "Lễ cấp sắc"),
    "van_bang": ("Bằng tốt nghiệp Bác sĩ đa khoa", "Bằng tốt nghiệp Cao đẳng Điều dưỡng"),
    "pham_vi": ("Khám bệnh, chữa bệnh đa khoa", "Chăm sóc người bệnh"),
    "nguon_goc": ("Nhận chuyển nhượng năm 2005", "Ông cha để lại, sử dụng ổn định từ 1990"),
    "hoan_canh": ("Mồ côi cả cha và mẹ, không nơi nương tựa",),
    "noi_dung_tranh_chap": ("Tranh chấp ranh giới thửa đất giáp ranh",),
    "phuong_an": ("Phối hợp Công an xã bố trí lực lượng giữ trật tự, có phương án phòng cháy",),
    "ly_do_giam_ho": ("Cha mẹ đã chết, người được giám hộ chưa thành niên",
                      "Người được giám hộ mất năng lực hành vi dân sự"),
    "ly_do_cham_dut": ("Người được giám hộ đã thành niên", "Cha, mẹ đã đủ điều kiện chăm sóc"),
    "ly_do_mat": ("Bị thất lạc khi chuyển nhà", "Bị hư hỏng do mưa lũ"),
    "ly_do_gia_han": ("Chưa khởi công được do mưa lũ kéo dài",),
    "ly_do_tam_vang": ("Đi làm việc tại tỉnh khác", "Đi học tập tại tỉnh khác"),
    "noi_dung_hien_tai": ("Năm sinh ghi là 1985",),
    "noi_dung_de_nghi": ("Cải chính năm sinh thành 1986 theo giấy tờ gốc",),
    "noi_dung_moi": ("Theo nội dung tại giấy đề nghị kèm theo",),
}  # fmt: skip

INTAKE_ITEMS = (
    "Bản sao giấy tờ tùy thân còn thiếu trang",
    "Tờ khai chưa có chữ ký của người yêu cầu",
    "Giấy tờ chứng minh nơi cư trú",
)
REFUSE_AT_INTAKE = (
    "Thủ tục không thuộc phạm vi giải quyết theo yêu cầu của người nộp",
    "Người yêu cầu không đủ điều kiện thực hiện thủ tục theo quy định",
)
REFUSE_AFTER_APPRAISAL = (
    "Kết quả thẩm định: hồ sơ không đủ điều kiện giải quyết theo quy định",
    "Thông tin kê khai không khớp với Cơ sở dữ liệu quốc gia về dân cư",
)
SUPPLEMENT_REASON = "Thông tin trên tờ khai chưa thống nhất với giấy tờ kèm theo"
STOP_REASONS = (
    "Người yêu cầu không bổ sung hồ sơ trong thời hạn đã thông báo",
    "Có văn bản của cơ quan có thẩm quyền đề nghị tạm dừng giải quyết",
)
WITHDRAW_REASONS = ("Xin rút hồ sơ để hoàn thiện thêm giấy tờ", "Không còn nhu cầu giải quyết")
EXTEND_REASON = (
    "Cần xác minh thêm thông tin với cơ quan có liên quan; xin lỗi ông/bà vì sự chậm trễ"
)
RETURN_REASON = "Đề nghị kiểm tra lại nội dung dự thảo kết quả"


@dataclass(frozen=True)
class Person:
    name: str
    sex: str  # "male" / "female"
    birth: dt.date
    personal_id: str
    address: str
    phone: str
    ethnic: str
    email: str = ""


def personal_id_for(rng: random.Random, birth: dt.date, sex: str, province: str) -> str:
    """A personal ID number whose century/sex digit and year match ``birth`` and ``sex``."""
    g = 2 * ((birth.year - 1900) // 100) + (1 if sex == "female" else 0)
    return f"{province}{g}{birth.year % 100:02d}{rng.randrange(1_000_000):06d}"


def tax_code(rng: random.Random, prefix: str = "50") -> str:
    """A ten-digit tax code with a valid check digit; "50" is illustrative of the province."""
    while True:
        first = prefix + "".join(str(rng.randrange(10)) for _ in range(9 - len(prefix)))
        check = tax_code_check_digit(first)
        if check is not None:
            return first + check


def phone_number(rng: random.Random) -> str:
    return rng.choice(PHONE_PREFIXES) + f"{rng.randrange(10_000_000):07d}"


def person_name(rng: random.Random, sex: str, family: str | None = None) -> str:
    family = family or rng.choices(list(FAMILY_NAMES), weights=list(FAMILY_NAMES.values()))[0]
    return f"{family} {rng.choice(MIDDLE_NAMES[sex])} {rng.choice(GIVEN_NAMES[sex])}"


def demo_pdf(text: str = "MotCua - ho so minh hoa (du lieu demo)") -> bytes:
    """A small, well-formed one-page A4 PDF with one line of text."""
    stream = f"BT /F1 14 Tf 72 770 Td ({text}) Tj ET".encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


# --- the summary ---------------------------------------------------------------------


@dataclass(frozen=True)
class DemoSummary:
    created: int  # dossiers this call filed (0: the demo dossiers were already there)
    total: int  # every dossier, the parts of interconnected ones included
    by_state: dict[str, int]
    overdue_open: int  # accepted, not finished, appointment passed (not waiting on a supplement)
    interconnected: int  # interconnected (group) dossiers
    parts: int  # their dossiers at each agency
    supplemented: int  # a supplement was requested during processing and handed in
    extended: int  # the appointment was extended (Mẫu 04)
    late: int  # finished after the appointment
    paid_at_counter: int
    seconds: float = 0.0
    accounts: tuple[DemoAccount, ...] = ()

    def line(self) -> str:
        states = ", ".join(
            f"{DossierState(state).label} {self.by_state[state]}" for state in DossierState.values
            if self.by_state.get(state)
        )  # fmt: skip
        verb = (
            gettext("loaded in %(s).1f s") % {"s": self.seconds}
            if self.created
            else gettext("already loaded")
        )
        return gettext(
            "Demo dossiers: %(total)d (%(groups)d interconnected with %(parts)d parts), "
            "%(verb)s — %(states)s; %(overdue)d overdue open, %(supplemented)d supplemented, "
            "%(extended)d extended, %(late)d late, %(counter)d paid at the counter."
        ) % {
            "total": self.total,
            "groups": self.interconnected,
            "parts": self.parts,
            "verb": verb,
            "states": states,
            "overdue": self.overdue_open,
            "supplemented": self.supplemented,
            "extended": self.extended,
            "late": self.late,
            "counter": self.paid_at_counter,
        }


def demo_summary(*, now: dt.datetime | None = None) -> DemoSummary:
    """What the dossier tables hold now, in the terms of the demo summary."""
    now = now or timezone.now()
    by_state = dict(Dossier.objects.values_list("state").annotate(n=Count("id")).order_by())
    waiting = [s for s in OPEN_ACCEPTED if s != State.SUPPLEMENT_REQUESTED]
    return DemoSummary(
        created=0,
        total=sum(by_state.values()),
        by_state=by_state,
        overdue_open=Dossier.objects.filter(state__in=waiting, due_at__lt=now).count(),
        interconnected=Dossier.objects.filter(procedure_group__isnull=False).count(),
        parts=Dossier.objects.filter(parent__isnull=False).count(),
        supplemented=SupplementRequest.objects.filter(at_intake=False, completed_at__isnull=False)
        .values("dossier")
        .distinct()
        .count(),
        extended=Dossier.objects.filter(extensions__gt=0).count(),
        late=Dossier.objects.filter(finished_at__gt=F("due_at")).count(),
        paid_at_counter=Payment.objects.filter(method=PaymentMethod.COUNTER)
        .values("dossier")
        .distinct()
        .count(),
    )


def ensure_demo_processors(root: Agency) -> list[DemoAccount]:
    """A specialist and a leader at the police and the agriculture department (idempotent)."""
    accounts: list[DemoAccount] = []
    for sector, prefix, specialist, leader in EXTRA_PROCESSORS:
        agency = Agency.objects.filter(parent=root, sector=sector).first()
        if agency is None:
            continue
        accounts += _demo_user(f"{prefix}.chuyenvien", specialist, agency, [Role.SPECIALIST])
        accounts += _demo_user(f"{prefix}.lanhdao", leader, agency, [Role.LEADER])
    return accounts


def load_demo_dossiers(
    *, count: int = 300, seed: int = 2026, now: dt.datetime | None = None
) -> DemoSummary:
    """File ``count`` demo dossiers (a few of them interconnected) unless any dossier
    exists; either way, return the summary of what is there."""
    started = time.monotonic()
    now = now or timezone.now()
    root = Agency.objects.filter(parent__isnull=True, kind=AgencyKind.PROVINCE_COMMITTEE).first()
    if root is None:
        raise ValueError("Load the demo province and its officials first.")
    accounts = tuple(ensure_demo_processors(root))
    if Dossier.objects.exists():
        return replace(demo_summary(now=now), accounts=accounts)
    with _history_stays_history(), transaction.atomic():
        created = _Loader(root, random.Random(seed), now).run(count)
    return replace(
        demo_summary(now=now),
        created=created,
        seconds=time.monotonic() - started,
        accounts=accounts,
    )


@contextlib.contextmanager
def _history_stays_history() -> Iterator[None]:
    """Demo events are backdated history: notifying applicants and feeding integrations
    after commit would be wrong, so their side effects are not queued."""
    with services.history_only():
        yield


# --- the working-time axis -------------------------------------------------------------


class OutOfTime(Exception):
    """The next action of a dossier would fall after ``now``: the dossier stays as it is."""


class Axis:
    """Office hours of the working days between two instants, as a line of minutes.

    Minute ``w`` is the ``w``-th minute the office was open since ``start``; minutes run
    up to ``last`` (one minute before ``now``, or before the last closing).
    """

    def __init__(self, cal: WorkCalendar, start: dt.datetime, now: dt.datetime) -> None:
        self.starts: list[dt.datetime] = []
        self.offsets: list[int] = []
        total = 0
        day, end_day = to_local(start).date(), to_local(now).date()
        while day <= end_day:
            for opening, closing in cal.periods(day):
                closing = min(closing, now)
                minutes = int((closing - max(opening, start)).total_seconds() // 60)
                if minutes > 0:
                    self.starts.append(max(opening, start))
                    self.offsets.append(total)
                    total += minutes
            day += dt.timedelta(days=1)
        if total < 2:
            raise ValueError("no working time before now to place demo dossiers in")
        self.total = total
        self.last = total - 1

    def at(self, w: int, second: int = 0) -> dt.datetime:
        if not 0 <= w <= self.last:
            raise OutOfTime
        i = bisect.bisect_right(self.offsets, w) - 1
        return self.starts[i] + dt.timedelta(minutes=w - self.offsets[i], seconds=second)

    def index(self, t: dt.datetime) -> int:
        """The axis minute of ``t``; after the axis: beyond ``last``."""
        i = bisect.bisect_right(self.starts, t) - 1
        if i < 0:
            return 0
        length = (self.offsets[i + 1] if i + 1 < len(self.offsets) else self.total) - (
            self.offsets[i]
        )
        inside = int((t - self.starts[i]).total_seconds() // 60)
        if i == len(self.starts) - 1 and inside >= length:
            return self.total + inside - length + 1
        return self.offsets[i] + min(inside, length - 1)


# --- the province as the demo sees it --------------------------------------------------


@dataclass
class Office:
    """A one-stop centre with its reception officer (and manager, if any)."""

    center: Agency
    reception: User
    manager: User | None


@dataclass
class Commune:
    agency: Agency
    office: Office
    title: str  # "xã Lâm Bình"


@dataclass
class Proc:
    version: ProcedureVersion
    code: str
    kind: str
    docs: list[RequiredDocument]
    fee_total: int
    limit_days: float | None  # the time limit in working days, roughly

    @property
    def mandatory(self) -> list[RequiredDocument]:
        return [d for d in self.docs if d.mandatory]


def _limit_days(limit: int | None, unit: str) -> float | None:
    if limit is None:
        return None
    return {
        "working_hours": limit / 8,
        "working_days": float(limit),
        "days": limit * 5 / 7,
        "months": limit * 21.0,
    }.get(unit, float(limit))


@dataclass
class Plan:
    """One dossier to file: its final state and the circumstances that lead there."""

    target: State
    start: int  # axis minute of the filing
    group: bool = False
    proc: Proc | None = None
    overdue: bool = False
    late: bool = False


Script = list[tuple[State, Callable[[dt.datetime], Any]]]
OPEN_STATES = frozenset(
    {
        State.ACCEPTED,
        State.PROCESSING,
        State.SUPPLEMENT_REQUESTED,
        State.AWAITING_PAYMENT,
        State.APPROVED,
    }
)


class _Loader:
    def __init__(self, root: Agency, rng: random.Random, now: dt.datetime) -> None:
        self.root = root
        self.rng = rng
        self.now = now
        local_now = to_local(now)
        self.cal = work_calendar(local_now.year - 1, local_now.year + 1)
        self.axis = Axis(self.cal, now - dt.timedelta(days=WINDOW_DAYS), now)
        self.province_title = root.name.removeprefix("Ủy ban nhân dân ")
        code = f"{settings.MOTCUA_PROVINCE_CODE:03d}"
        self.home_id_code = code if code in PROVINCES else "008"
        pdf = demo_pdf()
        self.pdf: CheckedUpload = check_upload(
            pdf, filename="giay-to-minh-hoa.pdf", max_bytes=len(pdf) + 1
        )
        self.receipt_number = 0
        self.references: set[str] = set()
        self.agencies: dict[int, Agency] = {}
        self._find_officials()
        self._find_procedures()

    # -- setup ------------------------------------------------------------------------

    def _find_officials(self) -> None:
        self.users: dict[tuple[int, str], User] = {}
        assignments = (
            RoleAssignment.objects.filter(user__is_active=True)
            .select_related("user", "agency")
            .order_by("user__username")
        )
        for a in assignments:
            self.users.setdefault((a.agency_id, a.role), a.user)
            self.agencies[a.agency_id] = a.agency

        def office(center: Agency | None) -> Office | None:
            if center is None:
                return None
            reception = self.users.get((center.pk, Role.RECEPTION_OFFICER))
            if reception is None:
                return None
            return Office(center, reception, self.users.get((center.pk, Role.CENTER_MANAGER)))

        self.communes: list[Commune] = []
        self.processing_sectors: set[str] = set()
        for agency in sorted(self.agencies.values(), key=lambda a: a.identifier):
            users = self.users
            if (agency.pk, Role.SPECIALIST) not in users or (agency.pk, Role.LEADER) not in users:
                continue
            if agency.kind in ADMIN_UNIT_KINDS:
                found = office(agency.children.filter(kind=AgencyKind.COMMUNE_CENTER).first())
                if found is not None:
                    title = agency.name.removeprefix("Ủy ban nhân dân ")
                    self.communes.append(Commune(agency, found, title))
            elif agency.sector:
                self.processing_sectors.add(agency.sector)
        self.province_office = office(
            Agency.objects.filter(parent=self.root, kind=AgencyKind.PROVINCE_CENTER).first()
        )
        if not self.communes:
            raise ValueError("Load the demo officials first: no commune has them.")

    def _find_procedures(self) -> None:
        versions = (
            ProcedureVersion.objects.filter(status=VersionStatus.PUBLISHED)
            .select_related("procedure")
            .prefetch_related("documents", "fees")
            .order_by("procedure__code")
        )
        self.procs: dict[str, list[Proc]] = {"commune": [], "department": [], "central_local": []}
        self.by_code: dict[str, Proc] = {}
        for v in versions:
            kind = v.competent_agency_kind
            if kind not in self.procs:
                continue
            if kind != "commune" and (
                v.competent_sector not in self.processing_sectors or self.province_office is None
            ):
                continue
            proc = Proc(
                version=v,
                code=v.procedure.code,
                kind=kind,
                docs=list(v.documents.all()),
                fee_total=sum(f.amount for f in v.fees.all()),
                limit_days=_limit_days(v.time_limit, v.time_unit),
            )
            # Only procedures whose e-form this module can fill in validly.
            probe = self.eform(proc, self.person(self.communes[0]), to_local(self.now).date())
            if probe is None:
                continue
            self.procs[kind].append(proc)
            self.by_code[proc.code] = proc
        self.group = ProcedureGroup.objects.filter(code=GROUP_CODE, published=True).first()
        self.group_members: list[str] = []
        if self.group is not None:
            self.group_members = list(
                GroupMember.objects.filter(group=self.group)
                .order_by("position")
                .values_list("procedure__code", flat=True)
            )
            if not all(code in self.by_code for code in self.group_members):
                self.group = None

    def agency(self, pk: int) -> Agency:
        if pk not in self.agencies:
            self.agencies[pk] = Agency.objects.get(pk=pk)
        return self.agencies[pk]

    def official(self, agency: Agency | int, role: str) -> Actor:
        pk = agency if isinstance(agency, int) else agency.pk
        user = self.users.get((pk, role))
        if user is None:
            raise LookupError(f"no demo official with role {role} at agency {pk}")
        return Actor.official(user)

    # -- people -----------------------------------------------------------------------

    def address(self, commune: Commune) -> str:
        rng = self.rng
        if commune.agency.kind == AgencyKind.WARD:
            if rng.random() < 0.5:
                place = f"Số {rng.randint(1, 250)} {rng.choice(STREETS)}"
            else:
                place = f"Tổ dân phố {rng.randint(1, 30)}"
        else:
            place = rng.choice(VILLAGES)
        return f"{place}, {commune.title}, {self.province_title}"

    def person(
        self,
        commune: Commune,
        *,
        sex: str | None = None,
        born: tuple[int, int] = (1955, 2004),
        family: str | None = None,
        birth: dt.date | None = None,
    ) -> Person:
        rng = self.rng
        sex = sex or rng.choice(("male", "female"))
        name = person_name(rng, sex, family)
        if birth is None:
            birth = dt.date(rng.randint(*born), rng.randint(1, 12), rng.randint(1, 28))
        if rng.random() < 0.8:
            province = self.home_id_code
        else:
            province = rng.choice(("002", "025", "019", "001", "015", "010"))
        ethnic = rng.choice(ETHNIC_BY_FAMILY.get(name.split(" ")[0], ("Kinh",) * 3 + ("Tày",)))
        return Person(
            name=name,
            sex=sex,
            birth=birth,
            personal_id=personal_id_for(rng, birth, sex, province),
            address=self.address(commune),
            phone=phone_number(rng),
            ethnic=ethnic,
            email=(
                f"{fold(name).replace(' ', '')}{birth.year % 100:02d}@example.com"
                if rng.random() < 0.4
                else ""
            ),
        )

    def applicant(self, person: Person, proc: Proc | None) -> ApplicantInput:
        rng = self.rng
        email = person.email
        if proc is not None and proc.code in ORGANISATION_PROCEDURES and rng.random() < 0.4:
            code = tax_code(rng)
            if rng.random() < 0.15:
                code += f"-{rng.randint(1, 9):03d}"  # a branch
            return ApplicantInput(
                kind=ApplicantKind.ORGANISATION,
                name=f"{rng.choice(ORGANISATION_KINDS)} {rng.choice(ORGANISATION_NAMES)}",
                org_code=code,
                address=person.address,
                phone=person.phone,
                email=email,
            )
        return ApplicantInput(
            kind=ApplicantKind.PERSON,
            name=person.name,
            personal_id=person.personal_id,
            birth_date=person.birth,
            address=person.address,
            phone=person.phone,
            email=email,
        )

    def eform(
        self,
        proc: Proc,
        applicant: Person,
        day: dt.date,
        overrides: dict[str, Any] | None = None,
        commune: Commune | None = None,
    ) -> dict[str, Any] | None:
        """E-form data valid against the procedure's schema, or None if it cannot be."""
        schema = proc.version.eform_schema or {}
        if not schema:
            return {}
        form = _EForm(self, schema, applicant, day, commune or self.communes[0])
        data = form.fill(overrides or {})
        if data is None or eform_data_errors(schema, data):
            return None
        return data

    # -- choosing what to file ---------------------------------------------------------

    def targets(self, count: int) -> list[tuple[State, bool]]:
        """The final state of each dossier (and whether it is interconnected), shuffled;
        every state has at least one dossier."""
        groups = 0
        if self.group is not None and count >= 20:
            groups = max(2, round(count * GROUP_SHARE))
        singles = count - groups
        total = sum(STATE_WEIGHTS.values())
        quota = {s: max(1, singles * w // total) for s, w in STATE_WEIGHTS.items()}
        while sum(quota.values()) < singles:
            quota[State.RETURNED] += 1
        while sum(quota.values()) > singles and max(quota.values()) > 1:
            quota[max(quota, key=lambda s: quota[s])] -= 1
        targets = [(s, False) for s, n in quota.items() for _ in range(n)]
        states, weights = list(GROUP_WEIGHTS), list(GROUP_WEIGHTS.values())
        for i in range(groups):
            state = states[i] if i < 2 else self.rng.choices(states, weights)[0]
            targets.append((state, True))
        self.rng.shuffle(targets)
        return targets

    def pick_proc(self, *, min_days: float = 0, needs_limit: bool = False) -> Proc:
        rng = self.rng
        kinds = [k for k in ("commune", "department", "central_local") if self.procs[k]]
        kind_weights = {"commune": 70, "department": 15, "central_local": 15}
        proc = self.procs[kinds[0]][0]
        for _ in range(100):
            kind = rng.choices(kinds, [kind_weights[k] for k in kinds])[0]
            procs = self.procs[kind]
            proc = rng.choices(procs, [POPULAR.get(p.code, 1) for p in procs])[0]
            days = proc.limit_days
            if (needs_limit and days is None) or (days is not None and days < min_days):
                continue
            return proc
        return proc

    def plan(self, target: State, group: bool) -> Plan:
        """When the dossier is filed, so that it can reach ``target`` by ``now``: open ones
        recently (or, overdue, longer ago than their time limit), finished ones anywhere."""
        rng = self.rng
        last = self.axis.last
        plan = Plan(target=target, start=0, group=group)

        def back(lo: float, hi: float) -> int:
            return max(0, last - int(rng.uniform(lo, hi) * DAY))

        if target in OPEN_STATES or (group and target == State.PROCESSING):
            plan.overdue = rng.random() < 0.35
        if group:
            limit = 3.0
        elif target in OPEN_STATES:
            plan.proc = self.pick_proc(min_days=0 if plan.overdue else 3, needs_limit=plan.overdue)
            limit = plan.proc.limit_days or 0.0
        else:
            plan.proc = self.pick_proc()
            limit = plan.proc.limit_days or 0.0
        if target == State.SUBMITTED:
            # Some have waited for intake more than eight working hours.
            plan.start = back(1.2, 4) if rng.random() < 0.4 else back(0.02, 0.9)
        elif target == State.RECEIVED:
            plan.start = back(0.01, 0.3)
        elif target == State.INTAKE_INCOMPLETE:
            plan.start = back(0.1, 8)
        elif target in OPEN_STATES:
            if plan.overdue:
                plan.start = back(min(limit, 25) + 1.5, min(limit, 25) + 10)
            else:
                plan.start = back(0.1, max(0.3, min(limit, 20) - 0.8))
        else:
            plan.late = rng.random() < 0.18
            lo = limit + 2 if plan.late else 0.5 + limit / 3
            plan.start = back(min(lo, 38), 40)
        return plan

    # -- running ----------------------------------------------------------------------

    def run(self, count: int) -> int:
        plans = [self.plan(target, group) for target, group in self.targets(count)]
        # Filed in the order they arrive, so each centre's daily numbers follow the clock.
        plans.sort(key=lambda p: p.start)
        for plan in plans:
            with contextlib.suppress(OutOfTime):
                _Dossier(self, plan).go()
        return len(plans)

    def counter_receipt(self) -> str:
        self.receipt_number += 1
        return f"BL{self.receipt_number:07d}"

    def reference(self, prefix: str) -> str:
        while True:
            ref = f"{prefix}{self.rng.randrange(10**12):012d}"
            if ref not in self.references:
                self.references.add(ref)
                return ref


class _EForm:
    """Fills in one e-form from its JSON Schema: the required fields and the contacts."""

    APPLICANT_PREFIXES = (
        "nguoi_yeu_cau", "nguoi_dang_ky", "nguoi_de_nghi", "nguoi_khai", "chu_ho", "chu_xe",
        "nguoi_tho_cung", "nguoi_gia_han", "nguoi_tam_vang", "nguoi_hanh_nghe",
        "nguoi_lo_mai_tang", "phu_huynh", "nguoi_dai_dien",
    )  # fmt: skip
    PERSON_SUFFIXES = (
        "_ho_ten", "_so_dinh_danh", "_ngay_sinh", "_noi_cu_tru", "_dan_toc", "_quoc_tich",
        "_gioi_tinh",
    )  # fmt: skip
    CONTACT = frozenset({"dien_thoai", "so_dien_thoai", "email"})
    ELDERLY = frozenset({"nguoi_chet", "nguoi_co_cong", "liet_si"})

    def __init__(
        self,
        loader: _Loader,
        schema: dict[str, Any],
        applicant: Person,
        day: dt.date,
        commune: Commune,
    ) -> None:
        self.loader = loader
        self.rng = loader.rng
        self.props: dict[str, Any] = schema.get("properties", {})
        self.required = set(schema.get("required", []))
        self.day = day
        self.commune = commune
        self.applicant = applicant
        self.people: dict[str, Person] = {}
        prefix = next((p for p in self.APPLICANT_PREFIXES if f"{p}_ho_ten" in self.props), "")
        self.people[prefix] = applicant
        # Whose birth date, sex, ethnicity a bare "ngay_sinh", "gioi_tinh"… field is.
        self.subject = "tre" if "ho_ten_tre" in self.props else prefix

    def fill(self, overrides: dict[str, Any]) -> dict[str, Any] | None:
        data: dict[str, Any] = {}
        for key, prop in self.props.items():
            if key in overrides:
                data[key] = overrides[key]
            elif key in self.required or key in self.CONTACT:
                value = self.value(key, prop)
                if value is None and key in self.required:
                    return None
                if value is not None:
                    data[key] = value
        return data

    # -- the people a form names --

    def person_key(self, key: str) -> tuple[str, str] | None:
        """(whose, which detail) when ``key`` is a detail of a person named by the form."""
        for lead in ("ho_ten_", "gioi_tinh_", "ngay_sinh_"):
            if key.startswith(lead):
                return key.removeprefix(lead), "_" + lead.rstrip("_")
        for suffix in self.PERSON_SUFFIXES:
            if key.endswith(suffix):
                return key.removesuffix(suffix), suffix
            if key == suffix[1:]:
                return self.subject, suffix
        return None

    def person(self, prefix: str) -> Person:
        if prefix not in self.people:
            sex: str | None = None
            if prefix.endswith("_nu") or prefix in {"me", "nguoi_me"}:
                sex = "female"
            elif prefix.endswith("_nam") or prefix in {"cha", "nguoi_cha"}:
                sex = "male"
            born, birth, family = (1950, 2000), None, None
            if prefix == "tre":  # a newborn of the applicant's family
                family = self.applicant.name.split(" ")[0]
                birth = self.day - dt.timedelta(days=self.rng.randint(3, 55))
            elif prefix in {"hoc_sinh", "thi_sinh"}:
                born = (2008, 2013)
            elif prefix in self.ELDERLY:
                born = (1930, 1965)
            self.people[prefix] = self.loader.person(
                self.commune, sex=sex, born=born, family=family, birth=birth
            )
        return self.people[prefix]

    def person_value(self, prefix: str, what: str, prop: dict[str, Any]) -> Any:
        p = self.person(prefix)
        if what == "_gioi_tinh":
            label = "Nam" if p.sex == "male" else "Nữ"
            return label if label in prop.get("enum", [label]) else None
        if "enum" in prop:
            return None
        if what == "_ngay_sinh":
            return p.birth.year if prop.get("type") == "integer" else p.birth.isoformat()
        values = {
            "_ho_ten": p.name,
            "_so_dinh_danh": p.personal_id,
            "_noi_cu_tru": p.address,
            "_dan_toc": p.ethnic,
            "_quoc_tich": "Việt Nam",
        }
        return values.get(what)

    # -- values --

    def value(self, key: str, prop: dict[str, Any]) -> Any:
        rng = self.rng
        kind = prop.get("type")
        found = self.person_key(key)
        if found is not None and kind in {"string", "integer"}:
            value = self.person_value(found[0], found[1], prop)
            if value is not None:
                return self.clip(value, prop)
        if key in {"dien_thoai", "so_dien_thoai"}:
            return self.applicant.phone
        if key == "email":
            return self.applicant.email or None
        if "enum" in prop:
            return self.enum(key, prop)
        if kind == "string":
            return self.string(key, prop)
        if kind == "integer":
            return self.integer(key, prop)
        if kind == "number":
            low = float(prop.get("minimum", 0))
            return round(rng.uniform(low + 30, low + 300), 1)
        if kind == "boolean":
            return rng.random() < 0.5
        if kind == "array":
            return self.array(prop)
        return None

    def enum(self, key: str, prop: dict[str, Any]) -> Any:
        choices = list(prop["enum"])
        if key.startswith("quan_he") and self.subject == "tre":
            parent = "Cha" if self.applicant.sex == "male" else "Mẹ"
            if parent in choices:
                return parent
        return self.rng.choice(choices)

    @staticmethod
    def clip(value: Any, prop: dict[str, Any]) -> Any:
        if isinstance(value, str) and "maxLength" in prop:
            return value[: prop["maxLength"]]
        return value

    def string(self, key: str, prop: dict[str, Any]) -> str | None:
        rng = self.rng
        pattern = prop.get("pattern")
        if pattern is not None:
            by_pattern: dict[str, Callable[[], str]] = {
                r"^\d{12}$": lambda: self.person(self.subject).personal_id,
                r"^0\d{9}$": lambda: self.applicant.phone,
                r"^0\d{9,10}$": lambda: self.applicant.phone,
                r"^\d{10}$": lambda: f"{rng.randrange(10**10):010d}",
                r"^\d{4}-\d{4}$": lambda: f"{self.day.year - 1}-{self.day.year}",
                r"^([01]\d|2[0-3]):[0-5]\d$": lambda: (
                    f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}"
                ),
            }
            make = by_pattern.get(pattern)
            return make() if make is not None else None
        if prop.get("format") == "date":
            return self.date(key).isoformat()
        if prop.get("format") == "email":
            return self.applicant.email or "lienhe@example.com"
        if "format" in prop:
            return None
        text = self.text(key, str(prop.get("title", "")))
        return text[: prop["maxLength"]] if "maxLength" in prop else text

    def date(self, key: str) -> dt.date:
        rng, day = self.rng, self.day
        if "chet" in key or "tu_tran" in key:
            return day - dt.timedelta(days=rng.randint(3, 45))
        if any(s in key for s in ("den_ngay", "ket_thuc", "het_han")):
            return day + dt.timedelta(days=rng.randint(60, 700))
        if any(s in key for s in ("tu_ngay", "bat_dau", "cham_dut", "du_kien")):
            return day + dt.timedelta(days=rng.randint(3, 30))
        return day - dt.timedelta(days=rng.randint(120, 3650))

    def text(self, key: str, title: str) -> str:
        rng = self.rng
        commune, province = self.commune.title, self.loader.province_title
        for stem, choices in TEXTS.items():
            if stem in key:
                return rng.choice(choices)
        if title.startswith(("Họ, chữ đệm", "Họ tên")) or "mai_tang" in key:
            return person_name(rng, rng.choice(("male", "female")))
        rules: tuple[tuple[tuple[str, ...], Callable[[], str]], ...] = (
            (("noi_sinh",), lambda: rng.choice((f"Trạm Y tế {commune}", f"Bệnh viện Đa khoa {province}"))),  # noqa: E501
            (("co_quan", "noi_dang_ky"), lambda: f"Ủy ban nhân dân {commune}"),
            (("truong",), lambda: f"Trường Trung học cơ sở {commune.split(' ', 1)[-1]}"),
            (("que_quan",), lambda: f"{commune}, {province}"),
            (("ten_ho_kinh_doanh",), lambda: f"Hộ kinh doanh {rng.choice(GIVEN_NAMES['female'])} Phát"),  # noqa: E501
            (("ten_to_chuc",), lambda: f"{rng.choice(ORGANISATION_KINDS)} {rng.choice(ORGANISATION_NAMES)}"),  # noqa: E501
            (("tai_san",), lambda: f"Quyền sử dụng đất thửa số {rng.randint(1, 400)}, tờ bản đồ số {rng.randint(1, 60)}"),  # noqa: E501
            (("bao_dam", "ngan_hang"), lambda: rng.choice(BANKS)),
            (("so_khung",), lambda: "RLHJF" + "".join(rng.choice("0123456789ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(12))),  # noqa: E501
            (("so_may",), lambda: f"JF{rng.randrange(10**10):010d}"),
            (("bien_so",), lambda: f"22B1-{rng.randint(100, 999)}.{rng.randint(10, 99)}"),
            (("lai_xe",), lambda: f"{rng.randrange(10**12):012d}"),
            (("ma_so_ho_kinh_doanh",), lambda: f"50H8{rng.randrange(10**6):06d}"),
            (("gcn", "giay_chung_nhan"), lambda: f"{rng.choice(('CS', 'DA', 'DĐ'))} {rng.randrange(10**6):06d}"),  # noqa: E501
            (("giay_phep",), lambda: f"{rng.randint(1, 300)}/GP"),
            (("quan_he",), lambda: rng.choice(("Con đẻ", "Vợ", "Chồng", "Cháu ruột"))),
            (("ly_do", "muc_dich", "noi_dung", "yeu_cau"), lambda: "Đất ở tại nông thôn" if "đất" in title else rng.choice(REASONS)),  # noqa: E501
            (("dia_chi", "cu_tru", "thuong_tru", "dia_diem", "noi_"), lambda: self.loader.address(self.commune)),  # noqa: E501
        )  # fmt: skip
        for stems, make in rules:
            if any(stem in key for stem in stems):
                return make()
        if key.startswith(("so_", "ma_so")):
            return f"{rng.randint(1, 9999)}/{self.day.year - rng.randint(0, 10)}"
        return "Theo giấy tờ kèm theo"

    def integer(self, key: str, prop: dict[str, Any]) -> int:
        rng = self.rng
        low = int(prop.get("minimum", 0))
        high = int(prop.get("maximum", low + 1_000_000_000))
        if key.startswith("nam_") or str(prop.get("title", "")).startswith("Năm"):
            return min(max(self.day.year - rng.randint(0, 8), low), high)
        if "von" in key:
            return min(max(rng.randint(1, 20) * 50_000_000, low), high)
        low = max(low, 1) if high >= 1 else low
        return rng.randint(low, min(high, low + 3))

    def array(self, prop: dict[str, Any]) -> list[Any] | None:
        items = prop.get("items", {})
        low = int(prop.get("minItems", 1))
        high = int(prop.get("maxItems", max(low, 2)))
        size = self.rng.randint(low, max(low, min(high, 2)))
        if "enum" in items:
            choices = list(items["enum"])
            return self.rng.sample(choices, min(size, len(choices)))
        if items.get("type") == "string":
            return [self.clip(f"Trường Trung học phổ thông số {i + 1}", items) for i in range(size)]
        return [] if low == 0 else None


class _Dossier:
    """Files one planned dossier and walks it, through the services, to its final state."""

    def __init__(self, loader: _Loader, plan: Plan) -> None:
        self.ld = loader
        self.rng = loader.rng
        self.plan = plan
        self.w = plan.start - 1  # axis minute of this dossier's last action

    # -- time --

    def at(self, w: int) -> dt.datetime:
        """The instant of axis minute ``w`` (at least one minute after the last action)."""
        w = max(w, self.w + 1)
        instant = self.ld.axis.at(w, self.rng.randint(0, 59))
        self.w = w
        return instant

    def tick(self, lo: int, hi: int) -> dt.datetime:
        """``lo``–``hi`` working minutes after the last action."""
        return self.at(self.w + self.rng.randint(max(1, lo), max(1, lo, hi)))

    def spread(self, end: int, n: int) -> list[int]:
        """``n`` increasing axis minutes after the last action, the last of them ``end``."""
        if n == 0:
            return []
        end = max(end, self.w + n)
        return [*sorted(self.rng.sample(range(self.w + 1, end), n - 1)), end]

    def end_minute(self, d: Dossier, n: int, finished: bool) -> int:
        """When the last of ``n`` processing actions happens: for a finished dossier its
        signature, before the appointment or (late) after it; for an open one, recently."""
        plan, rng, last = self.plan, self.rng, self.ld.axis.last
        first = self.w + n * 3
        due = self.ld.axis.index(d.due_at) if d.due_at is not None else None
        if finished:
            if plan.late and due is not None and due + 20 < last - 10:
                return rng.randint(due + 10, min(due + 4 * DAY, last - 10))
            top = min(due - 1 if due is not None else self.w + 3 * DAY, last - 10)
            top = max(top, first)
            return first + int((top - first) * rng.random() ** 1.5)
        top = max(first, last)
        if plan.overdue:
            return rng.randint(first, top)
        return first + int((top - first) * rng.uniform(0.2, 1.0))

    # -- the filing --

    def go(self) -> None:
        if self.plan.group:
            self.go_group()
        else:
            self.go_single()

    def places(self, proc: Proc) -> tuple[Commune, Office, Agency | None]:
        """The applicant's commune, the centre that receives, the competent commune
        (reception regardless of boundaries: now and then another commune's centre)."""
        rng, ld = self.rng, self.ld
        home = rng.choice(ld.communes)
        if proc.kind == "commune":
            office = home.office
            if len(ld.communes) > 1 and rng.random() < 0.15:
                office = rng.choice([c for c in ld.communes if c is not home]).office
            return home, office, home.agency
        assert ld.province_office is not None
        if rng.random() < 0.2:
            return home, home.office, None
        return home, ld.province_office, None

    def channel(self, target: State) -> str:
        rng = self.rng
        if target == State.SUBMITTED:
            return Channel.ONLINE if rng.random() < 0.75 else Channel.VNEID
        if target == State.RECEIVED:
            return Channel.IN_PERSON if rng.random() < 0.8 else Channel.POSTAL
        channels = [Channel.IN_PERSON, Channel.ONLINE, Channel.VNEID, Channel.POSTAL]
        return rng.choices(channels, [50, 30, 10, 10])[0]

    def return_method(self, channel: str) -> str:
        r = self.rng.random()
        if channel in {Channel.ONLINE, Channel.VNEID}:
            if r < 0.4:
                return ReturnMethod.ONLINE
            return ReturnMethod.POST if r < 0.55 else ReturnMethod.COUNTER
        if channel == Channel.POSTAL:
            return ReturnMethod.POST if r < 0.7 else ReturnMethod.COUNTER
        return ReturnMethod.POST if r < 0.15 else ReturnMethod.COUNTER

    def documents(self, proc: Proc, channel: str) -> list[DocumentInput]:
        """The mandatory papers as files: uploaded online, digitised at half the counters."""
        online = channel in {Channel.ONLINE, Channel.VNEID}
        if not online and self.rng.random() < 0.5:
            return []
        return [
            DocumentInput(
                upload=self.ld.pdf,
                name=doc.name[:200],
                required_document_id=doc.pk,
                digitised_at_intake=not online,
                from_data_store=channel == Channel.VNEID and doc.reusable,
            )
            for doc in proc.mandatory
        ]

    def go_single(self) -> None:
        plan, ld = self.plan, self.ld
        proc = plan.proc
        assert proc is not None
        home, office, competent = self.places(proc)
        channel = self.channel(plan.target)
        # Whoever registers a birth is of an age to be a parent.
        parent_age = "ho_ten_tre" in proc.version.eform_schema.get("properties", {})
        person = ld.person(home, born=(1985, 2003)) if parent_age else ld.person(home)
        day = to_local(ld.axis.at(plan.start)).date()
        data = ld.eform(proc, person, day, commune=home)
        assert data is not None, proc.code  # every procedure kept was probed
        spec = NewDossier(
            applicant=ld.applicant(person, proc),
            receiving_agency=office.center,
            channel=channel,
            procedure_code=proc.code,
            competent_agency=competent,
            return_method=self.return_method(channel),
            eform_data=data,
            documents=self.documents(proc, channel),
            identity_verified_vneid=channel == Channel.VNEID,
        )
        d = self.intake(spec, office, proc.fee_total)
        if d is not None:
            self.process(d, office, proc)

    # -- intake --

    def intake(self, spec: NewDossier, office: Office, fee_total: int) -> Dossier | None:
        """Receive or submit; maybe pay, be asked to complete; accept unless the plan
        ends before acceptance (then None)."""
        plan, rng, ld = self.plan, self.rng, self.ld
        target = plan.target
        reception = Actor.official(office.reception)
        applicant = Actor.applicant(spec.applicant.name)
        online = spec.channel in {Channel.ONLINE, Channel.VNEID}
        if online:
            d = services.dossier_submit(spec=spec, actor=applicant, at=self.at(plan.start))
        else:
            d = services.dossier_receive(spec=spec, actor=reception, at=self.at(plan.start))
        if fee_total > 0 and target != State.SUBMITTED:
            if online and rng.random() < 0.6:
                services.dossier_record_payment(
                    dossier=d.pk,
                    actor=Actor.system("Nền tảng thanh toán Cổng DVCQG"),
                    amount=fee_total,
                    method=PaymentMethod.NATIONAL_PORTAL,
                    reference=ld.reference("DVC"),
                    at=self.tick(2, 30),
                )
            elif not online and rng.random() < 0.7:
                services.dossier_record_payment(
                    dossier=d.pk,
                    actor=reception,
                    amount=fee_total,
                    method=PaymentMethod.COUNTER,
                    reference=ld.counter_receipt(),
                    at=self.tick(1, 8),
                )
        if target in {State.SUBMITTED, State.RECEIVED}:
            return None
        ends_before = target == State.INTAKE_INCOMPLETE or (
            target in {State.REFUSED, State.WITHDRAWN} and rng.random() < 0.5
        )
        if target == State.INTAKE_INCOMPLETE or (not plan.group and rng.random() < 0.08):
            services.dossier_ask_to_complete(
                dossier=d.pk,
                actor=reception,
                items=[rng.choice(INTAKE_ITEMS)],
                reason="Hồ sơ chưa đầy đủ thành phần theo quy định",
                at=self.tick(5, 120),
            )
            if target == State.INTAKE_INCOMPLETE:
                return None
            services.dossier_complete_supplement(
                dossier=d.pk,
                actor=applicant if online else reception,
                documents=[DocumentInput(upload=ld.pdf, name="Giấy tờ bổ sung")],
                note="Đã bổ sung đủ giấy tờ",
                at=self.tick(DAY // 2, 3 * DAY),
            )
        if ends_before:
            if target == State.REFUSED:
                services.dossier_refuse(
                    dossier=d.pk,
                    actor=reception,
                    reason=rng.choice(REFUSE_AT_INTAKE),
                    at=self.tick(5, 90),
                )
            else:
                services.dossier_withdraw(
                    dossier=d.pk,
                    actor=applicant,
                    reason=rng.choice(WITHDRAW_REASONS),
                    at=self.tick(10, 2 * DAY),
                )
            return None
        if online:
            # A quarter of online filings wait more than eight working hours for intake.
            gap = (EIGHT_HOURS + 30, 2 * DAY) if rng.random() < 0.25 else (20, EIGHT_HOURS)
        elif spec.channel == Channel.POSTAL:
            gap = (30, DAY)
        else:
            gap = (3, 30)
        return services.dossier_accept(dossier=d.pk, actor=reception, at=self.tick(*gap))

    # -- processing --

    def maybe_extend(self, d: Dossier, proc: Proc) -> Dossier:
        """Now and then the leader extends the appointment (Mẫu 04), no later than the end
        of the working day before it."""
        rng, ld = self.rng, self.ld
        if d.due_at is None or (proc.limit_days or 0) < 3 or rng.random() >= 0.12:
            return d
        cal = services.calendar_for(d.competent_agency, d.due_at)
        day = to_local(d.due_at).date() - dt.timedelta(days=1)
        while not cal.is_working_day(day):
            day -= dt.timedelta(days=1)
        w = self.w + rng.randint(30, 2 * DAY)
        if w > min(ld.axis.index(cal.closing(day)) - 1, ld.axis.last):
            return d
        new_due = cal.closing(cal.add_working_days(to_local(d.due_at).date(), rng.randint(2, 5)))
        return services.dossier_extend(
            dossier=d.pk,
            actor=ld.official(d.competent_agency, Role.LEADER),
            new_due_at=new_due,
            reason=EXTEND_REASON,
            at=self.at(w),
        )

    def process(self, d: Dossier, office: Office, proc: Proc) -> None:
        """Through the workflow, with the detours and the ending the plan asks for."""
        target = self.plan.target
        d = self.maybe_extend(d, proc)
        script = self.workflow_script(d, office, proc, detours=True)
        script = script[: self.cut(script, target)]
        ending = self.ending(d, office, target)
        if ending is not None:
            script.append(ending)
        if target == State.RETURNED:
            # Signed before (or, late, after) the appointment; handed over afterwards.
            sign = self.end_minute(d, len(script) - 1, finished=True)
            times = self.spread(sign, len(script) - 1)
            times.append(min(self.ld.axis.last, sign + self.rng.randint(5, 2 * DAY)))
        else:
            # A refusal, stop or withdrawal ends processing too: mostly within the time limit.
            finished = target in {State.RESOLVED, State.REFUSED, State.STOPPED, State.WITHDRAWN}
            times = self.spread(self.end_minute(d, len(script), finished), len(script))
        for (_, action), w in zip(script, times, strict=True):
            action(self.at(w))

    def workflow_script(
        self, d: Dossier, office: Office, proc: Proc | None, *, detours: bool
    ) -> Script:
        """Every action from the desk to the return, each with the state it leaves; with
        ``detours`` maybe a supplement, a payment, a step sent back."""
        rng, ld = self.rng, self.ld
        target = self.plan.target
        pk = d.pk
        steps = d.workflow_steps
        reception = Actor.official(office.reception)
        applicant = Actor.applicant(d.applicant_name)
        first_agency = int(steps[0]["agency"])
        last_agency = int(steps[-1]["agency"])
        # Supplements and payments are asked for at the first step, by whoever holds it.
        first_holder = ld.official(first_agency, str(steps[0]["role"]))
        # Whoever holds the last step (by default its leader) attaches the result.
        last_holder = ld.official(last_agency, str(steps[-1]["role"]))
        leader = ld.official(last_agency, Role.LEADER)
        script: Script = []

        def forward(step: int) -> Callable[[dt.datetime], Any]:
            """Hand over from ``step`` (0: the desk) to the next one."""
            if step == 0:
                # A group's part starts at its agency; otherwise the desk mostly hands over.
                desk = d.parent_id is None and rng.random() < 0.7
                actor = reception if desk else ld.official(d.competent_agency, Role.SPECIALIST)
            else:
                s = steps[step - 1]
                actor = ld.official(int(s["agency"]), str(s["role"]))
            return lambda at: services.dossier_forward(dossier=pk, actor=actor, at=at)

        script.append((State.PROCESSING, forward(0)))
        if detours and (target == State.SUPPLEMENT_REQUESTED or rng.random() < 0.15):
            items = [doc.name[:200] for doc in (proc.docs if proc else [])[:1]]
            items = items or ["Giấy tờ chứng minh nơi cư trú"]
            who = applicant if d.channel in {Channel.ONLINE, Channel.VNEID} else reception
            script.append(
                (
                    State.SUPPLEMENT_REQUESTED,
                    lambda at: services.dossier_request_supplement(
                        dossier=pk, actor=first_holder, items=items, reason=SUPPLEMENT_REASON, at=at
                    ),
                )
            )
            script.append(
                (
                    State.PROCESSING,
                    lambda at: services.dossier_complete_supplement(
                        dossier=pk,
                        actor=who,
                        documents=[DocumentInput(upload=ld.pdf, name="Giấy tờ bổ sung")],
                        note="Nộp bổ sung theo yêu cầu",
                        at=at,
                    ),
                )
            )
        if detours and (target == State.AWAITING_PAYMENT or rng.random() < 0.06):
            amount = rng.choice((50_000, 100_000, 150_000, 200_000))
            method = rng.choice((PaymentMethod.COUNTER, PaymentMethod.BANK_TRANSFER))

            def pay(at: dt.datetime) -> Any:
                owed = Dossier.objects.values_list("fee_total", "paid_total").get(pk=pk)
                reference = (
                    ld.counter_receipt() if method == PaymentMethod.COUNTER else ld.reference("FT")
                )
                return services.dossier_record_payment(
                    dossier=pk,
                    actor=reception,
                    amount=max(1, owed[0] - owed[1]),
                    method=method,
                    reference=reference,
                    at=at,
                )

            script.append(
                (
                    State.AWAITING_PAYMENT,
                    lambda at: services.dossier_request_payment(
                        dossier=pk,
                        actor=first_holder,
                        items=[("Phí thẩm định hồ sơ", amount)],
                        reason="Thu phí thẩm định theo quy định",
                        at=at,
                    ),
                )
            )
            script.append((State.PROCESSING, pay))
        for step in range(1, len(steps)):
            script.append((State.PROCESSING, forward(step)))
        if detours and len(steps) > 1 and rng.random() < 0.08:
            script.append(
                (
                    State.PROCESSING,
                    lambda at: services.dossier_return_to_previous(
                        dossier=pk, actor=leader, reason=RETURN_REASON, at=at
                    ),
                )
            )
            script.append((State.PROCESSING, forward(len(steps) - 1)))
        version = d.procedure_version
        assert version is not None
        electronic = version.result_type != "paper" and rng.random() < 0.7
        script += [
            (
                State.APPROVED,
                lambda at: services.dossier_approve(dossier=pk, actor=leader, at=at),
            ),
            (
                State.APPROVED,
                lambda at: services.dossier_attach_result(
                    dossier=pk,
                    actor=last_holder,
                    name=(version.result_name or "Kết quả giải quyết")[:500],
                    kind=ResultKind.ELECTRONIC if electronic else ResultKind.PAPER,
                    upload=ld.pdf if electronic else None,
                    at=at,
                ),
            ),
            (
                State.RESOLVED,
                # The leader signs; electronic results are sealed with the agency's
                # (demo) certificate.
                lambda at: dossier_sign_and_seal(dossier=pk, actor=leader, at=at),
            ),
        ]
        if d.parent_id is None:
            script.append(
                (
                    State.RETURNED,
                    lambda at: services.dossier_return_result(
                        dossier=pk,
                        actor=reception,
                        note="Đã trả kết quả cho người yêu cầu",
                        at=at,
                    ),
                )
            )
        return script

    def cut(self, script: Script, target: State) -> int:
        """How many actions of the script lead to ``target`` (or to where its ending —
        refusal, stop, withdrawal — happens)."""
        states = [s for s, _ in script]
        after = [i + 1 for i, s in enumerate(states)]
        if target == State.ACCEPTED:
            return 0
        if target == State.RETURNED:
            return len(script)
        if target in {State.RESOLVED, State.SUPPLEMENT_REQUESTED, State.AWAITING_PAYMENT}:
            return states.index(target) + 1
        if target == State.APPROVED:
            return self.rng.choice(
                [n for n, s in zip(after, states, strict=True) if s == State.APPROVED]
            )
        processing = [n for n, s in zip(after, states, strict=True) if s == State.PROCESSING]
        if target == State.STOPPED:
            # Mostly stopped while waiting for a supplement that never came.
            processing += [
                n for n, s in zip(after, states, strict=True) if s == State.SUPPLEMENT_REQUESTED
            ] * 3
        if target == State.WITHDRAWN:
            processing.append(0)
        return self.rng.choice(processing)

    def ending(
        self, d: Dossier, office: Office, target: State
    ) -> tuple[State, Callable[[dt.datetime], Any]] | None:
        rng, ld = self.rng, self.ld
        pk = d.pk
        if target == State.REFUSED:
            actor = ld.official(d.competent_agency, Role.LEADER)
            reason = rng.choice(REFUSE_AFTER_APPRAISAL)
            return (
                target,
                lambda at: services.dossier_refuse(dossier=pk, actor=actor, reason=reason, at=at),
            )
        if target == State.STOPPED:
            if office.manager is not None and rng.random() < 0.4:
                actor = Actor.official(office.manager)
            else:
                actor = ld.official(d.competent_agency, Role.LEADER)
            reason = rng.choice(STOP_REASONS)
            return (
                target,
                lambda at: services.dossier_stop(dossier=pk, actor=actor, reason=reason, at=at),
            )
        if target == State.WITHDRAWN:
            actor = Actor.applicant(d.applicant_name)
            reason = rng.choice(WITHDRAW_REASONS)
            return (
                target,
                lambda at: services.dossier_withdraw(dossier=pk, actor=actor, reason=reason, at=at),
            )
        return None

    # -- interconnected dossiers --

    def go_group(self) -> None:
        """A birth registration with permanent residence (NĐ 63/2024): filed at a
        commune, accepted there; the commune and the police each process their part."""
        plan, rng, ld = self.plan, self.rng, self.ld
        assert ld.group is not None
        home = rng.choice(ld.communes)
        office = home.office
        channels = [Channel.ONLINE, Channel.VNEID, Channel.IN_PERSON]
        channel = rng.choices(channels, [45, 30, 25])[0]
        if plan.target == State.SUBMITTED:
            channel = rng.choice(channels[:2])
        if len(ld.communes) > 1 and rng.random() < 0.25:
            office = rng.choice([c for c in ld.communes if c is not home]).office
        parent = ld.person(home, born=(1985, 2003))
        day = to_local(ld.axis.at(plan.start)).date()
        first, *others = ld.group_members
        birth = ld.eform(ld.by_code[first], parent, day, commune=home)
        assert birth is not None
        data = {first: birth}
        child_sex = "male" if birth.get("gioi_tinh") == "Nam" else "female"
        child_birth = dt.date.fromisoformat(str(birth.get("ngay_sinh", day.isoformat())))
        newborn = {
            # The newborn's permanent residence, with the number the birth registration gave.
            "nguoi_dang_ky_ho_ten": birth.get("ho_ten_tre", parent.name),
            "nguoi_dang_ky_so_dinh_danh": personal_id_for(
                rng, child_birth, child_sex, ld.home_id_code
            ),
            "nguoi_dang_ky_ngay_sinh": child_birth.isoformat(),
            "dia_chi_dang_ky_thuong_tru": parent.address,
            "truong_hop_dang_ky": "Về ở với người thân (khoản 2 Điều 20 Luật Cư trú)",
        }
        for code in others:
            proc = ld.by_code[code]
            props = proc.version.eform_schema.get("properties", {})
            overrides = {k: v for k, v in newborn.items() if k in props}
            member = ld.eform(proc, parent, day, overrides=overrides, commune=home)
            if member is None:  # the override does not fit this schema: plain data
                member = ld.eform(proc, parent, day, commune=home)
            assert member is not None, code
            data[code] = member
        spec = NewDossier(
            applicant=ld.applicant(parent, None),
            receiving_agency=office.center,
            channel=channel,
            group_code=ld.group.code,
            competent_agency=home.agency,
            return_method=self.return_method(channel),
            eform_data=data,
            identity_verified_vneid=channel == Channel.VNEID,
        )
        group = self.intake(spec, office, 0)
        if group is not None:
            self.process_group(group, office)

    def process_group(self, group: Dossier, office: Office) -> None:
        """Each agency processes its part; the group finishes with its last part, then
        the result is handed back (or the applicant withdraws, or it is stopped)."""
        plan, rng, ld = self.plan, self.rng, self.ld
        target = plan.target
        children = list(group.children.select_related("procedure_version", "competent_agency"))
        finished = target in {State.RETURNED, State.RESOLVED}
        accepted = self.w
        end = self.end_minute(group, 6, finished)
        timeline: list[tuple[int, int, Callable[[dt.datetime], Any]]] = []
        for index, child in enumerate(children):
            script = self.workflow_script(child, office, None, detours=False)
            is_last = index == len(children) - 1
            if finished:
                cut, child_end = len(script), end if is_last else end - rng.randint(1, DAY)
                if not plan.late and child.due_at is not None:
                    # Each part within its own time limit (a birth: the same day).
                    child_end = min(child_end, ld.axis.index(child.due_at) - 1 - index)
            else:
                # Not every part may finish: the group would be finished then.
                cut = rng.randint(0, len(script) - (1 if is_last else 0))
                child_end = end - rng.randint(0, DAY)
            script = script[:cut]
            self.w = accepted
            times = self.spread(max(child_end, accepted + len(script)), len(script))
            timeline += [(w, index, action) for w, (_, action) in zip(times, script, strict=True)]
        latest = accepted
        for w, _, action in sorted(timeline, key=lambda t: (t[0], t[1])):
            action(ld.axis.at(w, rng.randint(0, 59)))
            latest = max(latest, w)
        self.w = latest + 1  # the group's last event may be a part's finishing second
        if target == State.RETURNED:
            services.dossier_return_result(
                dossier=group.pk,
                actor=Actor.official(office.reception),
                note="Đã trả kết quả liên thông cho người yêu cầu",
                at=self.tick(5, DAY),
            )
        elif target == State.WITHDRAWN:
            services.dossier_withdraw(
                dossier=group.pk,
                actor=Actor.applicant(group.applicant_name),
                reason=rng.choice(WITHDRAW_REASONS),
                at=self.tick(10, DAY),
            )
        elif target == State.STOPPED:
            stop_actor = (
                Actor.official(office.manager)
                if office.manager is not None
                else ld.official(group.competent_agency, Role.LEADER)
            )
            services.dossier_stop(
                dossier=group.pk,
                actor=stop_actor,
                reason=rng.choice(STOP_REASONS),
                at=self.tick(10, DAY),
            )
