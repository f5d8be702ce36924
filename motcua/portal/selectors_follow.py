"""What a citizen may read of dossiers: those of their account, and those filed at a counter
with their personal ID number (decided in one query)."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from motcua.citizens.models import Citizen
from motcua.dossiers.models import Dossier, Result
from motcua.quality.models import DossierRating


def citizen_dossiers(citizen: Citizen) -> QuerySet[Dossier]:
    """The citizen's dossiers, newest first: owned by their account, or filed with their
    personal ID. The parts of an interconnected group are followed through the group."""
    mine = Q(owner_id=citizen.user_id)
    if citizen.personal_id:
        mine |= Q(applicant_personal_id=citizen.personal_id)
    return (
        Dossier.objects.filter(mine, parent__isnull=True)
        .select_related("procedure_version", "procedure_group")
        .annotate(
            rated=Exists(DossierRating.objects.filter(dossier=OuterRef("pk"))),
            signed_results=Exists(
                Result.objects.filter(dossier=OuterRef("pk"), signed_at__isnull=False)
            ),
        )
        .order_by("-received_at", "-id")
    )


def citizen_dossier(citizen: Citizen, code: str) -> Dossier | None:
    """The citizen's dossier ``code``, or None (whether it exists or is someone else's)."""
    return (
        citizen_dossiers(citizen)
        .select_related("competent_agency", "receiving_agency", "return_agency")
        .filter(code=code)
        .first()
    )
