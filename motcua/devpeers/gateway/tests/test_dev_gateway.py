"""The development gateway speaks the VNPAY protocol: it refuses a request whose
signature does not verify, shows a signed one, and answers statements only when asked
with the merchant's signature."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import pytest

from motcua.devpeers.gateway.demo import ensure_demo_gateway
from motcua.devpeers.gateway.devkeys import dev_secret
from motcua.devpeers.gateway.models import GatewayTransaction, Merchant
from motcua.dossiers.tests.factories import World
from motcua.payments.demo import ensure_demo_accounts
from motcua.payments.gateways.vnpay import sign, statement_signature
from motcua.payments.models import PaymentAccount

pytestmark = pytest.mark.django_db
TMN = "MCDEV001"


@pytest.fixture
def merchant() -> Merchant:
    return Merchant.objects.create(tmn_code=TMN, secret=dev_secret(TMN), name="Xã Lâm Bình")


def _request(secret: str, **over: str) -> dict[str, str]:
    params = {
        "vnp_Version": "2.1.0",
        "vnp_Command": "pay",
        "vnp_TmnCode": TMN,
        "vnp_Amount": "5000000",
        "vnp_CurrCode": "VND",
        "vnp_TxnRef": "REF42",
        "vnp_OrderInfo": "Thanh toan phi ho so X",
        "vnp_OrderType": "other",
        "vnp_Locale": "vn",
        "vnp_ReturnUrl": "http://127.0.0.1:8000/vi/pay/return/vnpay/",
        "vnp_IpAddr": "127.0.0.1",
        "vnp_CreateDate": "20261125100000",
        "vnp_ExpireDate": "20991231235959",
        **over,
    }
    params["vnp_SecureHash"] = sign(params, secret)
    return params


def test_a_signed_request_shows_the_pay_page(client: Any, merchant: Merchant) -> None:
    response = client.get("/dev/gateway/pay", _request(merchant.secret))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Pay 50000 đ to Xã Lâm Bình" in html
    assert 'name="csrfmiddlewaretoken"' in html


def test_a_bad_signature_is_refused(client: Any, merchant: Merchant) -> None:
    params = _request(merchant.secret)
    params["vnp_Amount"] = "100"
    response = client.get("/dev/gateway/pay", params)
    assert response.status_code == 400
    assert "Invalid signature" in response.content.decode()
    response = client.post("/dev/gateway/pay", {"q": urlencode(params), "decision": "pay"})
    assert response.status_code == 400
    assert not GatewayTransaction.objects.exists()


def test_an_expired_request_is_refused(client: Any, merchant: Merchant) -> None:
    response = client.get(
        "/dev/gateway/pay", _request(merchant.secret, vnp_ExpireDate="20200101000000")
    )
    assert response.status_code == 400
    assert "expired" in response.content.decode()


def test_statement_needs_the_merchant_signature(client: Any, merchant: Merchant) -> None:
    good = statement_signature(TMN, "20261125", merchant.secret)
    response = client.get(
        "/dev/gateway/statement", {"tmn": TMN, "date": "20261125", "signature": good}
    )
    assert response.status_code == 200 and response.json()["transactions"] == []
    bad = statement_signature(TMN, "20261126", merchant.secret)
    response = client.get(
        "/dev/gateway/statement", {"tmn": TMN, "date": "20261125", "signature": bad}
    )
    assert response.status_code == 403


def test_demo_accounts_and_merchants_match_and_are_idempotent(world: World) -> None:
    accounts = ensure_demo_accounts()
    agencies = {a.agency_id for a in accounts}
    assert {world.construction.pk, world.commune_a.pk, world.commune_b.pk} <= agencies
    assert world.center_a.pk not in agencies  # centers receive, they do not collect
    merchants = ensure_demo_gateway()
    assert len(ensure_demo_accounts()) == len(accounts)
    assert len(ensure_demo_gateway()) == len(merchants)
    assert PaymentAccount.objects.count() == len(accounts)
    by_code = {m.tmn_code: m.secret for m in Merchant.objects.all()}
    for account in PaymentAccount.objects.all():
        assert by_code[account.merchant_code] == account.secret
        assert bytes(account.secret_encrypted) != account.secret.encode()  # stored encrypted
