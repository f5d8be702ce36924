"""People known to the development OpenID provider (stand-ins for national identity
accounts, tài khoản định danh điện tử)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class DemoIdentity(models.Model):
    """A demo person of the development provider and the claims it vouches for.

    Its ``user`` (user name ``vneid-<personal ID>``) has no role and an unusable password:
    it exists only because django-oauth-toolkit ties grants and tokens to a user. The
    provider's own password is kept here, so the person cannot sign into MotCua's desk or
    admin with it.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="demo_identity"
    )
    personal_id = models.CharField(max_length=12, unique=True)
    full_name = models.CharField(max_length=255)
    birth_date = models.DateField(null=True, blank=True)
    phone = models.CharField(max_length=20, blank=True)
    email = models.EmailField(blank=True)
    address = models.CharField(max_length=500, blank=True)
    password = models.CharField(max_length=128)

    class Meta:
        verbose_name = "demo identity"
        ordering = ["personal_id"]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.personal_id})"

    def claims(self) -> dict[str, object]:
        """The claims of this person, by OpenID Connect name (plus ``personal_id``)."""
        claims: dict[str, object] = {
            "name": self.full_name,
            "personal_id": self.personal_id,
        }
        if self.birth_date:
            claims["birthdate"] = self.birth_date.isoformat()
        if self.phone:
            claims["phone_number"] = self.phone
        if self.email:
            claims["email"] = self.email
            claims["email_verified"] = True
        if self.address:
            claims["address"] = {"formatted": self.address}
        return claims
