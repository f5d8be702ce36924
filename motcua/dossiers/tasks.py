"""Background work after a dossier event commits: tell the applicant, feed integrations.

Subscribers are plain callables registered per action; the notification and national-sync
plugins register theirs. A failing subscriber raises, so the task is marked failed and
can be retried by the operator; the transition itself has long committed.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable

from django.core.mail import send_mail
from django.utils import timezone, translation
from django.utils.translation import gettext as _
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


_NOTIFY = {
    "accept": lambda: _("Your dossier %(code)s was accepted. Appointment: %(due)s."),
    "ask_to_complete": lambda: _("Your dossier %(code)s must be completed: %(items)s."),
    "request_supplement": lambda: _("Dossier %(code)s needs more papers: %(items)s."),
    "request_payment": lambda: _("Dossier %(code)s: please pay the amount due."),
    "sign_result": lambda: _("The result of dossier %(code)s is ready."),
    "finish_group": lambda: _("The result of dossier %(code)s is ready."),
    "refuse": lambda: _("Dossier %(code)s was refused: %(reason)s"),
}


@subscribe(*_NOTIFY)
def email_applicant(event: DossierEvent) -> None:
    """Tell the applicant by e-mail, in Vietnamese, when they gave an address."""
    dossier = event.dossier
    if not dossier.applicant_email or dossier.parent_id is not None:
        return
    with translation.override("vi"):
        due = (
            timezone.localtime(dossier.due_at).strftime("%H:%M %d/%m/%Y") if dossier.due_at else "—"
        )
        body = _NOTIFY[event.action]() % {
            "code": dossier.code,
            "due": due,
            "items": "; ".join(event.data.get("items", [])),
            "reason": event.reason,
        }
        send_mail(
            subject=_("MotCua — dossier %(code)s") % {"code": dossier.code},
            message=body,
            from_email=None,
            recipient_list=[dossier.applicant_email],
        )
