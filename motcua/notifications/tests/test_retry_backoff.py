"""Temporary failures back off and give up after five attempts; a sent message is never
sent again."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

import pytest
from django.utils import timezone

from motcua.notifications import channels
from motcua.notifications.channels.base import (
    AddressKind,
    Channel,
    OutgoingMessage,
    TemporaryFailure,
)
from motcua.notifications.models import Notification, Status
from motcua.notifications.services import MAX_ATTEMPTS, deliver, notify

SENT: list[OutgoingMessage] = []


class FlakyChannel(Channel):
    key = "flaky"
    address_kind: ClassVar[AddressKind] = "phone"
    failures_left: ClassVar[int] = 0

    def send(self, message: OutgoingMessage) -> str:
        if FlakyChannel.failures_left:
            FlakyChannel.failures_left -= 1
            raise TemporaryFailure("HTTP 503")
        SENT.append(message)
        return f"id-{len(SENT)}"


@pytest.fixture(autouse=True)
def flaky(settings: Any) -> None:
    channels.register(FlakyChannel)
    settings.MOTCUA_NOTIFICATION_CHANNELS = ["flaky"]
    SENT.clear()


def _queue() -> Notification:
    [row] = notify(purpose="payment_requested", phone="0912345678", subject="", body="Pay")
    return row


def _time_passes(row: Notification) -> None:
    Notification.objects.filter(pk=row.pk).update(
        next_attempt_at=timezone.now() - dt.timedelta(seconds=1)
    )


def test_each_failure_waits_longer_and_the_fifth_is_final(db: None) -> None:
    FlakyChannel.failures_left = 99
    row = _queue()
    waits = []
    for attempt in range(1, MAX_ATTEMPTS + 1):
        start = timezone.now()
        status = deliver(row.pk)
        row.refresh_from_db()
        assert row.attempts == attempt
        if attempt < MAX_ATTEMPTS:
            assert status == Status.QUEUED
            waits.append(row.next_attempt_at - start)
            _time_passes(row)
    assert status == Status.FAILED
    assert row.status == Status.FAILED and row.last_error == "HTTP 503"
    assert waits == sorted(waits) and waits[0] >= dt.timedelta(seconds=59)
    assert SENT == []


def test_not_due_or_already_sent_is_skipped(db: None) -> None:
    FlakyChannel.failures_left = 1
    row = _queue()
    assert deliver(row.pk) == Status.QUEUED
    assert deliver(row.pk) == "skipped"  # the backoff has not passed
    _time_passes(row)
    assert deliver(row.pk) == Status.SENT
    assert deliver(row.pk) == "skipped"
    row.refresh_from_db()
    assert (row.status, row.attempts, row.provider_id) == (Status.SENT, 2, "id-1")
    assert [m.body for m in SENT] == ["Pay"]


def test_the_database_queue_holds_the_next_attempt_until_it_is_due(db: None) -> None:
    from django_tasks_db.models import DBTaskResult

    FlakyChannel.failures_left = 1
    row = _queue()
    assert deliver(row.pk) == Status.QUEUED
    row.refresh_from_db()
    [retry] = DBTaskResult.objects.filter(
        task_path="motcua.notifications.tasks.send_notification", status="READY"
    )
    assert retry.args_kwargs["args"] == [row.pk]
    assert retry.run_after == row.next_attempt_at


def test_a_consent_code_is_not_retried_past_its_life_and_leaves_no_copy(db: None) -> None:
    FlakyChannel.failures_left = 99
    [row] = notify(purpose="consent_code", phone="0912345678", subject="", body="Mã đồng ý: 482915")
    statuses = []
    for _attempt in range(3):
        statuses.append(deliver(row.pk))
        _time_passes(row)
    # 1 min, then 5 min later it is still worth sending; 30 min later the code has expired.
    assert statuses == [Status.QUEUED, Status.QUEUED, Status.FAILED]
    row.refresh_from_db()
    assert row.status == Status.FAILED and "482915" not in row.body
    assert "expires" in row.last_error
