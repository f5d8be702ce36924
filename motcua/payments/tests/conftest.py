"""Fixtures: the construction department's receiving account (and its merchant at the
development gateway) and a construction dossier with 75 000 đ due."""

from __future__ import annotations

import pytest

from motcua.devpeers.gateway.devkeys import dev_secret
from motcua.devpeers.gateway.models import Merchant
from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.factories import World
from motcua.payments.models import PaymentAccount

MERCHANT = "MCTEST01"


@pytest.fixture
def account(world: World) -> PaymentAccount:
    acc = PaymentAccount(
        agency=world.construction,
        provider="vnpay",
        merchant_code=MERCHANT,
        bank_name="Kho bạc Nhà nước Tuyên Quang",
        account_number="3711000123456",
        account_holder="Sở Xây dựng",
    )
    acc.set_secret(dev_secret(MERCHANT))
    acc.save()
    Merchant.objects.create(tmn_code=MERCHANT, secret=dev_secret(MERCHANT), name="Sở Xây dựng")
    return acc


@pytest.fixture
def dossier(world: World, account: PaymentAccount) -> Dossier:
    return world.submit_construction()


@pytest.fixture
def secret() -> str:
    return dev_secret(MERCHANT)


def fresh(d: Dossier) -> Dossier:
    return Dossier.objects.get(pk=d.pk)
