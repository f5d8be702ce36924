"""Merchant hash secrets at rest (see ``motcua.core.secrets``), under their own key."""

from __future__ import annotations

from motcua.core.secrets import SecretBox

_BOX = SecretBox(salt=b"motcua-payments", info=b"payment account hash secret")


def encrypt_secret(plain: str) -> bytes:
    return _BOX.encrypt(plain)


def decrypt_secret(token: bytes | memoryview) -> str:
    """Raises ``cryptography.fernet.InvalidToken`` when the key secret has changed."""
    return _BOX.decrypt(token)
