"""The citizen portal: file online, follow, verify, rate, and assisted filing."""

from django.urls import URLPattern

from motcua.portal.views import assisted, filing, follow, track, verify

app_name = "portal"
urlpatterns: list[URLPattern] = [
    *track.urlpatterns,
    *filing.urlpatterns,
    *follow.urlpatterns,
    *verify.urlpatterns,
    *assisted.urlpatterns,
]
