"""The demo province: its agency tree from the national list of administrative units.

Nothing here is tied to one province: ``load_province`` builds the tree for any province
code of the ``vietnam-provinces`` package. Agency identifiers it makes up follow the
QCVN 102 shape but are marked illustrative until the province's official list is entered.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from vietnam_provinces import Province, ProvinceCode, VietNamDivisionType, Ward

from motcua.org.models import Agency, AgencyKind, Role, RoleAssignment, User

# Level-1 identifiers (QCVN 102 group H = provinces). Tuyên Quang's H60 is inferred from
# the alphabetical order of the former 63 provinces (law-research.md §2.2): illustrative.
LEVEL1_IDENTIFIERS: dict[int, str] = {8: "H60"}


@dataclass(frozen=True)
class Department:
    number: int
    name: str
    sector: str
    kind: str = AgencyKind.DEPARTMENT
    # True where the agency exists only if the province meets criteria (NĐ 150/2025).
    optional: bool = False


# The 12 mandatory agencies of NĐ 150/2025/NĐ-CP, the optional ones a border province with
# ethnic minorities has, and the central agencies placed in every province.
DEPARTMENTS: tuple[Department, ...] = (
    Department(1, "Văn phòng Ủy ban nhân dân", "province-office"),
    Department(2, "Sở Nội vụ", "home-affairs"),
    Department(3, "Sở Tư pháp", "justice"),
    Department(4, "Sở Tài chính", "finance"),
    Department(5, "Sở Công Thương", "industry-trade"),
    Department(6, "Sở Nông nghiệp và Môi trường", "agriculture-environment"),
    Department(7, "Sở Xây dựng", "construction"),
    Department(8, "Sở Khoa học và Công nghệ", "science-technology"),
    Department(9, "Sở Văn hóa, Thể thao và Du lịch", "culture-sports-tourism"),
    Department(10, "Sở Giáo dục và Đào tạo", "education"),
    Department(11, "Sở Y tế", "health"),
    Department(12, "Thanh tra", "inspectorate"),
    Department(13, "Sở Dân tộc và Tôn giáo", "ethnic-religion", optional=True),
    Department(14, "Sở Ngoại vụ", "foreign-affairs", optional=True),
    Department(21, "Công an", "police", AgencyKind.CENTRAL_LOCAL),
    Department(22, "Bảo hiểm xã hội", "social-insurance", AgencyKind.CENTRAL_LOCAL),
    Department(23, "Thuế", "tax", AgencyKind.CENTRAL_LOCAL),
)
PROVINCE_CENTER_NUMBER = 20
# Communes and wards are numbered in order of their national code as level-3 units under
# two level-2 groups (a level-2 number has only two digits; a province has > 99 communes).
COMMUNE_LEVEL2_BASE = 30

UNIT_KIND = {
    VietNamDivisionType.XA: AgencyKind.COMMUNE,
    VietNamDivisionType.PHUONG: AgencyKind.WARD,
    VietNamDivisionType.DAC_KHU: AgencyKind.SPECIAL_ZONE,
}


def province_title(province: Province) -> str:
    """“tỉnh Tuyên Quang” / “thành phố Hà Nội”, as it reads inside an agency's name."""
    if province.division_type == VietNamDivisionType.TINH:
        return f"tỉnh {province.name}"
    return province.name[0].lower() + province.name[1:]


def unit_title(ward: Ward) -> str:
    """“xã Lâm Bình” from the package's “Xã Lâm Bình”."""
    return ward.name[0].lower() + ward.name[1:]


@dataclass
class LoadResult:
    province: Agency
    agencies: int
    communes: int


def _upsert(identifier: str, **values: object) -> Agency:
    agency = Agency.objects.filter(identifier=identifier).first() or Agency(identifier=identifier)
    changed = agency.pk is None or any(getattr(agency, k) != v for k, v in values.items())
    if changed:
        for key, value in values.items():
            setattr(agency, key, value)
        agency.identifier_is_illustrative = True
        agency.full_clean()
        agency.save()
    return agency


@transaction.atomic
def load_province(province_code: int, *, level1: str | None = None) -> LoadResult:
    """Create or update the province's agency tree; running it again changes nothing."""
    province = Province.from_code(ProvinceCode(province_code))
    level1 = level1 or LEVEL1_IDENTIFIERS.get(province_code)
    if level1 is None:
        raise ValueError(f"No level-1 identifier known for province {province_code}; pass one.")
    title = province_title(province)
    root = _upsert(
        f"000.00.00.{level1}",
        name=f"Ủy ban nhân dân {title}",
        short_name=f"UBND {title}",
        kind=AgencyKind.PROVINCE_COMMITTEE,
        parent=None,
    )
    count = 1
    for dept in DEPARTMENTS:
        _upsert(
            f"000.00.{dept.number:02d}.{level1}",
            name=f"{dept.name} {title}",
            short_name=dept.name,
            kind=dept.kind,
            sector=dept.sector,
            parent=root,
        )
        count += 1
    _upsert(
        f"000.00.{PROVINCE_CENTER_NUMBER:02d}.{level1}",
        name=f"Trung tâm Phục vụ hành chính công {title}",
        short_name="Trung tâm PVHCC tỉnh",
        kind=AgencyKind.PROVINCE_CENTER,
        parent=root,
        is_reception_point=True,
    )
    count += 1
    wards = sorted(Ward.iter_by_province(province.code), key=lambda w: int(w.code))
    for index, ward in enumerate(wards):
        level2 = COMMUNE_LEVEL2_BASE + index // 99
        level3 = index % 99 + 1
        name = unit_title(ward)
        commune = _upsert(
            f"000.{level3:02d}.{level2:02d}.{level1}",
            name=f"Ủy ban nhân dân {name}",
            short_name=f"UBND {name}",
            kind=UNIT_KIND[ward.division_type],
            admin_unit_code=int(ward.code),
            parent=root,
        )
        _upsert(
            f"001.{level3:02d}.{level2:02d}.{level1}",
            name=f"Trung tâm Phục vụ hành chính công {name}",
            short_name=f"Trung tâm PVHCC {name}",
            kind=AgencyKind.COMMUNE_CENTER,
            parent=commune,
            is_reception_point=True,
        )
        count += 2
    return LoadResult(province=root, agencies=count, communes=len(wards))


DEMO_PASSWORD = "MotCua-demo-2026"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    agency: Agency


def _demo_user(
    username: str, full_name: str, agency: Agency, roles: list[str]
) -> list[DemoAccount]:
    first, _, last = full_name.rpartition(" ")
    # The province administrator is the one global role: it runs the Django admin.
    is_admin = Role.PROVINCE_ADMIN in roles
    user, created = User.objects.get_or_create(
        username=username,
        defaults={
            "first_name": last,
            "last_name": first,
            "agency": agency,
            "is_staff": is_admin,
            "is_superuser": is_admin,
        },
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    accounts = []
    for role in roles:
        RoleAssignment.objects.get_or_create(user=user, role=role, agency=agency)
        accounts.append(DemoAccount(username, role, agency))
    return accounts


@transaction.atomic
def load_demo_officials(root: Agency) -> list[DemoAccount]:
    """One official per role at a few communes, the provincial center and two departments."""
    accounts: list[DemoAccount] = []
    accounts += _demo_user("quantri", "Nguyễn Văn Quản", root, [Role.PROVINCE_ADMIN])
    accounts += _demo_user("thanhtra", "Lê Thị Thanh", root, [Role.AUDITOR])
    center = Agency.objects.get(parent=root, kind=AgencyKind.PROVINCE_CENTER)
    accounts += _demo_user("tinh.tiepnhan", "Hoàng Thị Nhận", center, [Role.RECEPTION_OFFICER])
    accounts += _demo_user("tinh.quanly", "Đặng Văn Lý", center, [Role.CENTER_MANAGER])
    for sector, prefix in (("justice", "stp"), ("construction", "sxd")):
        dept = Agency.objects.get(parent=root, sector=sector)
        accounts += _demo_user(f"{prefix}.chuyenvien", "Phạm Văn Chuyên", dept, [Role.SPECIALIST])
        accounts += _demo_user(f"{prefix}.lanhdao", "Vũ Thị Lãnh", dept, [Role.LEADER])
    communes = list(
        Agency.objects.filter(parent=root, kind__in=[AgencyKind.COMMUNE, AgencyKind.WARD]).order_by(
            "admin_unit_code"
        )
    )
    # The first ward and the first two communes by national code.
    picked = [c for c in communes if c.kind == AgencyKind.WARD][:1]
    picked += [c for c in communes if c.kind == AgencyKind.COMMUNE][:2]
    for index, commune in enumerate(picked, start=1):
        commune_center = commune.children.get(kind=AgencyKind.COMMUNE_CENTER)
        p = f"xa{index}"
        accounts += _demo_user(
            f"{p}.tiepnhan", "Trần Thị Tiếp", commune_center, [Role.RECEPTION_OFFICER]
        )
        accounts += _demo_user(
            f"{p}.quanly", "Bùi Văn Quang", commune_center, [Role.CENTER_MANAGER]
        )
        accounts += _demo_user(f"{p}.chuyenvien", "Đỗ Thị Chuyên", commune, [Role.SPECIALIST])
        accounts += _demo_user(f"{p}.lanhdao", "Ngô Văn Đạo", commune, [Role.LEADER])
    return accounts
