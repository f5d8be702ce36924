"""Online payment of fees: each agency's receiving account (tài khoản thu phí), the
payment attempts made through a gateway, and a log of every callback a gateway sent."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.dossiers.models import Dossier, Payment
from motcua.org.models import Agency
from motcua.payments.crypto import decrypt_secret, encrypt_secret


class PaymentAccount(models.Model):
    """An agency's receiving account for online fees (tài khoản thu phí, lệ phí) at a
    payment gateway: the merchant code the gateway gave it and the secret it signs with."""

    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="payment_accounts", verbose_name=_("agency")
    )
    provider = models.CharField(_("gateway"), max_length=32, default="vnpay")
    merchant_code = models.CharField(_("merchant code"), max_length=32)
    secret_encrypted = models.BinaryField(_("hash secret (encrypted)"), editable=False)
    bank_name = models.CharField(_("bank"), max_length=200, blank=True)
    account_number = models.CharField(_("account number"), max_length=40, blank=True)
    account_holder = models.CharField(_("account holder"), max_length=200, blank=True)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("payment account")
        verbose_name_plural = _("payment accounts")
        ordering = ["agency__path", "-active", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency"],
                condition=models.Q(active=True),
                name="payment_account_one_active_per_agency",
            ),
            models.UniqueConstraint(
                fields=["provider", "merchant_code"], name="payment_account_merchant_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agency.name} · {self.provider}:{self.merchant_code}"

    def set_secret(self, plain: str) -> None:
        self.secret_encrypted = encrypt_secret(plain)

    @property
    def secret(self) -> str:
        return decrypt_secret(self.secret_encrypted)


class TransactionStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the gateway")
    PAID = "paid", _("Paid")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")
    # Paid at the gateway but not applied to the dossier (already paid by another attempt,
    # or closed): the money must be refunded to the payer.
    REFUND_NEEDED = "refund_needed", _("Paid at the gateway, not applied: refund needed")


class PaymentTransaction(models.Model):
    """One attempt to pay a dossier's fees online (giao dịch thanh toán trực tuyến)."""

    dossier = models.ForeignKey(
        Dossier, on_delete=models.PROTECT, related_name="payment_transactions"
    )
    account = models.ForeignKey(
        PaymentAccount, on_delete=models.PROTECT, related_name="transactions"
    )
    txn_ref = models.CharField(_("transaction reference"), max_length=64, unique=True)
    amount = models.PositiveBigIntegerField(_("amount (VND)"))
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=TransactionStatus.choices,
        default=TransactionStatus.PENDING,
    )
    created_at = models.DateTimeField(_("created at"))
    gateway_txn_no = models.CharField(_("gateway transaction number"), max_length=64, blank=True)
    bank_code = models.CharField(_("bank code"), max_length=32, blank=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    payment = models.ForeignKey(
        Payment, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("payment transaction")
        verbose_name_plural = _("payment transactions")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["account", "paid_at"], name="paytxn_account_paid")]

    def __str__(self) -> str:
        return f"{self.txn_ref} ({self.amount:,} đ, {self.status})"


class Verdict(models.TextChoices):
    APPLIED = "applied", _("Applied: payment recorded")
    DUPLICATE = "duplicate", _("Duplicate: already recorded")
    BAD_SIGNATURE = "bad_signature", _("Rejected: bad signature")
    UNKNOWN_TXN = "unknown_txn", _("Rejected: unknown transaction")
    AMOUNT_MISMATCH = "amount_mismatch", _("Rejected: amount differs")
    WRONG_DOSSIER = "wrong_dossier", _("Rejected: transaction of another dossier")
    FAILED_AT_GATEWAY = "failed_at_gateway", _("Not paid at the gateway")
    NOT_APPLICABLE = "not_applicable", _("Rejected: the dossier cannot take this payment")
    OVER_PAYMENT = "over_payment", _("Not applied: more than is still due (refund needed)")
    SHOWN = "shown", _("Return page shown (nothing applied)")


class GatewayCallback(models.Model):
    """Every IPN or return a gateway sent, with what MotCua made of it."""

    provider = models.CharField(_("gateway"), max_length=32)
    kind = models.CharField(_("kind"), max_length=8, default="ipn")  # "ipn" or "return"
    params = models.JSONField(_("parameters"), default=dict)
    remote_addr = models.CharField(_("remote address"), max_length=64, blank=True)
    verdict = models.CharField(_("verdict"), max_length=24, choices=Verdict.choices)
    message = models.CharField(_("message"), max_length=500, blank=True)
    transaction = models.ForeignKey(
        PaymentTransaction, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("gateway callback")
        verbose_name_plural = _("gateway callbacks")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.provider} {self.kind} {self.verdict} {self.at:%Y-%m-%d %H:%M}"
