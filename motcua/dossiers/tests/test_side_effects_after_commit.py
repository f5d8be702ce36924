"""Side effects (notifications, sync) are queued only after the transition commits."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from motcua.dossiers.actors import Actor
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import dossier_accept
from motcua.dossiers.tests.factories import World, local

AT = local(2026, 11, 24, 9, 0)


def test_an_accepted_dossier_queues_one_task_per_event_after_commit(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        d = world.accepted_birth(at=AT)
    # receive + accept: two events, two deliveries waiting for the commit.
    assert len(callbacks) == 2
    assert DBTaskResult.objects.count() == 0
    for callback in callbacks:
        callback()
    queued = list(DBTaskResult.objects.order_by("enqueued_at"))
    assert [t.task_path for t in queued] == ["motcua.dossiers.tasks.deliver_event"] * 2
    event_ids = sorted(t.args_kwargs["args"][0] for t in queued)
    assert event_ids == sorted(d.events.values_list("pk", flat=True))


def test_a_rolled_back_transition_queues_nothing(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    d = world.receive_birth(at=AT)
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        dossier_accept(dossier=d, actor=Actor.official(world.reception_a), at=AT)
        raise RuntimeError("the caller failed after the transition")
    assert callbacks == []
    assert Dossier.objects.get(pk=d.pk).state == "received"
    assert DBTaskResult.objects.count() == 0


# The worker delivering an event that tells the applicant is tested with the notifications
# app (motcua/notifications/tests/test_worker_sends_after_commit.py).
