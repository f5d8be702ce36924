"""Development SMS gateway."""

from django.urls import path

from motcua.devpeers.sms import views

app_name = "devsms"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("api/send", views.send, name="send"),
]
