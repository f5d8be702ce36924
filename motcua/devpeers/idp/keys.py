"""The development OpenID provider's signing key (RS256), made once per data directory.

Imported by the settings, so it needs nothing from Django. The key lives in
``<data dir>/dev-idp/oidc.key`` (mode 0600), never in the repository.
"""

from __future__ import annotations

import os
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa


def new_private_key_pem() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode("ascii")


def dev_idp_private_key(data_dir: Path) -> str:
    """The PEM private key in ``data_dir/dev-idp/oidc.key``, generated on first use.

    When the directory cannot be written, a key for this process only is returned (tokens
    it signs stop verifying after a restart, which is harmless for a development peer).
    """
    path = data_dir / "dev-idp" / "oidc.key"
    try:
        return path.read_text(encoding="ascii")
    except OSError:  # not made yet (or not readable: made below, or for this process)
        pass
    pem = new_private_key_pem()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it meanwhile
        return path.read_text(encoding="ascii")
    except OSError:
        return pem
    with os.fdopen(fd, "w", encoding="ascii") as out:
        out.write(pem)
    return pem
