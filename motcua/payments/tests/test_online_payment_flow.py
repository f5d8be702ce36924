"""End to end over real HTTP: the citizen starts a payment, pays on the development
gateway, the gateway's IPN reaches MotCua over HTTP and records the payment once, the
return page shows it and the receipt PDF carries the amount and the dossier code."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.urls import reverse

from motcua.citizens.tests.helpers import make_citizen, sign_in_citizen
from motcua.devpeers.gateway.models import GatewayTransaction
from motcua.documents.models import DocumentForm, GeneratedDocument
from motcua.documents.tests.pdftools import pdf_text
from motcua.dossiers.models import Dossier, DossierEvent, Payment
from motcua.dossiers.tests.factories import World
from motcua.payments.models import GatewayCallback, PaymentAccount, PaymentTransaction


def _local(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def test_pay_through_the_gateway_with_a_real_ipn(
    live_server: Any, settings: Any, client: Any, world: World, account: PaymentAccount
) -> None:
    settings.MOTCUA_PUBLIC_URL = live_server.url
    citizen = make_citizen()
    d = world.submit_construction(owner=citizen.user)
    sign_in_citizen(client, citizen)

    started = client.post(reverse("payments:start"), {"code": d.code})
    assert started.status_code == 302
    assert started["Location"].startswith(f"{live_server.url}/dev/gateway/pay?")

    page = client.get(_local(started["Location"]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Pay 75000 đ to Sở Xây dựng" in html
    assert 'value="pay"' in html and 'value="cancel"' in html
    assert Payment.objects.filter(dossier=d).count() == 0

    paid = client.post("/dev/gateway/pay", {"q": page.context["q"], "decision": "pay"})
    assert paid.status_code == 302
    # The IPN went over HTTP to the live server and was applied once.
    gateway_txn = GatewayTransaction.objects.get()
    assert gateway_txn.ipn_answer == {"RspCode": "00", "Message": "Confirm Success"}
    d.refresh_from_db()
    assert d.paid_total == 75000
    payment = Payment.objects.get(dossier=d)
    assert payment.reference == gateway_txn.transaction_no
    assert DossierEvent.objects.filter(dossier=d, action="record_payment").count() == 1
    callback = GatewayCallback.objects.get(kind="ipn")
    assert callback.verdict == "applied" and callback.remote_addr == "127.0.0.1"
    txn = PaymentTransaction.objects.get(dossier=d)
    assert txn.status == "paid" and txn.payment == payment

    returned = client.get(_local(paid["Location"]))
    assert returned.status_code == 200
    assert returned.context["paid"] is True
    assert d.code in returned.content.decode()
    assert Payment.objects.filter(dossier=d).count() == 1  # the return applied nothing

    receipt = client.get(returned.context["receipt_url"])
    assert receipt.status_code == 200 and receipt["Content-Type"] == "application/pdf"
    text = pdf_text(b"".join(receipt.streaming_content))
    assert "75.000 đồng" in text
    assert d.code in text
    assert gateway_txn.transaction_no in text
    assert "Sở Xây dựng" in text
    client.get(returned.context["receipt_url"])
    assert (
        GeneratedDocument.objects.filter(form=DocumentForm.PAYMENT_RECEIPT, dossier=d).count() == 1
    )


def test_cancel_at_the_gateway_records_nothing(
    live_server: Any, settings: Any, client: Any, world: World, account: PaymentAccount
) -> None:
    settings.MOTCUA_PUBLIC_URL = live_server.url
    d: Dossier = world.submit_construction()
    started = client.post(reverse("payments:start"), {"code": d.code, "k": d.lookup_secret})
    page = client.get(_local(started["Location"]))
    cancelled = client.post("/dev/gateway/pay", {"q": page.context["q"], "decision": "cancel"})
    assert cancelled.status_code == 302 and "vnp_ResponseCode=24" in cancelled["Location"]
    returned = client.get(_local(cancelled["Location"]))
    assert returned.status_code == 200 and returned.context["paid"] is False
    assert returned.context["outcome"].success_at_gateway is False
    d.refresh_from_db()
    assert d.paid_total == 0
    assert PaymentTransaction.objects.get(dossier=d).status == "cancelled"
