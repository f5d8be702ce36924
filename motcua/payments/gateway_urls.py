"""Server-to-server calls from payment gateways (IPN)."""

from django.urls import URLPattern

app_name = "gateway"
urlpatterns: list[URLPattern] = []
