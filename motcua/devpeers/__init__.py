"""Development-only peers that speak the real protocols over HTTP: an OpenID provider with
demo citizens (``idp``), a VNPAY-style payment gateway (``gateway``) and an SMS gateway
(``sms``). Installed only when ``MOTCUA_DEV_PEERS`` is on (DEBUG by default)."""
