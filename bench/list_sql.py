"""Print the exact SQL (parameters inlined) of the officials' list query for one caller and
scenario, as ``GET /api/v1/dossiers/`` runs it, to try plans and indexes in psql.

    DATABASE_URL=postgres://... .venv/bin/python bench/list_sql.py TOKENS CALLER SCENARIO
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")

import django

django.setup()

import psycopg  # noqa: E402
from django.db import connection  # noqa: E402

from bench.explain import OPEN, caller  # noqa: E402
from motcua.api.routers.dossiers import ORDERINGS  # noqa: E402
from motcua.dossiers.selectors import DossierFilter, filter_dossiers, visible_dossiers  # noqa: E402


def main() -> None:
    tokens_path, name, scenario = sys.argv[1:4]
    with open(tokens_path, encoding="utf-8") as f:
        tokens = json.load(f)
    user = caller(name, tokens)
    due = dt.datetime.fromisoformat("2025-12-31T17:00:00+07:00")
    qs = filter_dossiers(
        visible_dossiers(user),
        DossierFilter(
            states=OPEN if scenario in {"open", "overdue"} else (),
            due_before=due if scenario == "overdue" else None,
        ),
    ).select_related("procedure_version__procedure", "procedure_group")
    keyset = ORDERINGS["due_at" if scenario == "overdue" else "-received_at"]
    ordered = keyset.apply(qs)
    if scenario == "deep":
        row = ordered[5000:5001].first()
        assert row is not None
        ordered = ordered.filter(keyset.after(keyset.row_values(row), row.pk))
    sql, params = ordered[:51].query.sql_with_params()
    connection.ensure_connection()
    print(psycopg.ClientCursor(connection.connection).mogrify(sql, params) + ";")


if __name__ == "__main__":
    main()
