"""``motcua audit verify`` on id ranges only (for databases too big to verify whole here).

    DATABASE_URL=... .venv/bin/python bench/verify_sample.py [--each 100000] [--ranges 3]

Checks ``--ranges`` runs of ``--each`` consecutive dossiers (the first ids, the middle, the
last) with the same chain verification as ``motcua audit verify``.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")

import django

django.setup()

from django.db.models import Max, Min  # noqa: E402

from motcua.dossiers import ledger  # noqa: E402
from motcua.dossiers.models import Dossier, DossierEvent  # noqa: E402

FIELDS = ("seq", "action", "actor_id", "actor_label", "at", "from_state", "to_state", "reason",
          "data", "prev_hash", "hash")  # fmt: skip


def verify(first: int, last: int, batch: int = 2000) -> tuple[int, int]:
    checked = altered = 0
    start = first
    while start <= last:
        end = min(start + batch - 1, last)
        heads = Dossier.objects.filter(pk__gte=start, pk__lte=end).values_list(
            "pk", "code", "state", "event_count", "last_event_hash"
        )
        events: dict[int, list[ledger.EventRow]] = defaultdict(list)
        rows = (
            DossierEvent.objects.filter(dossier_id__gte=start, dossier_id__lte=end)
            .order_by("dossier_id", "seq", "id")
            .values_list("dossier_id", *FIELDS)
        )
        for row in rows.iterator(chunk_size=10_000):
            events[row[0]].append(ledger.EventRow(*row[1:]))
        for pk, code, state, count, head in heads:
            report = ledger.verify_chain(
                dossier_id=pk, code=code, state=state, event_count=count,
                last_event_hash=head, events=events.get(pk, []),
            )  # fmt: skip
            checked += 1
            if not report.ok:
                altered += 1
                print(f"ALTERED {code} (id {pk}): {'; '.join(report.problems)}")
        start = end + 1
    return checked, altered


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--each", type=int, default=100_000)
    parser.add_argument("--ranges", type=int, default=3)
    args = parser.parse_args()
    bounds = Dossier.objects.aggregate(lo=Min("pk"), hi=Max("pk"))
    lo, hi = bounds["lo"], bounds["hi"]
    starts = [lo + (hi - lo - args.each) * i // max(1, args.ranges - 1) for i in range(args.ranges)]
    total = bad = 0
    began = time.monotonic()
    for s in starts:
        checked, altered = verify(max(lo, s), min(hi, s + args.each - 1))
        print(f"ids {s}..{s + args.each - 1}: {checked} checked, {altered} altered", flush=True)
        total, bad = total + checked, bad + altered
    print(f"{total} dossiers checked, {bad} altered, in {time.monotonic() - began:.1f} s")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
