"""Reads for online payment: what is due, which account receives it, what to offer."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from motcua.dossiers.lifecycle import TERMINAL, State
from motcua.dossiers.models import Dossier
from motcua.payments.gateways import keys as gateway_keys
from motcua.payments.models import PaymentAccount, PaymentTransaction, TransactionStatus


def amount_due(dossier: Dossier) -> int:
    """Fees due on the dossier not yet paid, in đồng (never negative)."""
    return max(int(dossier.fee_total) - int(dossier.paid_total), 0)


def account_for(dossier: Dossier) -> PaymentAccount | None:
    """The receiving account of the dossier's competent agency, else of its nearest
    ancestor that has one; None when none of them declared an account."""
    agency = dossier.competent_agency
    chain = [int(p) for p in agency.path.strip("/").split("/") if p] or [agency.pk]
    found = {
        a.agency_id: a
        for a in PaymentAccount.objects.filter(
            agency_id__in=chain, active=True, provider__in=gateway_keys()
        ).select_related("agency")
    }
    for agency_id in reversed(chain):
        if agency_id in found:
            return found[agency_id]
    return None


@dataclass(frozen=True)
class Offer:
    """What the pay button shows: the amount due and whether it can be paid online."""

    due: int
    account: PaymentAccount | None
    reason: str  # why online payment is not offered ("" when it is)

    @property
    def payable(self) -> bool:
        return self.due > 0 and self.account is not None and not self.reason


def payment_offer(dossier: Dossier) -> Offer:
    due = amount_due(dossier)
    if due == 0:
        return Offer(0, None, _("Nothing is due on this dossier."))
    state = State(dossier.state)
    if state in TERMINAL or state is State.WITHDRAWN:
        return Offer(due, None, _("This dossier is closed; it can no longer be paid online."))
    account = account_for(dossier)
    if account is None:
        return Offer(
            due,
            None,
            _(
                "The agency handling this dossier has not declared an account for online "
                "payment yet. Please pay at the counter where you collect the result."
            ),
        )
    return Offer(due, account, "")


def paid_transactions(dossier: Dossier) -> list[PaymentTransaction]:
    return list(
        PaymentTransaction.objects.filter(dossier=dossier, status=TransactionStatus.PAID)
        .select_related("payment")
        .order_by("paid_at", "pk")
    )
