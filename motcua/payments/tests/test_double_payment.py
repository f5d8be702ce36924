"""One dossier, one payment: a second "Pay" (another tab, a reload) goes on with the
pending attempt; an attempt paid at the gateway when nothing more is due — or when the
dossier is closed — is not applied but flagged for a refund, answered "02" so the gateway
stops retrying, and flagged by the reconciliation."""

from __future__ import annotations

import datetime as dt
import logging
import threading
from typing import Any

import pytest
from django.db import connection, connections
from django.utils import timezone

from motcua.dossiers import services as svc
from motcua.dossiers.actors import Actor
from motcua.dossiers.models import Dossier, Payment
from motcua.payments import gateways
from motcua.payments.gateways.base import StatementLine
from motcua.payments.models import (
    GatewayCallback,
    PaymentAccount,
    PaymentTransaction,
    TransactionStatus,
)
from motcua.payments.reconcile import Match, compare
from motcua.payments.services import order_info, payment_apply_ipn, payment_start
from motcua.payments.tests.conftest import fresh
from motcua.payments.tests.signing import ipn_params

IPN = "/payments/gateway/vnpay/ipn/"
PAY_DAY = dt.date(2026, 11, 25)  # vnp_PayDate of ipn_params


def _start(d: Dossier, at: dt.datetime | None = None) -> PaymentTransaction:
    txn, _url = payment_start(
        dossier=d, client_ip="127.0.0.1", return_url="http://x.test/r/", at=at
    )
    return txn


def _paid_ipn(txn: PaymentTransaction, secret: str, number: str) -> dict[str, str]:
    return ipn_params(
        txn_ref=txn.txn_ref,
        amount=txn.amount,
        secret=secret,
        order_info=order_info(txn.dossier),
        transaction_no=number,
    )


def _statement_line(txn: PaymentTransaction, number: str) -> StatementLine:
    paid = dt.datetime(2026, 11, 25, 17, 1, 12, tzinfo=dt.UTC)
    return StatementLine(txn.txn_ref, txn.amount, number, paid, True)


@pytest.mark.django_db
def test_a_second_press_goes_on_with_the_pending_attempt(dossier: Dossier) -> None:
    now = timezone.now()
    first = _start(dossier, at=now)
    again = _start(dossier, at=now + dt.timedelta(minutes=2))
    assert again.pk == first.pk
    assert PaymentTransaction.objects.filter(dossier=dossier).count() == 1
    # Close to its expiry at the gateway, a new attempt is opened instead.
    lifetime = gateways.get("vnpay").attempt_lifetime
    late = _start(dossier, at=now + lifetime - dt.timedelta(minutes=1))
    assert late.pk != first.pk
    # A failed or cancelled attempt is never reused.
    late.status = TransactionStatus.CANCELLED
    late.save(update_fields=["status"])
    assert _start(dossier, at=now + lifetime).pk not in {first.pk, late.pk}


@pytest.mark.django_db
def test_the_same_url_is_built_for_the_reused_attempt(dossier: Dossier) -> None:
    now = timezone.now()
    _txn, first = payment_start(
        dossier=dossier, client_ip="127.0.0.1", return_url="http://x.test/r/", at=now
    )
    _txn, again = payment_start(
        dossier=dossier,
        client_ip="127.0.0.1",
        return_url="http://x.test/r/",
        at=now + dt.timedelta(minutes=1),
    )
    assert again == first


@pytest.mark.django_db
def test_two_attempts_both_paid_record_one_payment_and_flag_the_other_for_refund(
    client: Any,
    dossier: Dossier,
    account: PaymentAccount,
    secret: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    now = timezone.now()
    lifetime = gateways.get("vnpay").attempt_lifetime
    first = _start(dossier, at=now)
    # Another tab, once the first attempt is no longer reused (or one started elsewhere).
    second = _start(dossier, at=now + lifetime - dt.timedelta(minutes=1))
    assert first.pk != second.pk and first.amount == second.amount == 75000

    assert client.get(IPN, _paid_ipn(first, secret, "20000001")).json()["RspCode"] == "00"
    with caplog.at_level(logging.WARNING, logger="motcua.payments.services"):
        answer = client.get(IPN, _paid_ipn(second, secret, "20000002")).json()
    assert answer == {"RspCode": "02", "Message": "Order already confirmed"}
    assert "over_payment" in caplog.text and "refunded" in caplog.text
    assert second.txn_ref in caplog.text

    d = fresh(dossier)
    assert d.paid_total == 75000
    assert Payment.objects.filter(dossier=d).count() == 1
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == TransactionStatus.PAID
    assert second.status == TransactionStatus.REFUND_NEEDED and second.payment is None
    assert second.gateway_txn_no == "20000002" and second.paid_at is not None
    verdicts = list(GatewayCallback.objects.order_by("pk").values_list("verdict", flat=True))
    assert verdicts == ["applied", "over_payment"]

    # The gateway retries: still "02", nothing more recorded.
    assert client.get(IPN, _paid_ipn(second, secret, "20000002")).json()["RspCode"] == "02"
    assert fresh(dossier).paid_total == 75000

    # The reconciliation flags the second one: paid at the gateway, to be refunded.
    statement = [_statement_line(first, "20000001"), _statement_line(second, "20000002")]
    report = compare(account, PAY_DAY, statement)
    by_ref = {line.txn_ref: line for line in report.lines}
    assert by_ref[first.txn_ref].match is Match.MATCHED
    refund = by_ref[second.txn_ref]
    assert refund.match is Match.REFUND_NEEDED and refund.flagged
    assert (refund.gateway_amount, refund.recorded_amount) == (75000, None)
    assert refund.label.startswith("CẦN HOÀN TIỀN")  # "REFUND NEEDED", in the installation language
    assert not report.ok
    # Flagged even when the gateway's statement leaves it out.
    missing = {line.txn_ref: line for line in compare(account, PAY_DAY, statement[:1]).lines}
    assert missing[second.txn_ref].match is Match.REFUND_NEEDED


@pytest.mark.django_db
def test_an_attempt_larger_than_what_is_still_due_is_not_applied(
    client: Any, dossier: Dossier, secret: str
) -> None:
    txn = _start(dossier)
    # Part of the fee is paid at the counter meanwhile.
    svc.dossier_record_payment(
        dossier=dossier.pk,
        actor=Actor.system("Quầy"),
        amount=25000,
        method="counter",
        reference="BL-1",
    )
    assert client.get(IPN, _paid_ipn(txn, secret, "20000003")).json()["RspCode"] == "02"
    assert fresh(dossier).paid_total == 25000
    txn.refresh_from_db()
    assert txn.status == TransactionStatus.REFUND_NEEDED


@pytest.mark.django_db
def test_a_payment_for_a_withdrawn_dossier_is_answered_and_flagged_for_refund(
    client: Any, dossier: Dossier, secret: str, caplog: pytest.LogCaptureFixture
) -> None:
    txn = _start(dossier)
    svc.dossier_withdraw(dossier=dossier.pk, actor=Actor.applicant("Công dân"))
    with caplog.at_level(logging.WARNING, logger="motcua.payments.services"):
        answer = client.get(IPN, _paid_ipn(txn, secret, "20000004")).json()
    # Not "99": the gateway would retry forever.
    assert answer == {"RspCode": "02", "Message": "Order already confirmed"}
    assert "not_applicable" in caplog.text and "refunded" in caplog.text
    assert fresh(dossier).paid_total == 0
    assert not Payment.objects.filter(dossier=dossier).exists()
    txn.refresh_from_db()
    assert txn.status == TransactionStatus.REFUND_NEEDED
    assert GatewayCallback.objects.get().verdict == "not_applicable"


@pytest.mark.parametrize("verdict", ["over_payment", "not_applicable"])
def test_not_applied_but_paid_verdicts_are_answered_02(verdict: str) -> None:
    assert gateways.get("vnpay").ipn_response(verdict)["RspCode"] == "02"


@pytest.mark.django_db(transaction=True)
def test_two_attempts_paid_at_once_record_one_payment(dossier: Dossier, secret: str) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    now = timezone.now()
    lifetime = gateways.get("vnpay").attempt_lifetime
    first = _start(dossier, at=now)
    second = _start(dossier, at=now + lifetime - dt.timedelta(minutes=1))
    barrier = threading.Barrier(2)
    verdicts: list[str] = []

    def deliver(params: dict[str, str]) -> None:
        try:
            barrier.wait()
            verdicts.append(payment_apply_ipn(provider="vnpay", params=params).verdict)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=deliver, args=(_paid_ipn(txn, secret, number),))
        for txn, number in ((first, "20000005"), (second, "20000006"))
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(verdicts) == ["applied", "over_payment"]
    assert Payment.objects.filter(dossier=dossier).count() == 1
    assert Dossier.objects.get(pk=dossier.pk).paid_total == 75000
