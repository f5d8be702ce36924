"""SMS through an HTTP "brandname" API: POST JSON ``{"to", "text", "sender"}`` with a bearer
API key to ``MOTCUA_SMS_URL``; the answer's ``id`` is the provider id.

5xx answers, timeouts and connection errors are temporary; other 4xx answers permanent.
"""

from __future__ import annotations

import requests
from django.conf import settings

from motcua.notifications.channels.base import (
    Channel,
    OutgoingMessage,
    PermanentFailure,
    TemporaryFailure,
)

TIMEOUT = (5, 15)  # connect, read (seconds)


def sms_url() -> str:
    """The configured API, else the dev gateway of this installation (dev peers only)."""
    if settings.MOTCUA_SMS_URL:
        return str(settings.MOTCUA_SMS_URL)
    if settings.MOTCUA_DEV_PEERS:
        return f"{settings.MOTCUA_PUBLIC_URL}/dev/sms/api/send"
    return ""


class SmsChannel(Channel):
    key = "sms"
    address_kind = "phone"

    def send(self, message: OutgoingMessage) -> str:
        url = sms_url()
        if not url:
            raise PermanentFailure("MOTCUA_SMS_URL is not configured")
        try:
            response = requests.post(
                url,
                json={"to": message.to, "text": message.body, "sender": settings.MOTCUA_SMS_SENDER},
                headers={"Authorization": f"Bearer {settings.MOTCUA_SMS_API_KEY}"},
                timeout=TIMEOUT,
            )
        except requests.RequestException as e:
            raise TemporaryFailure(f"{type(e).__name__}: {e}") from e
        status = response.status_code
        if status >= 500 or status in (408, 429):
            raise TemporaryFailure(f"HTTP {status}: {response.text[:200]}")
        if status >= 400:
            raise PermanentFailure(f"HTTP {status}: {response.text[:200]}")
        # Accepted: never retried from here on, even if the answer carries no id (a retry
        # would send the citizen the same text twice).
        try:
            return str(response.json().get("id", ""))
        except (ValueError, AttributeError):
            return ""
