"""A channel that breaks, or an outbox that cannot be written, never undoes nor blocks the
dossier transition that caused the message."""

from __future__ import annotations

from typing import Any, ClassVar

import pytest
from django.db import DatabaseError

from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.factories import World, local
from motcua.notifications import channels
from motcua.notifications.channels.base import AddressKind, Channel, OutgoingMessage
from motcua.notifications.models import Notification, Status

AT = local(2026, 11, 24, 9, 0)


class BrokenChannel(Channel):
    key = "broken"
    address_kind: ClassVar[AddressKind] = "email"

    def send(self, message: OutgoingMessage) -> str:
        raise RuntimeError("the provider library crashed")


@pytest.fixture
def broken(settings: Any, immediate_tasks: None) -> None:
    channels.register(BrokenChannel)
    settings.MOTCUA_NOTIFICATION_CHANNELS = ["broken"]


def test_a_crashing_channel_leaves_the_dossier_accepted_and_the_message_queued(
    world: World, broken: None, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        d = world.accepted_birth(at=AT)

    assert Dossier.objects.get(pk=d.pk).state == "accepted"
    row = Notification.objects.get(dossier=d)
    assert (row.status, row.attempts) == (Status.QUEUED, 1)
    assert "RuntimeError" in row.last_error


def test_an_outbox_that_cannot_be_written_does_not_raise_into_the_caller(
    world: World,
    settings: Any,
    immediate_tasks: None,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.MOTCUA_NOTIFICATION_CHANNELS = ["email"]

    def fail(*args: Any, **kwargs: Any) -> Any:
        raise DatabaseError("disk full")

    monkeypatch.setattr(Notification.objects, "get_or_create", fail)
    with django_capture_on_commit_callbacks(execute=True):
        d = world.accepted_birth(at=AT)

    d.refresh_from_db()
    assert d.state == "accepted"
    assert d.events.filter(action="accept").count() == 1
    assert Notification.objects.count() == 0
