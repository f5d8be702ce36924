"""Accepting a dossier e-mails the applicant over real SMTP (a local aiosmtpd sink)."""

from __future__ import annotations

from typing import Any

import pytest

from motcua.documents.slips import tracking_url
from motcua.dossiers.tests.factories import World, local
from motcua.notifications.models import Notification, Status
from motcua.notifications.services import notify
from motcua.notifications.tests.sinks import SmtpSink, text_of

AT = local(2026, 11, 24, 9, 0)


@pytest.fixture(autouse=True)
def _email_only(settings: Any, immediate_tasks: None) -> None:
    settings.MOTCUA_NOTIFICATION_CHANNELS = ["email"]
    settings.DEFAULT_FROM_EMAIL = "MotCua Tuyên Quang <no-reply@motcua.test>"


def test_an_accepted_dossier_sends_one_email_with_code_link_and_appointment(
    world: World, smtp_sink: SmtpSink, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        d = world.accepted_birth(at=AT)

    assert len(smtp_sink.received) == 1  # the reception itself is not worth a message
    recipients, message = smtp_sink.received[0]
    assert recipients == ["anh@example.vn"]
    assert message["To"] == "anh@example.vn"
    assert "no-reply@motcua.test" in message["From"]
    assert d.code in message["Subject"]
    body = text_of(message)
    assert d.code in body
    assert tracking_url(d) in body
    assert "17:00 27/11/2026" in body  # the appointment, in Vietnam time
    assert d.procedure_version is not None
    assert d.procedure_version.name in body  # Vietnamese letters survive the trip

    row = Notification.objects.get(dossier=d)
    assert (row.channel, row.purpose, row.status, row.attempts) == (
        "email",
        "dossier_accepted",
        Status.SENT,
        1,
    )
    assert row.provider_id == message["Message-ID"]
    assert row.event is not None and row.event.action == "accept"


def test_a_refused_recipient_marks_the_notification_failed(
    db: None, smtp_sink: SmtpSink, django_capture_on_commit_callbacks: Any
) -> None:
    smtp_sink.refuse = True
    with django_capture_on_commit_callbacks(execute=True):
        [row] = notify(purpose="dossier_accepted", email="nobody@example.vn", subject="S", body="B")
    row.refresh_from_db()
    assert row.status == Status.FAILED
    assert "550" in row.last_error
    assert smtp_sink.received == []


def test_an_unreachable_mail_server_is_a_temporary_failure(
    db: None, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from motcua.notifications.tests.sinks import free_port

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = free_port()  # nobody listens there
    with django_capture_on_commit_callbacks(execute=True):
        [row] = notify(purpose="dossier_accepted", email="anh@example.vn", subject="S", body="B")
    row.refresh_from_db()
    assert (row.status, row.attempts) == (Status.QUEUED, 1)
    assert row.last_error
