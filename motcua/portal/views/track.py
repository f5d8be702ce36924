"""The citizen's tracking page (tra cứu hồ sơ): the status of a dossier, found by its code
and the lookup secret printed on the receipt (the receipt's QR code opens this page).

It shows only what the applicant may read without signing in: status, public history,
appointment, whether the result is ready, and the applicant's initials. Whoever holds the
code and the secret (an assisted citizen without an account, say) may also answer a
supplement request, withdraw, pay and rate from here; the secret travels with each form and
is checked again on every POST (``motcua.portal.views.follow``).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.cache import never_cache

from motcua.core.text import nfc
from motcua.dossiers.selectors import dossier_for_tracking
from motcua.portal.follow_presenters import PUBLIC_LABELS

__all__ = ["PUBLIC_LABELS", "track", "urlpatterns"]


@never_cache
def track(request: HttpRequest) -> HttpResponse:
    """Public tracking by dossier code and lookup secret. A wrong code and a wrong secret
    get the same answer, so the page tells nothing about which dossiers exist."""
    from motcua.portal.views.follow import Access, render_page

    code = nfc(request.GET.get("code", "")).strip()[:64]
    secret = request.GET.get("k", "").strip()[:64]
    dossier = dossier_for_tracking(code, secret) if code and secret else None
    if dossier is not None and dossier.parent_id is None:
        return render_page(request, Access(dossier, None, secret))
    searched = bool(code or secret)
    context = {"code": code, "secret": secret, "not_found": searched}
    return render(request, "portal/track.html", context, status=404 if searched else 200)


urlpatterns = [
    path("track/", track, name="track"),
]
