"""The notification plugin interface: one ``Channel`` subclass per way of reaching people."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import ClassVar, Literal

AddressKind = Literal["email", "phone"]


@dataclass(frozen=True)
class OutgoingMessage:
    """What a channel sends: to one address, a subject (ignored by SMS) and a text."""

    to: str
    body: str
    subject: str = ""


class ChannelError(Exception):
    """A channel could not send; ``str(error)`` says why, for the outbox."""


class TemporaryFailure(ChannelError):
    """Try again later (server error, timeout, connection refused)."""


class PermanentFailure(ChannelError):
    """Trying again will not help (address refused, bad request, wrong credentials)."""


class Channel(ABC):
    """A way to reach a citizen. ``send`` returns the provider's message id."""

    key: ClassVar[str]
    #: Which of the citizen's addresses the channel uses.
    address_kind: ClassVar[AddressKind]

    @abstractmethod
    def send(self, message: OutgoingMessage) -> str:
        """Send ``message``; raise ``TemporaryFailure`` or ``PermanentFailure`` on failure."""
