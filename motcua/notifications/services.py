"""Telling people things: write outbox rows, send them after commit, retry what failed.

``notify`` and ``send_code`` only write ``Notification`` rows and queue their sending for
after the caller's commit; ``deliver`` (run by the ``send_notification`` task) talks to the
channel outside any transaction, so a slow or failing provider never holds a lock nor
undoes a dossier transition.
"""

from __future__ import annotations

import datetime as dt
import logging
from functools import partial
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from motcua.dossiers.models import Dossier, DossierEvent
from motcua.notifications import channels
from motcua.notifications.channels import OutgoingMessage, PermanentFailure, TemporaryFailure
from motcua.notifications.models import Notification, Purpose, Status

logger = logging.getLogger(__name__)
CODE_REMOVED = "[one-time code removed once sent]"

MAX_ATTEMPTS = 5
# Wait after the n-th failed attempt (n = 1..4); the fifth failure is final.
BACKOFF = (
    dt.timedelta(minutes=1),
    dt.timedelta(minutes=5),
    dt.timedelta(minutes=30),
    dt.timedelta(hours=2),
)
# A claimed message is not claimed again for this long (a worker that died mid-send).
LEASE = dt.timedelta(minutes=10)
# A one-time code is worth sending only while it is valid (consent codes live 10 minutes).
CODE_SEND_WINDOW = dt.timedelta(minutes=10)


def notify(
    *,
    purpose: str,
    dossier: Dossier | None = None,
    event: DossierEvent | None = None,
    email: str = "",
    phone: str = "",
    subject: str,
    body: str,
    sms_text: str = "",
) -> list[Notification]:
    """Queue ``body`` to ``email`` and ``sms_text`` (or ``body``) to ``phone`` through the
    enabled channels; sending starts after the caller commits.

    With ``event``, each (event, channel, purpose) is queued once: delivering the same event
    again returns no new row. Never raises: a failure is logged and nothing is queued.
    """
    addresses = {"email": email.strip(), "phone": phone.strip()}
    created: list[Notification] = []
    try:
        with transaction.atomic():  # a savepoint: the caller's transaction survives a failure
            for channel in channels.enabled():
                address = addresses.get(channel.address_kind, "")
                if not address:
                    continue
                fields = {
                    "recipient": address,
                    "subject": subject[:255],
                    "body": sms_text if channel.address_kind == "phone" and sms_text else body,
                    "dossier": dossier if dossier is not None else getattr(event, "dossier", None),
                }
                if event is not None:
                    row, is_new = Notification.objects.get_or_create(
                        event=event, channel=channel.key, purpose=purpose, defaults=fields
                    )
                    if not is_new:
                        continue
                else:
                    row = Notification.objects.create(
                        channel=channel.key, purpose=purpose, **fields
                    )
                created.append(row)
    except Exception:
        logger.exception("could not queue %s notifications", purpose)
        return []
    for row in created:
        transaction.on_commit(partial(_enqueue, row.pk), robust=True)
    return created


def send_code(*, phone: str, text: str, purpose: str) -> Notification:
    """Queue a one-time code by SMS to ``phone`` (whatever channels are enabled for news)."""
    row = Notification.objects.create(
        channel=channels.get("sms").key, recipient=phone.strip(), body=text, purpose=purpose
    )
    transaction.on_commit(partial(_enqueue, row.pk), robust=True)
    return row


def _enqueue(notification_id: int, run_after: dt.datetime | None = None) -> None:
    from motcua.notifications.tasks import send_notification

    try:
        if run_after is None:
            send_notification.enqueue(notification_id)
        elif send_notification.get_backend().supports_defer:
            send_notification.using(run_after=run_after).enqueue(notification_id)
        # Otherwise (the immediate backend) `motcua notifications-retry` sends it when due.
    except Exception:
        logger.exception("could not queue the sending of notification %s", notification_id)


def deliver(notification_id: int) -> str:
    """Send one due queued notification; returns its status afterwards ("skipped" when it
    was not due, already sent or being sent by another worker)."""
    now = timezone.now()
    claimed = Notification.objects.filter(
        pk=notification_id, status=Status.QUEUED, next_attempt_at__lte=now
    ).update(attempts=F("attempts") + 1, next_attempt_at=now + LEASE)
    if not claimed:
        return "skipped"
    n = Notification.objects.get(pk=notification_id)
    message = OutgoingMessage(to=n.recipient, subject=n.subject, body=n.body)
    try:
        provider_id = channels.get(n.channel).send(message)
    except (PermanentFailure, KeyError) as e:
        error = str(e) if isinstance(e, PermanentFailure) else f"unknown channel {n.channel!r}"
        return _failed(n, error)
    except TemporaryFailure as e:
        return _retry_later(n, str(e))
    except Exception as e:
        logger.exception("notification %s: the %s channel broke", n.pk, n.channel)
        return _retry_later(n, f"{type(e).__name__}: {e}")
    sent: dict[str, Any] = {}
    if n.purpose == Purpose.CONSENT_CODE:
        # The code is the citizen's consent: once on its way, the outbox keeps no copy.
        sent["body"] = CODE_REMOVED
    Notification.objects.filter(pk=n.pk).update(
        status=Status.SENT,
        sent_at=timezone.now(),
        provider_id=provider_id[:255],
        last_error="",
        **sent,
    )
    return Status.SENT


def _failed(n: Notification, error: str) -> str:
    logger.warning("notification %s to %s failed for good: %s", n.pk, n.recipient, error)
    redacted = {"body": CODE_REMOVED} if n.purpose == Purpose.CONSENT_CODE else {}
    Notification.objects.filter(pk=n.pk).update(status=Status.FAILED, last_error=error, **redacted)
    return Status.FAILED


def _retry_later(n: Notification, error: str) -> str:
    if n.attempts >= MAX_ATTEMPTS:
        return _failed(n, error)
    when = timezone.now() + BACKOFF[min(n.attempts, len(BACKOFF)) - 1]
    if n.purpose == Purpose.CONSENT_CODE and when > n.created_at + CODE_SEND_WINDOW:
        return _failed(n, f"{error} (the code expires before the next attempt)")
    logger.info(
        "notification %s: attempt %s failed (%s), next at %s", n.pk, n.attempts, error, when
    )
    Notification.objects.filter(pk=n.pk).update(next_attempt_at=when, last_error=error)
    _enqueue(n.pk, run_after=when)
    return Status.QUEUED


def retry_due(*, now: dt.datetime | None = None) -> int:
    """Queue the sending of every queued notification that is due; returns how many.

    Idempotent: a notification queued twice is sent once (``deliver`` claims it first).
    """
    now = now or timezone.now()
    due = list(
        Notification.objects.filter(status=Status.QUEUED, next_attempt_at__lte=now)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)
    )
    for pk in due:
        _enqueue(pk)
    return len(due)
