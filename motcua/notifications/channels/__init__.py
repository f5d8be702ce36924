"""The registry of notification channels; ``MOTCUA_NOTIFICATION_CHANNELS`` picks the ones on."""

from __future__ import annotations

from django.conf import settings
from django.utils.module_loading import import_string

from motcua.notifications.channels.base import (
    Channel,
    OutgoingMessage,
    PermanentFailure,
    TemporaryFailure,
)

__all__ = [
    "Channel",
    "OutgoingMessage",
    "PermanentFailure",
    "TemporaryFailure",
    "enabled",
    "get",
    "register",
]

_registry: dict[str, type[Channel]] = {}

# Built-in channels, imported on first use (the e-mail and SMS modules import Django's mail
# and requests, which a process that never notifies does not need).
_BUILTIN = {
    "email": "motcua.notifications.channels.email.EmailChannel",
    "sms": "motcua.notifications.channels.sms.SmsChannel",
}


def register(cls: type[Channel]) -> type[Channel]:
    """Class decorator: make ``cls`` available under ``cls.key``."""
    _registry[cls.key] = cls
    return cls


def get(key: str) -> Channel:
    """An instance of the channel registered as ``key`` (KeyError if there is none)."""
    if key not in _registry and key in _BUILTIN:
        register(import_string(_BUILTIN[key]))
    return _registry[key]()


def enabled() -> list[Channel]:
    """The channels the installation has switched on, in the configured order."""
    return [get(key) for key in settings.MOTCUA_NOTIFICATION_CHANNELS]
