"""CPU time of the benchmark's processes, from /proc (Linux), in seconds.

    python3 bench/cpu.py snap --pgid PGID [--db NAME] > before.json
    ... run the load ...
    python3 bench/cpu.py snap --pgid PGID [--db NAME] > after.json
    python3 bench/cpu.py diff before.json after.json

``--pgid``: the server's process group (granian and its workers, started with setsid);
``--db``: PostgreSQL backends connected to that database (read from pg_stat_activity with
psql). A process that appears only in the second snapshot counts from zero.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

TICK = os.sysconf("SC_CLK_TCK")


def stat(pid: int) -> tuple[int, float] | None:
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    # After the command: state(0) ppid(1) pgrp(2) ... utime(11) stime(12)
    return int(fields[2]), (int(fields[11]) + int(fields[12])) / TICK


def snap(pgid: int, db: str | None) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = {"server": {}, "postgres": {}}
    for name in os.listdir("/proc"):
        if name.isdigit():
            s = stat(int(name))
            if s and s[0] == pgid:
                out["server"][name] = s[1]
    if db:
        pids = subprocess.run(
            [
                "psql",
                "-h",
                "127.0.0.1",
                "-U",
                "postgres",
                "-Atc",
                f"select pid from pg_stat_activity where datname = '{db}'",
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
        for pid in pids:
            s = stat(int(pid))
            if s:
                out["postgres"][pid] = s[1]
    return out


def main() -> None:
    if sys.argv[1] == "snap":
        args = dict(zip(sys.argv[2::2], sys.argv[3::2], strict=False))
        print(json.dumps(snap(int(args["--pgid"]), args.get("--db"))))
    else:
        with open(sys.argv[2]) as fa, open(sys.argv[3]) as fb:
            a, b = json.load(fa), json.load(fb)
        result = {}
        for group in b:
            result[group] = round(
                sum(t - a.get(group, {}).get(pid, 0.0) for pid, t in b[group].items()), 2
            )
        print(json.dumps(result))


if __name__ == "__main__":
    main()
