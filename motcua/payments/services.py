"""Online payment actions: start a payment at the gateway, apply a verified IPN (the only
way an online payment counts), show a return, and issue the electronic receipt (biên lai
điện tử)."""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from collections.abc import Mapping
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.errors import ConcurrentChange, IllegalTransition, InvalidInput, NotFound
from motcua.documents.models import DocumentForm, GeneratedDocument
from motcua.documents.render import qr_svg
from motcua.documents.services import event_document
from motcua.documents.slips import issuer_lines, tracking_url, vn_datetime, vnd
from motcua.dossiers.actors import Actor
from motcua.dossiers.lifecycle import Action
from motcua.dossiers.models import Dossier, DossierEvent, PaymentMethod
from motcua.dossiers.services import dossier_record_payment
from motcua.payments import gateways
from motcua.payments.gateways.base import CallbackResult, SignatureError
from motcua.payments.models import (
    GatewayCallback,
    PaymentAccount,
    PaymentTransaction,
    TransactionStatus,
    Verdict,
)
from motcua.payments.selectors import amount_due, payment_offer
from motcua.worktime.calendar import to_local

log = logging.getLogger(__name__)

PDF = "application/pdf"
ORDER_INFO_PREFIX = "Thanh toan phi ho so "
REJECTED = frozenset(
    {
        Verdict.BAD_SIGNATURE,
        Verdict.UNKNOWN_TXN,
        Verdict.AMOUNT_MISMATCH,
        Verdict.WRONG_DOSSIER,
        Verdict.NOT_APPLICABLE,
    }
)
# Paid at the gateway but not applied to the dossier: the payer must be refunded.
NOT_APPLIED_BUT_PAID = frozenset({Verdict.OVER_PAYMENT, Verdict.NOT_APPLICABLE})
# A pending attempt is reused only while the gateway accepts it at least this much longer.
REUSE_MARGIN = dt.timedelta(minutes=5)


def _new_ref(now: dt.datetime) -> str:
    return f"MC{to_local(now):%y%m%d%H%M%S}{secrets.token_hex(4).upper()}"


def order_info(dossier: Dossier) -> str:
    """``vnp_OrderInfo``: plain ASCII naming the dossier (checked again on the IPN)."""
    return f"{ORDER_INFO_PREFIX}{dossier.code}"


def _dossier_code_of(info: str) -> str:
    return info[len(ORDER_INFO_PREFIX) :].strip() if info.startswith(ORDER_INFO_PREFIX) else ""


def public_url(path: str) -> str:
    """``path`` on MotCua's public address (what the gateway and the QR codes reach)."""
    return f"{settings.MOTCUA_PUBLIC_URL}{path}"


def _reusable_attempt(
    dossier: Dossier, account: PaymentAccount, amount: int, lifetime: dt.timedelta, now: dt.datetime
) -> PaymentTransaction | None:
    """The dossier's newest pending attempt of ``amount`` to ``account`` that the gateway
    still accepts for a while (a second "Pay" — another tab, a reload — goes on with it
    rather than opening a second attempt that could be paid too)."""
    return (
        PaymentTransaction.objects.filter(
            dossier=dossier,
            account=account,
            amount=amount,
            status=TransactionStatus.PENDING,
            created_at__gt=now - lifetime + REUSE_MARGIN,
            created_at__lte=now,
        )
        .select_related("account")
        .order_by("-created_at", "-pk")
        .first()
    )


def payment_start(
    *,
    dossier: Dossier,
    client_ip: str,
    return_url: str,
    locale: str = "vi",
    at: dt.datetime | None = None,
) -> tuple[PaymentTransaction, str]:
    """Open a payment attempt of the amount now due (or go on with the dossier's pending
    attempt of that amount) and the gateway address to send the browser to. Nothing is
    paid until the gateway's IPN confirms it."""
    now = at or timezone.now()
    with transaction.atomic():
        # The dossier's row is locked so two presses at once share one attempt.
        locked = Dossier.objects.select_for_update(of=("self",)).get(pk=dossier.pk)
        offer = payment_offer(locked)
        if not offer.payable or offer.account is None:
            raise InvalidInput(offer.reason, details={"errors": {"payment": offer.reason}})
        account = offer.account
        gateway = gateways.get(account.provider)
        txn = _reusable_attempt(locked, account, offer.due, gateway.attempt_lifetime, now)
        if txn is None:
            txn = PaymentTransaction.objects.create(
                dossier=locked,
                account=account,
                txn_ref=_new_ref(now),
                amount=offer.due,
                created_at=now,
            )
    ipn_url = public_url(reverse("gateway:ipn", kwargs={"provider": gateway.key}))
    url = gateway.build_payment_url(
        txn,
        return_url=return_url,
        ipn_url=ipn_url,
        client_ip=client_ip,
        locale=locale,
        order_info=order_info(dossier),
    )
    return txn, url


@dataclass(frozen=True)
class IpnOutcome:
    verdict: Verdict
    transaction: PaymentTransaction | None
    answer: dict[str, str]


def _account(provider: str, params: Mapping[str, str]) -> PaymentAccount | None:
    merchant = gateways.get(provider).merchant_of(params)
    if not merchant:
        return None
    return PaymentAccount.objects.filter(provider=provider, merchant_code=merchant).first()


def _verified(
    provider: str, params: Mapping[str, str]
) -> tuple[PaymentAccount | None, CallbackResult | None]:
    account = _account(provider, params)
    if account is None:
        return None, None
    try:
        return account, gateways.get(provider).parse_callback(params, account.secret)
    except SignatureError:
        return account, None


def _judge(
    result: CallbackResult, account: PaymentAccount, txn: PaymentTransaction | None
) -> tuple[Verdict, str]:
    if txn is None:
        return Verdict.UNKNOWN_TXN, f"No transaction {result.txn_ref!r}."
    named = _dossier_code_of(result.order_info)
    if txn.account_id != account.pk or (named and named != txn.dossier.code):
        return (
            Verdict.WRONG_DOSSIER,
            f"Transaction {txn.txn_ref} belongs to dossier {txn.dossier.code}, "
            f"not to {named or account.merchant_code}.",
        )
    if result.amount != txn.amount:
        return (
            Verdict.AMOUNT_MISMATCH,
            f"Amount {result.amount} differs from the transaction's {txn.amount}.",
        )
    if txn.status != TransactionStatus.PENDING:
        return Verdict.DUPLICATE, f"Transaction {txn.txn_ref} is already {txn.status}."
    if not result.success:
        return Verdict.FAILED_AT_GATEWAY, f"Gateway response code {result.response_code}."
    return Verdict.APPLIED, ""


def payment_apply_ipn(
    *, provider: str, params: Mapping[str, str], remote_addr: str = ""
) -> IpnOutcome:
    """Apply a gateway's IPN: in one transaction, with the payment attempt locked, verify
    the signature, find the attempt, check its dossier and amount, and record the payment
    once through ``dossier_record_payment``. Anything else is rejected, logged and not
    applied."""
    gateway = gateways.get(provider)
    raw = {str(k): str(v) for k, v in params.items()}
    now = timezone.now()
    with transaction.atomic():
        account, result = _verified(provider, raw)
        txn: PaymentTransaction | None = None
        if account is None or result is None:
            verdict, message = Verdict.BAD_SIGNATURE, "Signature does not verify."
        else:
            txn = (
                PaymentTransaction.objects.select_for_update(of=("self",))
                .select_related("dossier")
                .filter(txn_ref=result.txn_ref)
                .first()
            )
            verdict, message = _judge(result, account, txn)
        if verdict is Verdict.FAILED_AT_GATEWAY and txn is not None and result is not None:
            cancelled = result.response_code == "24"
            txn.status = TransactionStatus.CANCELLED if cancelled else TransactionStatus.FAILED
            txn.save(update_fields=["status"])
        if verdict is Verdict.APPLIED and txn is not None and result is not None:
            verdict, message = _apply(txn, result, gateway.name, now)
        GatewayCallback.objects.create(
            provider=provider,
            kind="ipn",
            params=raw,
            remote_addr=remote_addr[:64],
            verdict=verdict,
            message=message[:500],
            transaction=txn if verdict is not Verdict.UNKNOWN_TXN else None,
            at=now,
        )
    if verdict in NOT_APPLIED_BUT_PAID and txn is not None:
        log.warning(
            "Payment IPN %s: %s đ paid at the gateway for dossier %s (transaction %s) was "
            "not applied; the payer must be refunded. %s",
            verdict,
            txn.amount,
            txn.dossier.code,
            txn.txn_ref,
            message,
        )
    elif verdict in REJECTED:
        log.warning("Payment IPN rejected (%s) from %s: %s %s", verdict, remote_addr, message, raw)
    else:
        log.info("Payment IPN %s: %s", verdict, raw.get("vnp_TxnRef", ""))
    return IpnOutcome(verdict, txn, gateway.ipn_response(verdict))


def _apply(
    txn: PaymentTransaction, result: CallbackResult, gateway_name: str, now: dt.datetime
) -> tuple[Verdict, str]:
    """Record a confirmed attempt on its dossier, with the dossier's row locked, unless it
    is more than is still due (another attempt, or a payment at the counter, came first)
    or the dossier no longer takes payments: the gateway took the money all the same, so
    the attempt is then marked for a refund."""
    dossier = Dossier.objects.select_for_update(of=("self",)).get(pk=txn.dossier_id)
    due = amount_due(dossier)
    if txn.amount > due:
        verdict, message = (
            Verdict.OVER_PAYMENT,
            f"Transaction {txn.txn_ref} of {txn.amount} exceeds the {due} still due on "
            f"dossier {dossier.code} (fees {dossier.fee_total}, paid {dossier.paid_total}).",
        )
    else:
        verdict, message = _record(txn, result, gateway_name, now)
    if verdict in NOT_APPLIED_BUT_PAID:
        message = f"{message} Paid at the gateway: refund needed."
        txn.status = TransactionStatus.REFUND_NEEDED
        txn.gateway_txn_no = result.gateway_txn_no[:64]
        txn.bank_code = result.bank_code[:32]
        txn.paid_at = result.paid_at or now
        txn.save(update_fields=["status", "gateway_txn_no", "bank_code", "paid_at"])
    return verdict, message


def _record(
    txn: PaymentTransaction, result: CallbackResult, gateway_name: str, now: dt.datetime
) -> tuple[Verdict, str]:
    reference = result.gateway_txn_no or txn.txn_ref
    try:
        with transaction.atomic():
            payment = dossier_record_payment(
                dossier=txn.dossier_id,
                actor=Actor.system(gateway_name),
                amount=txn.amount,
                method=PaymentMethod.PROVINCE_GATEWAY,
                reference=reference,
                paid_at=result.paid_at or now,
                at=now,
            )
    except ConcurrentChange as exc:
        return Verdict.DUPLICATE, exc.message
    except (IllegalTransition, InvalidInput) as exc:
        return Verdict.NOT_APPLICABLE, exc.message
    txn.status = TransactionStatus.PAID
    txn.gateway_txn_no = result.gateway_txn_no[:64]
    txn.bank_code = result.bank_code[:32]
    txn.paid_at = payment.paid_at
    txn.payment = payment
    txn.save(update_fields=["status", "gateway_txn_no", "bank_code", "paid_at", "payment"])
    return Verdict.APPLIED, f"Payment {payment.pk} recorded."


@dataclass(frozen=True)
class ReturnOutcome:
    """What the browser's return shows: nothing is applied here."""

    verified: bool
    transaction: PaymentTransaction | None
    success_at_gateway: bool


def payment_return(
    *, provider: str, params: Mapping[str, str], remote_addr: str = ""
) -> ReturnOutcome:
    """Read a return redirect: verify its signature and report the attempt's state (only
    a verified IPN ever records a payment)."""
    raw = {str(k): str(v) for k, v in params.items()}
    account, result = _verified(provider, raw)
    txn = None
    if account is not None and result is not None:
        txn = (
            PaymentTransaction.objects.select_related("dossier", "payment")
            .filter(txn_ref=result.txn_ref, account=account)
            .first()
        )
    verified = result is not None and txn is not None
    GatewayCallback.objects.create(
        provider=provider,
        kind="return",
        params=raw,
        remote_addr=remote_addr[:64],
        verdict=Verdict.SHOWN if verified else Verdict.BAD_SIGNATURE,
        message="" if verified else "Return with a signature that does not verify.",
        transaction=txn,
        at=timezone.now(),
    )
    return ReturnOutcome(verified, txn, bool(result and result.success))


# --- the electronic receipt -----------------------------------------------------------


def _payment_event(txn: PaymentTransaction) -> DossierEvent:
    event = (
        DossierEvent.objects.filter(
            dossier_id=txn.dossier_id,
            action=Action.RECORD_PAYMENT.value,
            data__payment=txn.payment_id,
        )
        .order_by("seq")
        .first()
    )
    if event is None:
        raise NotFound(_("No payment was recorded for this transaction."))
    return event


def _receipt_context(txn: PaymentTransaction, event: DossierEvent) -> dict[str, object]:
    dossier = txn.dossier
    account = txn.account
    agency = account.agency
    superior, name = issuer_lines(agency)
    payment = txn.payment
    assert payment is not None
    url = tracking_url(dossier)
    return {
        "document_title": f"Biên lai thu phí, lệ phí điện tử – {dossier.code}",
        "issuer": {"superior": superior, "name": name, "plain_name": agency.name},
        "receipt_number": txn.txn_ref,
        "code": dossier.code,
        "procedure": dossier.procedure_name,
        "payer": dossier.applicant_name,
        "payer_address": dossier.applicant_address,
        "amount": vnd(payment.amount),
        "amount_number": f"{payment.amount:,}".replace(",", "."),
        "paid_at": vn_datetime(payment.paid_at),
        "recorded_at": vn_datetime(event.at),
        "gateway": gateways.get(account.provider).name,
        "gateway_reference": payment.reference,
        "bank_code": txn.bank_code,
        "agency": agency.name,
        "bank_name": account.bank_name,
        "account_number": account.account_number,
        "account_holder": account.account_holder,
        "tracking_url": url,
        "qr": qr_svg(url),
    }


def payment_receipt(*, txn: PaymentTransaction) -> GeneratedDocument:
    """The receipt PDF of a paid attempt, rendered and stored on first request (as a
    ``GeneratedDocument`` of the payment's event, so at most one per payment)."""
    if txn.status != TransactionStatus.PAID or txn.payment_id is None:
        raise NotFound(_("This payment has not been confirmed by the gateway."))
    event = _payment_event(txn)
    return event_document(
        event=event,
        form=DocumentForm.PAYMENT_RECEIPT,
        template="payments/receipt_pdf.html",
        context=lambda: _receipt_context(txn, event),
        file_name=f"bien-lai-{txn.dossier.code}-{txn.txn_ref}.pdf",
        agency=txn.account.agency,
    )
