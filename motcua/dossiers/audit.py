"""Verifying the audit ledger: every dossier's event chain against its stored head."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from django.utils.translation import gettext as _

from motcua.dossiers import ledger
from motcua.dossiers.models import Dossier, DossierEvent

BATCH = 2000


def verify_all(*, batch: int = BATCH) -> Iterator[ledger.ChainReport]:
    """One report per dossier, in id order; reads ``batch`` dossiers and their events at a
    time, so memory stays flat on millions of dossiers."""
    last_id = 0
    while True:
        heads = list(
            Dossier.objects.filter(pk__gt=last_id)
            .order_by("pk")
            .values_list("pk", "code", "state", "event_count", "last_event_hash")[:batch]
        )
        if not heads:
            return
        first, last_id = heads[0][0], heads[-1][0]
        events: dict[int, list[ledger.EventRow]] = defaultdict(list)
        rows = (
            DossierEvent.objects.filter(dossier_id__gte=first, dossier_id__lte=last_id)
            .order_by("dossier_id", "seq", "id")
            .values_list(
                "dossier_id",
                "seq",
                "action",
                "actor_id",
                "actor_label",
                "at",
                "from_state",
                "to_state",
                "reason",
                "data",
                "prev_hash",
                "hash",
            )
        )
        for row in rows.iterator(chunk_size=10_000):
            events[row[0]].append(ledger.EventRow(*row[1:]))
        for pk, code, state, count, head in heads:
            yield ledger.verify_chain(
                dossier_id=pk,
                code=code,
                state=state,
                event_count=count,
                last_event_hash=head,
                events=events.get(pk, []),
            )


def describe(problem: ledger.Problem, seq: int | None) -> str:
    """A translated sentence for one problem of a chain."""
    texts = {
        ledger.Problem.MISSING_OR_REORDERED: _("event #%(seq)s is missing or out of order"),
        ledger.Problem.BROKEN_LINK: _("event #%(seq)s does not follow the previous one"),
        ledger.Problem.ALTERED: _("event #%(seq)s was altered"),
        ledger.Problem.DISCONTINUOUS_STATES: _(
            "event #%(seq)s does not start where the previous one ended"
        ),
        ledger.Problem.HEAD_MISMATCH: _("the history does not end where the dossier says"),
        ledger.Problem.STATE_MISMATCH: _("the dossier's status does not match its history"),
    }
    return texts[problem] % {"seq": seq}


def missing_dossiers(*, batch: int = 200) -> Iterator[str]:
    """Codes that were issued (the day's counters say so) but whose dossier is gone.

    Numbers are given back when a filing rolls back, so every number up to a counter's
    ``last`` belongs to a dossier; a missing one was deleted, with its whole history.
    """
    from django.conf import settings

    from motcua.dossiers.codes import format_dossier_code
    from motcua.dossiers.models import DailySequence

    rows = DailySequence.objects.select_related("agency").order_by("pk")
    chunk: list[str] = []

    def flush() -> Iterator[str]:
        found = set(Dossier.objects.filter(code__in=chunk).values_list("code", flat=True))
        yield from (code for code in chunk if code not in found)
        chunk.clear()

    for row in rows.iterator(chunk_size=batch):
        for seq in range(1, row.last + 1):
            chunk.append(
                format_dossier_code(
                    agency=row.agency.identifier,
                    day=row.day,
                    seq=seq,
                    fmt=settings.MOTCUA_DOSSIER_CODE_FORMAT,
                    regex=None,
                )
            )
        if len(chunk) >= 2000:
            yield from flush()
    if chunk:
        yield from flush()
