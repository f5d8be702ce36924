"""What every payment-gateway plugin provides (one module per provider, registered in
``motcua.payments.gateways``)."""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:
    from motcua.payments.models import PaymentAccount, PaymentTransaction


class SignatureError(Exception):
    """The callback's signature does not verify (or its merchant is unknown)."""


@dataclass(frozen=True)
class CallbackResult:
    """A callback whose signature verified: what the gateway says happened."""

    txn_ref: str
    merchant_code: str
    amount: int  # đồng
    success: bool
    response_code: str
    gateway_txn_no: str
    bank_code: str
    paid_at: dt.datetime | None
    order_info: str = ""


@dataclass(frozen=True)
class StatementLine:
    """One transaction on the gateway's statement of a day."""

    txn_ref: str
    amount: int  # đồng
    gateway_txn_no: str
    paid_at: dt.datetime | None
    success: bool


class PaymentGateway(ABC):
    """A payment gateway: builds the signed redirect, verifies callbacks, answers IPNs and
    reads the daily statement."""

    key: ClassVar[str]
    name: ClassVar[str]
    # How long the gateway accepts payment of an attempt after its creation.
    attempt_lifetime: ClassVar[dt.timedelta] = dt.timedelta(minutes=15)

    @abstractmethod
    def build_payment_url(
        self,
        txn: PaymentTransaction,
        *,
        return_url: str,
        ipn_url: str,
        client_ip: str,
        locale: str,
        order_info: str,
    ) -> str: ...

    @abstractmethod
    def merchant_of(self, params: Mapping[str, str]) -> str:
        """The merchant code a callback names (before its signature is checked)."""

    @abstractmethod
    def parse_callback(self, params: Mapping[str, str], secret: str) -> CallbackResult:
        """Verify ``params`` with the merchant's ``secret``; raises :class:`SignatureError`."""

    @abstractmethod
    def ipn_response(self, verdict: str) -> dict[str, str]:
        """The body the provider expects back from an IPN for a verdict."""

    @abstractmethod
    def statement(self, account: PaymentAccount, day: dt.date) -> list[StatementLine]:
        """The gateway's transactions of ``day`` (local date) for ``account``."""
