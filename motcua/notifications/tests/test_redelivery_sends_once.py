"""Delivering the same dossier event again (a retried task, an operator's re-run) queues
and sends nothing more."""

from __future__ import annotations

from typing import Any

from django.core import mail

from motcua.dossiers.tasks import deliver_event
from motcua.dossiers.tests.factories import World, local
from motcua.notifications.models import Notification

AT = local(2026, 11, 24, 9, 0)


def test_the_same_event_delivered_twice_sends_one_email(
    world: World, settings: Any, immediate_tasks: None, django_capture_on_commit_callbacks: Any
) -> None:
    settings.MOTCUA_NOTIFICATION_CHANNELS = ["email"]
    with django_capture_on_commit_callbacks(execute=True):
        d = world.accepted_birth(at=AT)
    assert len(mail.outbox) == 1
    accept = d.events.get(action="accept")

    with django_capture_on_commit_callbacks(execute=True):
        deliver_event.call(accept.pk)
        deliver_event.call(accept.pk)

    assert len(mail.outbox) == 1
    assert list(Notification.objects.values_list("event_id", "channel", "purpose")) == [
        (accept.pk, "email", "dossier_accepted")
    ]
