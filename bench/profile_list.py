"""Where one officials' list request spends its time: SQL vs Python, and the Python by
function (cProfile on CPU time), through the whole Django stack in one process.

    DATABASE_URL=... BENCH_PATCHED=1 .venv/bin/python bench/profile_list.py TOKENS [CALLER] [-n 100]
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")

import django

django.setup()
if os.environ.get("BENCH_PATCHED"):
    import bench.patched_wsgi  # noqa: F401

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("tokens")
    parser.add_argument("caller", nargs="?", default="commune")
    parser.add_argument("-n", type=int, default=100)
    args = parser.parse_args()
    with open(args.tokens, encoding="utf-8") as f:
        token = json.load(f)[args.caller]
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}", SERVER_NAME="127.0.0.1")

    def get() -> None:
        response = client.get("/api/v1/dossiers/")
        assert response.status_code == 200, response.content[:300]

    for _ in range(5):
        get()
    with CaptureQueriesContext(connection) as q:
        started = time.perf_counter()
        get()
        total = (time.perf_counter() - started) * 1000
    sql = sum(float(x["time"]) for x in q.captured_queries) * 1000
    print(f"one request: {total:.1f} ms, {len(q.captured_queries)} queries, {sql:.1f} ms in SQL")
    for x in q.captured_queries:
        print(f"  {float(x['time']) * 1000:6.1f} ms  {x['sql'][:110]}")
    started, cpu = time.perf_counter(), time.process_time()
    for _ in range(args.n):
        get()
    wall = (time.perf_counter() - started) / args.n * 1000
    own = (time.process_time() - cpu) / args.n * 1000
    print(f"{args.n} requests: {wall:.1f} ms wall, {own:.1f} ms CPU each (no profiler)")
    profile = cProfile.Profile(time.process_time)
    profile.enable()
    for _ in range(args.n):
        get()
    profile.disable()
    pstats.Stats(profile).sort_stats("cumulative").print_stats(35)


if __name__ == "__main__":
    main()
