"""An applicant who gave neither e-mail nor phone gets no notification; one who gave only a
phone gets only the SMS."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail

from motcua.dossiers.tests.factories import World, applicant, local
from motcua.notifications.models import Notification

AT = local(2026, 11, 24, 9, 0)


@pytest.fixture(autouse=True)
def _both_channels(settings: Any, immediate_tasks: None) -> None:
    settings.MOTCUA_NOTIFICATION_CHANNELS = ["email", "sms"]
    settings.MOTCUA_SMS_URL = "http://127.0.0.1:9/send"  # nobody listens: stays queued


def test_no_contact_no_notification(
    world: World, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        d = world.accepted_birth(at=AT, applicant=applicant(email="", phone=""))
    assert d.state == "accepted"
    assert Notification.objects.count() == 0
    assert mail.outbox == []


def test_phone_only_queues_only_the_sms(
    world: World, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        d = world.accepted_birth(at=AT, applicant=applicant(email=""))
    assert list(
        Notification.objects.values_list("channel", "recipient", "dossier_id", "status")
    ) == [("sms", "0912345678", d.pk, "queued")]
    assert mail.outbox == []
