"""The citizen's tracking page (tra cứu hồ sơ): the status of a dossier, found by its code
and the lookup secret printed on the receipt (the receipt's QR code opens this page)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.shortcuts import render
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from motcua.core.text import nfc
from motcua.dossiers.selectors import dossier_for_tracking, public_history

# What the applicant reads for each event of the public history (internal hand-overs and
# officials' notes are never shown).
PUBLIC_LABELS: dict[str, Promise] = {
    "submit": gettext_lazy("Filed online"),
    "receive": gettext_lazy("Handed in at the one-stop desk"),
    "accept": gettext_lazy("Accepted; appointment issued"),
    "ask_to_complete": gettext_lazy("Asked to complete the dossier"),
    "refuse": gettext_lazy("Not accepted"),
    "request_supplement": gettext_lazy("More papers requested"),
    "complete_supplement": gettext_lazy("Papers added"),
    "request_payment": gettext_lazy("Payment of fees requested"),
    "record_payment": gettext_lazy("Payment received"),
    "sign_result": gettext_lazy("Result ready"),
    "extend": gettext_lazy("Appointment extended, with an apology"),
    "stop": gettext_lazy("Processing stopped"),
    "withdraw": gettext_lazy("Withdrawn at the applicant's request"),
    "return_result": gettext_lazy("Result handed over"),
    "finish_group": gettext_lazy("Result ready"),
}


@never_cache
def track(request: HttpRequest) -> HttpResponse:
    """Public tracking by dossier code and lookup secret. A wrong code and a wrong secret
    get the same answer, so the page tells nothing about which dossiers exist."""
    code = nfc(request.GET.get("code", ""))[:64]
    secret = request.GET.get("k", "").strip()[:64]
    dossier = dossier_for_tracking(code, secret) if code and secret else None
    history = []
    if dossier is not None:
        history = [
            (event.at, str(PUBLIC_LABELS.get(event.action, gettext_lazy("Updated"))))
            for event in public_history(dossier).only("at", "action")
        ]
    searched = bool(code or secret)
    context = {
        "code": code,
        "secret": secret,
        "dossier": dossier,
        "history": history,
        "not_found": searched and dossier is None,
    }
    return render(
        request, "portal/track.html", context, status=404 if searched and not dossier else 200
    )


urlpatterns = [
    path("track/", track, name="track"),
]
