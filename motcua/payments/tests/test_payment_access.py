"""Who may start a payment and download its receipt (the owner, or whoever holds the
lookup secret), and what the pay button offers."""

from __future__ import annotations

from typing import Any

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from motcua.citizens.tests.helpers import make_citizen, sign_in_citizen
from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.factories import World
from motcua.payments.models import PaymentAccount, PaymentTransaction
from motcua.payments.selectors import account_for, amount_due, payment_offer
from motcua.payments.services import order_info, payment_apply_ipn, payment_start
from motcua.payments.tests.signing import ipn_params

pytestmark = pytest.mark.django_db


def test_someone_elses_dossier_without_the_secret_is_not_found(
    client: Any, dossier: Dossier
) -> None:
    stranger = make_citizen(personal_id="008190009999", email="x@example.vn")
    sign_in_citizen(client, stranger)
    response = client.post(reverse("payments:start"), {"code": dossier.code})
    assert response.status_code == 404
    response = client.post(reverse("payments:start"), {"code": dossier.code, "k": "wrong"})
    assert response.status_code == 404
    assert not PaymentTransaction.objects.exists()


def test_the_lookup_secret_or_the_owner_may_start(client: Any, world: World, account: Any) -> None:
    citizen = make_citizen()
    mine = world.submit_construction(owner=citizen.user)
    other = world.submit_construction()
    response = client.post(
        reverse("payments:start"), {"code": other.code, "k": other.lookup_secret}
    )
    assert response.status_code == 302 and "/dev/gateway/pay?" in response["Location"]
    sign_in_citizen(client, citizen)
    response = client.post(reverse("payments:start"), {"code": mine.code})
    assert response.status_code == 302
    assert PaymentTransaction.objects.filter(dossier=mine, amount=75000).count() == 1


def test_start_needs_post(client: Any, dossier: Dossier) -> None:
    response = client.get(
        reverse("payments:start"), {"code": dossier.code, "k": dossier.lookup_secret}
    )
    assert response.status_code == 405


def test_receipt_needs_the_owner_or_the_secret(client: Any, dossier: Dossier, secret: str) -> None:
    txn, _url = payment_start(dossier=dossier, client_ip="127.0.0.1", return_url="http://x/")
    url = reverse("payments:receipt", kwargs={"ref": txn.txn_ref})
    assert client.get(url, {"k": dossier.lookup_secret}).status_code == 404  # not paid yet
    params = ipn_params(
        txn_ref=txn.txn_ref, amount=75000, secret=secret, order_info=order_info(dossier)
    )
    payment_apply_ipn(provider="vnpay", params=params)
    assert client.get(url).status_code == 404
    assert client.get(url, {"k": "nope"}).status_code == 404
    response = client.get(url, {"k": dossier.lookup_secret})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"


def test_account_falls_back_to_the_nearest_ancestor(world: World, dossier: Dossier) -> None:
    assert account_for(dossier) is not None
    birth = world.accepted_birth()
    assert account_for(birth) is None
    province_account = PaymentAccount(agency=world.province, merchant_code="MCPROV01")
    province_account.set_secret("s")
    province_account.save()
    found = account_for(birth)
    assert found is not None and found.pk == province_account.pk
    assert account_for(dossier).agency_id == world.construction.pk  # type: ignore[union-attr]


def _button(d: Dossier, secret: str = "") -> str:
    request = RequestFactory().get("/")
    template = Template('{% include "payments/pay_button.html" with dossier=d secret=k %}')
    return template.render(Context({"d": d, "k": secret, "request": request}))


def test_pay_button_offers_the_amount_due(dossier: Dossier) -> None:
    html = _button(dossier, dossier.lookup_secret)
    assert "75.000 đ" in html
    assert f'value="{dossier.code}"' in html and f'value="{dossier.lookup_secret}"' in html
    assert 'method="post"' in html and "<button" in html


def test_pay_button_says_why_payment_is_not_offered(world: World) -> None:
    d = world.submit_construction()  # no account declared by the department
    assert amount_due(d) == 75000
    html = _button(d)
    assert "<button" not in html
    assert str(payment_offer(d).reason) in html
    birth = world.accepted_birth()
    assert amount_due(birth) == 0
    assert "<button" not in _button(birth)


def test_nothing_due_shows_why_and_opens_no_transaction(client: Any, world: World) -> None:
    birth = world.accepted_birth()
    response = client.post(
        reverse("payments:start"), {"code": birth.code, "k": birth.lookup_secret}
    )
    assert response.status_code == 409
    assert str(payment_offer(birth).reason) in response.content.decode()
    assert not PaymentTransaction.objects.exists()


def test_start_is_protected_against_csrf(dossier: Dossier) -> None:
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post(
        reverse("payments:start"), {"code": dossier.code, "k": dossier.lookup_secret}
    )
    assert response.status_code == 403
    assert not PaymentTransaction.objects.exists()
