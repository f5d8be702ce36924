"""The officials' workspace (/desk/): each view module owns its URL patterns."""

from django.urls import URLPattern

from motcua.desk.views import auth, center, dossier, inbox, manage, payments, reception, teams

app_name = "desk"
urlpatterns: list[URLPattern] = [
    *auth.urlpatterns,
    *inbox.urlpatterns,
    *reception.urlpatterns,
    *dossier.urlpatterns,
    *center.urlpatterns,
    *manage.urlpatterns,
    *payments.urlpatterns,
    *teams.urlpatterns,
]
