"""The citizen's side of online payment: start, return."""

from django.urls import URLPattern

app_name = "payments"
urlpatterns: list[URLPattern] = []
