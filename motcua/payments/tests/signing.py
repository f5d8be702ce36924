"""VNPAY signing computed independently of the module under test (hmac + urlencode)."""

from __future__ import annotations

import hashlib
import hmac
from urllib.parse import urlencode


def independent_sign(params: dict[str, str], secret: str) -> str:
    hash_fields = {"vnp_SecureHash", "vnp_SecureHashType"}
    items = sorted((k, v) for k, v in params.items() if k not in hash_fields and v != "")
    data = urlencode(items)  # quote_plus for names and values
    return hmac.new(secret.encode(), data.encode(), hashlib.sha512).hexdigest()


def ipn_params(
    *,
    txn_ref: str,
    amount: int,
    secret: str,
    merchant: str = "MCTEST01",
    code: str = "00",
    order_info: str = "",
    transaction_no: str = "14226112",
    **over: str,
) -> dict[str, str]:
    params = {
        "vnp_Amount": str(amount * 100),
        "vnp_BankCode": "NCB",
        "vnp_BankTranNo": f"VNP{transaction_no}",
        "vnp_CardType": "ATM",
        "vnp_OrderInfo": order_info,
        "vnp_PayDate": "20261125170112",
        "vnp_ResponseCode": code,
        "vnp_TmnCode": merchant,
        "vnp_TransactionNo": transaction_no,
        "vnp_TransactionStatus": code,
        "vnp_TxnRef": txn_ref,
        **over,
    }
    params["vnp_SecureHash"] = independent_sign(params, secret)
    return params
