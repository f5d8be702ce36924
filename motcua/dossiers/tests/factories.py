"""A small province for dossier tests: two communes, a department, the police, officials of
every role, and a catalogue with a commune procedure, a department procedure with fees and
an interconnected group (birth registration + permanent residence)."""

from __future__ import annotations

import copy
import datetime as dt
import io
from dataclasses import dataclass
from typing import Any

from pypdf import PdfWriter

from motcua.catalog.services import catalog_import
from motcua.catalog.tests.factories import BIRTH_SCHEMA, document, procedure
from motcua.dossiers.actors import Actor
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import (
    ApplicantInput,
    DocumentInput,
    NewDossier,
    dossier_accept,
    dossier_receive,
    dossier_submit,
)
from motcua.dossiers.uploads import CheckedUpload, check_upload
from motcua.org.models import Agency, AgencyKind, Role, User
from motcua.org.tests.factories import make_agency, make_user
from motcua.worktime.calendar import VN_TZ

BIRTH = "1.001193"
RESIDENCE = "1.004194"
CONSTRUCTION = "1.009994"
VALID_PERSONAL_ID = "008090123456"  # Tuyên Quang, male, born 1990


def local(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=VN_TZ)  # type: ignore[misc]


def pdf_bytes(text: str = "MotCua") -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": text})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def pdf_upload(text: str = "MotCua", name: str = "giay-to.pdf") -> CheckedUpload:
    return check_upload(pdf_bytes(text), filename=name, max_bytes=10 * 1024 * 1024)


def catalogue() -> dict[str, Any]:
    birth = procedure(
        BIRTH,
        "Đăng ký khai sinh",
        time_limit=3,
        time_unit="working_days",
        cutoff_time="15:00",
    )
    residence = procedure(
        RESIDENCE,
        "Đăng ký thường trú",
        competent_agency_kind="central_local",
        competent_sector="police",
        level="central_local",
        time_limit=5,
        eform_schema={
            "type": "object",
            "properties": {"dia_chi": {"type": "string", "title": "Địa chỉ thường trú"}},
        },
        documents=[],
        life_events=[],
        keywords=[],
    )
    construction = procedure(
        CONSTRUCTION,
        "Cấp giấy phép xây dựng nhà ở riêng lẻ",
        field="CT",
        level="province",
        competent_agency_kind="department",
        competent_sector="construction",
        time_limit=15,
        cutoff_time=None,
        fees=[{"name": "Lệ phí cấp giấy phép xây dựng", "amount": 75000, "note": ""}],
        eform_schema={
            "type": "object",
            "properties": {"dia_diem": {"type": "string", "title": "Địa điểm xây dựng"}},
            "required": ["dia_diem"],
        },
        documents=[
            {
                "name": "Bản vẽ thiết kế",
                "copies": 1,
                "kind": "copy",
                "mandatory": True,
                "reusable": False,
                "template_name": "",
            }
        ],
        life_events=[],
        keywords=[],
    )
    group = {
        "code": "lien-thong-khai-sinh",
        "name": "Liên thông đăng ký khai sinh, đăng ký thường trú",
        "legal_basis": "NĐ 63/2024/NĐ-CP",
        "time_limit": 5,
        "time_unit": "working_days",
        "cutoff_time": "15:00",
        "members": [BIRTH, RESIDENCE],
    }
    return document(birth, residence, construction, groups=[group])


@dataclass
class World:
    province: Agency
    province_center: Agency
    construction: Agency
    police: Agency
    commune_a: Agency
    center_a: Agency
    commune_b: Agency
    center_b: Agency
    reception_a: User
    specialist_a: User
    leader_a: User
    manager_a: User
    reception_b: User
    specialist_b: User
    leader_b: User
    reception_province: User
    specialist_construction: User
    leader_construction: User
    specialist_police: User
    leader_police: User
    auditor: User
    admin: User

    def official(self, user: User) -> Actor:
        return Actor.official(user)

    def birth_spec(self, **over: Any) -> NewDossier:
        values: dict[str, Any] = {
            "applicant": applicant(),
            "receiving_agency": self.center_a,
            "channel": "in_person",
            "procedure_code": BIRTH,
            "competent_agency": self.commune_a,
            "eform_data": {"ho_ten_tre": "Nguyễn Thị Hoà", "ngay_sinh": "2026-11-20"},
        }
        values.update(over)
        return NewDossier(**values)

    def receive_birth(self, *, at: dt.datetime | None = None, **over: Any) -> Dossier:
        return dossier_receive(
            spec=self.birth_spec(**over), actor=Actor.official(self.reception_a), at=at
        )

    def accepted_birth(self, *, at: dt.datetime | None = None, **over: Any) -> Dossier:
        d = self.receive_birth(at=at, **over)
        return dossier_accept(dossier=d, actor=Actor.official(self.reception_a), at=at)

    def submit_construction(self, *, at: dt.datetime | None = None, **over: Any) -> Dossier:
        from motcua.catalog.models import RequiredDocument

        req = RequiredDocument.objects.get(version__procedure__code=CONSTRUCTION)
        values: dict[str, Any] = {
            "applicant": applicant(),
            "receiving_agency": self.province_center,
            "channel": "online",
            "procedure_code": CONSTRUCTION,
            "return_method": "online",
            "eform_data": {"dia_diem": "Tổ 5, phường Minh Xuân"},
            "documents": [DocumentInput(upload=pdf_upload(), required_document_id=req.pk)],
        }
        values.update(over)
        return dossier_submit(spec=NewDossier(**values), actor=Actor.applicant("Công dân"), at=at)


def applicant(**over: Any) -> ApplicantInput:
    values: dict[str, Any] = {
        "kind": "person",
        "name": "Nguyễn Văn Ánh",
        "personal_id": VALID_PERSONAL_ID,
        "birth_date": dt.date(1990, 5, 17),
        "address": "Thôn Nà Héc, xã Lâm Bình",
        "phone": "0912345678",
        "email": "anh@example.vn",
    }
    values.update(over)
    return ApplicantInput(**values)


def build_world() -> World:
    catalog_import(catalogue())
    province = make_agency(
        "Ủy ban nhân dân tỉnh Tuyên Quang",
        kind=AgencyKind.PROVINCE_COMMITTEE,
        identifier="000.00.00.H60",
    )
    province_center = make_agency(
        "Trung tâm Phục vụ hành chính công tỉnh",
        kind=AgencyKind.PROVINCE_CENTER,
        parent=province,
        identifier="000.00.20.H60",
        is_reception_point=True,
    )
    construction = make_agency(
        "Sở Xây dựng",
        kind=AgencyKind.DEPARTMENT,
        parent=province,
        sector="construction",
        identifier="000.00.07.H60",
    )
    police = make_agency(
        "Công an tỉnh",
        kind=AgencyKind.CENTRAL_LOCAL,
        parent=province,
        sector="police",
        identifier="000.00.21.H60",
    )
    commune_a = make_agency(
        "Ủy ban nhân dân xã Lâm Bình",
        kind=AgencyKind.COMMUNE,
        parent=province,
        identifier="000.01.30.H60",
    )
    center_a = make_agency(
        "Trung tâm Phục vụ hành chính công xã Lâm Bình",
        kind=AgencyKind.COMMUNE_CENTER,
        parent=commune_a,
        identifier="001.01.30.H60",
        is_reception_point=True,
    )
    commune_b = make_agency(
        "Ủy ban nhân dân xã Na Hang",
        kind=AgencyKind.COMMUNE,
        parent=province,
        identifier="000.02.30.H60",
    )
    center_b = make_agency(
        "Trung tâm Phục vụ hành chính công xã Na Hang",
        kind=AgencyKind.COMMUNE_CENTER,
        parent=commune_b,
        identifier="001.02.30.H60",
        is_reception_point=True,
    )

    def u(name: str, agency: Agency, role: str, first: str = "Lan") -> User:
        return make_user(name, agency=agency, roles=[role], first_name=first, last_name="Trần")

    return World(
        province=province,
        province_center=province_center,
        construction=construction,
        police=police,
        commune_a=commune_a,
        center_a=center_a,
        commune_b=commune_b,
        center_b=center_b,
        reception_a=u("a.tiepnhan", center_a, Role.RECEPTION_OFFICER),
        specialist_a=u("a.chuyenvien", commune_a, Role.SPECIALIST),
        leader_a=u("a.lanhdao", commune_a, Role.LEADER),
        manager_a=u("a.quanly", center_a, Role.CENTER_MANAGER),
        reception_b=u("b.tiepnhan", center_b, Role.RECEPTION_OFFICER),
        specialist_b=u("b.chuyenvien", commune_b, Role.SPECIALIST),
        leader_b=u("b.lanhdao", commune_b, Role.LEADER),
        reception_province=u("t.tiepnhan", province_center, Role.RECEPTION_OFFICER),
        specialist_construction=u("sxd.chuyenvien", construction, Role.SPECIALIST),
        leader_construction=u("sxd.lanhdao", construction, Role.LEADER),
        specialist_police=u("ca.chuyenvien", police, Role.SPECIALIST),
        leader_police=u("ca.lanhdao", police, Role.LEADER),
        auditor=u("thanhtra", province, Role.AUDITOR),
        admin=u("quantri", province, Role.PROVINCE_ADMIN),
    )


def birth_schema() -> dict[str, Any]:
    return copy.deepcopy(BIRTH_SCHEMA)


def store_counts() -> dict[str, int]:
    """How many rows every dossier table holds, and how many codes were issued: to assert
    that a refused call stored nothing."""
    from django.db.models import Sum

    from motcua.dossiers.models import (
        DailySequence,
        Document,
        DossierEvent,
        DossierFee,
        Payment,
        Result,
        SupplementRequest,
    )
    from motcua.workflow.models import HandOver

    models: list[Any] = [
        Dossier,
        DossierEvent,
        Document,
        DossierFee,
        DailySequence,
        SupplementRequest,
        Payment,
        Result,
        HandOver,
    ]
    counts = {model.__name__: model.objects.count() for model in models}
    issued = DailySequence.objects.aggregate(n=Sum("last"))["n"]
    counts["codes_issued"] = int(issued or 0)
    return counts


def dossier_row(d: Dossier) -> dict[str, Any]:
    """The stored columns of a dossier (to assert that a refused call changed nothing)."""
    from django.forms.models import model_to_dict

    row = model_to_dict(Dossier.objects.get(pk=d.pk))
    row["updated_at"] = Dossier.objects.values_list("updated_at", flat=True).get(pk=d.pk)
    return row


GROUP = "lien-thong-khai-sinh"
GROUP_EFORM: dict[str, dict[str, str]] = {
    BIRTH: {"ho_ten_tre": "Nguyễn Thị Hoà", "ngay_sinh": "2026-11-20"},
    RESIDENCE: {"dia_chi": "Thôn Nà Héc, xã Lâm Bình"},
}


def group_spec(world: World, **over: Any) -> NewDossier:
    """The interconnected birth + residence group handed in at commune A's desk."""
    values: dict[str, Any] = {
        "applicant": applicant(),
        "receiving_agency": world.center_a,
        "channel": "in_person",
        "group_code": GROUP,
        "competent_agency": world.commune_a,
        "eform_data": copy.deepcopy(GROUP_EFORM),
    }
    values.update(over)
    return NewDossier(**values)


def accepted_group(world: World, at: dt.datetime) -> Dossier:
    officer = Actor.official(world.reception_a)
    g = dossier_receive(spec=group_spec(world), actor=officer, at=at)
    return dossier_accept(dossier=g.pk, actor=officer, at=at)


def group_children(group: Dossier) -> dict[str, Dossier]:
    """The group's dossiers at each agency, by procedure code."""
    rows = Dossier.objects.filter(parent=group).select_related("procedure_version__procedure")
    return {c.procedure_version.procedure.code: c for c in rows if c.procedure_version}


def resolve_child(child: Dossier, specialist: User, leader: User, at: dt.datetime) -> Dossier:
    """Walk a dossier from acceptance through the default two-step workflow to its signed
    result: forwards at ``at`` and +1 min, approval +2, result +3, signature +4."""
    from motcua.dossiers.services import (
        dossier_approve,
        dossier_attach_result,
        dossier_forward,
        dossier_sign_result,
    )

    minute = dt.timedelta(minutes=1)
    for i in range(2):
        dossier_forward(dossier=child.pk, actor=Actor.official(specialist), at=at + i * minute)
    dossier_approve(dossier=child.pk, actor=Actor.official(leader), at=at + 2 * minute)
    dossier_attach_result(
        dossier=child.pk,
        actor=Actor.official(leader),
        name="Kết quả",
        kind="paper",
        at=at + 3 * minute,
    )
    dossier_sign_result(dossier=child.pk, actor=Actor.official(leader), at=at + 4 * minute)
    return Dossier.objects.get(pk=child.pk)
