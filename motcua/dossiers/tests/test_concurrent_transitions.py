"""Two officials act on the same dossier at once: exactly one of them changes it.

Real concurrency: two spawned processes (two officials of the commune, each entitled to
their action) on a scratch database of the suite's engine, started together each round by a
barrier. Whoever locks the dossier first keeps it locked a moment longer, so the other one
really waits for the lock and then finds the dossier changed:

* both with the version they read, doing the same thing (forward) or different things
  (forward vs ask for a supplement; approve vs send back to the previous step): one wins,
  the other gets ``ConcurrentChange``; the dossier has exactly one new event and the state
  the winner gave it, and the loser left nothing behind (no hand-over, no supplement);
* both without a version (two leaders forwarding at the first of two steps): the row lock
  serialises them, so the second finds the dossier at the last step and is refused;
* a part of an interconnected group is signed while the applicant withdraws the group:
  the two lock the group and the part in the same order, so neither is failed by a
  deadlock.

Then, in one process: a stale ``expected_version`` is refused and changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from motcua.core.errors import ConcurrentChange
from motcua.dossiers import services as s
from motcua.dossiers.actors import Actor
from motcua.dossiers.models import Dossier, DossierFee, SupplementRequest
from motcua.dossiers.tests.concurrency_support import (
    GROUP_RACE,
    RACES,
    Scratch,
    describe_dossiers,
    prepare_races,
    race,
    run_in_scratch,
    scratch_database,
)
from motcua.dossiers.tests.factories import World
from motcua.org.models import Role
from motcua.org.tests.factories import make_user
from motcua.workflow.models import HandOver

ROUNDS = 2
HOLD = 0.2  # seconds the first to lock the dossier keeps it locked

# (state, step) each action leaves a dossier at step 1 or 2 of the default two-step workflow.
AFTER = {
    "forward": ("processing", 2),
    "request_supplement": ("supplement_requested", 1),
    "approve": ("approved", 2),
    "return_to_previous": ("processing", 1),
}
WITH_HANDOVER = {"forward", "return_to_previous"}


@pytest.fixture(scope="module")
def scratch() -> Iterator[Scratch]:
    with scratch_database() as db:
        yield db


@pytest.fixture(scope="module")
def races(scratch: Scratch) -> list[dict[str, Any]]:
    [plans], _ = run_in_scratch(
        scratch, [(prepare_races, {"world": scratch.world, "rounds": ROUNDS})]
    )
    calls = [
        (race, {"world": scratch.world, "side": side, "plans": plans, "hold": HOLD})
        for side in "AB"
    ]
    ids = [pk for p in plans for pk in [p["dossier"], *p.get("related", [])]]
    (side_a, side_b), after = run_in_scratch(scratch, calls, then=(describe_dossiers, {"ids": ids}))
    return [
        {
            "plan": p,
            "outcomes": [a, b],
            "after": after[p["dossier"]],
            "related": {pk: after[pk] for pk in p.get("related", [])},
        }
        for p, a, b in zip(plans, side_a, side_b, strict=True)
    ]


def _rounds(races: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    rounds = [r for r in races if r["plan"]["kind"] == kind]
    assert len(rounds) == ROUNDS
    return rounds


def _split(r: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    winners = [o for o in r["outcomes"] if o["result"] == "applied"]
    losers = [o for o in r["outcomes"] if o["result"] != "applied"]
    assert len(winners) == 1, r["outcomes"]
    return winners[0], losers[0]


@pytest.mark.parametrize("kind", [k for k, race in RACES.items() if race[3]])
def test_with_the_same_version_exactly_one_official_wins(
    races: list[dict[str, Any]], kind: str
) -> None:
    for r in _rounds(races, kind):
        winner, loser = _split(r)
        plan, after = r["plan"], r["after"]
        assert (loser["result"], loser["code"]) == ("ConcurrentChange", "concurrent_change")
        # Exactly one new event, the winner's, and the state the winner's action gives.
        assert after["version"] == plan["version"] + 1
        assert after["event_count"] == len(after["events"]) == plan["events"] + 1
        last = after["events"][-1]
        assert (last["action"], last["actor"]) == (winner["action"], winner["user"])
        assert (after["state"], after["step"]) == AFTER[winner["action"]]
        assert last["to"] == after["state"]
        # The loser left nothing behind.
        handovers = plan["handovers"] + (winner["action"] in WITH_HANDOVER)
        assert after["handovers"] == handovers
        assert after["supplement_requests"] == (winner["action"] == "request_supplement")
        assert after["ledger_problems"] == []


def test_without_a_version_the_row_lock_serialises_the_officials(
    races: list[dict[str, Any]],
) -> None:
    for r in _rounds(races, "blind_forward"):
        winner, loser = _split(r)
        plan, after = r["plan"], r["after"]
        # The second saw the dossier already at the last step (not a duplicate event).
        assert (loser["result"], loser["code"]) == ("IllegalTransition", "last_step")
        assert after["version"] == plan["version"] + 1
        assert [e["seq"] for e in after["events"]] == list(range(1, plan["events"] + 2))
        assert after["events"][-1]["actor"] == winner["user"]
        assert (after["state"], after["step"]) == ("processing", 2)
        assert after["handovers"] == plan["handovers"] + 1
        assert after["ledger_problems"] == []


def test_the_loser_waited_for_the_winners_lock(races: list[dict[str, Any]]) -> None:
    overlapped = set()
    for r in races:
        if r["plan"]["kind"] == GROUP_RACE:
            continue
        winner, loser = _split(r)
        # It got the row only once the winner's transaction (holding it HOLD s) had ended.
        assert loser["locked"] >= winner["locked"] + HOLD * 0.9
        if loser["started"] < winner["ended"]:
            overlapped.add(r["plan"]["kind"])
    # And the officials really acted at the same time (each race at least once).
    assert overlapped == set(RACES)


def test_a_part_finishing_while_its_group_is_withdrawn_does_not_deadlock(
    races: list[dict[str, Any]],
) -> None:
    # The signature locks the part, then (finished?) its group; the withdrawal locks the
    # group, then each part. Both must take the locks in one order, or PostgreSQL breaks
    # the deadlock by failing one of them with a database error.
    rounds = [r for r in races if r["plan"]["kind"] == GROUP_RACE]
    assert len(rounds) == ROUNDS
    for r in rounds:
        sign, withdraw = r["outcomes"]
        assert withdraw["result"] == "applied", withdraw
        # Signed first, or found the part withdrawn (so changed) under its feet.
        assert sign["result"] in {"applied", "ConcurrentChange"}, sign
        child = r["related"][r["plan"]["child"]]
        assert r["after"]["state"] == "withdrawn"
        assert child["state"] == ("resolved" if sign["result"] == "applied" else "withdrawn")
        assert r["after"]["ledger_problems"] == []
        assert all(d["ledger_problems"] == [] for d in r["related"].values())


# --- one process: a stale version ------------------------------------------------------


def _at_last_step(world: World) -> Dossier:
    d = world.accepted_birth()
    s.dossier_forward(dossier=d, actor=Actor.official(world.reception_a))
    return s.dossier_forward(dossier=d, actor=Actor.official(world.specialist_a))


def _snapshot(d: Dossier) -> dict[str, Any]:
    d.refresh_from_db()
    return {
        "row": {
            f.attname: getattr(d, f.attname)
            for f in Dossier._meta.concrete_fields
            if f.attname != "updated_at"
        },
        "updated_at": d.updated_at,
        "events": list(d.events.values_list("seq", "hash")),
        "handovers": HandOver.objects.filter(dossier=d).count(),
        "supplements": SupplementRequest.objects.filter(dossier=d).count(),
        "fees": DossierFee.objects.filter(dossier=d).count(),
    }


# Each by an official who may do it at the dossier's step (the leader's, the last).
STALE_ACTIONS: dict[str, Any] = {
    "forward": lambda w, d, v: s.dossier_forward(
        dossier=d, actor=Actor.official(w.leader_a), expected_version=v
    ),
    "approve": lambda w, d, v: s.dossier_approve(
        dossier=d, actor=Actor.official(w.leader_a), expected_version=v
    ),
    "return_to_previous": lambda w, d, v: s.dossier_return_to_previous(
        dossier=d, actor=Actor.official(w.leader_a), reason="Xem lại", expected_version=v
    ),
    "request_supplement": lambda w, d, v: s.dossier_request_supplement(
        dossier=d,
        actor=Actor.official(w.leader_a),
        items=["Giấy chứng sinh"],
        reason="Thiếu",
        expected_version=v,
    ),
    "request_payment": lambda w, d, v: s.dossier_request_payment(
        dossier=d,
        actor=Actor.official(w.leader_a),
        items=[("Phí", 10_000)],
        expected_version=v,
    ),
    "stop": lambda w, d, v: s.dossier_stop(
        dossier=d, actor=Actor.official(w.leader_a), reason="Dừng", expected_version=v
    ),
    "withdraw": lambda w, d, v: s.dossier_withdraw(
        dossier=d, actor=Actor.applicant("Nguyễn Văn Ánh"), expected_version=v
    ),
}


@pytest.mark.parametrize("action", list(STALE_ACTIONS))
def test_a_stale_expected_version_is_refused_and_changes_nothing(world: World, action: str) -> None:
    d = _at_last_step(world)
    stale = d.version - 1
    before = _snapshot(d)

    with pytest.raises(ConcurrentChange) as raised:
        STALE_ACTIONS[action](world, d.pk, stale)

    assert raised.value.details == {"version": d.version}
    assert _snapshot(d) == before


def test_the_second_of_two_leaders_who_read_the_same_version_is_refused(
    world: World,
) -> None:
    deputy = make_user("a.phochutich", agency=world.commune_a, roles=[Role.LEADER])
    d = _at_last_step(world)
    seen = d.version  # both leaders opened the dossier at this version
    s.dossier_approve(dossier=d.pk, actor=Actor.official(world.leader_a), expected_version=seen)
    before = _snapshot(d)

    with pytest.raises(ConcurrentChange):
        s.dossier_return_to_previous(
            dossier=d.pk,
            actor=Actor.official(deputy),
            reason="Xem lại",
            expected_version=seen,
        )

    assert _snapshot(d) == before
    assert before["row"]["state"] == "approved"
    assert d.events.count() == 5  # receive, accept, forward, forward, approve
