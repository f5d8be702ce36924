"""The VNPAY module signs and verifies exactly as the protocol says (checked against an
independent computation)."""

from __future__ import annotations

import hashlib
import hmac
from urllib.parse import parse_qsl, urlsplit

import pytest

from motcua.payments import gateways
from motcua.payments.gateways import vnpay
from motcua.payments.gateways.base import SignatureError

SECRET = "TESTSECRETKEY0123456789ABCDEFGHI"
PARAMS = {
    "vnp_Version": "2.1.0",
    "vnp_Command": "pay",
    "vnp_TmnCode": "MCTEST01",
    "vnp_Amount": "7500000",
    "vnp_CurrCode": "VND",
    "vnp_TxnRef": "MC2611251000AB12CD34",
    "vnp_OrderInfo": "Thanh toan phi ho so 000.00.07.H60-261125-0001",
    "vnp_OrderType": "other",
    "vnp_Locale": "vn",
    "vnp_ReturnUrl": "http://127.0.0.1:8000/vi/pay/return/vnpay/",
    "vnp_IpAddr": "127.0.0.1",
    "vnp_CreateDate": "20261125100000",
    "vnp_ExpireDate": "20261125101500",
}


def test_hash_data_is_sorted_and_quote_plus_encoded() -> None:
    data = vnpay.hash_data(PARAMS)
    names = [pair.split("=", 1)[0] for pair in data.split("&")]
    assert names == sorted(PARAMS)
    assert "vnp_OrderInfo=Thanh+toan+phi+ho+so+000.00.07.H60-261125-0001" in data
    assert "vnp_ReturnUrl=http%3A%2F%2F127.0.0.1%3A8000%2Fvi%2Fpay%2Freturn%2Fvnpay%2F" in data


def test_signature_matches_an_independent_hmac_sha512() -> None:
    message = "&".join(
        f"{k}={v}"
        for k, v in sorted(
            (k, v.replace(" ", "+").replace(":", "%3A").replace("/", "%2F"))
            for k, v in PARAMS.items()
        )
    )
    expected = hmac.new(SECRET.encode(), message.encode(), hashlib.sha512).hexdigest()
    assert vnpay.sign(PARAMS, SECRET) == expected
    assert len(expected) == 128


def test_verify_ignores_the_hash_fields_and_rejects_any_change() -> None:
    signed = {**PARAMS, "vnp_SecureHash": vnpay.sign(PARAMS, SECRET)}
    assert vnpay.verify({**signed, "vnp_SecureHashType": "HmacSHA512"}, SECRET)
    assert vnpay.verify({**signed, "vnp_SecureHash": signed["vnp_SecureHash"].upper()}, SECRET)
    assert not vnpay.verify({**signed, "vnp_Amount": "7500100"}, SECRET)
    assert not vnpay.verify(signed, SECRET + "x")
    assert not vnpay.verify(PARAMS, SECRET)  # no hash at all


def test_parse_callback_reads_success_amount_and_references() -> None:
    gateway = gateways.get("vnpay")
    params = {
        "vnp_Amount": "7500000",
        "vnp_ResponseCode": "00",
        "vnp_TransactionStatus": "00",
        "vnp_TxnRef": "REF1",
        "vnp_TmnCode": "MCTEST01",
        "vnp_TransactionNo": "14226112",
        "vnp_BankCode": "NCB",
        "vnp_PayDate": "20261125170112",
    }
    params["vnp_SecureHash"] = vnpay.sign(params, SECRET)
    result = gateway.parse_callback(params, SECRET)
    assert (result.amount, result.success, result.txn_ref) == (75000, True, "REF1")
    assert result.paid_at is not None and result.paid_at.utcoffset().total_seconds() == 7 * 3600
    failed = {**params, "vnp_ResponseCode": "24"}
    failed["vnp_SecureHash"] = vnpay.sign(failed, SECRET)
    assert gateway.parse_callback(failed, SECRET).success is False
    with pytest.raises(SignatureError):
        gateway.parse_callback({**params, "vnp_TxnRef": "REF2"}, SECRET)


@pytest.mark.parametrize(
    ("verdict", "code"),
    [
        ("applied", "00"),
        ("duplicate", "02"),
        ("unknown_txn", "01"),
        ("amount_mismatch", "04"),
        ("bad_signature", "97"),
        ("something_else", "99"),
    ],
)
def test_ipn_answers_use_vnpay_response_codes(verdict: str, code: str) -> None:
    answer = gateways.get("vnpay").ipn_response(verdict)
    assert answer["RspCode"] == code and answer["Message"]


@pytest.mark.django_db
def test_payment_url_carries_every_parameter_signed(dossier, account, secret) -> None:  # type: ignore[no-untyped-def]
    from motcua.payments.services import payment_start

    txn, url = payment_start(
        dossier=dossier, client_ip="203.0.113.5", return_url="http://x.test/return/"
    )
    parts = urlsplit(url)
    assert parts.path == "/dev/gateway/pay"
    params = dict(parse_qsl(parts.query))
    assert params["vnp_Amount"] == "7500000" and txn.amount == 75000
    assert params["vnp_TmnCode"] == "MCTEST01"
    assert params["vnp_TxnRef"] == txn.txn_ref
    assert params["vnp_Version"] == "2.1.0" and params["vnp_Command"] == "pay"
    assert params["vnp_CurrCode"] == "VND" and params["vnp_IpAddr"] == "203.0.113.5"
    assert dossier.code in params["vnp_OrderInfo"]
    assert (
        len(params["vnp_CreateDate"]) == 14 and params["vnp_ExpireDate"] > params["vnp_CreateDate"]
    )
    assert vnpay.verify(params, secret)


def test_empty_values_are_left_out_of_the_signed_string() -> None:
    with_empty = {**PARAMS, "vnp_BankCode": ""}
    assert vnpay.hash_data(with_empty) == vnpay.hash_data(PARAMS)
    assert vnpay.sign(with_empty, SECRET) == vnpay.sign(PARAMS, SECRET)
