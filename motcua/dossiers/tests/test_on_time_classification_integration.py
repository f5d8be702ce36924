"""Decision 766 on-time classification of stored dossiers: the facts the services store
(acceptance, appointment, end of processing, supplement pauses) fed to
:func:`motcua.dossiers.timeliness.classify` (law-research.md §1.7, §3.3 item 2.1)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from motcua.dossiers import services as svc
from motcua.dossiers.actors import Actor
from motcua.dossiers.models import Dossier, SupplementRequest
from motcua.dossiers.selectors import dossier_timeliness, timeliness_facts
from motcua.dossiers.tests.factories import (
    World,
    accepted_group,
    group_children,
    local,
    resolve_child,
)
from motcua.dossiers.timeliness import Pause, Timeliness, TimelinessFacts, classify

TUE = local(2026, 11, 24, 9, 0)  # accepted; 3 working days: due Fri 27 Nov 17:00
DUE = local(2026, 11, 27, 17, 0)
E, OT, L = Timeliness.EARLY, Timeliness.ON_TIME, Timeliness.LATE
IT, OD, NA = Timeliness.IN_TIME, Timeliness.OVERDUE, Timeliness.NOT_APPLICABLE
LATER = local(2026, 12, 31, 12, 0)  # a report's end, well after everything below


def official(user: Any) -> Actor:
    return Actor.official(user)


def facts_from_rows(d: Dossier) -> TimelinessFacts:
    """What 766 needs, read straight from the stored rows (independent of the selector)."""
    d = Dossier.objects.get(pk=d.pk)
    pauses = tuple(
        Pause(start=r.requested_at, end=r.completed_at)
        for r in SupplementRequest.objects.filter(dossier=d, at_intake=False).order_by(
            "requested_at"
        )
    )
    return TimelinessFacts(
        accepted_at=d.accepted_at,
        due_at=d.due_at,
        finished_at=d.finished_at,
        pauses=pauses,
        supplement_requests=d.supplement_requests,
    )


def judge(d: Dossier, now: dt.datetime = LATER) -> Timeliness:
    """The class of a stored dossier as of ``now``, checked three ways."""
    d = Dossier.objects.get(pk=d.pk)
    facts = facts_from_rows(d)
    assert timeliness_facts(d) == facts
    cal = svc.calendar_for(d.competent_agency, d.accepted_at or TUE)
    result = classify(facts, now=now, cal=cal)
    assert dossier_timeliness(d, now=now) is result
    return result


def at_step(world: World, step: int = 1, at: dt.datetime = TUE) -> Dossier:
    d = world.accepted_birth(at=at)
    svc.dossier_forward(
        dossier=d.pk, actor=official(world.reception_a), at=at + dt.timedelta(minutes=30)
    )
    if step == 2:
        svc.dossier_forward(
            dossier=d.pk, actor=official(world.specialist_a), at=at + dt.timedelta(minutes=40)
        )
    return Dossier.objects.get(pk=d.pk)


def sign(world: World, d: Dossier, at: dt.datetime) -> Dossier:
    if Dossier.objects.get(pk=d.pk).current_step == 1:
        svc.dossier_forward(dossier=d.pk, actor=official(world.specialist_a), at=at)
    svc.dossier_approve(dossier=d.pk, actor=official(world.leader_a), at=at)
    svc.dossier_attach_result(
        dossier=d.pk, actor=official(world.leader_a), name="Giấy khai sinh", kind="paper", at=at
    )
    svc.dossier_sign_result(dossier=d.pk, actor=official(world.leader_a), at=at)
    return Dossier.objects.get(pk=d.pk)


def supplement(world: World, d: Dossier, start: dt.datetime, end: dt.datetime | None) -> None:
    svc.dossier_request_supplement(
        dossier=d.pk, actor=official(world.specialist_a), items=["x"], reason="y", at=start
    )
    if end is not None:
        svc.dossier_complete_supplement(
            dossier=d.pk, actor=Actor.applicant("Nguyễn Văn Ánh"), at=end
        )


@pytest.mark.parametrize(
    ("signed_at", "expected"),
    [
        (local(2026, 11, 25, 10, 0), E),  # two days before the appointment
        (local(2026, 11, 27, 8, 0), OT),  # on the appointment day
        (DUE, OT),  # at the appointment itself
        (local(2026, 11, 27, 17, 0, 1), L),
        (local(2026, 11, 30, 9, 0), L),
    ],
    ids=lambda v: f"{v:%a %d %H:%M:%S}" if isinstance(v, dt.datetime) else str(v),
)
def test_finished_dossiers(world: World, signed_at: dt.datetime, expected: Timeliness) -> None:
    d = sign(world, at_step(world), signed_at)
    assert d.state == "resolved" and d.finished_at == signed_at and d.due_at == DUE
    assert judge(d) is expected


def test_the_return_does_not_move_the_end(world: World) -> None:
    d = sign(world, at_step(world), local(2026, 11, 27, 16, 0))
    svc.dossier_return_result(
        dossier=d.pk, actor=official(world.reception_a), at=local(2026, 12, 2, 9, 0)
    )
    assert Dossier.objects.get(pk=d.pk).state == "returned"
    assert judge(d) is OT  # resolved on Friday; returned later does not make it late


def test_supplement_time_is_excluded(world: World) -> None:
    d = at_step(world)
    # Wed 09:00 → Thu 09:00: 7.5 working hours waiting for the applicant.
    supplement(world, d, local(2026, 11, 25, 9, 0), local(2026, 11, 26, 9, 0))
    d = sign(world, d, local(2026, 11, 30, 10, 0))  # Monday, after the stored appointment
    facts = facts_from_rows(d)
    assert facts.pauses == (Pause(local(2026, 11, 25, 9, 0), local(2026, 11, 26, 9, 0)),)
    assert facts.supplement_requests == 1
    assert judge(d) is OT  # the appointment shifts to Mon 30 Nov 17:00
    # The same dossier without its pause would be late.
    cal = svc.calendar_for(d.competent_agency, TUE)
    assert classify(TimelinessFacts(TUE, DUE, d.finished_at), now=LATER, cal=cal) is L
    # And late even with it when finished after the shifted appointment.
    assert (
        classify(
            TimelinessFacts(TUE, DUE, local(2026, 12, 1, 8, 0), pauses=facts.pauses),
            now=LATER,
            cal=cal,
        )
        is L
    )


def test_intake_completion_is_not_a_pause(world: World) -> None:
    d = world.receive_birth(at=local(2026, 11, 23, 9, 0))
    svc.dossier_ask_to_complete(
        dossier=d.pk,
        actor=official(world.reception_a),
        items=["Tờ khai"],
        at=local(2026, 11, 23, 9, 5),
    )
    svc.dossier_complete_supplement(
        dossier=d.pk, actor=Actor.applicant("A"), at=local(2026, 11, 24, 8, 0)
    )
    svc.dossier_accept(dossier=d.pk, actor=official(world.reception_a), at=TUE)
    assert facts_from_rows(d).pauses == ()
    assert judge(d, now=local(2026, 11, 25, 9, 0)) is IT


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (local(2026, 11, 24, 8, 0), NA),  # before its acceptance
        (local(2026, 11, 26, 9, 0), IT),
        (DUE, IT),
        (local(2026, 11, 27, 17, 1), OD),
        (local(2026, 11, 30, 9, 0), OD),
    ],
    ids=lambda v: f"{v:%a %d %H:%M}" if isinstance(v, dt.datetime) else str(v),
)
def test_open_dossiers_against_now(world: World, now: dt.datetime, expected: Timeliness) -> None:
    d = at_step(world)
    assert d.finished_at is None
    assert judge(d, now=now) is expected


def test_a_dossier_finished_after_now_is_still_open_then(world: World) -> None:
    d = sign(world, at_step(world), local(2026, 11, 30, 9, 0))
    assert judge(d, now=local(2026, 11, 26, 9, 0)) is IT
    assert judge(d, now=local(2026, 11, 28, 9, 0)) is OD
    assert judge(d) is L


def test_waiting_for_the_applicant_is_never_overdue(world: World) -> None:
    d = at_step(world)
    supplement(world, d, local(2026, 11, 26, 9, 0), None)  # still waiting
    assert Dossier.objects.get(pk=d.pk).state == "supplement_requested"
    assert judge(d, now=local(2026, 12, 10, 9, 0)) is IT
    # Once completed on Mon 7 Dec 09:00 the clock runs again from there: the 13.5
    # working hours left on Thu 26 Nov 09:00 run out on Tue 8 Dec 17:00.
    svc.dossier_complete_supplement(
        dossier=d.pk, actor=Actor.applicant("A"), at=local(2026, 12, 7, 9, 0)
    )
    assert judge(d, now=local(2026, 12, 8, 17, 0)) is IT
    assert judge(d, now=local(2026, 12, 9, 9, 0)) is OD


def test_withdrawal_stop_and_refusal(world: World) -> None:
    withdrawn = at_step(world)
    svc.dossier_withdraw(
        dossier=withdrawn.pk, actor=Actor.applicant("A"), at=local(2026, 11, 30, 9, 0)
    )
    assert judge(withdrawn) is L  # after acceptance a withdrawal ends processing

    stopped = at_step(world)
    svc.dossier_stop(
        dossier=stopped.pk,
        actor=official(world.leader_a),
        reason="x",
        at=local(2026, 11, 25, 9, 0),
    )
    assert judge(stopped) is E

    refused_at_intake = world.receive_birth(at=TUE)
    svc.dossier_refuse(
        dossier=refused_at_intake.pk, actor=official(world.reception_a), reason="x", at=TUE
    )
    assert judge(refused_at_intake) is NA  # never accepted: not counted

    withdrawn_early = world.receive_birth(at=TUE)
    svc.dossier_withdraw(dossier=withdrawn_early.pk, actor=Actor.applicant("A"), at=TUE)
    assert judge(withdrawn_early) is NA


def test_an_extension_moves_the_appointment(world: World) -> None:
    d = at_step(world)
    svc.dossier_extend(
        dossier=d.pk,
        actor=official(world.leader_a),
        new_due_at=local(2026, 12, 2, 17, 0),
        reason="Xác minh",
        at=local(2026, 11, 26, 9, 0),
    )
    d = sign(world, d, local(2026, 12, 1, 10, 0))
    assert d.original_due_at == DUE
    assert judge(d) is E  # against the new appointment (Mẫu 04), not the first one


def test_an_interconnected_group_is_judged_on_its_own_appointment(world: World) -> None:
    g = accepted_group(world, TUE)  # the group's own appointment: Tue 1 Dec 17:00
    kids = list(group_children(g).values())
    resolve_child(kids[0], *_people(world, kids[0]), local(2026, 11, 25, 9, 0))
    assert judge(g, now=local(2026, 11, 30, 9, 0)) is IT
    resolve_child(kids[1], *_people(world, kids[1]), local(2026, 12, 2, 9, 0))
    g = Dossier.objects.get(pk=g.pk)
    assert g.state == "resolved" and g.finished_at == local(2026, 12, 2, 9, 4)
    assert judge(g) is L


def _people(world: World, child: Dossier) -> tuple[Any, Any]:
    if child.competent_agency == world.police:
        return world.specialist_police, world.leader_police
    return world.specialist_a, world.leader_a
