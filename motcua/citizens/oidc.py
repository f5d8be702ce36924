"""Citizen sign-in with OpenID Connect: the relying party (Authlib as the client).

The flow is the authorization-code flow with PKCE (S256), ``state`` and ``nonce``; Authlib
keeps the state, the code verifier and the nonce in the session until the callback, which
uses them once. The provider (the national identity provider in production, the
development provider in ``motcua/devpeers/idp`` otherwise) is found by discovery at
``{issuer}/.well-known/openid-configuration``; see the settings block "Citizen sign-in".

The ID token is checked here, not trusted: RS256 signature against the provider's JWKS,
``iss`` equal to the configured issuer, ``aud`` our client ID, ``exp``/``iat``, ``nonce``
equal to the one this session sent, and ``at_hash`` when present.

After a sign-in the session records how the identity was verified, for the filing code::

    request.session["identity"] = {
        "method": "oidc",           # the only method so far
        "issuer": "<the issuer>",   # who vouched for the person
        "verified_at": "<ISO 8601 datetime, aware>",
    }

(readers fall back to ``Citizen.issuer`` and ``Citizen.verified_at`` when it is missing).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from authlib.integrations.base_client import OAuthError
from authlib.integrations.django_client import OAuth
from authlib.oidc.core import CodeIDToken
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from requests import RequestException

logger = logging.getLogger("motcua.citizens")

SESSION_NEXT = "oidc_next"
IDENTITY_SESSION_KEY = "identity"
ALGORITHMS = ["RS256"]
LEEWAY_SECONDS = 60
TIMEOUT_SECONDS = 10  # for each call to the provider (discovery, token, keys)
_CLIENT_NAME = "motcua_oidc"


class SignInFailed(Exception):
    """The sign-in was refused; ``message`` is safe to show the citizen (translated),
    ``reason`` is for the log."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(reason)
        self.message = message
        self.reason = reason


@dataclass(frozen=True)
class OidcConfig:
    issuer: str
    client_id: str
    client_secret: str
    scope: str
    personal_id_claim: str
    token_auth_method: str = "client_secret_basic"

    @property
    def discovery_url(self) -> str:
        return f"{self.issuer}/.well-known/openid-configuration"

    @property
    def redirect_uri(self) -> str:
        return f"{settings.MOTCUA_PUBLIC_URL}/oidc/callback/"


def oidc_config() -> OidcConfig | None:
    """The provider configuration from the settings, or None when sign-in is not set up."""
    issuer = settings.MOTCUA_OIDC_ISSUER
    if not issuer and settings.MOTCUA_DEV_PEERS:
        issuer = f"{settings.MOTCUA_PUBLIC_URL}/dev/idp/o"
    if not issuer or not settings.MOTCUA_OIDC_CLIENT_ID:
        return None
    return OidcConfig(
        issuer=issuer.rstrip("/"),
        client_id=settings.MOTCUA_OIDC_CLIENT_ID,
        client_secret=settings.MOTCUA_OIDC_CLIENT_SECRET,
        scope=settings.MOTCUA_OIDC_SCOPE,
        personal_id_claim=settings.MOTCUA_OIDC_PERSONAL_ID_CLAIM,
        token_auth_method=settings.MOTCUA_OIDC_TOKEN_AUTH_METHOD,
    )


_clients: dict[OidcConfig, Any] = {}


def oidc_client(config: OidcConfig) -> Any:
    """The Authlib client for ``config`` (built once per configuration, so a change of
    settings — as in tests — gets a fresh client and fresh provider metadata)."""
    client = _clients.get(config)
    if client is None:
        registry = OAuth()
        client = registry.register(
            name=_CLIENT_NAME,
            client_id=config.client_id,
            client_secret=config.client_secret,
            server_metadata_url=config.discovery_url,
            client_kwargs={
                "scope": config.scope,
                "code_challenge_method": "S256",
                "token_endpoint_auth_method": config.token_auth_method,
                "default_timeout": TIMEOUT_SECONDS,
            },
        )
        _clients.clear()  # one configuration at a time
        _clients[config] = client
    return client


def _metadata(config: OidcConfig) -> Mapping[str, Any]:
    metadata: Mapping[str, Any] = oidc_client(config).load_server_metadata()
    if metadata.get("issuer") != config.issuer:
        # OpenID Connect Discovery §4.3: the document must name the issuer we asked.
        raise SignInFailed(
            _("The identity provider is not configured correctly."),
            f"discovery issuer {metadata.get('issuer')!r} != configured {config.issuer!r}",
        )
    return metadata


def begin_sign_in(request: HttpRequest, *, next_url: str) -> HttpResponse:
    """Send the browser to the provider's authorization endpoint (state, nonce and the PKCE
    verifier stay in this session)."""
    config = oidc_config()
    if config is None:
        raise SignInFailed(_("Signing in is not available."), "OIDC not configured")
    try:
        _metadata(config)
        response: HttpResponse = oidc_client(config).authorize_redirect(
            request, config.redirect_uri
        )
    except (RequestException, ValueError) as exc:
        raise SignInFailed(
            _("The identity provider cannot be reached. Please try again later."),
            f"provider unreachable: {exc}",
        ) from exc
    request.session[SESSION_NEXT] = next_url
    return response


def verify_id_token(
    id_token: str,
    *,
    config: OidcConfig,
    jwks: Mapping[str, Any],
    nonce: str,
    access_token: str | None = None,
) -> dict[str, Any]:
    """The claims of ``id_token`` once its signature (one of ``jwks``, RS256), issuer,
    audience, expiry, nonce and ``at_hash`` check out; else :class:`SignInFailed`."""
    refused = _("Your identity could not be confirmed. Please sign in again.")
    try:
        keys = KeySet.import_key_set(dict(jwks))  # type: ignore[arg-type]
        token = jwt.decode(id_token, keys, algorithms=ALGORITHMS)
    except (JoseError, ValueError) as exc:
        raise SignInFailed(refused, f"ID token signature/format: {exc!r}") from exc
    params: dict[str, Any] = {"nonce": nonce, "client_id": config.client_id}
    if access_token:
        params["access_token"] = access_token
    claims = CodeIDToken(
        dict(token.claims),
        dict(token.header),
        {
            "iss": {"essential": True, "value": config.issuer},
            "aud": {"essential": True, "value": config.client_id},
        },
        params,
    )
    try:
        claims.validate(leeway=LEEWAY_SECONDS)
    except JoseError as exc:
        raise SignInFailed(refused, f"ID token claims: {exc!r}") from exc
    if not nonce or claims.get("nonce") != nonce:  # belt and braces: nonce is mandatory
        raise SignInFailed(refused, "ID token nonce missing or different")
    return dict(claims)


def finish_sign_in(request: HttpRequest) -> tuple[dict[str, Any], OidcConfig]:
    """Check the callback (state, then code exchange with the PKCE verifier, then the ID
    token) and return the verified claims. The state is used up either way."""
    config = oidc_config()
    if config is None:
        raise SignInFailed(_("Signing in is not available."), "OIDC not configured")
    refused = _("The sign-in could not be completed. Please start again.")
    error = request.GET.get("error")
    if error:
        raise SignInFailed(refused, f"provider answered error={error!r}")
    state = request.GET.get("state") or ""
    code = request.GET.get("code") or ""
    client = oidc_client(config)
    framework = client.framework
    state_data = framework.get_state_data(request.session, state) if state else None
    if state:
        framework.clear_state_data(request.session, state)
    if not state_data:
        raise SignInFailed(refused, "missing or unknown state")
    if not code:
        raise SignInFailed(refused, "callback without code")
    try:
        _metadata(config)
        token = client.fetch_access_token(
            code=code,
            code_verifier=state_data.get("code_verifier"),
            redirect_uri=state_data.get("redirect_uri"),
        )
        jwks = client.fetch_jwk_set()
    except OAuthError as exc:
        raise SignInFailed(refused, f"token endpoint refused: {exc}") from exc
    except (RequestException, ValueError) as exc:
        raise SignInFailed(
            _("The identity provider cannot be reached. Please try again later."),
            f"token endpoint unreachable: {exc}",
        ) from exc
    if "id_token" not in token:
        raise SignInFailed(refused, "token response without id_token")
    nonce = str(state_data.get("nonce") or "")
    access_token = token.get("access_token")
    try:
        claims = verify_id_token(
            token["id_token"], config=config, jwks=jwks, nonce=nonce, access_token=access_token
        )
    except SignInFailed as exc:
        if "signature" not in exc.reason:
            raise
        # The provider may have rotated its keys since we cached them: read them once more.
        try:
            jwks = client.fetch_jwk_set(force=True)
        except (RequestException, ValueError):
            raise exc from None
        claims = verify_id_token(
            token["id_token"], config=config, jwks=jwks, nonce=nonce, access_token=access_token
        )
    return claims, config
