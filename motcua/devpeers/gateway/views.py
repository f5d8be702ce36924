"""A local VNPAY-compatible gateway for the demo and the tests: verifies the signed
payment request, shows a Pay / Cancel page, sends the signed IPN to the merchant over
real HTTP, then redirects the browser to the return address; and serves a signed daily
statement for reconciliation. Development only."""

from __future__ import annotations

import hmac
import logging
import secrets
from urllib.parse import parse_qsl

import requests
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from motcua.devpeers.gateway.models import GatewayTransaction, Merchant
from motcua.payments.gateways.vnpay import (
    CANCELLED_BY_CUSTOMER,
    parse_vn_time,
    signed_query,
    statement_signature,
    verify,
    vn_time,
)

log = logging.getLogger(__name__)
REQUIRED = (
    "vnp_Version",
    "vnp_Command",
    "vnp_TmnCode",
    "vnp_Amount",
    "vnp_CurrCode",
    "vnp_TxnRef",
    "vnp_OrderInfo",
    "vnp_ReturnUrl",
    "vnp_CreateDate",
    "vnp_ExpireDate",
)


def _error(request: HttpRequest, message: str, status: int = 400) -> HttpResponse:
    return render(request, "devgateway/error.html", {"message": message}, status=status)


def _checked(request: HttpRequest, query: str) -> tuple[Merchant, dict[str, str]] | HttpResponse:
    params = dict(parse_qsl(query, keep_blank_values=True))
    missing = [name for name in REQUIRED if not params.get(name)]
    if missing:
        return _error(request, f"Missing parameters: {', '.join(missing)}.")
    merchant = Merchant.objects.filter(tmn_code=params["vnp_TmnCode"]).first()
    if merchant is None:
        return _error(request, "Unknown merchant (vnp_TmnCode).")
    if not verify(params, merchant.secret):
        return _error(request, "Invalid signature (vnp_SecureHash).")
    if params["vnp_Command"] != "pay" or params["vnp_CurrCode"] != "VND":
        return _error(request, "Unsupported command or currency.")
    try:
        hundredths = int(params["vnp_Amount"])
    except ValueError:
        return _error(request, "Invalid amount.")
    if hundredths <= 0 or hundredths % 100:
        return _error(request, "Invalid amount.")
    expires = parse_vn_time(params["vnp_ExpireDate"])
    if expires is None or expires < timezone.now():
        return _error(request, "This payment request has expired.")
    return merchant, params


def _ipn_url(merchant: Merchant) -> str:
    if merchant.ipn_url:
        return merchant.ipn_url
    return f"{settings.MOTCUA_PUBLIC_URL}{reverse('gateway:ipn', kwargs={'provider': 'vnpay'})}"


def _result(txn: GatewayTransaction, params: dict[str, str], paid: bool) -> dict[str, str]:
    code = "00" if paid else CANCELLED_BY_CUSTOMER
    return {
        "vnp_Amount": params["vnp_Amount"],
        "vnp_BankCode": txn.bank_code,
        "vnp_BankTranNo": f"VNP{txn.transaction_no}" if paid else "",
        "vnp_CardType": "ATM",
        "vnp_OrderInfo": params["vnp_OrderInfo"],
        "vnp_PayDate": vn_time(txn.pay_date or timezone.now()),
        "vnp_ResponseCode": code,
        "vnp_TmnCode": txn.merchant.tmn_code,
        "vnp_TransactionNo": txn.transaction_no,
        "vnp_TransactionStatus": "00" if paid else "02",
        "vnp_TxnRef": txn.txn_ref,
    }


@require_http_methods(["GET", "POST"])
def pay(request: HttpRequest) -> HttpResponse:
    query = request.POST.get("q", "") if request.method == "POST" else request.GET.urlencode()
    checked = _checked(request, query)
    if isinstance(checked, HttpResponse):
        return checked
    merchant, params = checked
    amount = int(params["vnp_Amount"]) // 100
    existing = GatewayTransaction.objects.filter(
        merchant=merchant, txn_ref=params["vnp_TxnRef"]
    ).first()
    if existing is not None and existing.status != GatewayTransaction.PENDING:
        return _error(request, "This transaction has already been processed.", status=409)
    if request.method == "GET":
        context = {"merchant": merchant, "amount": amount, "params": params, "q": query}
        return render(request, "devgateway/pay.html", context)
    paid = request.POST.get("decision") == "pay"
    with transaction.atomic():
        txn, _created = GatewayTransaction.objects.update_or_create(
            merchant=merchant,
            txn_ref=params["vnp_TxnRef"],
            defaults={
                "amount": amount,
                "order_info": params["vnp_OrderInfo"],
                "return_url": params["vnp_ReturnUrl"],
                "status": GatewayTransaction.PAID if paid else GatewayTransaction.CANCELLED,
                "transaction_no": f"{secrets.randbelow(10**8):08d}" if paid else "0",
                "bank_code": "NCB" if paid else "",
                "pay_date": timezone.now(),
            },
        )
    result = {k: v for k, v in _result(txn, params, paid).items() if v}
    signed = dict(parse_qsl(signed_query(result, merchant.secret)))
    # The server-to-server IPN, over real HTTP, before the browser comes back.
    try:
        answer = requests.get(_ipn_url(merchant), params=signed, timeout=15)
        txn.ipn_answer = answer.json()
    except (requests.RequestException, ValueError) as exc:
        log.warning("Dev gateway: IPN to %s failed: %s", _ipn_url(merchant), exc)
        txn.ipn_answer = {"error": str(exc)}
    txn.save(update_fields=["ipn_answer"])
    return HttpResponseRedirect(
        f"{params['vnp_ReturnUrl']}?{signed_query(signed, merchant.secret)}"
    )


@require_GET
def statement(request: HttpRequest) -> HttpResponse:
    tmn, day, signature = (request.GET.get(k, "") for k in ("tmn", "date", "signature"))
    merchant = Merchant.objects.filter(tmn_code=tmn).first()
    if merchant is None:
        return JsonResponse({"error": "unknown merchant"}, status=404)
    expected = statement_signature(tmn, day, merchant.secret)
    if not hmac.compare_digest(expected, signature.lower()):
        return JsonResponse({"error": "invalid signature"}, status=403)
    start = parse_vn_time(f"{day}000000") if len(day) == 8 else None
    if start is None:
        return JsonResponse({"error": "invalid date"}, status=400)
    date = start.date()
    rows = []
    for txn in merchant.transactions.exclude(status=GatewayTransaction.PENDING).order_by("pk"):
        if txn.pay_date is None or vn_time(txn.pay_date)[:8] != date.strftime("%Y%m%d"):
            continue
        paid = txn.status == GatewayTransaction.PAID
        rows.append(
            {
                "vnp_TxnRef": txn.txn_ref,
                "vnp_Amount": str(txn.amount * 100),
                "vnp_TransactionNo": txn.transaction_no,
                "vnp_PayDate": vn_time(txn.pay_date),
                "vnp_ResponseCode": "00" if paid else CANCELLED_BY_CUSTOMER,
                "vnp_TransactionStatus": "00" if paid else "02",
            }
        )
    return JsonResponse({"tmn": tmn, "date": day, "transactions": rows})
