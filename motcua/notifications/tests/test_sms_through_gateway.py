"""SMS go over real HTTP to the development SMS gateway (``live_server``); a gateway that
answers 503 leaves the message queued for a retry, a refusal marks it failed."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from motcua.devpeers.sms.models import FakeSms
from motcua.devpeers.sms.selectors import last_text_to
from motcua.documents.slips import tracking_url
from motcua.dossiers.tests.factories import build_world, local
from motcua.notifications.models import Notification, Status
from motcua.notifications.services import send_code

AT = local(2026, 11, 24, 9, 0)
PHONE = "0912345678"  # the factories' applicant


@pytest.fixture(autouse=True)
def _sms_to_live_gateway(settings: Any, live_server: Any, immediate_tasks: None) -> None:
    settings.MOTCUA_PUBLIC_URL = live_server.url
    settings.MOTCUA_SMS_URL = ""  # the dev gateway of this installation
    settings.MOTCUA_DEV_PEERS = True
    settings.MOTCUA_NOTIFICATION_CHANNELS = ["sms"]
    settings.MOTCUA_DEV_SMS_FAIL = 0


def test_an_accepted_dossier_texts_the_applicant(settings: Any) -> None:
    world = build_world()
    d = world.accepted_birth(at=AT)

    text = last_text_to(PHONE)
    assert text is not None
    assert d.code in text
    assert tracking_url(d) in text
    assert "17:00 27/11/2026" in text
    sms = FakeSms.objects.get()
    assert sms.sender == settings.MOTCUA_SMS_SENDER
    row = Notification.objects.get(dossier=d)
    assert (row.channel, row.recipient, row.status) == ("sms", PHONE, Status.SENT)
    assert row.provider_id == str(sms.pk)


def test_a_gateway_outage_is_retried_later_and_sent_once(settings: Any) -> None:
    settings.MOTCUA_DEV_SMS_FAIL = 503
    before = timezone.now()
    row = send_code(phone=PHONE, text="MotCua: mã 123456", purpose="consent_code")

    row.refresh_from_db()
    assert (row.status, row.attempts) == (Status.QUEUED, 1)
    assert "503" in row.last_error
    assert row.next_attempt_at > before + dt.timedelta(seconds=30)
    assert FakeSms.objects.count() == 0
    # Not due yet: the retry command leaves it alone.
    call_command("notifications-retry", verbosity=0)
    row.refresh_from_db()
    assert row.attempts == 1

    # The gateway is back and the backoff has passed.
    settings.MOTCUA_DEV_SMS_FAIL = 0
    Notification.objects.filter(pk=row.pk).update(
        next_attempt_at=timezone.now() - dt.timedelta(seconds=1)
    )
    call_command("notifications-retry", verbosity=0)
    call_command("notifications-retry", verbosity=0)  # idempotent

    row.refresh_from_db()
    assert (row.status, row.attempts) == (Status.SENT, 2)
    assert row.sent_at is not None
    assert last_text_to(PHONE) == "MotCua: mã 123456"
    assert FakeSms.objects.count() == 1


def test_a_refused_message_is_marked_failed_and_not_retried(settings: Any) -> None:
    row = send_code(phone="0123", text="MotCua: mã 123456", purpose="consent_code")

    row.refresh_from_db()
    assert (row.status, row.attempts) == (Status.FAILED, 1)
    assert "400" in row.last_error and "bad_phone" in row.last_error
    Notification.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
    call_command("notifications-retry", verbosity=0)
    row.refresh_from_db()
    assert (row.status, row.attempts) == (Status.FAILED, 1)
    assert FakeSms.objects.count() == 0


def test_a_wrong_api_key_is_a_permanent_failure(settings: Any) -> None:
    settings.MOTCUA_SMS_URL = f"{settings.MOTCUA_PUBLIC_URL}/dev/sms/api/send"

    from motcua.notifications.channels import OutgoingMessage, PermanentFailure, get

    settings.MOTCUA_SMS_API_KEY = "not-the-gateway-key"
    with pytest.raises(PermanentFailure, match="401"):
        get("sms").send(OutgoingMessage(to=PHONE, body="x"))
    assert FakeSms.objects.count() == 0
