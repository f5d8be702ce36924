"""The citizen's side of online payment: start (redirect to the gateway), the return
page, the receipt PDF — and the gateway's server-to-server IPN."""

from __future__ import annotations

import logging

from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    JsonResponse,
)
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from motcua.core.errors import InvalidInput, NotFound
from motcua.documents.slips import tracking_url
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import check_lookup_secret
from motcua.payments import gateways
from motcua.payments.models import PaymentTransaction, TransactionStatus
from motcua.payments.selectors import payment_offer
from motcua.payments.services import (
    payment_apply_ipn,
    payment_receipt,
    payment_return,
    payment_start,
    public_url,
)

log = logging.getLogger(__name__)

# The payment attempts this browser session started (their return pages may carry the
# dossier's lookup secret); the newest few only.
STARTED_SESSION_KEY = "payments_started"
STARTED_KEPT = 20


def may_pay(request: HttpRequest, dossier: Dossier, secret: str) -> bool:
    """The dossier's signed-in owner, or whoever holds its lookup secret."""
    user = request.user
    if user.is_authenticated and dossier.owner_id is not None and dossier.owner_id == user.pk:
        return True
    return bool(secret) and check_lookup_secret(dossier, secret)


def _dossier(request: HttpRequest, code: str, secret: str) -> Dossier:
    dossier = (
        Dossier.objects.select_related("competent_agency", "procedure_version")
        .filter(code=code.strip())
        .first()
    )
    if dossier is None or not may_pay(request, dossier, secret):
        raise Http404("No such dossier.")
    return dossier


def _client_ip(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", ""))[:45]


@require_POST
@never_cache
def start(request: HttpRequest) -> HttpResponse:
    secret = request.POST.get("k", "")
    dossier = _dossier(request, request.POST.get("code", ""), secret)
    offer = payment_offer(dossier)
    provider = offer.account.provider if offer.account is not None else "vnpay"
    return_url = public_url(reverse("payments:return", kwargs={"provider": provider}))
    try:
        txn, url = payment_start(
            dossier=dossier,
            client_ip=_client_ip(request),
            return_url=return_url,
            locale=get_language() or "vi",
        )
    except InvalidInput as exc:
        context = {"dossier": dossier, "message": exc.message, "secret": secret}
        return render(request, "payments/unavailable.html", context, status=409)
    started = [ref for ref in request.session.get(STARTED_SESSION_KEY, []) if ref != txn.txn_ref]
    request.session[STARTED_SESSION_KEY] = [*started, txn.txn_ref][-STARTED_KEPT:]
    return HttpResponseRedirect(url)


def _may_see_secret(request: HttpRequest, txn: PaymentTransaction) -> bool:
    """Whether the return page may link with the dossier's lookup secret: only for its
    signed-in owner or the browser session that started this payment — not for whoever
    holds the signed return address (it lands in browser history, logs and proxies)."""
    user = request.user
    owner = txn.dossier.owner_id
    if user.is_authenticated and owner is not None and owner == user.pk:
        return True
    return txn.txn_ref in request.session.get(STARTED_SESSION_KEY, [])


@require_GET
@never_cache
def return_page(request: HttpRequest, provider: str) -> HttpResponse:
    try:
        gateways.get(provider)
    except NotFound:
        raise Http404("No such gateway.") from None
    outcome = payment_return(
        provider=provider, params=request.GET.dict(), remote_addr=_client_ip(request)
    )
    txn = outcome.transaction
    context: dict[str, object] = {"outcome": outcome, "txn": txn}
    if outcome.verified and txn is not None:
        dossier = txn.dossier
        context.update(
            dossier=dossier,
            paid=txn.status == TransactionStatus.PAID,
            refund=txn.status == TransactionStatus.REFUND_NEEDED,
            receipt_url="",
        )
        if _may_see_secret(request, txn):
            context.update(
                track_url=tracking_url(dossier),
                receipt_url=f"{reverse('payments:receipt', kwargs={'ref': txn.txn_ref})}"
                f"?k={dossier.lookup_secret}",
            )
        else:
            # The outcome only: the tracking page asks for the code and the secret.
            context.update(track_url=public_url(reverse("portal:track")))
    status = 200 if outcome.verified else 400
    return render(request, "payments/return.html", context, status=status)


@require_GET
def receipt(request: HttpRequest, ref: str) -> HttpResponseBase:
    txn = (
        PaymentTransaction.objects.select_related(
            "dossier__procedure_version",
            "dossier__procedure_group",
            "dossier__receiving_agency",
            "dossier__competent_agency",
            "account__agency__parent",
            "payment",
        )
        .filter(txn_ref=ref)
        .first()
    )
    if txn is None or not may_pay(request, txn.dossier, request.GET.get("k", "")):
        raise Http404("No such receipt.")
    try:
        document = payment_receipt(txn=txn)
    except NotFound:
        raise Http404("This payment is not confirmed.") from None
    response = FileResponse(
        document.file.open("rb"), content_type=document.content_type, filename=document.file_name
    )
    response["Cache-Control"] = "private, no-store"
    return response


@csrf_exempt
@require_http_methods(["GET", "POST"])
def ipn(request: HttpRequest, provider: str) -> JsonResponse:
    """The gateway's server-to-server confirmation (GET, as VNPAY sends it)."""
    try:
        gateways.get(provider)
    except NotFound:
        raise Http404("No such gateway.") from None
    params = request.GET.dict() if request.method == "GET" else request.POST.dict()
    try:
        outcome = payment_apply_ipn(
            provider=provider, params=params, remote_addr=_client_ip(request)
        )
    except Exception:  # the gateway expects an answer, and retries on "99"
        log.exception("Payment IPN failed: %s", params)
        return JsonResponse(gateways.get(provider).ipn_response("error"))
    return JsonResponse(outcome.answer)
