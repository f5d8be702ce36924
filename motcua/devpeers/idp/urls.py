"""Development OpenID provider: its own sign-in pages (the protocol endpoints are in
``oauth_urls``, mounted at ``/dev/idp/o/`` under django-oauth-toolkit's namespace)."""

from django.urls import path

from motcua.devpeers.idp import views

app_name = "devidp"
urlpatterns = [
    path("login/", views.login, name="login"),
    path("logout/", views.logout, name="logout"),
]
