"""The development gateway's own records: its merchants and the transactions it saw."""

from __future__ import annotations

from django.db import models


class Merchant(models.Model):
    """A merchant registered at the gateway (vnp_TmnCode and its hash secret; dev only,
    so the secret is kept in clear)."""

    tmn_code = models.CharField(max_length=32, unique=True)
    secret = models.CharField(max_length=128)
    name = models.CharField(max_length=255, blank=True)
    # Where the IPN goes; empty = MotCua's own IPN address under MOTCUA_PUBLIC_URL.
    ipn_url = models.URLField(max_length=500, blank=True)

    def __str__(self) -> str:
        return f"{self.tmn_code} {self.name}"


class GatewayTransaction(models.Model):
    PENDING, PAID, CANCELLED = "pending", "paid", "cancelled"

    merchant = models.ForeignKey(Merchant, on_delete=models.CASCADE, related_name="transactions")
    txn_ref = models.CharField(max_length=100)
    amount = models.PositiveBigIntegerField()  # đồng
    order_info = models.CharField(max_length=255, blank=True)
    return_url = models.URLField(max_length=1000)
    status = models.CharField(max_length=16, default=PENDING)
    transaction_no = models.CharField(max_length=20, blank=True)
    bank_code = models.CharField(max_length=20, blank=True)
    pay_date = models.DateTimeField(null=True, blank=True)
    ipn_answer = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["merchant", "txn_ref"], name="devgateway_txn_once")
        ]

    def __str__(self) -> str:
        return f"{self.merchant.tmn_code}/{self.txn_ref} {self.amount} {self.status}"
