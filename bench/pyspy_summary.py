"""Summarise py-spy raw (collapsed) stacks: share of samples under chosen frames. py-spy
counts a thread waiting inside psycopg (GIL released, in C) as active, so these shares are
of the workers' wall time, not of their CPU.

python3 bench/pyspy_summary.py var/bench/NAME/pyspy-*.txt
"""

from __future__ import annotations

import sys
from collections import Counter

# (label, substring of a frame): a sample counts for the first label found from the leaf up.
BUCKETS = [
    ("psycopg: send query / wait / read result", "psycopg/"),
    ("jsonschema (e-form validation)", "jsonschema/"),
    ("pydantic / ninja schema (parse + response)", "pydantic"),
    ("Django ORM: SQL compilation", "django/db/models/sql/"),
    ("Django ORM: model instances, querysets", "django/db/models/"),
    ("JSON encode/decode", "json/"),
    ("hashlib / storage (documents)", "storage.py"),
    ("Django request/middleware/templates", "django/"),
    ("granian", "granian"),
]
# Application functions whose inclusive share is reported too.
INCLUSIVE = [
    ("router: _spec + _documents (parse, read uploads)", "_spec ("),
    (
        "services._create (the dossier, event, fees, documents)",
        "_create (motcua/dossiers/services.py",
    ),
    ("router: _submitted (response: reload + 7 queries + from_orm)", "_submitted ("),
    ("IdempotencyRecord insert", "dossiers/models.py"),
    ("auth (bearer token)", "auth.py"),
    ("eform validation (_eform_errors)", "_eform_errors"),
    ("_check_documents", "_check_documents"),
    ("_store_documents", "_store_documents"),
    ("_append_event (ledger)", "_append_event"),
    ("_allocate_code", "_allocate_code"),
]


def main() -> None:
    own: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    total = 0
    for path in sys.argv[1:]:
        with open(path, encoding="utf-8", errors="replace") as f:
            for line in f:
                stack, _, count = line.rstrip("\n").rpartition(" ")
                if not stack or not count.isdigit():
                    continue
                n = int(count)
                total += n
                frames = stack.split(";")
                for label, needle in BUCKETS:
                    if any(needle in fr for fr in frames[-6:]):
                        own[label] += n
                        break
                else:
                    own["other (leaf: " + frames[-1].split(" (")[0][:40] + ")"] += n
                for label, needle in INCLUSIVE:
                    if any(needle in fr for fr in frames):
                        inclusive[label] += n
    print(f"{total} on-CPU samples")
    print("By where the CPU was (leaf area):")
    for label, n in own.most_common(14):
        print(f"  {n / total:6.1%}  {label}")
    print("Inclusive, by application step:")
    for label, n in inclusive.most_common():
        print(f"  {n / total:6.1%}  {label}")


if __name__ == "__main__":
    main()
