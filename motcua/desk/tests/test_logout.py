"""Signing out (POST only), and signing out everywhere: the session epoch is part of the
session hash, so every other session of the user ends too."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from motcua.desk.tests.signin import desk_language, shows, sign_in  # noqa: F401 (fixture)
from motcua.dossiers.tests.factories import World
from motcua.org.models import User

PASSWORD = "Đăng-xuất-2026"


def signed_in(client: Client) -> bool:
    return client.get(reverse("desk:inbox")).status_code == 200


def test_sign_out_is_a_post(client: Client, world: World) -> None:
    sign_in(client, world.specialist_a)
    assert client.get(reverse("desk:logout")).status_code == 405
    assert signed_in(client)
    response = client.post(reverse("desk:logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("desk:login")
    assert not signed_in(client)


def test_sign_out_needs_the_csrf_token(world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    sign_in(client, world.specialist_a)
    assert client.post(reverse("desk:logout")).status_code == 403
    assert signed_in(client)


def test_sign_out_everywhere_ends_the_other_sessions_too(world: World) -> None:
    user = world.leader_a
    user.set_password(PASSWORD)
    user.save()
    here, elsewhere = Client(), Client()
    sign_in(here, user)
    sign_in(elsewhere, user)
    assert signed_in(here) and signed_in(elsewhere)
    epoch = User.objects.get(pk=user.pk).session_epoch

    response = here.post(reverse("desk:logout_everywhere"), follow=True)
    assert shows(response, "You have signed out on every device.")
    assert User.objects.get(pk=user.pk).session_epoch == epoch + 1
    assert not signed_in(here)
    assert not signed_in(elsewhere)
    # Signing in again works (with a fresh session hash).
    sign_in(elsewhere, User.objects.get(pk=user.pk))
    assert signed_in(elsewhere)


def test_another_users_sessions_are_not_touched(world: World) -> None:
    mine, theirs = Client(), Client()
    sign_in(mine, world.specialist_a)
    sign_in(theirs, world.specialist_b)
    mine.post(reverse("desk:logout_everywhere"))
    assert signed_in(theirs)


def test_the_session_hash_depends_on_the_epoch(world: World) -> None:
    user = User.objects.get(pk=world.specialist_a.pk)
    before = user.get_session_auth_hash()
    user.session_epoch += 1
    assert user.get_session_auth_hash() != before
    user.session_epoch -= 1
    assert user.get_session_auth_hash() == before


def test_a_session_survives_a_secret_key_rotation(world: World, settings: object) -> None:
    client = Client()
    sign_in(client, world.specialist_a)
    old = settings.SECRET_KEY  # type: ignore[attr-defined]
    settings.SECRET_KEY = "rotated-" + old  # type: ignore[attr-defined]
    settings.SECRET_KEY_FALLBACKS = [old]  # type: ignore[attr-defined]
    assert signed_in(client)


@pytest.mark.parametrize("name", ["desk:logout", "desk:logout_everywhere"])
def test_signing_out_when_not_signed_in_is_harmless(
    client: Client, world: World, name: str
) -> None:
    response = client.post(reverse(name))
    assert response.status_code == 302
    assert response["Location"] == reverse("desk:login")
