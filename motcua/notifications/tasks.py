"""Background sending of the outbox (run by ``motcua db_worker``)."""

from __future__ import annotations

from django_tasks import task

from motcua.notifications.services import deliver


@task()
def send_notification(notification_id: int) -> str:
    """Send one queued notification; a temporary failure schedules the next attempt."""
    return deliver(notification_id)
