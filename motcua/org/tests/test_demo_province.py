import pytest

from motcua.org.demo import load_demo_officials, load_province
from motcua.org.identifiers import is_agency_identifier
from motcua.org.models import Agency, AgencyKind, Role, RoleAssignment, User
from motcua.org.selectors import agencies_in_scope

pytestmark = pytest.mark.django_db

TUYEN_QUANG = 8


@pytest.fixture
def province():
    return load_province(TUYEN_QUANG)


def test_tuyen_quang_has_117_communes_and_7_wards_each_with_a_center(province):
    assert province.communes == 124
    assert Agency.objects.filter(kind=AgencyKind.COMMUNE).count() == 117
    assert Agency.objects.filter(kind=AgencyKind.WARD).count() == 7
    centers = Agency.objects.filter(kind=AgencyKind.COMMUNE_CENTER)
    assert centers.count() == 124
    assert all(c.is_reception_point for c in centers)
    assert {c.parent.kind for c in centers.select_related("parent")} == {
        AgencyKind.COMMUNE,
        AgencyKind.WARD,
    }


def test_communes_carry_their_national_unit_code(province):
    lam_binh = Agency.objects.get(name="Ủy ban nhân dân xã Lâm Bình")
    assert lam_binh.admin_unit_code == 2266
    assert lam_binh.parent == province.province


def test_every_identifier_has_the_qcvn_shape_is_unique_and_marked_illustrative(province):
    identifiers = list(Agency.objects.values_list("identifier", flat=True))
    assert len(identifiers) == len(set(identifiers)) == province.agencies
    assert all(is_agency_identifier(i) for i in identifiers)
    assert not Agency.objects.filter(identifier_is_illustrative=False).exists()
    assert province.province.identifier == "000.00.00.H60"


def test_mandatory_departments_center_and_central_agencies_exist(province):
    sectors = set(Agency.objects.exclude(sector="").values_list("sector", flat=True))
    assert {
        "justice",
        "home-affairs",
        "finance",
        "construction",
        "health",
        "education",
        "agriculture-environment",
        "police",
        "social-insurance",
        "tax",
        "ethnic-religion",
    } <= sectors
    assert Agency.objects.get(kind=AgencyKind.PROVINCE_CENTER).is_reception_point


def test_loading_twice_changes_nothing(province):
    before = list(Agency.objects.values_list("pk", "identifier", "name", "path"))
    again = load_province(TUYEN_QUANG)
    assert again.agencies == province.agencies
    assert list(Agency.objects.values_list("pk", "identifier", "name", "path")) == before


def test_another_province_needs_its_level1_identifier():
    with pytest.raises(ValueError):
        load_province(1)
    hanoi = load_province(1, level1="H26")
    assert hanoi.province.name == "Ủy ban nhân dân thành phố Hà Nội"


def test_demo_officials_hold_one_role_each_scoped_to_their_agency(province):
    accounts = load_demo_officials(province.province)
    assert {a.role for a in accounts} == set(Role.values)
    leader = User.objects.get(username="xa1.lanhdao")
    assert leader.check_password("MotCua-demo-2026")
    assert leader.get_full_name() == "Ngô Văn Đạo"
    commune = RoleAssignment.objects.get(user=leader).agency
    scope = set(agencies_in_scope(leader))
    assert commune in scope
    assert commune.children.get() in scope  # its service center
    other = Agency.objects.filter(kind=AgencyKind.COMMUNE).exclude(pk=commune.pk).first()
    assert other not in scope
    assert len(load_demo_officials(province.province)) == len(accounts)
    assert User.objects.filter(username="quantri", is_superuser=True).exists()
