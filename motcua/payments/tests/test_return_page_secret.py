"""The return page links with the dossier's lookup secret only for the browser session
that started the payment or the dossier's signed-in owner: a signed return address found
in a browser history, a proxy log or the callback log shows the outcome, not the secret."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from motcua.citizens.tests.helpers import make_citizen, sign_in_citizen
from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.factories import World
from motcua.payments.models import PaymentAccount, PaymentTransaction
from motcua.payments.services import order_info, payment_apply_ipn
from motcua.payments.tests.signing import ipn_params

pytestmark = pytest.mark.django_db
RETURN = reverse("payments:return", kwargs={"provider": "vnpay"})


def _start_in(client: Any, d: Dossier, **extra: str) -> PaymentTransaction:
    started = client.post(reverse("payments:start"), {"code": d.code, **extra})
    assert started.status_code == 302
    return PaymentTransaction.objects.filter(dossier=d).latest("pk")


def _paid(txn: PaymentTransaction, secret: str) -> dict[str, str]:
    params = ipn_params(
        txn_ref=txn.txn_ref, amount=txn.amount, secret=secret, order_info=order_info(txn.dossier)
    )
    assert payment_apply_ipn(provider="vnpay", params=params).verdict == "applied"
    return params


def test_without_the_starting_session_the_return_page_shows_no_secret(
    client: Any, dossier: Dossier, secret: str
) -> None:
    txn = _start_in(client, dossier, k=dossier.lookup_secret)
    params = _paid(txn, secret)

    stranger = Client()
    response = stranger.get(RETURN, params)
    assert response.status_code == 200
    assert response.context["paid"] is True
    html = response.content.decode()
    assert dossier.code in html  # the outcome is shown
    assert "k=" not in html and dossier.lookup_secret not in html
    assert response.context["receipt_url"] == ""
    assert stranger.get(reverse("payments:receipt", kwargs={"ref": txn.txn_ref})).status_code == 404

    # The browser that started the payment gets its links.
    own = client.get(RETURN, params)
    assert own.status_code == 200
    assert f"k={dossier.lookup_secret}" in own.content.decode()
    receipt = client.get(own.context["receipt_url"])
    assert receipt.status_code == 200 and receipt["Content-Type"] == "application/pdf"


def test_a_pending_or_failed_return_without_the_session_shows_no_secret(
    client: Any, dossier: Dossier, secret: str
) -> None:
    txn = _start_in(client, dossier, k=dossier.lookup_secret)
    success = ipn_params(txn_ref=txn.txn_ref, amount=txn.amount, secret=secret)
    failed = ipn_params(txn_ref=txn.txn_ref, amount=txn.amount, secret=secret, code="24")
    for params in (success, failed):
        html = Client().get(RETURN, params).content.decode()
        assert "k=" not in html and dossier.lookup_secret not in html
        assert f"k={dossier.lookup_secret}" in client.get(RETURN, params).content.decode()


def test_the_signed_in_owner_sees_the_links_from_any_session(
    client: Any, world: World, account: PaymentAccount, secret: str
) -> None:
    citizen = make_citizen()
    d = world.submit_construction(owner=citizen.user)
    txn = _start_in(Client(), d, k=d.lookup_secret)  # started on another device
    params = _paid(txn, secret)
    sign_in_citizen(client, citizen)
    response = client.get(RETURN, params)
    assert response.context["paid"] is True
    assert f"k={d.lookup_secret}" in response.content.decode()


def test_the_return_of_an_attempt_to_refund_says_so(
    client: Any, dossier: Dossier, secret: str
) -> None:
    txn = _start_in(client, dossier, k=dossier.lookup_secret)
    PaymentTransaction.objects.filter(pk=txn.pk).update(status="refund_needed")
    params = ipn_params(txn_ref=txn.txn_ref, amount=txn.amount, secret=secret)
    response = client.get(RETURN, params)
    assert response.context["refund"] is True and response.context["paid"] is False
    assert "Cơ quan sẽ hoàn lại tiền" in response.content.decode()  # "The agency will refund it"
