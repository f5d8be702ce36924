"""Bearer tokens: only a SHA-256 is stored; a wrong, revoked or expired token is a 401."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from django.utils import timezone

from motcua.api.models import ApiToken
from motcua.api.services import api_token_issue, api_token_revoke
from motcua.api.tests.support import assert_problem, get_json

pytestmark = pytest.mark.django_db

ME = "/api/v1/me/"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_the_token_is_stored_only_as_its_sha256(official):
    token, plaintext = api_token_issue(user=official, name="cổng dịch vụ công", days=7)
    assert plaintext.startswith("mct_") and len(plaintext) > 40
    token.refresh_from_db()
    assert token.digest == hashlib.sha256(plaintext.encode()).hexdigest()
    stored = [str(v) for v in ApiToken.objects.values().get(pk=token.pk).values()]
    assert not any(plaintext in value or plaintext[4:] in value for value in stored)
    assert token.expires_at - token.created_at == dt.timedelta(days=7)
    assert token.name == "cổng dịch vụ công"


def test_two_tokens_are_different(official):
    assert (
        api_token_issue(user=official, name="a")[1] != api_token_issue(user=official, name="a")[1]
    )


def test_a_valid_token_signs_in_and_records_its_use(client, official, token):
    body = get_json(client, ME, headers=bearer(token))
    assert body["username"] == "motcua.tiepnhan"
    assert body["full_name"] == "Nguyễn Văn An"
    assert body["agency"]["name"] == "Trung tâm Phục vụ hành chính công UBND xã Tân Trào"
    assert [r["role"] for r in body["roles"]] == ["reception_officer"]
    assert ApiToken.objects.get().last_used_at is not None


def test_the_scheme_name_is_case_insensitive(client, token):
    get_json(client, ME, headers={"Authorization": f"bearer {token}"})


def test_no_credentials_is_a_401_with_www_authenticate(client, official):
    response = client.get(ME)
    assert_problem(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    "header",
    ["Bearer mct_wrong", "Bearer ", "Bearer " + "x" * 500, "Bearer mct_ê"],
)
def test_a_wrong_token_is_a_401(client, token, header):
    response = client.get(ME, headers={"Authorization": header})
    assert_problem(response, 401, "invalid_token")
    assert 'error="invalid_token"' in response["WWW-Authenticate"]


def test_a_revoked_token_is_a_401(client, token):
    api_token_revoke(token=ApiToken.objects.get())
    body = assert_problem(client.get(ME, headers=bearer(token)), 401, "invalid_token")
    assert body["detail"] == "Mã truy cập đã bị thu hồi."


def test_an_expired_token_is_a_401(client, token):
    ApiToken.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    body = assert_problem(client.get(ME, headers=bearer(token)), 401, "invalid_token")
    assert body["detail"] == "Mã truy cập đã hết hạn."
    en = assert_problem(
        client.get(ME, headers={**bearer(token), "Accept-Language": "en"}), 401, "invalid_token"
    )
    assert en["detail"] == "The bearer token has expired."


def test_a_token_without_expiry_works(client, official):
    _token, plaintext = api_token_issue(user=official, name="no expiry", days=None)
    get_json(client, ME, headers=bearer(plaintext))


def test_the_token_of_a_disabled_account_is_a_401(client, official, token):
    official.is_active = False
    official.save()
    assert_problem(client.get(ME, headers=bearer(token)), 401, "invalid_token")


def test_a_bad_token_is_refused_even_with_a_session(client, official):
    client.force_login(official)
    assert get_json(client, ME)["username"] == official.username
    assert_problem(client.get(ME, headers=bearer("mct_wrong")), 401, "invalid_token")


def test_a_bad_token_is_refused_on_public_reads_and_none_is_needed(client, catalog):
    assert_problem(
        client.get("/api/v1/procedures/", headers=bearer("mct_wrong")), 401, "invalid_token"
    )
    get_json(client, "/api/v1/procedures/")


def test_a_valid_token_works_on_public_reads(client, catalog, token):
    get_json(client, "/api/v1/procedures/", headers=bearer(token))


def test_other_schemes_are_not_bearer(client, token):
    response = client.get(ME, headers={"Authorization": "Basic dXNlcjpwYXNz"})
    assert_problem(response, 401, "not_authenticated")


def test_last_used_is_written_at_most_every_few_minutes(client, token):
    get_json(client, ME, headers=bearer(token))
    first = ApiToken.objects.get().last_used_at
    get_json(client, ME, headers=bearer(token))
    assert ApiToken.objects.get().last_used_at == first
