"""The development SMS gateway checks its key and input, keeps what it accepts, can be
switched to fail, and lists the latest messages on a plain page."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from motcua.devpeers.sms.models import FakeSms
from motcua.devpeers.sms.selectors import last_text_to

URL = "/dev/sms/api/send"


@pytest.fixture(autouse=True)
def _gateway(settings: Any) -> None:
    settings.MOTCUA_DEV_SMS_API_KEY = "k-test"
    settings.MOTCUA_DEV_SMS_FAIL = 0


def _send(client: Client, body: Any, key: str = "k-test") -> Any:
    return client.post(
        URL,
        data=json.dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Bearer {key}"},
    )


def test_a_valid_message_is_stored_and_answered_with_its_id(client: Client, db: None) -> None:
    response = _send(client, {"to": "0912345678", "text": "Mã: 123456", "sender": "MOTCUA"})
    assert response.status_code == 200
    sms = FakeSms.objects.get()
    assert response.json() == {"id": str(sms.pk)}
    assert (sms.to, sms.text, sms.sender) == ("0912345678", "Mã: 123456", "MOTCUA")
    assert last_text_to("0912345678") == "Mã: 123456"
    assert last_text_to("0987654321") is None


@pytest.mark.parametrize(
    ("body", "key", "status", "error"),
    [
        ({"to": "0912345678", "text": "x"}, "wrong", 401, "unauthorized"),
        ({"to": "12345", "text": "x"}, "k-test", 400, "bad_phone"),
        ({"to": "0912345678", "text": "   "}, "k-test", 400, "empty_text"),
        (["not", "an", "object"], "k-test", 400, "bad_json"),
    ],
)
def test_bad_requests_are_refused_and_nothing_is_stored(
    client: Client, db: None, body: Any, key: str, status: int, error: str
) -> None:
    response = _send(client, body, key=key)
    assert response.status_code == status
    assert response.json()["error"] == error
    assert FakeSms.objects.count() == 0


def test_the_fail_switch_answers_the_chosen_status(client: Client, db: None, settings: Any) -> None:
    settings.MOTCUA_DEV_SMS_FAIL = 503
    response = _send(client, {"to": "0912345678", "text": "x"})
    assert response.status_code == 503
    assert FakeSms.objects.count() == 0


def test_the_inbox_page_lists_the_latest_messages(client: Client, db: None) -> None:
    FakeSms.objects.create(to="0912345678", text="Mã đồng ý: 654321", sender="MOTCUA")
    response = client.get("/dev/sms/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Mã đồng ý: 654321" in page
    assert "0912345678" in page
    assert "<h1>Development SMS gateway</h1>" in page
