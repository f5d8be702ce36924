"""The daily reconciliation reads the gateway's statement over HTTP and flags what does
not match: a transaction paid at the gateway that MotCua never recorded, an amount that
differs, a payment recorded in MotCua that the gateway does not list."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from motcua.desk.tests.signin import sign_in
from motcua.devpeers.gateway.models import GatewayTransaction, Merchant
from motcua.dossiers.tests.factories import World
from motcua.payments.models import PaymentAccount, PaymentTransaction
from motcua.payments.reconcile import Match, reconcile
from motcua.payments.services import order_info, payment_apply_ipn, payment_start
from motcua.payments.tests.signing import ipn_params


def _paid(world: World, secret: str, number: str) -> PaymentTransaction:
    d = world.submit_construction()
    txn, _url = payment_start(dossier=d, client_ip="127.0.0.1", return_url="http://x.test/r/")
    params = ipn_params(
        txn_ref=txn.txn_ref,
        amount=75000,
        secret=secret,
        order_info=order_info(d),
        transaction_no=number,
        vnp_PayDate=timezone.localtime().strftime("%Y%m%d%H%M%S"),
    )
    assert payment_apply_ipn(provider="vnpay", params=params).verdict == "applied"
    txn.refresh_from_db()
    return txn


def _at_gateway(txn: PaymentTransaction, amount: int, number: str) -> None:
    GatewayTransaction.objects.create(
        merchant=Merchant.objects.get(tmn_code=txn.account.merchant_code),
        txn_ref=txn.txn_ref,
        amount=amount,
        return_url="http://x.test/r/",
        status=GatewayTransaction.PAID,
        transaction_no=number,
        bank_code="NCB",
        pay_date=timezone.now(),
    )


@pytest.fixture
def day_of_payments(
    live_server: Any, settings: Any, world: World, account: PaymentAccount, secret: str
) -> dict[str, PaymentTransaction]:
    settings.MOTCUA_PUBLIC_URL = live_server.url
    matched = _paid(world, secret, "10000001")
    _at_gateway(matched, 75000, "10000001")
    differs = _paid(world, secret, "10000002")
    _at_gateway(differs, 80000, "10000002")
    recorded_only = _paid(world, secret, "10000003")
    d = world.submit_construction()
    lost, _url = payment_start(dossier=d, client_ip="127.0.0.1", return_url="http://x.test/r/")
    _at_gateway(lost, 75000, "10000004")  # paid, but its IPN never arrived
    return {"matched": matched, "differs": differs, "recorded": recorded_only, "lost": lost}


def test_reconcile_flags_every_kind_of_mismatch(
    day_of_payments: dict[str, PaymentTransaction], account: PaymentAccount
) -> None:
    report = reconcile(account, timezone.localdate())
    assert report.error == ""
    by_ref = {line.txn_ref: line for line in report.lines}
    assert by_ref[day_of_payments["matched"].txn_ref].match is Match.MATCHED
    differs = by_ref[day_of_payments["differs"].txn_ref]
    assert differs.match is Match.AMOUNT_DIFFERS
    assert (differs.gateway_amount, differs.recorded_amount) == (80000, 75000)
    assert by_ref[day_of_payments["recorded"].txn_ref].match is Match.NOT_AT_GATEWAY
    lost = by_ref[day_of_payments["lost"].txn_ref]
    assert lost.match is Match.NOT_RECORDED and lost.recorded_amount is None
    assert len(report.mismatches) == 3 and not report.ok


def test_the_command_prints_mismatches_and_fails(
    day_of_payments: dict[str, PaymentTransaction], world: World
) -> None:
    out = StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command(
            "payments-reconcile",
            "--date",
            timezone.localdate().isoformat(),
            "--agency",
            world.construction.identifier,
            stdout=out,
        )
    assert exit_info.value.code == 1
    text = out.getvalue()
    assert "3 mismatches" in text
    assert f"AMOUNT_DIFFERS {day_of_payments['differs'].txn_ref}" in text
    assert f"NOT_RECORDED {day_of_payments['lost'].txn_ref}" in text


def test_the_desk_page_shows_mismatches_in_words(
    day_of_payments: dict[str, PaymentTransaction], client: Any, world: World
) -> None:
    sign_in(client, world.leader_construction)
    url = reverse("desk:payments_reconciliation")
    response = client.get(url, {"date": timezone.localdate().isoformat()})
    assert response.status_code == 200
    html = response.content.decode()
    assert day_of_payments["lost"].txn_ref in html
    # Flagged in words (a bold label per row), not only by a colour.
    assert html.count('<tr class="flagged"><td><strong>') == 3


@pytest.mark.django_db
def test_an_official_of_another_commune_sees_no_account(
    client: Any, world: World, account: PaymentAccount
) -> None:
    sign_in(client, world.manager_a)
    response = client.get(reverse("desk:payments_reconciliation"))
    assert response.status_code == 403
    assert account.merchant_code not in response.content.decode()
