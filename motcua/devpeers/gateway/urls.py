"""Development payment gateway."""

from django.urls import URLPattern, path

from motcua.devpeers.gateway import views

app_name = "devgateway"
urlpatterns: list[URLPattern] = [
    path("pay", views.pay, name="pay"),
    path("statement", views.statement, name="statement"),
]
