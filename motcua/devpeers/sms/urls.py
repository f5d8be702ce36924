"""Development SMS gateway."""

from django.urls import URLPattern

app_name = "devsms"
urlpatterns: list[URLPattern] = []
