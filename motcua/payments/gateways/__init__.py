"""The registry of payment-gateway plugins: ``register`` a class, ``get`` one by key."""

from __future__ import annotations

from motcua.core.errors import NotFound
from motcua.payments.gateways.base import PaymentGateway

_REGISTRY: dict[str, PaymentGateway] = {}


def register(cls: type[PaymentGateway]) -> type[PaymentGateway]:
    """Class decorator: make the gateway available under ``cls.key``."""
    _REGISTRY[cls.key] = cls()
    return cls


def get(key: str) -> PaymentGateway:
    _load()
    try:
        return _REGISTRY[key]
    except KeyError:
        raise NotFound(f"No payment gateway {key!r}.") from None


def keys() -> list[str]:
    _load()
    return sorted(_REGISTRY)


def _load() -> None:
    from motcua.payments.gateways import vnpay  # noqa: F401  (registers itself)
