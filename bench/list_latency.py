"""Officials' list latency (``GET /api/v1/dossiers/``) over real HTTP, one request at a time.

    python3 bench/list_latency.py --base-url http://127.0.0.1:8000 --tokens var/bench/x/tokens.json
        [--requests 200] [--deep-pages 100] [--out results.json]

For three callers (a specialist of the busiest commune, a specialist of the Department of
Agriculture and Environment, the province administrator) and these scenarios:

* ``first``: the first page (50, newest received first);
* ``deep``: the page after ``--deep-pages`` pages (followed through the ``next`` cursors);
* ``open``: open dossiers (status processing, accepted, supplement_requested,
  awaiting_payment, approved), first page;
* ``overdue``: those open ones with ``due_before`` the load's end, ordered by due date;

it sends ``--requests`` requests after 10 warm-up ones on one keep-alive connection and
prints p50, p90, p99 and max in milliseconds (client-side: send to last byte). Standard
library only, so it runs with any Python 3.
"""

from __future__ import annotations

import argparse
import http.client
import json
import statistics
import time
import urllib.parse
from typing import Any

OPEN = ["processing", "accepted", "supplement_requested", "awaiting_payment", "approved"]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


class Client:
    def __init__(self, base_url: str, token: str) -> None:
        url = urllib.parse.urlsplit(base_url)
        self.host, self.port = url.hostname or "127.0.0.1", url.port or 80
        self.headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)

    def get(self, path: str, params: list[tuple[str, str]]) -> tuple[float, int, dict[str, Any]]:
        query = urllib.parse.urlencode(params)
        started = time.perf_counter()
        try:
            self.conn.request("GET", f"{path}?{query}", headers=self.headers)
            response = self.conn.getresponse()
            body = response.read()
        except (http.client.HTTPException, OSError):
            self.conn.close()
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
            raise
        elapsed = (time.perf_counter() - started) * 1000
        data = json.loads(body) if body else {}
        return elapsed, response.status, data


def scenario_params(name: str, due_before: str) -> list[tuple[str, str]]:
    if name == "open":
        return [("status", s) for s in OPEN]
    if name == "overdue":
        return [*[("status", s) for s in OPEN], ("due_before", due_before), ("order", "due_at")]
    return []


def measure(
    client: Client, params: list[tuple[str, str]], requests: int
) -> tuple[list[float], int, int]:
    times, errors, items = [], 0, 0
    for i in range(requests + 10):
        elapsed, status, data = client.get("/api/v1/dossiers/", params)
        if status != 200:
            errors += 1
            if errors == 1:
                print(f"    error {status}: {str(data)[:300]}")
            continue
        items = len(data.get("items", []))
        if i >= 10:
            times.append(elapsed)
    return times, errors, items


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base-url", default="http://127.0.0.1:8000")
    parser.add_argument("--tokens", required=True)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--deep-pages", type=int, default=100)
    parser.add_argument("--due-before", default="2025-12-31T17:00:00+07:00")
    parser.add_argument("--callers", default="commune,department,admin")
    parser.add_argument("--scenarios", default="first,deep,open,overdue")
    parser.add_argument("--out")
    args = parser.parse_args()
    with open(args.tokens, encoding="utf-8") as f:
        tokens = json.load(f)
    results = []
    for caller in args.callers.split(","):
        client = Client(args.base_url, tokens[caller])
        for scenario in args.scenarios.split(","):
            params = scenario_params(scenario, args.due_before)
            note = ""
            if scenario == "deep":
                cursor, depth = None, 0
                for _ in range(args.deep_pages):
                    page = [("cursor", cursor)] if cursor else []
                    _e, status, data = client.get("/api/v1/dossiers/", params + page)
                    if status != 200 or not data.get("next"):
                        break
                    cursor, depth = data["next"], depth + 1
                if cursor is None:
                    continue
                params = [*params, ("cursor", cursor)]
                note = f"after {depth} pages"
            times, errors, items = measure(client, params, args.requests)
            row = {
                "caller": caller,
                "scenario": scenario,
                "note": note,
                "items": items,
                "n": len(times),
                "errors": errors,
                "p50": statistics.median(times) if times else None,
                "p90": percentile(times, 90) if times else None,
                "p99": percentile(times, 99) if times else None,
                "max": max(times) if times else None,
            }
            results.append(row)
            print(
                f"{caller:<11} {scenario:<8} {note:<16} items {items:>3}  n {len(times):>4}  "
                f"errors {errors}  p50 {row['p50'] or 0:7.1f}  p90 {row['p90'] or 0:7.1f}  "
                f"p99 {row['p99'] or 0:7.1f}  max {row['max'] or 0:7.1f} ms",
                flush=True,
            )
    if args.out:
        with open(args.out, "w", encoding="utf-8") as f:
            json.dump(results, f, indent=1)


if __name__ == "__main__":
    main()
