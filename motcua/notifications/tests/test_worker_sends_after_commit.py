"""The database worker (`motcua db_worker`) runs the dossier event, which queues the message,
and then sends it (moved here from the dossiers app's side-effect tests)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from motcua.dossiers.tests.factories import build_world, local
from motcua.notifications.models import Notification, Status

AT = local(2026, 11, 24, 9, 0)


@pytest.mark.django_db(transaction=True)
def test_the_worker_tells_the_applicant_by_email(settings: Any) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.MOTCUA_NOTIFICATION_CHANNELS = ["email"]
    world = build_world()
    d = world.accepted_birth(at=AT)
    assert DBTaskResult.objects.filter(status="READY").count() == 2
    assert mail.outbox == []  # nothing is sent inside the transition

    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)

    paths = sorted(DBTaskResult.objects.filter(status="SUCCESSFUL").values_list("task_path"))
    assert paths == [
        ("motcua.dossiers.tasks.deliver_event",),
        ("motcua.dossiers.tasks.deliver_event",),
        ("motcua.notifications.tasks.send_notification",),
    ]
    # Only the acceptance is worth a message; the reception itself is not.
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["anh@example.vn"]
    assert d.code in message.body
    assert "17:00 27/11/2026" in message.body  # the appointment, in Vietnam time
    assert Notification.objects.get().status == Status.SENT
