"""Merchant secrets at rest: Fernet under a key derived (HKDF, SHA-256) from
``MOTCUA_SIGNING_KEY_SECRET`` (setting or environment) or else ``SECRET_KEY`` — the same
secret the signing certificates' passphrases use (``motcua.documents.certificates``), with
its own HKDF label so the two keys differ."""

from __future__ import annotations

import base64
import os

from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

_HKDF_SALT = b"motcua-payments"
_HKDF_INFO = b"payment account hash secret"


def _secret() -> bytes:
    secret = getattr(settings, "MOTCUA_SIGNING_KEY_SECRET", "") or os.environ.get(
        "MOTCUA_SIGNING_KEY_SECRET", ""
    )
    return (secret or settings.SECRET_KEY).encode()


def _fernet() -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=_HKDF_SALT, info=_HKDF_INFO).derive(
        _secret()
    )
    return Fernet(base64.urlsafe_b64encode(key))


def encrypt_secret(plain: str) -> bytes:
    return _fernet().encrypt(plain.encode())


def decrypt_secret(token: bytes | memoryview) -> str:
    """Raises ``cryptography.fernet.InvalidToken`` when the key secret has changed."""
    return _fernet().decrypt(bytes(token)).decode()
