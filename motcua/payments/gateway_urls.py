"""Server-to-server calls from payment gateways (IPN)."""

from django.urls import URLPattern, path

from motcua.payments import views

app_name = "gateway"
urlpatterns: list[URLPattern] = [
    path("<slug:provider>/ipn/", views.ipn, name="ipn"),
]
