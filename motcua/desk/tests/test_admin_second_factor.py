"""The Django admin sits behind the desk's sign-in and its second factor."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from motcua.desk.tests.signin import sign_in
from motcua.org.tests.factories import make_user


@pytest.mark.django_db
def test_a_password_only_session_cannot_open_the_admin(client: Client) -> None:
    root = make_user("root", is_superuser=True, is_staff=True)
    client.force_login(root)  # password accepted, no one-time code yet
    response = client.get(reverse("admin:index"), follow=True)
    final, _status = response.redirect_chain[-1]
    assert final.startswith(reverse("desk:login"))


@pytest.mark.django_db
def test_the_admin_login_page_is_the_desk_sign_in(client: Client) -> None:
    response = client.get(reverse("admin:login"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("desk:login"))
    # The desk's sign-in serves the form, with the admin to come back to.
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert b'name="username"' in page.content


@pytest.mark.django_db
def test_with_the_code_confirmed_the_admin_opens(client: Client) -> None:
    root = make_user("root", is_superuser=True, is_staff=True)
    sign_in(client, root)
    assert client.get(reverse("admin:index")).status_code == 200
