from __future__ import annotations

from django import template

from motcua.dossiers.models import Dossier
from motcua.payments.selectors import Offer, payment_offer

register = template.Library()


@register.simple_tag
def payment_offer_for(dossier: Dossier) -> Offer:
    """``{% payment_offer_for dossier as offer %}``: the amount due and whether it can be
    paid online (with the reason when not)."""
    return payment_offer(dossier)


@register.filter
def dong(amount: int) -> str:
    """``75.000 đ``."""
    return f"{int(amount):,}".replace(",", ".") + " đ"
