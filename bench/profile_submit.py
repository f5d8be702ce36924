"""Where the CPU of one online submission goes: cProfile (on CPU time, so waiting for the
database is left out) over N requests through the whole Django stack (middleware, ninja,
services) in one process, and the SQL each one runs.

    DATABASE_URL=... .venv/bin/python bench/profile_submit.py var/bench/x [-n 100] [--sql]

Uses ``tokens.json`` and ``bodies.jsonl`` from bench/prepare.py (the uploaded PDF must be
in this database). Prints the functions by cumulative and own time, the queries per request
grouped by their first words, and the wall time per request.
"""

from __future__ import annotations

import argparse
import collections
import cProfile
import json
import os
import pstats
import re
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
os.environ.setdefault(
    "MOTCUA_DATA_DIR", str(Path(__file__).resolve().parents[1] / "var/bench/data")
)

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("dir", type=Path)
    parser.add_argument("-n", type=int, default=100)
    parser.add_argument("--sql", action="store_true", help="Print one request's SQL.")
    args = parser.parse_args()
    token = json.loads((args.dir / "tokens.json").read_text())["portal"]
    bodies = (args.dir / "bodies.jsonl").read_text(encoding="utf-8").splitlines()
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}", SERVER_NAME="127.0.0.1")

    def submit(i: int) -> int:
        response = client.post(
            "/api/v1/dossiers/",
            data=bodies[i % len(bodies)],
            content_type="application/json",
            headers={"Idempotency-Key": f"profile-{uuid.uuid4().hex}"},
        )
        if response.status_code != 201:
            print(response.status_code, response.content[:500])
        return response.status_code

    for i in range(5):  # warm-up: imports, caches, connection
        submit(i)
    with CaptureQueriesContext(connection) as queries:
        submit(5)
    kinds = collections.Counter(
        re.sub(r'"', "", " ".join(q["sql"].split()[:3]))[:60] for q in queries.captured_queries
    )
    print(f"{len(queries.captured_queries)} queries in one submission:")
    for kind, n in kinds.most_common():
        print(f"  {n:3d}  {kind}")
    if args.sql:
        for q in queries.captured_queries:
            print(f"  [{q['time']}] {q['sql'][:300]}")
    # CPU time of this process, not wall time: waiting for the database is not counted.
    profile = cProfile.Profile(time.process_time)
    started = time.perf_counter()
    cpu = time.process_time()
    profile.enable()
    for i in range(args.n):
        submit(10 + i)
    profile.disable()
    wall = (time.perf_counter() - started) / args.n * 1000
    own = (time.process_time() - cpu) / args.n * 1000
    print(f"\n{args.n} submissions: {wall:.1f} ms wall, {own:.1f} ms CPU of this process each")
    stats = pstats.Stats(profile)
    stats.sort_stats("cumulative").print_stats(45)
    stats.sort_stats("tottime").print_stats(25)


if __name__ == "__main__":
    main()
