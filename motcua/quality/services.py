"""Rating a dossier: once, after its result was returned."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.errors import IllegalTransition, InvalidInput
from motcua.core.text import nfc
from motcua.dossiers.lifecycle import State
from motcua.dossiers.models import Dossier
from motcua.org.models import User
from motcua.quality.models import (
    COMMENT_MAX,
    INDICATOR_FIELDS,
    SCORES,
    DossierRating,
    RatingChannel,
)

audit = logging.getLogger("motcua.audit")


def _already_rated() -> IllegalTransition:
    return IllegalTransition(
        _("This dossier has already been rated. Thank you: a dossier is rated only once."),
        code="already_rated",
    )


def _clean(answers: Mapping[str, Any]) -> dict[str, Any]:
    """The answers as field values, or ``InvalidInput`` naming every wrong field."""
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    satisfied = answers.get("satisfied")
    if isinstance(satisfied, bool):
        values["satisfied"] = satisfied
    else:
        errors["satisfied"] = _("Choose whether you are satisfied or not.")
    for name in INDICATOR_FIELDS:
        raw = answers.get(name)
        try:
            score = int(raw) if raw is not None and not isinstance(raw, bool) else None
        except (TypeError, ValueError):
            score = None
        if score not in SCORES:
            errors[name] = _("Choose one of the answers.")
        else:
            values[name] = score
    comment = nfc(str(answers.get("comment") or "")).strip()
    if len(comment) > COMMENT_MAX:
        errors["comment"] = _("Keep the comment under %(n)d characters.") % {"n": COMMENT_MAX}
    values["comment"] = comment
    if errors:
        raise InvalidInput(_("Some answers are missing or wrong."), details={"errors": errors})
    return values


def rating_submit(
    *,
    dossier: Dossier,
    user: User | None,
    answers: Mapping[str, Any],
    channel: str = RatingChannel.PORTAL,
    at: dt.datetime | None = None,
) -> DossierRating:
    """Record the applicant's rating of ``dossier``.

    The caller has proved the right to rate (the owner's sign-in, or the dossier code and
    lookup secret). Allowed once, and only once the result was returned; a second attempt,
    even a concurrent one, is refused by the unique dossier column with nothing changed.
    """
    now = at or timezone.now()
    if channel not in RatingChannel.values:
        raise ValueError(f"unknown rating channel {channel!r}")
    state = Dossier.objects.filter(pk=dossier.pk).values_list("state", flat=True).first()
    if state != State.RETURNED:
        raise IllegalTransition(
            _("A dossier can be rated once its result has been returned to you."),
            code="not_returned",
        )
    if DossierRating.objects.filter(dossier_id=dossier.pk).exists():
        raise _already_rated()
    values = _clean(answers)
    try:
        with transaction.atomic():
            rating = DossierRating.objects.create(
                dossier_id=dossier.pk,
                agency_id=dossier.competent_agency_id,
                channel=channel,
                rated_at=now,
                rater=user,
                **values,
            )
    except IntegrityError:
        raise _already_rated() from None
    audit.info(
        "rating dossier=%s satisfied=%s score=%d channel=%s rater=%s",
        dossier.code,
        rating.satisfied,
        rating.total_score,
        channel,
        user.pk if user is not None else "-",
    )
    return rating
