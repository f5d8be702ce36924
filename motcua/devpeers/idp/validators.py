"""The development provider's claims: what goes into the ID token."""

from __future__ import annotations

from typing import Any

from oauth2_provider.oauth2_validators import OAuth2Validator


class DemoOAuth2Validator(OAuth2Validator):  # type: ignore[misc]  # untyped library
    """Puts the demo person's claims (and the custom ``personal_id`` claim, under the scope
    of the same name) into the ID token and the userinfo answer."""

    oidc_claim_scope = {**OAuth2Validator.oidc_claim_scope, "personal_id": "personal_id"}

    def get_additional_claims(self, request: Any) -> dict[str, Any]:
        identity = getattr(request.user, "demo_identity", None)
        if identity is None:
            return {}
        claims: dict[str, Any] = identity.claims()
        return claims
