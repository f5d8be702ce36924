"""Demo receiving accounts: one per department, locally placed central agency and
commune-level unit (the agencies whose procedures carry fees), at the development
gateway. Their hash secrets are derived from the merchant code and a development-only
constant (``motcua.devpeers.gateway.devkeys``), so the development gateway's
``ensure_demo_gateway`` can create the matching merchants. Idempotent."""

from __future__ import annotations

import hashlib

from django.db import transaction

from motcua.devpeers.gateway.devkeys import dev_secret
from motcua.org.models import Agency, AgencyKind
from motcua.payments.models import PaymentAccount

DEMO_KINDS = (
    AgencyKind.DEPARTMENT,
    AgencyKind.CENTRAL_LOCAL,
    AgencyKind.COMMUNE,
    AgencyKind.WARD,
    AgencyKind.SPECIAL_ZONE,
    AgencyKind.PROVINCE_COMMITTEE,
)
DEMO_BANK = "Kho bạc Nhà nước (demo)"


def demo_merchant_code(agency: Agency) -> str:
    """An 8-character merchant code (vnp_TmnCode) stable for the agency's identifier."""
    basis = agency.identifier or f"agency-{agency.pk}"
    return "MC" + hashlib.sha256(basis.encode()).hexdigest()[:6].upper()


@transaction.atomic
def ensure_demo_account(agency: Agency) -> PaymentAccount:
    existing = PaymentAccount.objects.filter(agency=agency, active=True).first()
    if existing is not None:
        return existing
    code = demo_merchant_code(agency)
    account = PaymentAccount(
        agency=agency,
        provider="vnpay",
        merchant_code=code,
        bank_name=DEMO_BANK,
        account_number=f"3711{int(hashlib.sha256(code.encode()).hexdigest()[:8], 16):010d}",
        account_holder=agency.name[:200],
    )
    account.set_secret(dev_secret(code))
    account.save()
    return account


def ensure_demo_accounts() -> list[PaymentAccount]:
    """An active account for every agency of the kinds that collect fees."""
    agencies = Agency.objects.filter(kind__in=DEMO_KINDS, active=True).order_by("path")
    return [ensure_demo_account(a) for a in agencies]
