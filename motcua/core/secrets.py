"""Secrets kept at rest in the database (signing-certificate passphrases, payment gateways'
hash secrets): Fernet under a key derived (HKDF, SHA-256) from ``MOTCUA_SIGNING_KEY_SECRET``
(setting or environment) or else ``SECRET_KEY``. Each use has its own HKDF salt and label,
so one leaked key opens one kind of secret only."""

from __future__ import annotations

import base64
import os

from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings


class SecretBox:
    """Encrypts and decrypts short strings under the key derived for one use."""

    def __init__(self, *, salt: bytes, info: bytes) -> None:
        self.salt = salt
        self.info = info

    def _fernet(self) -> Fernet:
        secret = getattr(settings, "MOTCUA_SIGNING_KEY_SECRET", "") or os.environ.get(
            "MOTCUA_SIGNING_KEY_SECRET", ""
        )
        key = HKDF(algorithm=hashes.SHA256(), length=32, salt=self.salt, info=self.info).derive(
            (secret or settings.SECRET_KEY).encode()
        )
        return Fernet(base64.urlsafe_b64encode(key))

    def encrypt(self, plain: str) -> bytes:
        return self._fernet().encrypt(plain.encode())

    def decrypt(self, token: bytes | memoryview) -> str:
        """Raises ``cryptography.fernet.InvalidToken`` when the key secret has changed."""
        return self._fernet().decrypt(bytes(token)).decode()
