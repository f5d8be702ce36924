"""Officials and roles: scope, creating an account with a set-password link, granting and
revoking roles, deactivating, resetting the second factor; the limits of a manager."""

from __future__ import annotations

import logging
import re
from typing import Any

import pytest
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from motcua.desk.tests.manage_support import sign_in, text, url
from motcua.dossiers.tests.factories import World
from motcua.org.models import Role, RoleAssignment, User

pytestmark = pytest.mark.django_db

STRONG = "Mây-trắng-Na-Hang-2025"


def new_official(world: World, **over: Any) -> dict[str, Any]:
    return {
        "username": "a.hoa",
        "full_name": "Nguyễn  Thị   Hoa",
        "email": "hoa@lambinh.gov.vn",
        "phone": "0912 345 678",
        "job_title": "Công chức Tư pháp - Hộ tịch",
        "agency": str(world.commune_a.pk),
        "roles": ["specialist"],
        **over,
    }


def test_the_list_shows_agency_roles_account_and_second_factor(
    client: Client, world: World
) -> None:
    TOTPDevice.objects.create(user=world.leader_a, name="phone", confirmed=True)
    sign_in(client, world.admin)
    body = text(client.get(url("desk:manage_officials")))
    assert "a.chuyenvien" in body and "b.chuyenvien" in body
    assert "Specialist" in body and "Leader / signer" in body
    assert "enrolled" in body and "not enrolled" in body
    for user in User.objects.all():
        assert user.password not in body  # hashes never reach the page

    filtered = text(client.get(url("desk:manage_officials"), {"status": "no_second_factor"}))
    assert "<td>a.lanhdao</td>" not in filtered and "<td>a.chuyenvien</td>" in filtered


def test_a_center_manager_sees_only_officials_of_their_center(client: Client, world: World) -> None:
    sign_in(client, world.manager_a)
    body = text(client.get(url("desk:manage_officials")))
    assert "a.tiepnhan" in body and "a.quanly" in body
    assert "a.chuyenvien" not in body  # commune A itself is above the center
    assert "b.tiepnhan" not in body and "quantri" not in body
    assert client.get(url("desk:manage_official_edit", world.reception_b.pk)).status_code == 404
    response = client.post(
        url("desk:manage_official_edit", world.reception_b.pk), {"action": "deactivate"}
    )
    assert response.status_code == 404
    world.reception_b.refresh_from_db()
    assert world.reception_b.is_active


def test_a_created_official_sets_a_password_through_the_link_and_signs_in(
    client: Client, world: World, caplog: pytest.LogCaptureFixture
) -> None:
    sign_in(client, world.leader_a)
    with caplog.at_level(logging.INFO, logger="motcua.audit"):
        page = client.post(url("desk:manage_official_new"), new_official(world))
    assert page.status_code == 200
    official = User.objects.get(username="a.hoa")
    assert (official.last_name, official.first_name) == ("Nguyễn Thị", "Hoa")
    assert official.phone == "0912345678"
    assert official.agency == world.commune_a
    assert not official.has_usable_password()
    assert list(official.role_assignments.values_list("role", "agency")) == [
        ("specialist", world.commune_a.pk)
    ]
    assert any("official_create by=a.lanhdao" in r.getMessage() for r in caplog.records)

    link = re.search(r'id="password-link"[^>]*value="([^"]+)"', text(page))
    assert link is not None
    visitor = Client()
    opened = visitor.get(link.group(1), follow=True)
    assert "Choose your password" in text(opened)
    form_url = opened.redirect_chain[-1][0]
    weak = visitor.post(form_url, {"new_password1": "12345678", "new_password2": "12345678"})
    assert weak.status_code == 200
    assert "This password is too common." in text(weak)
    done = visitor.post(form_url, {"new_password1": STRONG, "new_password2": STRONG})
    assert done.status_code == 302
    assert Client().login(username="a.hoa", password=STRONG)
    # The link works once.
    again = Client().get(link.group(1), follow=True)
    assert "This link does not work" in text(again)


def test_creating_reports_errors_next_to_fields_and_stores_nothing(
    client: Client, world: World
) -> None:
    sign_in(client, world.admin)
    page = client.post(
        url("desk:manage_official_new"),
        new_official(world, username="a.chuyenvien", phone="12345", email=""),
    )
    body = text(page)
    assert page.status_code == 200
    assert 'id="id_username_error"' in body and "This username is already taken." in body
    assert 'id="id_phone_error"' in body
    assert not User.objects.filter(phone="12345").exists()
    assert User.objects.count() == 14


def test_an_agency_manager_cannot_grant_province_admin_or_outside_their_subtree(
    client: Client, world: World
) -> None:
    sign_in(client, world.leader_a)
    create = client.post(
        url("desk:manage_official_new"), new_official(world, roles=["province_admin"])
    )
    assert create.status_code == 200
    assert 'id="id_roles_error"' in text(create)
    assert not User.objects.filter(username="a.hoa").exists()

    edit = url("desk:manage_official_edit", world.specialist_a.pk)
    page = client.post(
        edit, {"action": "grant", "role": "province_admin", "agency": world.commune_a.pk}
    )
    assert page.status_code == 200
    assert 'id="id_role_error"' in text(page)
    page = client.post(edit, {"action": "grant", "role": "leader", "agency": world.commune_b.pk})
    assert page.status_code == 200
    assert 'id="id_agency_error"' in text(page)
    assert list(world.specialist_a.role_assignments.values_list("role", flat=True)) == [
        "specialist"
    ]

    granted = client.post(
        edit, {"action": "grant", "role": "reception_officer", "agency": world.center_a.pk}
    )
    assert granted.status_code == 302
    assert RoleAssignment.objects.filter(
        user=world.specialist_a, role="reception_officer", agency=world.center_a
    ).exists()


def test_a_manager_cannot_change_an_official_with_roles_beyond_their_subtree(
    client: Client, world: World
) -> None:
    RoleAssignment.objects.create(user=world.specialist_a, role=Role.AUDITOR, agency=world.province)
    sign_in(client, world.leader_a)
    page = client.get(url("desk:manage_official_edit", world.specialist_a.pk))
    assert page.status_code == 200
    assert "holds roles outside the agencies you manage" in text(page)
    response = client.post(
        url("desk:manage_official_edit", world.specialist_a.pk), {"action": "deactivate"}
    )
    assert response.status_code == 403
    world.specialist_a.refresh_from_db()
    assert world.specialist_a.is_active


def test_revoking_a_role_removes_access(client: Client, world: World) -> None:
    leader = sign_in(Client(), world.leader_a)
    assert leader.get(url("desk:manage_officials")).status_code == 200
    sign_in(client, world.admin)
    assignment = RoleAssignment.objects.get(user=world.leader_a)
    response = client.post(
        url("desk:manage_official_edit", world.leader_a.pk),
        {"action": "revoke", "assignment": assignment.pk},
    )
    assert response.status_code == 302
    assert not RoleAssignment.objects.filter(user=world.leader_a).exists()
    assert leader.get(url("desk:manage_officials")).status_code == 403


def test_deactivating_signs_the_official_out(client: Client, world: World) -> None:
    official = Client()
    official.force_login(world.leader_b)
    sign_in(client, world.admin)
    edit = url("desk:manage_official_edit", world.leader_b.pk)
    assert client.post(edit, {"action": "deactivate"}).status_code == 302
    world.leader_b.refresh_from_db()
    assert not world.leader_b.is_active
    response = official.get(url("desk:manage"))
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert "Reactivate the account" in text(client.get(edit))
    assert client.post(edit, {"action": "reactivate"}).status_code == 302
    world.leader_b.refresh_from_db()
    assert world.leader_b.is_active


def test_resetting_the_second_factor_deletes_the_devices(client: Client, world: World) -> None:
    TOTPDevice.objects.create(user=world.leader_a, name="old phone", confirmed=True)
    TOTPDevice.objects.create(user=world.leader_a, name="pending", confirmed=False)
    sign_in(client, world.admin)
    response = client.post(
        url("desk:manage_official_edit", world.leader_a.pk), {"action": "reset_second_factor"}
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=world.leader_a).exists()
    assert TOTPDevice.objects.filter(user=world.admin).exists()


def test_nobody_changes_their_own_account_here(client: Client, world: World) -> None:
    sign_in(client, world.admin)
    own = url("desk:manage_official_edit", world.admin.pk)
    assert "You cannot change your own account here" in text(client.get(own))
    assert client.post(own, {"action": "deactivate"}).status_code == 403
    assignment = RoleAssignment.objects.get(user=world.admin)
    response = client.post(own, {"action": "revoke", "assignment": assignment.pk})
    assert response.status_code == 403
    assert RoleAssignment.objects.filter(pk=assignment.pk).exists()


def test_editing_the_details_normalises_and_checks_them(client: Client, world: World) -> None:
    world.specialist_a.email = "chuyenvien@lambinh.gov.vn"
    world.specialist_a.save()
    sign_in(client, world.admin)
    edit = url("desk:manage_official_edit", world.specialist_b.pk)
    bad = client.post(
        edit,
        {
            "action": "profile",
            "full_name": "Lò Văn Páo",
            "email": "ChuyenVien@LamBinh.gov.vn",
            "phone": "",
            "job_title": "",
            "agency": world.commune_b.pk,
        },
    )
    assert bad.status_code == 200
    assert 'id="id_email_error"' in text(bad)
    assert "Another account already uses this e-mail address." in text(bad)
    world.specialist_b.refresh_from_db()
    assert world.specialist_b.get_full_name() != "Lò Văn Páo"
    good = client.post(
        edit,
        {
            "action": "profile",
            "full_name": "Lò Văn Páo",
            "email": "pao@nahang.gov.vn",
            "phone": "+84 912 345 678",
            "job_title": "Công chức Văn phòng",
            "agency": world.commune_b.pk,
        },
    )
    assert good.status_code == 302
    world.specialist_b.refresh_from_db()
    assert world.specialist_b.get_full_name() == "Lò Văn Páo"
    assert world.specialist_b.phone == "+84912345678"


def test_the_list_costs_the_same_queries_for_more_officials(client: Client, world: World) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from motcua.org.tests.factories import make_user

    sign_in(client, world.admin)
    with CaptureQueriesContext(connection) as few:
        client.get(url("desk:manage_officials"))
    for i in range(12):
        make_user(f"them{i}", agency=world.commune_b, roles=["specialist", "leader"])
    with CaptureQueriesContext(connection) as many:
        page = client.get(url("desk:manage_officials"))
    assert "them11" in text(page)
    assert len(many) == len(few)
