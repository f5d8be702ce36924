"""System checks: an enabled channel must be able to send."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Warning, register


@register()
def sms_configured(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    from motcua.notifications.channels.sms import sms_url

    if "sms" in settings.MOTCUA_NOTIFICATION_CHANNELS and not sms_url():
        return [
            Warning(
                "The SMS channel is enabled but MOTCUA_SMS_URL is not set: every SMS will fail.",
                hint="Set MOTCUA_SMS_URL and MOTCUA_SMS_API_KEY, or remove 'sms' from "
                "MOTCUA_NOTIFICATION_CHANNELS.",
                id="motcua_notifications.W001",
            )
        ]
    return []
