"""The ID-token check: signature against the provider's keys, issuer, audience, expiry and
nonce — with tokens signed here (joserfc, the JOSE library Authlib itself uses)."""

from __future__ import annotations

import time
from typing import Any

import pytest
from joserfc import jwt
from joserfc.jwk import KeySet, OctKey, RSAKey

from motcua.citizens.oidc import OidcConfig, SignInFailed, verify_id_token

ISSUER = "https://id.example.vn/o"
CONFIG = OidcConfig(
    issuer=ISSUER,
    client_id="motcua-portal",
    client_secret="s",
    scope="openid",
    personal_id_claim="personal_id",
)
PROVIDER_KEY = RSAKey.generate_key(2048, parameters={"kid": "provider"})
OTHER_KEY = RSAKey.generate_key(2048, parameters={"kid": "provider"})  # same kid, other key
JWKS = KeySet([PROVIDER_KEY]).as_dict(private=False)


def claims(**over: Any) -> dict[str, Any]:
    now = int(time.time())
    values = {
        "iss": ISSUER,
        "sub": "42",
        "aud": "motcua-portal",
        "iat": now,
        "exp": now + 300,
        "nonce": "n-123",
        "personal_id": "008190001234",
    }
    values.update(over)
    return {k: v for k, v in values.items() if v is not None}


def sign(payload: dict[str, Any], key: Any = PROVIDER_KEY, alg: str = "RS256") -> str:
    return jwt.encode({"alg": alg, "kid": "provider"}, payload, key)


def test_a_good_token_gives_its_claims() -> None:
    got = verify_id_token(sign(claims()), config=CONFIG, jwks=JWKS, nonce="n-123")
    assert got["personal_id"] == "008190001234"
    assert got["sub"] == "42"


@pytest.mark.parametrize(
    ("token", "reason"),
    [
        (lambda: sign(claims(), key=OTHER_KEY), "bad_signature"),
        (lambda: sign(claims(iss="https://evil.example/o")), "Invalid claim: 'iss'"),
        (lambda: sign(claims(iss=None)), "Missing claim: 'iss'"),
        (lambda: sign(claims(aud="another-client")), "Invalid claim: 'aud'"),
        (lambda: sign(claims(exp=int(time.time()) - 3600)), "expired"),
        (lambda: sign(claims(nonce="replayed-nonce")), "Invalid claim: 'nonce'"),
        (lambda: sign(claims(nonce=None)), "Missing claim: 'nonce'"),
        (lambda: sign(claims(), key=OctKey.import_key("s" * 32), alg="HS256"), "signature/format"),
        (lambda: "not.a.token", "signature/format"),
    ],
    ids=[
        "other-key",
        "other-issuer",
        "no-issuer",
        "other-audience",
        "expired",
        "wrong-nonce",
        "no-nonce",
        "hs256-with-guessable-secret",
        "garbage",
    ],
)
def test_a_bad_token_is_refused(token: Any, reason: str) -> None:
    with pytest.raises(SignInFailed) as refused:
        verify_id_token(token(), config=CONFIG, jwks=JWKS, nonce="n-123")
    assert refused.value.message  # shown to the citizen
    assert refused.value.reason.startswith("ID token")
    assert reason in refused.value.reason


def test_at_hash_binds_the_access_token() -> None:
    from authlib.oidc.core.util import create_half_hash

    at_hash = create_half_hash("the-access-token", "RS256").decode()
    token = sign(claims(at_hash=at_hash))
    assert verify_id_token(
        token, config=CONFIG, jwks=JWKS, nonce="n-123", access_token="the-access-token"
    )
    with pytest.raises(SignInFailed):
        verify_id_token(token, config=CONFIG, jwks=JWKS, nonce="n-123", access_token="swapped")
