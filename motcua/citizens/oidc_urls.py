"""The OpenID Connect callback (a fixed address registered at the provider)."""

from django.urls import URLPattern

app_name = "oidc"
urlpatterns: list[URLPattern] = []
