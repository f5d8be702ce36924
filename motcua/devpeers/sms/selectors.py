"""Reads of the fake gateway's messages (for tests and the demo)."""

from __future__ import annotations

from motcua.devpeers.sms.models import FakeSms


def last_text_to(phone: str) -> str | None:
    """The text of the latest message sent to ``phone``, or None."""
    return FakeSms.objects.filter(to=phone).order_by("-id").values_list("text", flat=True).first()
