"""The second factor: leaders (and the other roles the policy marks) confirm the sign-in
with a TOTP code; those without an authenticator set one up first; the policy is data."""

from __future__ import annotations

import io
from typing import Any
from urllib.parse import urlencode

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from motcua.desk import auth_services as auth
from motcua.desk.models import SecondFactorPolicy, SignInFailure
from motcua.desk.tests.signin import desk_language, shows, sign_in  # noqa: F401 (fixture)
from motcua.dossiers.tests.factories import World
from motcua.org.models import Role

PASSWORD = "Lãnh-đạo-2026"


def code_of(device: TOTPDevice) -> str:
    """What the authenticator app shows now, computed from the device key."""
    value = totp(device.bin_key, step=device.step, t0=device.t0)
    return f"{value:06d}"


@pytest.fixture(autouse=True)
def _no_otp_throttle(settings: Any) -> None:
    # django-otp's own throttle refuses any code for 1 s after a wrong one; the tests type
    # a wrong code and the right one within the same second.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


@pytest.fixture
def leader(world: World) -> Any:
    user = world.leader_a
    user.set_password(PASSWORD)
    user.save()
    return user


@pytest.fixture
def leader_device(leader: Any) -> TOTPDevice:
    return TOTPDevice.objects.create(user=leader, name="Phone", confirmed=True)


def password_step(client: Client, username: str = "a.lanhdao") -> Any:
    return client.post(reverse("desk:login"), {"username": username, "password": PASSWORD})


def test_the_policy_is_seeded_for_the_roles_that_sign_and_manage(db: None) -> None:
    required = set(SecondFactorPolicy.objects.filter(required=True).values_list("role", flat=True))
    assert required == {Role.PROVINCE_ADMIN, Role.CENTER_MANAGER, Role.LEADER}
    assert auth.second_factor_roles() == required


def test_leader_needs_the_code_after_the_password(
    client: Client, leader: Any, leader_device: TOTPDevice
) -> None:
    response = password_step(client)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("desk:login_otp"))
    # Not signed in yet: the workspace still sends the browser to sign in.
    inbox = client.get(reverse("desk:inbox"))
    assert inbox.status_code == 302
    assert inbox["Location"].startswith(reverse("desk:login"))

    page = client.get(response["Location"])
    assert page.status_code == 200
    assert 'inputmode="numeric"' in page.content.decode()
    assert 'autocomplete="one-time-code"' in page.content.decode()


def test_wrong_code_is_refused_and_the_right_one_signs_in(
    client: Client, leader: Any, leader_device: TOTPDevice
) -> None:
    password_step(client)
    right = code_of(leader_device)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    refused = client.post(reverse("desk:login_otp"), {"code": wrong})
    assert refused.status_code == 400
    assert shows(
        refused,
        "That code is not right. Check that your phone's clock is correct and enter the "
        "newest code.",
    )
    assert client.get(reverse("desk:inbox")).status_code == 302
    assert SignInFailure.objects.filter(username="a.lanhdao", stage="otp").count() == 1

    accepted = client.post(reverse("desk:login_otp"), {"code": right[:3] + " " + right[3:]})
    assert accepted.status_code == 302
    assert accepted["Location"] == reverse("desk:inbox")
    inbox = client.get(reverse("desk:inbox"))
    assert inbox.status_code == 200
    assert inbox.wsgi_request.user.username == "a.lanhdao"
    assert inbox.wsgi_request.user.is_verified()
    # A successful sign-in clears the user name's failures.
    assert not SignInFailure.objects.filter(username="a.lanhdao").exists()


def test_a_code_cannot_be_used_twice(
    client: Client, leader: Any, leader_device: TOTPDevice
) -> None:
    code = code_of(leader_device)
    password_step(client)
    assert client.post(reverse("desk:login_otp"), {"code": code}).status_code == 302
    other = Client()
    password_step(other)
    assert other.post(reverse("desk:login_otp"), {"code": code}).status_code == 400


def test_letters_are_not_a_code(client: Client, leader: Any, leader_device: TOTPDevice) -> None:
    password_step(client)
    response = client.post(reverse("desk:login_otp"), {"code": "abcdef"})
    assert response.status_code == 400
    assert shows(response, "Enter the six digits your authenticator app shows.")
    assert not SignInFailure.objects.exists()


def test_code_page_without_a_password_step_starts_over(client: Client, world: World) -> None:
    response = client.get(reverse("desk:login_otp"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("desk:login"))


def test_leader_without_an_authenticator_sets_one_up(client: Client, leader: Any) -> None:
    response = password_step(client)
    assert response["Location"].startswith(reverse("desk:otp_setup"))
    page = client.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    assert "<svg" in html and "<script" not in html
    device = TOTPDevice.objects.get(user=leader)
    assert not device.confirmed
    assert auth.base32_secret(device) in html
    assert auth.otpauth_uri(device).startswith("otpauth://totp/MotCua%3Aa.lanhdao?secret=")

    refused = client.post(reverse("desk:otp_setup"), {"code": "000000"})
    if code_of(device) != "000000":
        assert refused.status_code == 400
        assert not TOTPDevice.objects.get(pk=device.pk).confirmed

    done = client.post(reverse("desk:otp_setup"), {"code": code_of(device)})
    assert done.status_code == 302
    assert TOTPDevice.objects.get(pk=device.pk).confirmed
    assert client.get(reverse("desk:inbox")).status_code == 200


def test_an_authenticator_is_never_replaced_without_its_code(
    client: Client, leader: Any, leader_device: TOTPDevice
) -> None:
    password_step(client)
    response = client.get(reverse("desk:otp_setup"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("desk:login_otp"))
    assert TOTPDevice.objects.filter(user=leader).count() == 1


def test_a_password_only_session_of_a_leader_is_sent_to_the_code_step(
    client: Client, leader: Any, leader_device: TOTPDevice
) -> None:
    # E.g. signed in through the Django admin's password form.
    client.force_login(leader)
    target = reverse("desk:search") + "?q=x"
    response = client.get(target)
    assert response.status_code == 302
    assert response["Location"] == reverse("desk:login_otp") + "?" + urlencode({"next": target})
    done = client.post(response["Location"], {"code": code_of(leader_device)})
    assert done["Location"] == target
    assert client.get(target).status_code == 200


def test_the_province_can_drop_the_requirement_for_a_role(
    client: Client, leader: Any, leader_device: TOTPDevice
) -> None:
    SecondFactorPolicy.objects.filter(role=Role.LEADER).update(required=False)
    response = password_step(client)
    assert response["Location"] == reverse("desk:inbox")
    assert client.get(reverse("desk:inbox")).status_code == 200


def test_the_province_can_require_it_for_specialists(client: Client, world: World) -> None:
    SecondFactorPolicy.objects.filter(role=Role.SPECIALIST).update(required=True)
    client.force_login(world.specialist_a)
    response = client.get(reverse("desk:inbox"))
    assert response["Location"].startswith(reverse("desk:otp_setup"))


def test_a_role_without_a_policy_row_falls_back_to_the_default(world: World) -> None:
    SecondFactorPolicy.objects.all().delete()
    assert auth.second_factor_required(world.leader_a)
    assert not auth.second_factor_required(world.specialist_a)
    assert auth.second_factor_required(world.admin)


def test_the_test_helper_signs_in_verified(client: Client, world: World) -> None:
    sign_in(client, world.leader_a)
    assert client.get(reverse("desk:inbox")).status_code == 200


def test_demo_officials_get_the_fixed_key_and_the_command_prints_the_code(
    world: World, settings: Any
) -> None:
    devices = auth.demo_devices(["a.lanhdao", "a.chuyenvien", "a.quanly"])
    assert sorted(d.user.username for d in devices) == ["a.lanhdao", "a.quanly"]
    assert all(d.key == auth.DEMO_TOTP_KEY and d.confirmed for d in devices)
    assert auth.DEMO_TOTP_KEY_BASE32 == "JVXXIQ3VMEWWIZLNN4WXI33UOAWWWZLZ"

    settings.DEBUG = True
    out = io.StringIO()
    device = devices[0]
    before = code_of(device)
    call_command("otp-code", "a.lanhdao", stdout=out)
    printed = out.getvalue().strip()
    assert printed in {before, code_of(device)}  # a 30-second step may end in between
    assert len(printed) == 6 and printed.isdigit()


def test_the_code_command_refuses_without_debug(world: World, settings: Any) -> None:
    auth.demo_devices(["a.lanhdao"])
    settings.DEBUG = False
    err = io.StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("otp-code", "a.lanhdao", stdout=io.StringIO(), stderr=err)
    assert exit_info.value.code == 2
    assert "DEBUG" in err.getvalue()


def test_a_pending_sign_in_replaces_another_accounts_session(
    client: Client, leader: Any, leader_device: TOTPDevice
) -> None:
    from motcua.org.tests.factories import make_user

    client.force_login(make_user("citizen"))  # an account without a role
    response = password_step(client)
    assert response["Location"].startswith(reverse("desk:login_otp"))
    assert not client.get(reverse("desk:login")).wsgi_request.user.is_authenticated
    client.post(reverse("desk:login_otp"), {"code": code_of(leader_device)})
    inbox = client.get(reverse("desk:inbox"))
    assert inbox.status_code == 200
    assert inbox.wsgi_request.user.username == "a.lanhdao"
