"""Public reads of the catalogue and the organisation, for the API.

These belong in ``motcua.catalog.selectors`` and ``motcua.org.selectors``; they live here
until those apps take them over (the catalogue search itself is already there and is
reused as it is).
"""

from __future__ import annotations

from functools import reduce
from operator import and_

from django.db.models import Q, QuerySet

from motcua.catalog.models import ProcedureVersion
from motcua.catalog.selectors import published_versions
from motcua.core.text import fold
from motcua.org.models import Agency


def procedure_versions_published(
    *,
    field: str | None = None,
    level: str | None = None,
    online_level: str | None = None,
    life_event: str | None = None,
) -> QuerySet[ProcedureVersion]:
    """The current published version of each procedure, optionally filtered."""
    versions = published_versions()
    if field:
        versions = versions.filter(field__code=field)
    if level:
        versions = versions.filter(level=level)
    if online_level:
        versions = versions.filter(online_level=online_level)
    if life_event:
        versions = versions.filter(life_events__slug=life_event)
    return versions


def procedure_version_published(*, code: str) -> ProcedureVersion | None:
    """The published version of the procedure with national code ``code``, with its parts."""
    return (
        published_versions()
        .prefetch_related("documents", "fees", "life_events")
        .filter(procedure__code=code)
        .first()
    )


def agencies_public(
    *,
    kind: str | None = None,
    parent_id: int | None = None,
    reception_point: bool | None = None,
    query: str | None = None,
) -> QuerySet[Agency]:
    """Active agencies, optionally filtered; ``query`` matches without diacritics."""
    agencies = Agency.objects.filter(active=True)
    if kind:
        agencies = agencies.filter(kind=kind)
    if parent_id is not None:
        agencies = agencies.filter(parent_id=parent_id)
    if reception_point is not None:
        agencies = agencies.filter(is_reception_point=reception_point)
    words = fold(query or "").split()
    if words:
        agencies = agencies.filter(reduce(and_, (Q(search_key__contains=w) for w in words)))
    return agencies


def agency_public(*, agency_id: int) -> Agency | None:
    return Agency.objects.filter(active=True, pk=agency_id).first()
