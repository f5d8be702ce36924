"""Development payment gateway."""

from django.urls import URLPattern

app_name = "devgateway"
urlpatterns: list[URLPattern] = []
