"""Dossier events → messages to the applicant (registered on the dossier event bus)."""

from __future__ import annotations

from motcua.dossiers.models import DossierEvent
from motcua.dossiers.tasks import subscribe
from motcua.notifications.messages import COMPOSERS, compose
from motcua.notifications.services import notify


@subscribe(*COMPOSERS)
def notify_applicant(event: DossierEvent) -> None:
    """Tell the applicant by e-mail and SMS, when they gave an address; the child dossiers
    of a group are the agencies' business, the citizen hears about the group."""
    dossier = event.dossier
    if dossier.parent_id is not None:
        return
    if not dossier.applicant_email and not dossier.applicant_phone:
        return
    message = compose(event)
    if message is None:
        return
    notify(
        purpose=message.purpose,
        dossier=dossier,
        event=event,
        email=dossier.applicant_email,
        phone=dossier.applicant_phone,
        subject=message.subject,
        body=message.body,
        sms_text=message.sms,
    )
