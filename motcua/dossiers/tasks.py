"""Background work after a dossier event commits: tell the applicant, feed integrations.

Subscribers are plain callables registered per action; the notification and national-sync
plugins register theirs. A failing subscriber raises, so the task is marked failed and
can be retried by the operator; the transition itself has long committed.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable

from django_tasks import task

from motcua.dossiers.models import DossierEvent

logger = logging.getLogger(__name__)
Subscriber = Callable[[DossierEvent], None]
_subscribers: dict[str, list[Subscriber]] = defaultdict(list)


def subscribe(*actions: str) -> Callable[[Subscriber], Subscriber]:
    """Register a callable run after commit for each event of ``actions`` ("*" = all)."""

    def register(fn: Subscriber) -> Subscriber:
        for action in actions:
            if fn not in _subscribers[action]:
                _subscribers[action].append(fn)
        return fn

    return register


@task()
def deliver_event(event_id: int) -> int:
    """Run the subscribers of one committed event; returns how many ran."""
    event = DossierEvent.objects.select_related("dossier").filter(pk=event_id).first()
    if event is None:
        logger.warning("event %s vanished before delivery", event_id)
        return 0
    ran = 0
    for fn in [*_subscribers[event.action], *_subscribers["*"]]:
        fn(event)
        ran += 1
    return ran


# The applicant is told by the notifications app (motcua/notifications/subscribers.py),
# which subscribes to the events worth a message when the app is ready.
