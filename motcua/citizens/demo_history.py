"""A history for the first demo citizen, so the citizen portal has something to show.

``ensure_demo_citizen_history`` runs after the demo province, catalogue, officials and
signing certificates are loaded (``motcua demo`` with the development peers). It files,
through the dossier services and with ``at=`` in the past (office hours of working days),
two online dossiers for Đặng Thị Hương Giang, the first citizen of the local OpenID
provider:

1. a birth registration (1.001193) filed about 20 days ago, accepted, processed,
   approved, its electronic result "Giấy khai sinh" signed and sealed, returned online;
   its papers and result are put into her data store (the worker that normally does it
   does not run in the demo);
2. a change of civil-status information (1.004859) filed about 5 days ago, accepted,
   handed to the ward's specialist, who asks her for a supplement she can answer online.

The events are backdated history: no notification or sync is queued for them. Nothing is
done once any dossier carries her personal ID.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from motcua.catalog.models import ProcedureVersion, VersionStatus
from motcua.citizens.models import Citizen
from motcua.citizens.services import store_papers_of, store_results_of
from motcua.devpeers.idp.demo import DEMO_PEOPLE, DemoPerson
from motcua.documents.results import dossier_sign_and_seal
from motcua.dossiers import services
from motcua.dossiers.actors import Actor
from motcua.dossiers.demo import demo_pdf
from motcua.dossiers.models import (
    ApplicantKind,
    Channel,
    Dossier,
    ResultKind,
    ReturnMethod,
)
from motcua.dossiers.services import ApplicantInput, DocumentInput, NewDossier
from motcua.dossiers.uploads import CheckedUpload, check_upload
from motcua.org.models import Agency, AgencyKind, Role, RoleAssignment, User
from motcua.worktime.calendar import WorkCalendar, to_local

BIRTH = "1.001193"  # Đăng ký khai sinh
CHANGE = "1.004859"  # Thay đổi, cải chính, bổ sung thông tin hộ tịch
HOME_WARD = "Minh Xuân"
BIRTH_DAYS_AGO = 20
CHANGE_DAYS_AGO = 5
RESULT_NAME = "Giấy khai sinh"
SUPPLEMENT_ITEM = "Bản sao giấy khai sinh của con"
SUPPLEMENT_REASON = (
    "Cần bản sao Giấy khai sinh của cháu Nguyễn Đức Anh để đối chiếu nội dung đề nghị bổ sung"
)

GIANG: DemoPerson = DEMO_PEOPLE[0]


def ensure_demo_citizen_history(*, now: dt.datetime | None = None) -> list[Dossier]:
    """File Giang's two demo dossiers unless she has one; return her dossiers, oldest
    first."""
    existing = _dossiers_of(GIANG)
    if existing:
        return existing
    now = now or timezone.now()
    with services.history_only(), transaction.atomic():
        _History(now).file()
    return _dossiers_of(GIANG)


def _dossiers_of(person: DemoPerson) -> list[Dossier]:
    return list(
        Dossier.objects.filter(applicant_personal_id=person.personal_id, parent__isnull=True)
        .select_related("procedure_version")
        .order_by("received_at", "pk")
    )


class _Ward:
    """The ward that receives and decides: its one-stop centre and its officials."""

    def __init__(self) -> None:
        units = Agency.objects.filter(
            kind__in=[AgencyKind.WARD, AgencyKind.COMMUNE], active=True
        ).order_by("kind", "admin_unit_code", "pk")
        # Her own ward when its officials are there; else the first ward that has them
        # (the demo staffs only a few communes).
        home = [u for u in units if HOME_WARD in u.name]
        wards = [u for u in units if u.kind == AgencyKind.WARD]
        for unit in [*home, *wards, *units]:
            center = unit.children.filter(kind=AgencyKind.COMMUNE_CENTER, active=True).first()
            if center is None:
                continue
            try:
                self.reception = self._holder(center, Role.RECEPTION_OFFICER)
                self._holder(unit, Role.SPECIALIST)
                self._holder(unit, Role.LEADER)
            except LookupError:
                continue
            self.unit, self.center = unit, center
            return
        raise LookupError("Load the demo officials first: no ward or commune has them.")

    @staticmethod
    def _holder(agency: Agency | int, role: str) -> User:
        assignment = (
            RoleAssignment.objects.filter(role=role, agency=agency, user__is_active=True)
            .select_related("user")
            .order_by("user__username")
            .first()
        )
        if assignment is None:
            raise LookupError(f"no official with role {role} at agency {agency}")
        return assignment.user

    def official(self, agency: Agency | int, role: str) -> Actor:
        return Actor.official(self._holder(agency, role))


class _History:
    def __init__(self, now: dt.datetime) -> None:
        self.now = now
        self.ward = _Ward()
        self.cal: WorkCalendar = services.calendar_for(self.ward.unit, now - dt.timedelta(days=60))
        self.province = (
            Agency.objects.filter(parent__isnull=True, kind=AgencyKind.PROVINCE_COMMITTEE)
            .values_list("name", flat=True)
            .first()
            or ""
        ).removeprefix("Ủy ban nhân dân ")
        # Her address as the identity provider gives it, with the province.
        self.address = f"{GIANG.address}, {self.province}" if self.province else GIANG.address
        citizen = Citizen.objects.filter(personal_id=GIANG.personal_id).first()
        self.owner = citizen.user if citizen is not None else None
        self.applicant = Actor.applicant(GIANG.full_name, self.owner)
        self.issuer = f"{settings.MOTCUA_PUBLIC_URL}/dev/idp/o"

    # -- time --

    def day(self, days_ago: int) -> dt.date:
        """The working day on or before ``days_ago`` calendar days before now."""
        day = to_local(self.now).date() - dt.timedelta(days=days_ago)
        while not self.cal.is_working_day(day):
            day -= dt.timedelta(days=1)
        return day

    def clock(self, day: dt.date, hour: int, minute: int) -> dt.datetime:
        """``hour:minute`` of ``day``, moved into office hours (and never after now)."""
        periods = self.cal.periods(day)
        first_open = periods[0][0]
        at = first_open.replace(hour=hour, minute=minute, second=0, microsecond=0)
        for opening, closing in periods:
            if at < opening:
                at = opening
            if at < closing:
                break
        return min(at, self.now - dt.timedelta(minutes=1))

    # -- papers --

    @staticmethod
    def upload(text: str, filename: str) -> CheckedUpload:
        pdf = demo_pdf(text)
        return check_upload(pdf, filename=filename, max_bytes=len(pdf) + 1)

    def documents(self, version: ProcedureVersion, names: dict[str, str]) -> list[DocumentInput]:
        """The procedure's mandatory papers, each its own small PDF."""
        docs = []
        for i, required in enumerate(version.documents.filter(mandatory=True).order_by("pk")):
            key = next((k for k in names if k in required.name), "")
            docs.append(
                DocumentInput(
                    upload=self.upload(
                        f"MotCua demo - {names.get(key, 'giay to')} - {GIANG.personal_id}",
                        f"giay-to-{i + 1}.pdf",
                    ),
                    name=required.name[:200],
                    required_document_id=required.pk,
                )
            )
        return docs

    def spec(self, code: str, eform: dict[str, object], names: dict[str, str]) -> NewDossier:
        version = (
            ProcedureVersion.objects.filter(procedure__code=code, status=VersionStatus.PUBLISHED)
            .order_by("-pk")
            .first()
        )
        if version is None:
            raise LookupError(f"Load the demo catalogue first: no procedure {code}.")
        return NewDossier(
            applicant=ApplicantInput(
                kind=ApplicantKind.PERSON,
                name=GIANG.full_name,
                personal_id=GIANG.personal_id,
                birth_date=GIANG.birth_date,
                address=self.address,
                phone=GIANG.phone,
                email=GIANG.email,
            ),
            receiving_agency=self.ward.center,
            channel=Channel.ONLINE,
            procedure_code=code,
            competent_agency=self.ward.unit,
            return_method=ReturnMethod.ONLINE,
            eform_data=eform,
            documents=self.documents(version, names),
            identity_verified_vneid=True,
            owner=self.owner,
            event_data={"identity": {"method": "oidc", "issuer": self.issuer}},
        )

    def requester(self) -> dict[str, object]:
        return {
            "nguoi_yeu_cau_ho_ten": GIANG.full_name,
            "nguoi_yeu_cau_so_dinh_danh": GIANG.personal_id,
            "nguoi_yeu_cau_noi_cu_tru": self.address,
            "dien_thoai": GIANG.phone,
            "email": GIANG.email,
        }

    # -- the dossiers --

    def file(self) -> None:
        self.birth_registration()
        self.change_request()

    def birth_registration(self) -> Dossier:
        day = self.day(BIRTH_DAYS_AGO)
        born = day - dt.timedelta(days=9)
        place = f"Bệnh viện Đa khoa {self.province}".strip()
        eform: dict[str, object] = {
            **self.requester(),
            "quan_he_voi_nguoi_duoc_khai_sinh": "Mẹ",
            "ho_ten_tre": "Nguyễn Minh Khang",
            "ngay_sinh": born.isoformat(),
            "gioi_tinh": "Nam",
            "noi_sinh": place,
            "que_quan": self.province or place,
            "dan_toc": "Kinh",
            "quoc_tich": "Việt Nam",
            "me_ho_ten": GIANG.full_name,
            "me_ngay_sinh": GIANG.birth_date.year,
            "me_dan_toc": "Kinh",
            "me_quoc_tich": "Việt Nam",
            "me_so_dinh_danh": GIANG.personal_id,
            "me_noi_cu_tru": self.address,
            "cha_ho_ten": "Nguyễn Văn Thành",
            "cha_ngay_sinh": 1988,
            "cha_dan_toc": "Kinh",
            "cha_quoc_tich": "Việt Nam",
            "cha_noi_cu_tru": self.address,
            "so_giay_chung_sinh": f"{born.year}/GCS-{born:%m%d}01",
            "so_ban_sao": 1,
        }
        names = {
            "Tờ khai": "To khai dang ky khai sinh",
            "Giấy chứng sinh": "Giay chung sinh",
            "Giấy tờ tùy thân": "Can cuoc cua nguoi yeu cau",
        }
        spec = self.spec(BIRTH, eform, names)
        ward, reception = self.ward, Actor.official(self.ward.reception)
        d = services.dossier_submit(spec=spec, actor=self.applicant, at=self.clock(day, 8, 12))
        pk = d.pk
        d = services.dossier_accept(dossier=pk, actor=reception, at=self.clock(day, 8, 47))
        steps = d.workflow_steps
        services.dossier_forward(dossier=pk, actor=reception, at=self.clock(day, 8, 58))
        for i, step in enumerate(steps[:-1]):
            holder = ward.official(int(step["agency"]), str(step["role"]))
            at = self.clock(day, 9, 40 + 3 * i)
            services.dossier_forward(dossier=pk, actor=holder, at=at)
        last = steps[-1]
        leader = ward.official(int(last["agency"]), Role.LEADER)
        last_holder = ward.official(int(last["agency"]), str(last["role"]))
        services.dossier_approve(dossier=pk, actor=leader, at=self.clock(day, 10, 31))
        result = self.upload(
            f"Giay khai sinh - Nguyen Minh Khang - ho so {d.code} (du lieu demo)",
            "giay-khai-sinh.pdf",
        )
        services.dossier_attach_result(
            dossier=pk,
            actor=last_holder,
            name=RESULT_NAME,
            kind=ResultKind.ELECTRONIC,
            upload=result,
            at=self.clock(day, 10, 36),
        )
        dossier_sign_and_seal(dossier=pk, actor=leader, at=self.clock(day, 10, 44))
        d = services.dossier_return_result(
            dossier=pk,
            actor=reception,
            note="Đã trả kết quả điện tử cho người yêu cầu",
            at=self.clock(day, 14, 10),
        )
        # What the worker's subscribers do after acceptance and signature.
        store_papers_of(d)
        store_results_of(d)
        return d

    def change_request(self) -> Dossier:
        day = self.day(CHANGE_DAYS_AGO)
        eform: dict[str, object] = {
            **self.requester(),
            "quan_he_voi_nguoi_duoc_thay_doi": "Mẹ",
            "nguoi_duoc_thay_doi_ho_ten": "Nguyễn Đức Anh",
            "nguoi_duoc_thay_doi_ngay_sinh": "2018-09-14",
            "nguoi_duoc_thay_doi_dan_toc": "Kinh",
            "nguoi_duoc_thay_doi_quoc_tich": "Việt Nam",
            "nguoi_duoc_thay_doi_noi_cu_tru": self.address,
            "loai_yeu_cau": "Bổ sung thông tin hộ tịch",
            "giay_to_ho_tich": "Giấy khai sinh số 152, đăng ký ngày 20/9/2018",
            "noi_dung_hien_tai": "Phần khai về người cha để trống",
            "noi_dung_de_nghi": "Bổ sung thông tin người cha: Nguyễn Văn Thành, sinh năm 1988",
            "ly_do": "Cha mẹ đã đăng ký kết hôn, đề nghị bổ sung thông tin người cha",
            "so_ban_sao": 1,
        }
        names = {
            "Tờ khai": "To khai bo sung thong tin ho tich",
            "căn cứ": "Giay chung nhan ket hon",
            "Giấy tờ tùy thân": "Can cuoc cua nguoi yeu cau",
        }
        spec = self.spec(CHANGE, eform, names)
        reception = Actor.official(self.ward.reception)
        d = services.dossier_submit(spec=spec, actor=self.applicant, at=self.clock(day, 8, 21))
        pk = d.pk
        d = services.dossier_accept(dossier=pk, actor=reception, at=self.clock(day, 9, 6))
        d = services.dossier_forward(dossier=pk, actor=reception, at=self.clock(day, 9, 18))
        assert d.current_step is not None
        step = d.workflow_steps[d.current_step - 1]
        holder = self.ward.official(int(step["agency"]), str(step["role"]))
        asked = self.clock(self.cal.next_working_day(day), 8, 50)
        if asked > self.now - dt.timedelta(minutes=5):  # the next working day is to come
            asked = self.clock(day, 14, 35)
        return services.dossier_request_supplement(
            dossier=pk, actor=holder, items=[SUPPLEMENT_ITEM], reason=SUPPLEMENT_REASON, at=asked
        )
