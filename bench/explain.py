"""EXPLAIN (ANALYZE, BUFFERS) of the officials' list query, built exactly as
``GET /api/v1/dossiers/`` builds it (``visible_dossiers`` → ``filter_dossiers`` →
``select_related`` → the keyset order and, for a deep page, the keyset condition).

    DATABASE_URL=postgres://... .venv/bin/python bench/explain.py var/bench/x/tokens.json
        [--callers commune,department,admin] [--scenarios first,deep,open,overdue]
        [--deep-rows 5000] [--limit 50]

PostgreSQL only. The deep page starts after the row at offset ``--deep-rows`` of the same
ordering (what following the cursors that far gives).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")

import django

django.setup()
if os.environ.get("BENCH_PATCHED"):  # the proposed ordering fix (bench/patched_wsgi.py)
    import bench.patched_wsgi  # noqa: F401

from motcua.api.routers.dossiers import ORDERINGS  # noqa: E402
from motcua.dossiers.selectors import DossierFilter, filter_dossiers, visible_dossiers  # noqa: E402
from motcua.org.models import Agency, User  # noqa: E402

OPEN = ("processing", "accepted", "supplement_requested", "awaiting_payment", "approved")


def caller(name: str, tokens: dict[str, object]) -> User:
    if name == "admin":
        return User.objects.get(username="bench.admin")
    agency = Agency.objects.get(pk=tokens[f"{name}_id"])
    return User.objects.get(username=f"bench.{agency.identifier}.cv1")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("tokens")
    parser.add_argument("--callers", default="commune,department,admin")
    parser.add_argument("--scenarios", default="first,deep,open,overdue")
    parser.add_argument("--deep-rows", type=int, default=5000)
    parser.add_argument("--limit", type=int, default=50)
    parser.add_argument("--due-before", default="2025-12-31T17:00:00+07:00")
    args = parser.parse_args()
    with open(args.tokens, encoding="utf-8") as f:
        tokens = json.load(f)
    due_before = dt.datetime.fromisoformat(args.due_before)
    for name in args.callers.split(","):
        user = caller(name, tokens)
        for scenario in args.scenarios.split(","):
            states: tuple[str, ...] = OPEN if scenario in {"open", "overdue"} else ()
            order = "due_at" if scenario == "overdue" else "-received_at"
            qs = filter_dossiers(
                visible_dossiers(user),
                DossierFilter(
                    states=states, due_before=due_before if scenario == "overdue" else None
                ),
            ).select_related("procedure_version__procedure", "procedure_group")
            keyset = ORDERINGS[order]
            ordered = keyset.apply(qs)
            if scenario == "deep":
                row = ordered[args.deep_rows : args.deep_rows + 1].first()
                if row is None:
                    continue
                ordered = ordered.filter(keyset.after(keyset.row_values(row), row.pk))
            page = ordered[: args.limit + 1]
            print(f"\n===== {name} / {scenario} =====")
            print(str(page.query)[:1500])
            print(page.explain(analyze=True, buffers=True))


if __name__ == "__main__":
    main()
