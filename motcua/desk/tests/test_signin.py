"""Signing in with a password: a specialist (no second factor), safe ``next`` handling,
CSRF on the form, and accounts that are not officials."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from motcua.desk.tests.signin import desk_language, shows  # noqa: F401 (fixture)
from motcua.dossiers.tests.factories import World
from motcua.org.tests.factories import make_user

PASSWORD = "Mật-khẩu-2026"


@pytest.fixture
def specialist(world: World) -> object:
    user = world.specialist_a
    user.set_password(PASSWORD)
    user.save()
    return user


def test_login_page_has_labelled_fields(client: Client, world: World) -> None:
    response = client.get(reverse("desk:login"))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<label for="id_username">' in html
    assert 'autocomplete="current-password"' in html
    # Not signed in: no quick search, no workspace navigation.
    assert 'id="desk-q"' not in html


def test_specialist_signs_in_with_password_only(client: Client, specialist: object) -> None:
    response = client.post(
        reverse("desk:login"), {"username": "a.chuyenvien", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("desk:inbox")
    inbox = client.get(reverse("desk:inbox"))
    assert inbox.status_code == 200
    assert 'id="desk-q"' in inbox.content.decode()
    assert inbox.wsgi_request.user.username == "a.chuyenvien"


def test_wrong_password_is_refused_without_saying_which_part(
    client: Client, specialist: object
) -> None:
    wrong = client.post(reverse("desk:login"), {"username": "a.chuyenvien", "password": "x"})
    unknown = client.post(reverse("desk:login"), {"username": "nobody", "password": "x"})
    for response in (wrong, unknown):
        assert response.status_code == 200
        assert shows(response, "The user name or the password is not right.")
        assert not response.wsgi_request.user.is_authenticated
    assert wrong.content.decode().count("msg error") == unknown.content.decode().count("msg error")


def test_next_on_this_site_is_followed(client: Client, specialist: object) -> None:
    target = reverse("desk:search") + "?q=abc"
    response = client.post(
        reverse("desk:login"),
        {"username": "a.chuyenvien", "password": PASSWORD, "next": target},
    )
    assert response["Location"] == target


@pytest.mark.parametrize(
    "bad_next", ["https://evil.example/phish", "//evil.example/", "javascript:alert(1)"]
)
def test_next_to_another_site_is_ignored(client: Client, specialist: object, bad_next: str) -> None:
    response = client.post(
        reverse("desk:login"),
        {"username": "a.chuyenvien", "password": PASSWORD, "next": bad_next},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("desk:inbox")


def test_login_form_enforces_csrf(specialist: object) -> None:
    client = Client(enforce_csrf_checks=True)
    refused = client.post(reverse("desk:login"), {"username": "a.chuyenvien", "password": PASSWORD})
    assert refused.status_code == 403
    assert not client.get(reverse("desk:inbox")).wsgi_request.user.is_authenticated

    page = client.get(reverse("desk:login"))
    token = page.cookies["csrftoken"].value
    accepted = client.post(
        reverse("desk:login"),
        {"username": "a.chuyenvien", "password": PASSWORD, "csrfmiddlewaretoken": token},
    )
    assert accepted.status_code == 302
    assert client.get(reverse("desk:inbox")).status_code == 200


def test_account_without_a_role_cannot_use_the_workspace(client: Client, world: World) -> None:
    make_user("citizen", password=PASSWORD)
    response = client.post(reverse("desk:login"), {"username": "citizen", "password": PASSWORD})
    assert response.status_code == 200
    assert shows(response, "This account holds no role in any agency: it cannot use the workspace.")
    assert not client.get(reverse("desk:login")).wsgi_request.user.is_authenticated


def test_inactive_official_cannot_sign_in(client: Client, specialist: object) -> None:
    from motcua.org.models import User

    User.objects.filter(username="a.chuyenvien").update(is_active=False)
    response = client.post(
        reverse("desk:login"), {"username": "a.chuyenvien", "password": PASSWORD}
    )
    assert response.status_code == 200
    assert not response.wsgi_request.user.is_authenticated


def test_workspace_pages_send_anonymous_visitors_to_sign_in(client: Client, world: World) -> None:
    response = client.get(reverse("desk:inbox"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("desk:login") + "?next=")


def test_signed_in_official_visiting_login_goes_to_the_inbox(
    client: Client, specialist: object
) -> None:
    client.post(reverse("desk:login"), {"username": "a.chuyenvien", "password": PASSWORD})
    response = client.get(reverse("desk:login"))
    assert response.status_code == 302
    assert response["Location"] == reverse("desk:inbox")
