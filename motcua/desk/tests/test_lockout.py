"""Lockout: 5 failures for a user name (or 20 from one address) within 15 minutes lock it
for 15 minutes, with the same message whether the user exists or not; wrong one-time
codes count too; the records are in the database."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from motcua.desk import auth_services as auth
from motcua.desk.models import SignInFailure, SignInLock
from motcua.desk.tests.signin import desk_language, text_of  # noqa: F401 (fixture)
from motcua.dossiers.tests.factories import World

PASSWORD = "Đúng-mật-khẩu-1"
LOCKED = "Too many failed sign-in attempts. Signing in is blocked until %(time)s; try again then."


@pytest.fixture(autouse=True)
def _passwords(world: World, settings: Any) -> None:
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    for user in (world.specialist_a, world.leader_a, world.specialist_b):
        user.set_password(PASSWORD)
        user.save()


def attempt(client: Client, username: str, password: str, ip: str = "10.0.0.1") -> Any:
    return client.post(
        reverse("desk:login"), {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def lock_message(response: Any) -> bool:
    until = SignInLock.objects.order_by("-until").first()
    assert until is not None
    when = timezone.localtime(until.until).strftime("%H:%M")
    return text_of(LOCKED, time=when) in response.content.decode()


def test_five_failures_lock_the_user_name_even_for_the_right_password(
    client: Client, world: World
) -> None:
    for _ in range(4):
        assert attempt(client, "a.chuyenvien", "sai").status_code == 200
    fifth = attempt(client, "a.chuyenvien", "sai")
    assert fifth.status_code == 429
    assert lock_message(fifth)

    right = attempt(client, "a.chuyenvien", PASSWORD)
    assert right.status_code == 429
    assert lock_message(right)
    assert not client.get(reverse("desk:inbox")).wsgi_request.user.is_authenticated
    # Refused attempts are not counted again (the lock does not grow).
    assert SignInFailure.objects.filter(username="a.chuyenvien").count() == 5
    lock = SignInLock.objects.get(scope="username", key="a.chuyenvien")
    assert dt.timedelta(minutes=14) < lock.until - timezone.now() <= dt.timedelta(minutes=15)


def test_an_unknown_user_name_is_locked_the_same_way(client: Client, world: World) -> None:
    for _ in range(5):
        last = attempt(client, "khong.ton.tai", "sai")
    assert last.status_code == 429
    assert lock_message(last)


def test_other_users_are_not_locked_by_someone_elses_failures(client: Client, world: World) -> None:
    for _ in range(5):
        attempt(client, "a.chuyenvien", "sai")
    assert attempt(client, "b.chuyenvien", PASSWORD).status_code == 302


def test_the_lock_ends_after_15_minutes(client: Client, world: World) -> None:
    for _ in range(5):
        attempt(client, "a.chuyenvien", "sai")
    past = timezone.now() - dt.timedelta(minutes=16)
    SignInLock.objects.update(until=past + dt.timedelta(minutes=15))
    SignInFailure.objects.update(at=past)
    assert attempt(client, "a.chuyenvien", PASSWORD).status_code == 302


def test_failures_older_than_the_window_do_not_count(world: World) -> None:
    now = timezone.now()
    for minutes in (40, 30, 20, 16):
        auth.record_failure(
            username="a.chuyenvien",
            ip=None,
            stage="password",
            now=now - dt.timedelta(minutes=minutes),
        )
    assert auth.record_failure(username="a.chuyenvien", ip=None, stage="password", now=now) is None
    assert auth.locked_until(username="A.ChuyenVien", ip=None, now=now) is None


def test_success_clears_the_counter(client: Client, world: World) -> None:
    for _ in range(4):
        attempt(client, "a.chuyenvien", "sai")
    assert attempt(client, "a.chuyenvien", PASSWORD).status_code == 302
    other = Client()
    for _ in range(4):
        assert attempt(other, "a.chuyenvien", "sai").status_code == 200
    assert not SignInLock.objects.exists()


def test_twenty_failures_from_one_address_lock_it(client: Client, world: World) -> None:
    for i in range(20):
        attempt(client, f"nguoi.{i}", "sai", ip="10.9.9.9")
    assert SignInLock.objects.filter(scope="ip", key="10.9.9.9").exists()
    refused = attempt(client, "b.chuyenvien", PASSWORD, ip="10.9.9.9")
    assert refused.status_code == 429
    assert attempt(client, "b.chuyenvien", PASSWORD, ip="10.9.9.10").status_code == 302


def test_wrong_codes_count_and_lock_end_the_pending_sign_in(client: Client, world: World) -> None:
    TOTPDevice.objects.create(user=world.leader_a, name="Phone", confirmed=True)
    assert attempt(client, "a.lanhdao", PASSWORD)["Location"].startswith(reverse("desk:login_otp"))
    wrong = "000000"
    for _ in range(4):
        assert client.post(reverse("desk:login_otp"), {"code": wrong}).status_code in {302, 400}
    fifth = client.post(reverse("desk:login_otp"), {"code": wrong})
    assert fifth.status_code == 302
    assert fifth["Location"].startswith(reverse("desk:login"))
    assert SignInLock.objects.filter(scope="username", key="a.lanhdao").exists()
    # The pending sign-in is gone: the code page starts over, and so would the password.
    assert client.get(reverse("desk:login_otp"))["Location"].startswith(reverse("desk:login"))
    assert attempt(client, "a.lanhdao", PASSWORD).status_code == 429


def test_failures_are_logged(client: Client, world: World, caplog: Any) -> None:
    with caplog.at_level("WARNING", logger="motcua.desk.auth"):
        attempt(client, "a.chuyenvien", "sai")
    assert "sign-in failed (password) for user name 'a.chuyenvien' from 10.0.0.1" in caplog.text
