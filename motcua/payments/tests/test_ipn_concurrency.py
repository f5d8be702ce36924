"""Two deliveries of the same IPN at the same moment record one payment: the payment
attempt's row is locked while the IPN is applied (PostgreSQL; SQLite serialises writers
anyway)."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection, connections

from motcua.dossiers.models import Dossier, Payment
from motcua.payments.services import order_info, payment_apply_ipn, payment_start
from motcua.payments.tests.signing import ipn_params


@pytest.mark.django_db(transaction=True)
def test_the_same_ipn_twice_at_once_records_one_payment(dossier: Dossier, secret: str) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    txn, _url = payment_start(dossier=dossier, client_ip="127.0.0.1", return_url="http://x/")
    params = ipn_params(
        txn_ref=txn.txn_ref, amount=75000, secret=secret, order_info=order_info(dossier)
    )
    barrier = threading.Barrier(2)
    answers: list[Any] = []

    def deliver() -> None:
        try:
            barrier.wait()
            answers.append(payment_apply_ipn(provider="vnpay", params=params).answer["RspCode"])
        finally:
            connections.close_all()

    threads = [threading.Thread(target=deliver) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(answers) == ["00", "02"]
    assert Payment.objects.filter(dossier=dossier).count() == 1
    assert Dossier.objects.get(pk=dossier.pk).paid_total == 75000
