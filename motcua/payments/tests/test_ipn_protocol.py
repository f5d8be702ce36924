"""A payment counts only when a verified IPN confirms it: forged, unknown, replayed for
another dossier and mismatched IPNs are rejected and logged, nothing applied; the same IPN
twice records one payment; the browser's return never applies anything."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from django.urls import reverse

from motcua.dossiers.models import Dossier, DossierEvent, Payment
from motcua.dossiers.tests.factories import World
from motcua.payments.models import GatewayCallback, PaymentTransaction, TransactionStatus
from motcua.payments.services import order_info, payment_start
from motcua.payments.tests.conftest import fresh
from motcua.payments.tests.signing import ipn_params

pytestmark = pytest.mark.django_db
IPN = "/payments/gateway/vnpay/ipn/"


def _start(d: Dossier) -> PaymentTransaction:
    txn, _url = payment_start(dossier=d, client_ip="127.0.0.1", return_url="http://x.test/r/")
    return txn


def _ipn(client: Any, params: dict[str, str]) -> dict[str, str]:
    response = client.get(IPN, params)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return dict(response.json())


def _unchanged(d: Dossier) -> None:
    now = fresh(d)
    assert now.paid_total == 0
    assert not Payment.objects.filter(dossier=d).exists()
    assert not DossierEvent.objects.filter(dossier=d, action="record_payment").exists()


def test_ipn_url_is_the_documented_one() -> None:
    assert reverse("gateway:ipn", kwargs={"provider": "vnpay"}) == IPN


def test_a_verified_ipn_records_the_payment_once_even_when_sent_twice(
    client: Any, dossier: Dossier, secret: str
) -> None:
    txn = _start(dossier)
    params = ipn_params(
        txn_ref=txn.txn_ref, amount=75000, secret=secret, order_info=order_info(dossier)
    )
    assert _ipn(client, params)["RspCode"] == "00"
    assert _ipn(client, params)["RspCode"] == "02"
    d = fresh(dossier)
    assert d.paid_total == 75000
    payments = list(Payment.objects.filter(dossier=d))
    assert len(payments) == 1
    assert payments[0].method == "province_gateway" and payments[0].reference == "14226112"
    event = DossierEvent.objects.get(dossier=d, action="record_payment")
    assert event.actor_label == "VNPAY" and event.data["amount"] == 75000
    txn.refresh_from_db()
    assert txn.status == TransactionStatus.PAID and txn.payment == payments[0]
    verdicts = list(GatewayCallback.objects.order_by("pk").values_list("verdict", flat=True))
    assert verdicts == ["applied", "duplicate"]


def test_forged_signature_is_rejected_and_logged(
    client: Any, dossier: Dossier, secret: str, caplog: pytest.LogCaptureFixture
) -> None:
    txn = _start(dossier)
    params = ipn_params(txn_ref=txn.txn_ref, amount=75000, secret="not-the-merchant-secret")
    with caplog.at_level(logging.WARNING, logger="motcua.payments.services"):
        assert _ipn(client, params)["RspCode"] == "97"
    assert "bad_signature" in caplog.text
    _unchanged(dossier)
    assert GatewayCallback.objects.get().verdict == "bad_signature"
    txn.refresh_from_db()
    assert txn.status == TransactionStatus.PENDING


def test_tampered_amount_breaks_the_signature(client: Any, dossier: Dossier, secret: str) -> None:
    txn = _start(dossier)
    params = ipn_params(txn_ref=txn.txn_ref, amount=75000, secret=secret)
    params["vnp_Amount"] = "100"
    assert _ipn(client, params)["RspCode"] == "97"
    _unchanged(dossier)


def test_unknown_transaction_is_rejected(client: Any, dossier: Dossier, secret: str) -> None:
    _start(dossier)
    assert _ipn(client, ipn_params(txn_ref="NOSUCHREF", amount=75000, secret=secret)) == {
        "RspCode": "01",
        "Message": "Order not found",
    }
    _unchanged(dossier)
    assert GatewayCallback.objects.get().verdict == "unknown_txn"


def test_amount_mismatch_is_rejected(client: Any, dossier: Dossier, secret: str) -> None:
    txn = _start(dossier)
    assert (
        _ipn(client, ipn_params(txn_ref=txn.txn_ref, amount=1000, secret=secret))["RspCode"] == "04"
    )
    _unchanged(dossier)
    assert GatewayCallback.objects.get().verdict == "amount_mismatch"
    txn.refresh_from_db()
    assert txn.status == TransactionStatus.PENDING


def test_replay_of_a_transaction_for_another_dossier_is_rejected(
    client: Any, world: World, dossier: Dossier, secret: str
) -> None:
    other = world.submit_construction()
    txn = _start(dossier)
    # A correctly signed confirmation of dossier A's transaction that names dossier B.
    params = ipn_params(
        txn_ref=txn.txn_ref, amount=75000, secret=secret, order_info=order_info(other)
    )
    assert _ipn(client, params)["RspCode"] == "01"
    _unchanged(dossier)
    _unchanged(other)
    assert GatewayCallback.objects.get().verdict == "wrong_dossier"


def test_a_failed_payment_is_recorded_as_cancelled_not_paid(
    client: Any, dossier: Dossier, secret: str
) -> None:
    txn = _start(dossier)
    params = ipn_params(txn_ref=txn.txn_ref, amount=75000, secret=secret, code="24")
    assert _ipn(client, params)["RspCode"] == "00"
    _unchanged(dossier)
    txn.refresh_from_db()
    assert txn.status == TransactionStatus.CANCELLED


def test_the_return_url_shows_but_never_applies(client: Any, dossier: Dossier, secret: str) -> None:
    txn = _start(dossier)
    params = ipn_params(
        txn_ref=txn.txn_ref, amount=75000, secret=secret, order_info=order_info(dossier)
    )
    response = client.get(reverse("payments:return", kwargs={"provider": "vnpay"}), params)
    assert response.status_code == 200
    assert response.context["paid"] is False
    assert response.context["outcome"].success_at_gateway is True
    _unchanged(dossier)
    txn.refresh_from_db()
    assert txn.status == TransactionStatus.PENDING
    assert GatewayCallback.objects.get().kind == "return"
    forged = {**params, "vnp_ResponseCode": "00", "vnp_SecureHash": "0" * 128}
    response = client.get(reverse("payments:return", kwargs={"provider": "vnpay"}), forged)
    assert response.status_code == 400
    _unchanged(dossier)


def test_an_unexpected_failure_answers_99(
    client: Any, dossier: Dossier, secret: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    txn = _start(dossier)

    def boom(**_: Any) -> None:
        raise RuntimeError("database down")

    monkeypatch.setattr("motcua.payments.views.payment_apply_ipn", boom)
    params = ipn_params(txn_ref=txn.txn_ref, amount=75000, secret=secret)
    assert _ipn(client, params)["RspCode"] == "99"
    _unchanged(dossier)
