"""The OpenID Connect callback (a fixed address registered at the provider)."""

from django.urls import path

from motcua.citizens import views

app_name = "oidc"
urlpatterns = [
    path("callback/", views.callback, name="callback"),
]
