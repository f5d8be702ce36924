"""Dossier codes under real concurrency: parallel OS processes receive and submit dossiers
at one desk on one day, some in transactions that roll back after the code was allocated.

The codes must stay unique and the day's running numbers gap-free (1..n, n = dossiers
committed, TT 01/2018), and no worker may fail: on SQLite a "database is locked" error is a
failure too. The processes work on a scratch database of the suite's engine (see
``concurrency_support``): 8 of them on PostgreSQL, 4 on SQLite.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

from motcua.dossiers.tests.concurrency_support import (
    ROLLBACK,
    Scratch,
    codes_of_day,
    create_dossiers,
    is_postgres,
    run_in_scratch,
    scratch_database,
)

WORKERS = 8 if is_postgres(os.environ.get("DATABASE_URL", "")) else 4
# Every worker ends with a commit, so each rolled-back number is issued again later.
PLAN = ["receive", ROLLBACK, "submit", "receive", "submit", ROLLBACK, "receive"]
COMMITS = sum(1 for p in PLAN if p != ROLLBACK)
DAY = "2026-11-24"
HOLD = 0.01  # seconds each transaction stays open after drawing its code
DESK = "001.01.30.H60"  # the first commune's one-stop desk (factories.build_world)


@pytest.fixture(scope="module")
def scratch() -> Iterator[Scratch]:
    with scratch_database() as s:
        yield s


@pytest.fixture(scope="module")
def run(scratch: Scratch) -> dict[str, Any]:
    calls = [
        (
            create_dossiers,
            {"world": scratch.world, "worker": i, "plan": PLAN, "day": DAY, "hold": HOLD},
        )
        for i in range(WORKERS)
    ]
    # Raises if any worker raised or crashed; the first one reads the codes back at the end.
    workers, stored = run_in_scratch(
        scratch, calls, then=(codes_of_day, {"agency": scratch.world["center_a"], "day": DAY})
    )
    committed = [c for w in workers for c in w["committed"]]
    rolled_back = [c for w in workers for c in w["rolled_back"]]
    return {"workers": workers, "committed": committed, "rolled_back": rolled_back, **stored}


def test_every_worker_ran_its_whole_plan(run: dict[str, Any]) -> None:
    assert len(run["workers"]) == WORKERS
    for w in run["workers"]:
        assert len(w["committed"]) == COMMITS
        assert len(w["rolled_back"]) == len(PLAN) - COMMITS


def test_committed_codes_are_unique_and_are_the_ones_stored(run: dict[str, Any]) -> None:
    committed = run["committed"]
    assert len(committed) == WORKERS * COMMITS
    assert len(set(committed)) == len(committed)
    assert sorted(run["codes"]) == sorted(committed)


def test_running_numbers_of_the_day_are_exactly_one_to_n(run: dict[str, Any]) -> None:
    total = WORKERS * COMMITS
    parts = [code.rsplit("-", 2) for code in run["committed"]]
    assert {(agency, day) for agency, day, _ in parts} == {(DESK, "261124")}
    assert sorted(int(seq) for _, _, seq in parts) == list(range(1, total + 1))
    assert run["last"] == total


def test_numbers_of_rolled_back_transactions_are_issued_again(run: dict[str, Any]) -> None:
    rolled_back = run["rolled_back"]
    assert len(rolled_back) == WORKERS * (len(PLAN) - COMMITS)
    # No number is lost: each one a failed transaction had drawn went to a later dossier.
    assert set(rolled_back) <= set(run["committed"])


def test_the_workers_really_ran_at_the_same_time(run: dict[str, Any]) -> None:
    # Started together by a barrier: every worker began before any finished. (Whether
    # their numbers interleave depends on the scheduler, so it is not asserted.)
    workers = run["workers"]
    assert max(w["started"] for w in workers) < min(w["ended"] for w in workers)
