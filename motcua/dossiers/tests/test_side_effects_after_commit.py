"""Side effects (notifications, sync) are queued only after the transition commits, and the
database worker (`motcua db_worker`) delivers them."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
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


@pytest.mark.django_db(transaction=True)
def test_the_worker_tells_the_applicant_by_email(settings: Any) -> None:
    from motcua.dossiers.tests.factories import build_world

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    world = build_world()
    d = world.accepted_birth(at=AT)
    assert DBTaskResult.objects.filter(status="READY").count() == 2
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
    assert DBTaskResult.objects.filter(status="SUCCESSFUL").count() == 2
    # Only the acceptance is worth a message; the reception itself is not.
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["anh@example.vn"]
    assert d.code in message.body
    assert "17:00 27/11/2026" in message.body  # the appointment, in Vietnam time
