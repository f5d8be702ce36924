"""Development-only hash secrets of the demo merchants: derived from the merchant code
and a constant that is public on purpose (never use these outside the demo and tests)."""

from __future__ import annotations

import hashlib
import hmac

DEV_SECRET_KEY = b"motcua-dev-gateway-demo-only"


def dev_secret(merchant_code: str) -> str:
    """The development hash secret of a demo merchant (32 characters)."""
    return hmac.new(DEV_SECRET_KEY, merchant_code.encode(), hashlib.sha256).hexdigest()[:32]
