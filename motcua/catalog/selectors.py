"""Reads of the catalogue: search that works with and without diacritics."""

from __future__ import annotations

from functools import reduce
from operator import and_, or_

from django.db.models import Q, QuerySet

from motcua.catalog.models import ProcedureVersion, VersionStatus
from motcua.core.text import fold

# Words people type around what they want ("làm giấy khai sinh cho con") that say nothing
# about which procedure they mean. Compared after folding.
STOPWORDS = frozenset(
    {
        "lam", "xin", "cho", "cua", "toi", "em", "minh", "can", "muon", "the", "nao", "o",
        "tai", "va", "thu", "tuc", "giay", "to", "nhu", "viec", "duoc", "bi", "de", "khi",
    }
)  # fmt: skip


def published_versions() -> QuerySet[ProcedureVersion]:
    return ProcedureVersion.objects.filter(status=VersionStatus.PUBLISHED).select_related(
        "procedure", "field"
    )


def search_procedures(query: str, *, limit: int = 50) -> list[ProcedureVersion]:
    """Published procedures matching ``query``, best first.

    Every meaningful word must match (diacritics and case ignored); if none match that way,
    the procedures matching most of the words are returned instead, so a search never comes
    back empty only because of one extra word.
    """
    words = fold(query).split()
    terms = [w for w in words if w not in STOPWORDS] or words
    base = published_versions()
    if not terms:
        return list(base.order_by("name")[:limit])
    strict = list(
        base.filter(reduce(and_, (Q(search_key__contains=t) for t in terms))).order_by("name")[
            :limit
        ]
    )
    if strict:
        phrase = " ".join(terms)
        strict.sort(key=lambda v: (phrase not in v.search_key, len(v.name)))
        return strict
    candidates = list(base.filter(reduce(or_, (Q(search_key__contains=t) for t in terms)))[:500])
    candidates.sort(key=lambda v: (-sum(t in v.search_key for t in terms), v.name))
    return candidates[:limit]
