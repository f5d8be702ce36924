"""Reads of ratings for the quality reports (Decision 766 index 5.4, TT 01/2018 art. 15)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Avg, Count, Q

from motcua.quality.models import INDICATOR_FIELDS, DossierRating


@dataclass(frozen=True)
class RatingSummary:
    rated: int
    disliked: int
    # Mean score (0–2) per indicator field, rounded to 1 decimal (TT 01/2018 art. 15(2));
    # None when nothing was rated.
    means: dict[str, float | None]


def ratings_for_period(
    agency_ids: Iterable[int], start: dt.datetime, end: dt.datetime
) -> RatingSummary:
    """Ratings of dossiers of ``agency_ids`` (competent agency) given in [start, end)."""
    row = DossierRating.objects.filter(
        agency_id__in=list(agency_ids), rated_at__gte=start, rated_at__lt=end
    ).aggregate(
        rated=Count("pk"),
        disliked=Count("pk", filter=Q(satisfied=False)),
        **{f"mean_{name}": Avg(name) for name in INDICATOR_FIELDS},
    )
    means: dict[str, float | None] = {}
    for name in INDICATOR_FIELDS:
        value = row[f"mean_{name}"]
        means[name] = None if value is None else round(float(value), 1)
    return RatingSummary(rated=row["rated"], disliked=row["disliked"], means=means)


def disliked_dossier_ids(
    agency_ids: Iterable[int], start: dt.datetime, end: dt.datetime
) -> list[int]:
    """The dossiers rated "dislike" in the period (index 5.4 drill-down)."""
    return list(
        DossierRating.objects.filter(
            agency_id__in=list(agency_ids), rated_at__gte=start, rated_at__lt=end, satisfied=False
        ).values_list("dossier_id", flat=True)
    )
