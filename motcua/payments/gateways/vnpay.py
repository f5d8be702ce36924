"""VNPAY-style gateway (Cổng thanh toán VNPAY, protocol version 2.1.0).

The merchant redirects the browser to the gateway with its parameters sorted by name,
each ``name=value`` URL-encoded (``quote_plus``), joined with ``&`` and signed with
HMAC-SHA512 under the merchant's hash secret (``vnp_SecureHash``, hex). The gateway sends
the outcome twice, signed the same way: server-to-server to the IPN address (GET), which
answers ``{"RspCode", "Message"}``, and in the browser's redirect to the return address.
A payment succeeded when both ``vnp_ResponseCode`` and ``vnp_TransactionStatus`` are
``00``. Amounts travel in hundredths of a đồng (×100); times as ``yyyyMMddHHmmss`` in
Vietnam's time (GMT+7).

The daily statement for reconciliation is read from ``MOTCUA_VNPAY_STATEMENT_URL``
(``?tmn=&date=yyyyMMdd&signature=``, signed like the rest, answering JSON).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import quote_plus, urlencode
from zoneinfo import ZoneInfo

import requests
from django.conf import settings

from motcua.payments.gateways import register
from motcua.payments.gateways.base import (
    CallbackResult,
    PaymentGateway,
    SignatureError,
    StatementLine,
)

if TYPE_CHECKING:
    from motcua.payments.models import PaymentAccount, PaymentTransaction

VN = ZoneInfo("Asia/Ho_Chi_Minh")
VERSION = "2.1.0"
TIME_FORMAT = "%Y%m%d%H%M%S"
EXPIRES_AFTER = dt.timedelta(minutes=15)
HASH_FIELDS = frozenset({"vnp_SecureHash", "vnp_SecureHashType"})
CANCELLED_BY_CUSTOMER = "24"

# IPN answers (RspCode) by verdict.
IPN_ANSWERS: dict[str, tuple[str, str]] = {
    "applied": ("00", "Confirm Success"),
    "failed_at_gateway": ("00", "Confirm Success"),
    "duplicate": ("02", "Order already confirmed"),
    # Paid at the gateway but not applied (more than is due, or the dossier is closed):
    # flagged for a refund; "02" so the gateway stops retrying.
    "over_payment": ("02", "Order already confirmed"),
    "not_applicable": ("02", "Order already confirmed"),
    "unknown_txn": ("01", "Order not found"),
    "wrong_dossier": ("01", "Order not found"),
    "amount_mismatch": ("04", "Invalid amount"),
    "bad_signature": ("97", "Invalid signature"),
}


def hash_data(params: Mapping[str, str]) -> str:
    """The signed string: every non-empty ``vnp_`` parameter but the hash itself, sorted
    by name, each ``name=value`` encoded with ``quote_plus``."""
    items = sorted(
        (k, str(v))
        for k, v in params.items()
        if k.startswith("vnp_") and k not in HASH_FIELDS and str(v) != ""
    )
    return "&".join(f"{quote_plus(k)}={quote_plus(v)}" for k, v in items)


def sign(params: Mapping[str, str], secret: str) -> str:
    return hmac.new(secret.encode(), hash_data(params).encode(), hashlib.sha512).hexdigest()


def verify(params: Mapping[str, str], secret: str) -> bool:
    given = str(params.get("vnp_SecureHash", ""))
    return bool(given) and hmac.compare_digest(sign(params, secret).lower(), given.lower())


def signed_query(params: Mapping[str, str], secret: str) -> str:
    """``params`` as a query string ending with their ``vnp_SecureHash``."""
    query = hash_data(params)
    return f"{query}&vnp_SecureHash={sign(params, secret)}"


def statement_signature(tmn: str, day: str, secret: str) -> str:
    message = f"date={quote_plus(day)}&tmn={quote_plus(tmn)}"
    return hmac.new(secret.encode(), message.encode(), hashlib.sha512).hexdigest()


def vn_time(at: dt.datetime) -> str:
    return at.astimezone(VN).strftime(TIME_FORMAT)


def parse_vn_time(value: str) -> dt.datetime | None:
    try:
        return dt.datetime.strptime(value, TIME_FORMAT).replace(tzinfo=VN)
    except ValueError:
        return None


def _setting(name: str, default: str) -> str:
    return str(getattr(settings, name, "") or os.environ.get(name, "") or default)


def payment_base_url() -> str:
    dev = f"{settings.MOTCUA_PUBLIC_URL}/dev/gateway/pay" if settings.MOTCUA_DEV_PEERS else ""
    return _setting("MOTCUA_VNPAY_URL", dev)


def statement_base_url() -> str:
    dev = f"{settings.MOTCUA_PUBLIC_URL}/dev/gateway/statement" if settings.MOTCUA_DEV_PEERS else ""
    return _setting("MOTCUA_VNPAY_STATEMENT_URL", dev)


def _amount(value: Any) -> int:
    """``vnp_Amount`` (×100) in đồng; -1 when it is not a whole number of đồng."""
    try:
        hundredths = int(str(value))
    except ValueError:
        return -1
    return hundredths // 100 if hundredths >= 0 and hundredths % 100 == 0 else -1


@register
class VnpayGateway(PaymentGateway):
    key = "vnpay"
    name = "VNPAY"
    attempt_lifetime = EXPIRES_AFTER

    def build_payment_url(
        self,
        txn: PaymentTransaction,
        *,
        return_url: str,
        ipn_url: str,
        client_ip: str,
        locale: str,
        order_info: str,
    ) -> str:
        # VNPAY takes the IPN address from the merchant's registration, not the request.
        del ipn_url
        base = payment_base_url()
        if not base:
            raise RuntimeError("MOTCUA_VNPAY_URL is not set.")
        account = txn.account
        params = {
            "vnp_Version": VERSION,
            "vnp_Command": "pay",
            "vnp_TmnCode": account.merchant_code,
            "vnp_Amount": str(txn.amount * 100),
            "vnp_CurrCode": "VND",
            "vnp_TxnRef": txn.txn_ref,
            "vnp_OrderInfo": order_info,
            "vnp_OrderType": "other",
            "vnp_Locale": "vn" if locale.startswith("vi") else "en",
            "vnp_ReturnUrl": return_url,
            "vnp_IpAddr": client_ip or "127.0.0.1",
            "vnp_CreateDate": vn_time(txn.created_at),
            "vnp_ExpireDate": vn_time(txn.created_at + EXPIRES_AFTER),
        }
        return f"{base}?{signed_query(params, account.secret)}"

    def merchant_of(self, params: Mapping[str, str]) -> str:
        return str(params.get("vnp_TmnCode", ""))

    def parse_callback(self, params: Mapping[str, str], secret: str) -> CallbackResult:
        if not verify(params, secret):
            raise SignatureError("vnp_SecureHash does not verify")
        code = str(params.get("vnp_ResponseCode", ""))
        status = str(params.get("vnp_TransactionStatus", ""))
        return CallbackResult(
            txn_ref=str(params.get("vnp_TxnRef", "")),
            merchant_code=self.merchant_of(params),
            amount=_amount(params.get("vnp_Amount", "")),
            success=code == "00" and status == "00",
            response_code=code,
            gateway_txn_no=str(params.get("vnp_TransactionNo", "")),
            bank_code=str(params.get("vnp_BankCode", "")),
            paid_at=parse_vn_time(str(params.get("vnp_PayDate", ""))),
            order_info=str(params.get("vnp_OrderInfo", "")),
        )

    def ipn_response(self, verdict: str) -> dict[str, str]:
        code, message = IPN_ANSWERS.get(verdict, ("99", "Unknown error"))
        return {"RspCode": code, "Message": message}

    def statement(self, account: PaymentAccount, day: dt.date) -> list[StatementLine]:
        base = statement_base_url()
        if not base:
            raise RuntimeError("MOTCUA_VNPAY_STATEMENT_URL is not set.")
        stamp = day.strftime("%Y%m%d")
        query = urlencode(
            {
                "tmn": account.merchant_code,
                "date": stamp,
                "signature": statement_signature(account.merchant_code, stamp, account.secret),
            }
        )
        response = requests.get(f"{base}?{query}", timeout=20)
        response.raise_for_status()
        body = response.json()
        lines = []
        for row in body.get("transactions", []):
            lines.append(
                StatementLine(
                    txn_ref=str(row.get("vnp_TxnRef", "")),
                    amount=_amount(row.get("vnp_Amount", "")),
                    gateway_txn_no=str(row.get("vnp_TransactionNo", "")),
                    paid_at=parse_vn_time(str(row.get("vnp_PayDate", ""))),
                    success=row.get("vnp_ResponseCode") == "00"
                    and row.get("vnp_TransactionStatus") == "00",
                )
            )
        return lines
