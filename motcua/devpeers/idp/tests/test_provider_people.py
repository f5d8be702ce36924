"""The development provider's people cannot use MotCua's desk, and its demo data is
idempotent."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from oauth2_provider.models import get_application_model

from motcua.devpeers.idp.demo import DEMO_PASSWORD, ensure_demo_idp
from motcua.devpeers.idp.models import DemoIdentity

pytestmark = pytest.mark.django_db


def test_demo_idp_is_idempotent(settings: Any) -> None:
    settings.MOTCUA_PUBLIC_URL = "http://portal.example"
    first = ensure_demo_idp()
    again = ensure_demo_idp()
    assert [i.pk for i in first] == [i.pk for i in again]
    assert DemoIdentity.objects.count() == 3
    app = get_application_model().objects.get(client_id=settings.MOTCUA_OIDC_CLIENT_ID)
    assert app.redirect_uris == "http://portal.example/oidc/callback/"
    assert app.skip_authorization
    assert app.algorithm == "RS256"
    mai = DemoIdentity.objects.get(personal_id="008170009012")
    assert mai.email == ""
    assert "email" not in mai.claims()
    assert mai.claims()["address"] == {"formatted": "thôn Khuổi Xoan, xã Thượng Lâm"}


def test_provider_people_cannot_sign_into_the_desk(client: Any) -> None:
    ensure_demo_idp()
    response = client.post(
        reverse("desk:login"),
        {"username": "vneid-008190001234", "password": DEMO_PASSWORD},
    )
    assert "_auth_user_id" not in client.session
    assert response.status_code == 200
    assert 'name="password"' in response.content.decode()  # the form again, signed out


def test_a_citizen_account_cannot_open_the_desk(client: Any) -> None:
    from motcua.citizens.tests.helpers import make_citizen, sign_in_citizen

    sign_in_citizen(client, make_citizen())
    assert client.get(reverse("desk:inbox")).status_code == 403


def test_the_provider_login_page_refuses_a_wrong_password(client: Any) -> None:
    ensure_demo_idp()
    response = client.post(
        reverse("devidp:login"), {"personal_id": "008190001234", "password": "wrong"}
    )
    assert response.status_code == 400
    assert 'aria-describedby="personal_id-error"' in response.content.decode()
    assert "devidp_user" not in client.session
    ok = client.post(
        reverse("devidp:login"), {"personal_id": "008190001234", "password": DEMO_PASSWORD}
    )
    assert ok.status_code == 302
    assert client.session["devidp_user"]
    assert "_auth_user_id" not in client.session
