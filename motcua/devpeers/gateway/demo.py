"""Merchants at the development gateway for every demo receiving account
(``motcua.payments.demo.ensure_demo_accounts``), with the same derived dev secrets."""

from __future__ import annotations

from motcua.devpeers.gateway.devkeys import dev_secret
from motcua.devpeers.gateway.models import Merchant
from motcua.payments.models import PaymentAccount


def ensure_demo_gateway() -> list[Merchant]:
    merchants = []
    for account in PaymentAccount.objects.filter(provider="vnpay").select_related("agency"):
        merchant, _created = Merchant.objects.update_or_create(
            tmn_code=account.merchant_code,
            defaults={"secret": dev_secret(account.merchant_code), "name": account.agency.name},
        )
        merchants.append(merchant)
    return merchants
