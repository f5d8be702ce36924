"""The browser session signs in too; its unsafe requests must carry the CSRF token."""

from __future__ import annotations

import json

import pytest
from django.conf import settings
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client

from motcua.api.auth import AUTH, OPTIONAL_AUTH, session
from motcua.api.tests.support import assert_problem, get_json

pytestmark = [pytest.mark.django_db, pytest.mark.urls("motcua.api.tests.urls_for_tests")]

ECHO = "/api-test/echo/"


@pytest.fixture
def browser(official) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(official)
    return client


def post(client, url=ECHO, **kwargs):
    return client.post(url, json.dumps({"name": "An"}), content_type="application/json", **kwargs)


def test_a_session_reads_without_csrf(browser):
    assert get_json(browser, "/api/v1/me/")["username"] == "motcua.tiepnhan"


def test_an_unsafe_request_without_the_csrf_token_is_a_403(browser):
    body = assert_problem(post(browser), 403, "csrf_failed")
    assert "X-CSRFToken" in body["detail"]


def test_a_wrong_csrf_token_is_a_403(browser):
    browser.cookies[settings.CSRF_COOKIE_NAME] = _get_new_csrf_string()
    response = post(browser, headers={"X-CSRFToken": _get_new_csrf_string()})
    assert_problem(response, 403, "csrf_failed")


def test_an_unsafe_request_with_the_csrf_token_passes(browser):
    secret = _get_new_csrf_string()
    browser.cookies[settings.CSRF_COOKIE_NAME] = secret
    response = post(browser, headers={"X-CSRFToken": secret})
    assert response.status_code == 200, response.content
    assert response.json()["username"] == "motcua.tiepnhan"


def test_the_docs_page_hands_out_a_csrf_token_that_works(browser):
    page = browser.get("/api/docs")
    token = page.content.decode().split('data-csrf-token="')[1].split('"')[0]
    assert token
    response = post(browser, headers={"X-CSRFToken": token})
    assert response.status_code == 200, response.content


def test_a_bearer_token_needs_no_csrf(official, token):
    client = Client(enforce_csrf_checks=True)
    response = post(client, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.content


def test_anonymous_unsafe_request_is_a_401_not_a_csrf_failure():
    client = Client(enforce_csrf_checks=True)
    assert_problem(post(client), 401, "not_authenticated")


def test_the_auth_lists():
    assert AUTH[1] is session and session.csrf is True
    assert OPTIONAL_AUTH[:2] == AUTH
