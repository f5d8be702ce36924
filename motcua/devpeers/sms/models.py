"""What the development SMS gateway was asked to send."""

from __future__ import annotations

from django.db import models


class FakeSms(models.Model):
    """One text message the fake gateway accepted (and would have sent)."""

    to = models.CharField(max_length=20, db_index=True)
    text = models.TextField()
    sender = models.CharField(max_length=32, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "fake SMS"
        verbose_name_plural = "fake SMS"
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"→ {self.to}: {self.text[:40]}"
