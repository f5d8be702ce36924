"""Reads of the online filing pages, scoped to what the signed-in user may see."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from motcua.dossiers.models import Dossier
from motcua.org.models import User
from motcua.portal.models import Draft


def drafts_of(user: User) -> QuerySet[Draft]:
    """The user's unfinished drafts, the most recently saved first."""
    return (
        Draft.objects.filter(owner=user, dossier__isnull=True)
        .select_related("procedure_version__procedure", "consent")
        .order_by("-updated_at", "-pk")
    )


def draft_of(user: User, pk: int) -> Draft | None:
    """The user's own draft ``pk`` (submitted or not), or None: nobody else ever sees it."""
    return (
        Draft.objects.filter(owner=user, pk=pk)
        .select_related(
            "procedure_version__procedure",
            "consent",
            "competent_agency",
            "receiving_agency",
            "return_agency",
        )
        .first()
    )


def receipt_dossier(user: User, code: str) -> Dossier | None:
    """The dossier ``code`` if ``user`` filed it (their own, or as the assisting member)."""
    return (
        Dossier.objects.filter(code=code)
        .filter(Q(owner=user) | Q(draft__owner=user) | Q(assistance__member=user))
        .select_related("procedure_version", "receiving_agency", "return_agency")
        .distinct()
        .first()
    )
