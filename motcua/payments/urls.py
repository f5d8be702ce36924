"""The citizen's side of online payment: start, return, receipt."""

from django.urls import URLPattern, path

from motcua.payments import views

app_name = "payments"
urlpatterns: list[URLPattern] = [
    path("start/", views.start, name="start"),
    path("return/<slug:provider>/", views.return_page, name="return"),
    path("receipt/<str:ref>/", views.receipt, name="receipt"),
]
