from django.apps import AppConfig


class DevIdpConfig(AppConfig):
    """A local OpenID provider with demo citizens (django-oauth-toolkit with OIDC)."""

    name = "motcua.devpeers.idp"
    label = "devidp"
    verbose_name = "Development OpenID provider"
