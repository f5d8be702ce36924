"""The whole OpenID sign-in over real HTTP, against the development provider."""

from __future__ import annotations

import logging
from typing import Any

import pytest
import requests
from django.urls import reverse

from motcua.citizens.models import Citizen
from motcua.citizens.tests.oidc_flow import GIANG_ID, Browser, configure, query

pytestmark = pytest.mark.django_db(transaction=True)


def test_discovery_names_the_configured_issuer(live_server: Any, settings: Any) -> None:
    issuer = configure(settings, live_server)
    document = requests.get(f"{issuer}/.well-known/openid-configuration", timeout=20).json()
    assert document["issuer"] == issuer
    assert document["authorization_endpoint"] == f"{issuer}/authorize/"
    assert "S256" in document["code_challenge_methods_supported"]
    assert "personal_id" in document["scopes_supported"]


def test_sign_in_creates_the_citizen_from_the_id_token(live_server: Any, settings: Any) -> None:
    issuer = configure(settings, live_server)
    browser = Browser.open(live_server.url)

    authorize = browser.start("/thu-tuc/")
    params = query(authorize)
    assert authorize.startswith(f"{issuer}/authorize/?")
    assert params["response_type"] == "code"
    assert params["code_challenge_method"] == "S256"
    assert len(params["code_challenge"]) == 43  # base64url SHA-256, no padding
    assert params["state"] and params["nonce"]
    assert set(params["scope"].split()) >= {"openid", "profile", "phone", "email", "personal_id"}
    assert params["redirect_uri"] == f"{live_server.url}/oidc/callback/"

    done = browser.get(browser.provider_sign_in(authorize))
    assert done.status_code == 302
    assert done.headers["Location"] == "/thu-tuc/"

    citizen = Citizen.objects.select_related("user").get()
    assert citizen.issuer == issuer
    assert citizen.personal_id == GIANG_ID
    assert citizen.full_name == "Đặng Thị Hương Giang"
    assert citizen.birth_date.isoformat() == "1990-05-12"
    assert citizen.phone == "0912345678"
    assert citizen.email == "giang@example.vn"
    assert citizen.address == "Tổ 3, phường Minh Xuân"
    assert citizen.user.username == f"citizen-{GIANG_ID}"
    assert not citizen.user.has_usable_password()

    session = browser.session_store()
    assert session["_auth_user_id"] == str(citizen.user.pk)
    assert session["identity"]["method"] == "oidc"
    assert session["identity"]["issuer"] == issuer
    assert session["identity"]["verified_at"].startswith(str(citizen.verified_at.year))

    home = browser.get("/")
    assert "Đặng Thị Hương Giang" in home.text
    assert 'action="/dang-xuat/"' in home.text


def test_signing_in_again_updates_the_same_account(live_server: Any, settings: Any) -> None:
    configure(settings, live_server)
    Browser.open(live_server.url).sign_in()
    first = Citizen.objects.get()
    Browser.open(live_server.url).sign_in()
    again = Citizen.objects.get()
    assert again.pk == first.pk
    assert again.verified_at > first.verified_at


def test_a_tampered_state_is_refused(live_server: Any, settings: Any, caplog: Any) -> None:
    configure(settings, live_server)
    browser = Browser.open(live_server.url)
    callback = browser.provider_sign_in(browser.start())
    params = query(callback)
    with caplog.at_level(logging.WARNING, logger="motcua.citizens"):
        forged = browser.get(f"/oidc/callback/?code={params['code']}&state=forged{params['state']}")
        missing = browser.get(f"/oidc/callback/?code={params['code']}")
    assert forged.status_code == 400
    assert missing.status_code == 400
    assert "Sign-in failed" in forged.text or "Đăng nhập" in forged.text
    assert "missing or unknown state" in caplog.text
    assert not Citizen.objects.exists()
    assert "_auth_user_id" not in browser.session_store()


def test_a_replayed_callback_is_refused(live_server: Any, settings: Any) -> None:
    configure(settings, live_server)
    browser = Browser.open(live_server.url)
    callback = browser.provider_sign_in(browser.start())
    assert browser.get(callback).status_code == 302
    assert Citizen.objects.count() == 1

    assert browser.get(callback).status_code == 400  # state used up
    stranger = Browser.open(live_server.url)
    replay = stranger.get(callback)
    assert replay.status_code == 400
    assert "_auth_user_id" not in stranger.session_store()


def alter_stored_state(browser: Browser, **data: str) -> None:
    """Change what this session remembers of the sign-in it started (state data)."""
    session = browser.session_store()
    key = next(k for k, _v in session.items() if k.startswith("_state_"))
    state = session[key]
    state["data"].update(data)
    session[key] = state
    session.save()


def test_a_wrong_nonce_is_refused(live_server: Any, settings: Any, caplog: Any) -> None:
    configure(settings, live_server)
    browser = Browser.open(live_server.url)
    authorize = browser.start()
    # The provider puts the nonce it was sent into the ID token; this session expects another.
    alter_stored_state(browser, nonce="not-the-nonce-that-was-sent")

    callback = browser.provider_sign_in(authorize)
    with caplog.at_level(logging.WARNING, logger="motcua.citizens"):
        response = browser.get(callback)
    assert response.status_code == 400
    assert "nonce" in caplog.text
    assert not Citizen.objects.exists()
    assert "_auth_user_id" not in browser.session_store()


def test_the_provider_sign_in_does_not_sign_into_motcua(live_server: Any, settings: Any) -> None:
    configure(settings, live_server)
    browser = Browser.open(live_server.url)
    browser.provider_sign_in(browser.start("/"))  # signed in at the provider, callback not followed

    session = browser.session_store()
    assert session.get("devidp_user")
    assert "_auth_user_id" not in session
    desk = browser.get("/desk/")
    assert desk.status_code == 302
    assert "/desk/login" in desk.headers["Location"] or "dang-nhap" in desk.headers["Location"]
    home = browser.get("/")
    assert "Đặng Thị Hương Giang" not in home.text
    assert 'href="/dang-nhap/' in home.text
    mine = browser.get(reverse("portal:my_dossiers"))
    assert mine.status_code == 302
    assert mine.headers["Location"].startswith("/dang-nhap/?next=")


def test_logout_signs_the_citizen_out(live_server: Any, settings: Any) -> None:
    configure(settings, live_server)
    browser = Browser.open(live_server.url)
    browser.sign_in()
    home = browser.get("/")
    assert "Đặng Thị Hương Giang" in home.text

    assert browser.get("/dang-xuat/").status_code == 405  # POST only
    token = browser.http.cookies["csrftoken"]
    out = browser.post("/dang-xuat/", {"csrfmiddlewaretoken": token})
    assert out.status_code == 302
    assert out.headers["Location"] == "/"
    home = browser.get("/")
    assert "Đặng Thị Hương Giang" not in home.text
    assert 'href="/dang-nhap/' in home.text


def test_a_disabled_account_is_not_signed_in(live_server: Any, settings: Any) -> None:
    configure(settings, live_server)
    Browser.open(live_server.url).sign_in()
    citizen = Citizen.objects.select_related("user").get()
    citizen.user.is_active = False
    citizen.user.save()

    browser = Browser.open(live_server.url)
    response = browser.sign_in()
    assert response.status_code == 400
    assert "_auth_user_id" not in browser.session_store()


def test_a_token_without_a_valid_personal_id_is_refused(
    live_server: Any, settings: Any, caplog: Any
) -> None:
    from motcua.devpeers.idp.models import DemoIdentity

    configure(settings, live_server)
    DemoIdentity.objects.filter(personal_id=GIANG_ID).update(personal_id="999190001234")
    browser = Browser.open(live_server.url)
    callback = browser.provider_sign_in(browser.start(), personal_id="999190001234")
    with caplog.at_level(logging.WARNING, logger="motcua.citizens"):
        response = browser.get(callback)
    assert response.status_code == 400
    assert "999" in response.text  # the message names the digits at fault
    assert "personal_id" in caplog.text
    assert "999190001234" not in caplog.text  # personal data stays out of the log
    assert not Citizen.objects.exists()
    assert "_auth_user_id" not in browser.session_store()


def test_an_id_token_from_another_issuer_is_refused(
    live_server: Any, settings: Any, caplog: Any
) -> None:
    configure(settings, live_server)
    browser = Browser.open(live_server.url)
    authorize = browser.start()  # discovery read: the configured issuer
    # The provider now signs ID tokens (with its real key) as some other issuer.
    settings.OAUTH2_PROVIDER = {
        **settings.OAUTH2_PROVIDER,
        "OIDC_ISS_ENDPOINT": "https://other-idp.example/o",
    }
    callback = browser.provider_sign_in(authorize)
    with caplog.at_level(logging.WARNING, logger="motcua.citizens"):
        response = browser.get(callback)
    assert response.status_code == 400
    assert "Invalid claim: 'iss'" in caplog.text
    assert not Citizen.objects.exists()
    assert "_auth_user_id" not in browser.session_store()


def test_the_provider_checks_the_pkce_verifier(
    live_server: Any, settings: Any, caplog: Any
) -> None:
    configure(settings, live_server)
    browser = Browser.open(live_server.url)
    authorize = browser.start()
    alter_stored_state(browser, code_verifier="x" * 50)  # not the one behind the challenge
    callback = browser.provider_sign_in(authorize)
    with caplog.at_level(logging.WARNING, logger="motcua.citizens"):
        response = browser.get(callback)
    assert response.status_code == 400
    assert "token endpoint refused" in caplog.text
    assert not Citizen.objects.exists()
