"""Citizens' sign-in and sign-out."""

from django.urls import path

from motcua.citizens import views

app_name = "citizens"
urlpatterns = [
    path("dang-nhap/", views.login, name="login"),
    path("dang-xuat/", views.logout, name="logout"),
]
