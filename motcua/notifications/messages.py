"""What a dossier event tells the applicant: an e-mail (subject and body) and a short SMS.

English msgids, rendered in the installation's language (``LANGUAGE_CODE``, Vietnamese).
An SMS carries the dossier code and the tracking link and aims at one message part.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from motcua.dossiers.models import Dossier, DossierEvent
from motcua.notifications.models import Purpose


@dataclass(frozen=True)
class Composed:
    purpose: str
    subject: str
    body: str
    sms: str


def _when(value: object) -> str:
    if not value:
        return "—"
    moment = timezone.localtime(value)  # type: ignore[arg-type]
    return moment.strftime("%H:%M %d/%m/%Y")


def _money(amount: int) -> str:
    return f"{amount:,}".replace(",", ".") + " đ"  # Vietnamese grouping: 50.000 đ


SMS_LIMIT = 160


def _fit(template: str, ctx: dict[str, str], key: str) -> str:
    """``template % ctx`` within one SMS when possible, shortening ``ctx[key]`` (a list of
    papers, a reason) with "…"; the e-mail carries it in full."""
    text = template % ctx
    excess = len(text) - SMS_LIMIT
    if excess <= 0:
        return text
    value = ctx[key]
    keep = max(len(value) - excess - 1, 20)
    if keep >= len(value):
        return text
    cut = value[:keep]
    if " " in cut[1:] and not value[keep:].startswith(" "):
        cut = cut.rsplit(" ", 1)[0]  # at a word boundary
    return template % {**ctx, key: cut.rstrip(" ;,") + "…"}


def _items(event: DossierEvent) -> str:
    items = event.data.get("items", [])
    names = [i["name"] if isinstance(i, dict) else str(i) for i in items]
    return "; ".join(names)


def _how_to_receive(d: Dossier) -> str:
    if d.return_method == "online":
        return _("Download it from the tracking page.")
    if d.return_method == "post":
        return _("It will be sent to you by post.")
    place = d.return_agency or d.receiving_agency
    return _("Collect it at %(place)s.") % {"place": place.name}


def _accepted(e: DossierEvent, d: Dossier, ctx: dict[str, str]) -> Composed:
    # The appointment as the event recorded it (a later extension has its own event).
    recorded = e.data.get("due_at")
    ctx["due"] = _when(dt.datetime.fromisoformat(recorded) if recorded else d.due_at)
    return Composed(
        Purpose.DOSSIER_ACCEPTED,
        _("Dossier %(code)s accepted") % ctx,
        _(
            "Your dossier %(code)s (%(procedure)s) was accepted.\n"
            "Appointment for the result: %(due)s.\n"
            "Follow it online: %(link)s"
        )
        % ctx,
        _("MotCua: dossier %(code)s accepted, result due %(due)s. %(link)s") % ctx,
    )


def _ask_to_complete(e: DossierEvent, d: Dossier, ctx: dict[str, str]) -> Composed:
    ctx["items"] = _items(e) or e.reason
    return Composed(
        Purpose.COMPLETION_REQUESTED,
        _("Dossier %(code)s must be completed") % ctx,
        _(
            "Your dossier %(code)s (%(procedure)s) must be completed before it can be "
            "accepted.\nPapers to add: %(items)s.\nDetails: %(link)s"
        )
        % ctx,
        _fit(_("MotCua: dossier %(code)s must be completed: %(items)s. %(link)s"), ctx, "items"),
    )


def _supplement(e: DossierEvent, d: Dossier, ctx: dict[str, str]) -> Composed:
    ctx["items"] = _items(e) or e.reason
    return Composed(
        Purpose.SUPPLEMENT_REQUESTED,
        _("Dossier %(code)s needs more papers") % ctx,
        _(
            "Your dossier %(code)s (%(procedure)s) needs more papers: %(items)s.\n"
            "Processing is paused until you add them. You can add them online: %(link)s"
        )
        % ctx,
        _fit(_("MotCua: dossier %(code)s needs more papers: %(items)s. %(link)s"), ctx, "items"),
    )


def _payment_requested(e: DossierEvent, d: Dossier, ctx: dict[str, str]) -> Composed:
    # What this request asks for, as recorded (the balance may have moved since).
    asked = sum(int(i.get("amount", 0)) for i in e.data.get("items", []) if isinstance(i, dict))
    ctx["amount"] = _money(asked or max(d.fee_total - d.paid_total, 0))
    return Composed(
        Purpose.PAYMENT_REQUESTED,
        _("Dossier %(code)s: amount due") % ctx,
        _(
            "Your dossier %(code)s (%(procedure)s) has an amount due: %(amount)s.\n"
            "Pay online: %(link)s"
        )
        % ctx,
        _("MotCua: dossier %(code)s, amount due %(amount)s. Pay online: %(link)s") % ctx,
    )


def _payment_received(e: DossierEvent, d: Dossier, ctx: dict[str, str]) -> Composed:
    ctx["amount"] = _money(int(e.data.get("amount") or 0))
    return Composed(
        Purpose.PAYMENT_RECEIVED,
        _("Dossier %(code)s: payment received") % ctx,
        _(
            "We received your payment of %(amount)s for dossier %(code)s (%(procedure)s).\n"
            "Receipt and status: %(link)s"
        )
        % ctx,
        _("MotCua: payment of %(amount)s received for dossier %(code)s. %(link)s") % ctx,
    )


def _result_ready(e: DossierEvent, d: Dossier, ctx: dict[str, str]) -> Composed:
    ctx["how"] = _how_to_receive(d)
    return Composed(
        Purpose.RESULT_READY,
        _("Dossier %(code)s: result ready") % ctx,
        _("The result of your dossier %(code)s (%(procedure)s) is ready. %(how)s\n%(link)s") % ctx,
        _("MotCua: the result of dossier %(code)s is ready. %(link)s") % ctx,
    )


def _refused(e: DossierEvent, d: Dossier, ctx: dict[str, str]) -> Composed:
    ctx["reason"] = e.reason or "—"
    return Composed(
        Purpose.DOSSIER_REFUSED,
        _("Dossier %(code)s refused") % ctx,
        _("Your dossier %(code)s (%(procedure)s) was refused.\nReason: %(reason)s\n%(link)s") % ctx,
        _("MotCua: dossier %(code)s was refused. See why: %(link)s") % ctx,
    )


def _returned(e: DossierEvent, d: Dossier, ctx: dict[str, str]) -> Composed:
    return Composed(
        Purpose.RESULT_RETURNED,
        _("Dossier %(code)s: result returned") % ctx,
        _(
            "The result of your dossier %(code)s (%(procedure)s) was handed over.\n"
            "Please rate how it was handled: %(link)s"
        )
        % ctx,
        _("MotCua: result of dossier %(code)s returned. Rate the service: %(link)s") % ctx,
    )


COMPOSERS: dict[str, Callable[[DossierEvent, Dossier, dict[str, str]], Composed]] = {
    "accept": _accepted,
    "ask_to_complete": _ask_to_complete,
    "request_supplement": _supplement,
    "request_payment": _payment_requested,
    "record_payment": _payment_received,
    "sign_result": _result_ready,
    "finish_group": _result_ready,
    "refuse": _refused,
    "return_result": _returned,
}


def compose(event: DossierEvent) -> Composed | None:
    """The messages ``event`` owes its applicant, or None when it is not worth one."""
    composer = COMPOSERS.get(event.action)
    if composer is None:
        return None
    # Imported here: the slips module brings WeasyPrint, which app loading must not.
    from motcua.documents.slips import tracking_url

    d = event.dossier
    with translation.override(settings.LANGUAGE_CODE):
        ctx = {"code": d.code, "procedure": _procedure_name(d), "link": tracking_url(d)}
        return composer(event, d, ctx)


def _procedure_name(d: Dossier) -> str:
    if d.procedure_version_id is not None and d.procedure_version is not None:
        return str(d.procedure_version.name)
    if d.procedure_group is not None:
        return str(d.procedure_group.name)
    return ""
