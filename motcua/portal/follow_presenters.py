"""What the citizen reads about a dossier: statuses and history in plain words, what is
expected of them, and the facts of the dossier page and the tracking page (never officials'
names or notes)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.template import TemplateDoesNotExist
from django.template.loader import select_template
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from motcua.dossiers.actors import Actor
from motcua.dossiers.lifecycle import TERMINAL, Action, State, decide
from motcua.dossiers.models import Dossier, Result, ResultKind, SupplementRequest
from motcua.dossiers.permissions import may_act
from motcua.dossiers.selectors import public_history
from motcua.dossiers.services import _situation

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

# The status in the citizen's words.
CITIZEN_STATUS: dict[str, Promise] = {
    State.SUBMITTED: gettext_lazy("Filed, waiting to be checked by the desk"),
    State.RECEIVED: gettext_lazy("Handed in, being checked"),
    State.INTAKE_INCOMPLETE: gettext_lazy("Waiting for you to complete the papers"),
    State.REFUSED: gettext_lazy("Not accepted"),
    State.ACCEPTED: gettext_lazy("Accepted"),
    State.PROCESSING: gettext_lazy("Being processed"),
    State.SUPPLEMENT_REQUESTED: gettext_lazy("Waiting for more papers from you"),
    State.AWAITING_PAYMENT: gettext_lazy("Waiting for your payment"),
    State.APPROVED: gettext_lazy("Approved; the result is being signed"),
    State.RESOLVED: gettext_lazy("Result ready"),
    State.RETURNED: gettext_lazy("Result handed over"),
    State.WITHDRAWN: gettext_lazy("Withdrawn"),
    State.STOPPED: gettext_lazy("Processing stopped"),
}

ADD_PAPERS = gettext_lazy("Add papers")
PAY = gettext_lazy("Pay")
RESULT_READY = gettext_lazy("Result ready")
RATE = gettext_lazy("Rate")

SUPPLEMENT_STATES = frozenset({State.INTAKE_INCOMPLETE, State.SUPPLEMENT_REQUESTED})
PAY_BUTTON = "payments/pay_button.html"


def citizen_status(dossier: Dossier) -> str:
    return str(CITIZEN_STATUS.get(dossier.state, dossier.get_state_display()))


def owes(dossier: Dossier) -> bool:
    return dossier.paid_total < dossier.fee_total and dossier.state not in (
        TERMINAL | {State.WITHDRAWN}
    )


def expectation(dossier: Dossier, *, rated: bool) -> str:
    """What the citizen should do next, in two words ("" when nothing)."""
    if dossier.state in SUPPLEMENT_STATES:
        return str(ADD_PAPERS)
    if owes(dossier):
        return str(PAY)
    if dossier.state == State.RESOLVED:
        return str(RESULT_READY)
    if dossier.state == State.RETURNED and not rated:
        return str(RATE)
    return ""


def initials(name: str) -> str:
    """ "Nguyễn Văn Ánh" → "N. V. Á." (the only personal data a public page shows)."""
    return " ".join(f"{word[0].upper()}." for word in name.split() if word)


def history(dossier: Dossier) -> list[tuple[Any, str]]:
    return [
        (event.at, str(PUBLIC_LABELS.get(event.action, gettext_lazy("Updated"))))
        for event in public_history(dossier).only("at", "action")
    ]


def open_supplement(dossier: Dossier) -> SupplementRequest | None:
    if dossier.state not in SUPPLEMENT_STATES:
        return None
    return dossier.supplements.filter(completed_at__isnull=True).order_by("-requested_at").first()


def applicant_may(dossier: Dossier, action: Action) -> bool:
    """Whether the applicant may take ``action`` now: the lifecycle (``decide``) and the
    applicant's rights (``may_act``), as the service will check them."""
    actor = Actor.applicant(dossier.applicant_name)
    return decide(action, _situation(dossier)).allowed and may_act(actor, action, dossier)


def pay_button_available() -> bool:
    """Whether the payments app's button template exists (the page works without it)."""
    try:
        select_template([PAY_BUTTON])
    except TemplateDoesNotExist:
        return False
    return True


def dossier_facts(dossier: Dossier, *, owner_view: bool) -> dict[str, Any]:
    """The facts both the citizen's dossier page and the public tracking page show.

    ``owner_view``: the signed-in owner also sees the papers' names and the download links;
    the tracking page shows the applicant's initials only.
    """
    from motcua.quality.models import DossierRating

    # An interconnected group's results are its parts' (one per agency).
    signed = list(
        Result.objects.filter(Q(dossier=dossier) | Q(dossier__parent=dossier))
        .filter(signed_at__isnull=False)
        .select_related("dossier")
        .order_by("dossier_id", "number")
    )
    facts: dict[str, Any] = {
        "dossier": dossier,
        "status_label": citizen_status(dossier),
        "applicant_label": dossier.applicant_name
        if owner_view
        else initials(dossier.applicant_name),
        "history": history(dossier),
        "result_ready": bool(signed) and dossier.state in {State.RESOLVED, State.RETURNED},
        "results": [
            {
                "result": r,
                "downloadable": owner_view
                and r.kind == ResultKind.ELECTRONIC
                and bool(r.file)
                and r.signed_at is not None,
            }
            for r in signed
        ],
        "fees": list(dossier.fees.all()),
        "payments": list(dossier.payments.all()),
        "owes": owes(dossier),
        "pay_button": owes(dossier) and pay_button_available(),
        "supplement": open_supplement(dossier),
        "can_withdraw": applicant_may(dossier, Action.WITHDRAW),
        "rated": DossierRating.objects.filter(dossier=dossier).exists(),
        "owner_view": owner_view,
    }
    facts["can_rate"] = dossier.state == State.RETURNED and not facts["rated"]
    if owner_view:
        facts["documents"] = list(
            dossier.documents.only("name", "original_name", "uploaded_at", "supplement_id")
        )
    return facts
