"""The notification outbox (hộp thư đi): every message we owe a citizen, kept until sent.

A row is written in the same transaction as the fact it announces (or right after it,
by the event subscriber) and sent by a background task after commit; a temporary failure
leaves it queued with a later ``next_attempt_at`` so a retry can send it.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Purpose(models.TextChoices):
    DOSSIER_ACCEPTED = "dossier_accepted", _("dossier accepted")
    COMPLETION_REQUESTED = "completion_requested", _("completion requested")
    SUPPLEMENT_REQUESTED = "supplement_requested", _("supplement requested")
    PAYMENT_REQUESTED = "payment_requested", _("payment requested")
    PAYMENT_RECEIVED = "payment_received", _("payment received")
    RESULT_READY = "result_ready", _("result ready")
    RESULT_RETURNED = "result_returned", _("result returned")
    DOSSIER_REFUSED = "dossier_refused", _("dossier refused")
    CONSENT_CODE = "consent_code", _("consent code")


class Status(models.TextChoices):
    QUEUED = "queued", _("queued")
    SENT = "sent", _("sent")
    FAILED = "failed", _("failed")


class Notification(models.Model):
    """One message to one address through one channel (e-mail, SMS)."""

    channel = models.CharField(_("channel"), max_length=16)
    recipient = models.CharField(_("recipient"), max_length=254)
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    body = models.TextField(_("text"))
    purpose = models.CharField(_("purpose"), max_length=32)
    dossier = models.ForeignKey(
        "dossiers.Dossier",
        verbose_name=_("dossier"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="notifications",
    )
    event = models.ForeignKey(
        "dossiers.DossierEvent",
        verbose_name=_("event"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="notifications",
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    last_error = models.TextField(_("last error"), blank=True)
    provider_id = models.CharField(_("provider message ID"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-id"]
        constraints = [
            # Re-delivering an event never sends the same message twice.
            models.UniqueConstraint(
                fields=["event", "channel", "purpose"], name="notification_once_per_event"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="notification_due"),
        ]

    def __str__(self) -> str:
        return f"{self.channel} → {self.recipient} ({self.purpose}, {self.status})"
