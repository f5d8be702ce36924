"""agencies_in_scope: what an official may see is their agencies and the units under them."""

from __future__ import annotations

import pytest

from motcua.org.models import Role
from motcua.org.selectors import agencies_in_scope, is_province_admin
from motcua.org.tests.factories import (
    make_commune,
    make_commune_center,
    make_province,
    make_user,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    province = make_province()
    tan_trao = make_commune("UBND xã Tân Trào", province)
    tan_trao_center = make_commune_center(tan_trao)
    minh_xuan = make_commune("UBND phường Minh Xuân", province)
    minh_xuan_center = make_commune_center(minh_xuan)
    return province, tan_trao, tan_trao_center, minh_xuan, minh_xuan_center


def test_commune_leader_sees_the_commune_and_its_center_only(tree):
    province, tan_trao, tan_trao_center, minh_xuan, minh_xuan_center = tree
    leader = make_user("lanhdao.tantrao", agency=tan_trao, roles=[Role.LEADER])

    scope = set(agencies_in_scope(leader))

    assert scope == {tan_trao, tan_trao_center}
    assert minh_xuan not in scope and minh_xuan_center not in scope
    assert province not in scope


def test_scope_can_be_limited_to_some_roles(tree):
    _province, tan_trao, tan_trao_center, minh_xuan, minh_xuan_center = tree
    official = make_user("chuyenvien", agency=tan_trao, roles=[Role.SPECIALIST])
    official.role_assignments.create(role=Role.LEADER, agency=minh_xuan)

    assert set(agencies_in_scope(official, roles=[Role.LEADER])) == {minh_xuan, minh_xuan_center}
    assert set(agencies_in_scope(official, roles=[Role.SPECIALIST])) == {
        tan_trao,
        tan_trao_center,
    }
    assert not agencies_in_scope(official, roles=[Role.AUDITOR]).exists()


def test_province_admin_sees_every_agency(tree):
    province = tree[0]
    admin = make_user("quantri", agency=province, roles=[Role.PROVINCE_ADMIN])

    assert is_province_admin(admin)
    assert set(agencies_in_scope(admin)) == set(tree)


def test_superuser_sees_every_agency(tree):
    root = make_user("root", is_superuser=True)

    assert set(agencies_in_scope(root)) == set(tree)


def test_inactive_user_sees_nothing(tree):
    province, tan_trao, *_ = tree
    gone = make_user("danghi", agency=tan_trao, roles=[Role.LEADER], is_active=False)
    gone_admin = make_user(
        "quantri.cu", agency=province, roles=[Role.PROVINCE_ADMIN], is_active=False
    )

    assert list(agencies_in_scope(gone)) == []
    assert list(agencies_in_scope(gone_admin)) == []
    assert not is_province_admin(gone_admin)


def test_official_without_roles_sees_nothing(tree):
    tan_trao = tree[1]
    newcomer = make_user("moivao", agency=tan_trao)

    assert list(agencies_in_scope(newcomer)) == []
