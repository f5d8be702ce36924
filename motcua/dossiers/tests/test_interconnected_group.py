"""An interconnected (liên thông) group: birth registration at the commune and permanent
residence at the police, received and returned once through the commune's one-stop desk
(law-research.md §1.8)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from motcua.core.errors import IllegalTransition, InvalidInput
from motcua.dossiers import services as svc
from motcua.dossiers.actors import Actor
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.tests.factories import (
    BIRTH,
    GROUP,
    GROUP_EFORM,
    RESIDENCE,
    World,
    dossier_row,
    group_spec,
    local,
    resolve_child,
    store_counts,
)
from motcua.dossiers.tests.factories import accepted_group as _accepted_group
from motcua.dossiers.tests.factories import group_children as children
from motcua.org.models import AgencyKind
from motcua.org.tests.factories import make_agency

TUE = local(2026, 11, 24, 9, 0)
WED = local(2026, 11, 25, 9, 0)
EFORM = GROUP_EFORM


def official(user: Any) -> Actor:
    return Actor.official(user)


def accepted_group(world: World, at: dt.datetime = TUE) -> Dossier:
    return _accepted_group(world, at)


def reload(d: Dossier) -> Dossier:
    return Dossier.objects.get(pk=d.pk)


def trail(d: Dossier) -> list[tuple[str, str, str, str]]:
    return [
        (e.action, e.from_state, e.to_state, e.actor_label)
        for e in DossierEvent.objects.filter(dossier=d).order_by("seq")
    ]


@pytest.mark.parametrize("online", [False, True])
def test_group_is_received_with_eform_data_per_procedure(world: World, online: bool) -> None:
    if online:
        g = svc.dossier_submit(
            spec=group_spec(world, channel="online", return_method="online"),
            actor=Actor.applicant("Nguyễn Văn Ánh"),
            at=TUE,
        )
    else:
        g = svc.dossier_receive(spec=group_spec(world), actor=official(world.reception_a), at=TUE)
    assert g.state == ("submitted" if online else "received")
    assert g.code == "001.01.30.H60-261124-0001"
    assert g.procedure_version is None and g.procedure_group is not None
    assert g.procedure_group.code == GROUP
    assert g.competent_agency == world.commune_a
    assert g.eform_data == EFORM
    assert not Dossier.objects.filter(parent=g).exists()  # spawned only on acceptance


def test_group_eform_is_checked_per_procedure(world: World) -> None:
    bad = {
        BIRTH: {"ho_ten_tre": "A", "ngay_sinh": "2026-11-20", "so_dinh_danh_me": "12"},
        RESIDENCE: {"dia_chi": 5},
    }
    counts = store_counts()
    with pytest.raises(InvalidInput) as info:
        svc.dossier_receive(
            spec=group_spec(world, eform_data=bad), actor=official(world.reception_a), at=TUE
        )
    assert set(info.value.details["errors"]) == {
        f"eform.{BIRTH}.so_dinh_danh_me",
        f"eform.{RESIDENCE}.dia_chi",
    }
    with pytest.raises(InvalidInput) as info:
        svc.dossier_receive(
            spec=group_spec(world, eform_data={RESIDENCE: EFORM[RESIDENCE]}),
            actor=official(world.reception_a),
            at=TUE,
        )
    # Each missing required field of the birth part is named.
    assert set(info.value.details["errors"]) == {
        f"eform.{BIRTH}.ho_ten_tre",
        f"eform.{BIRTH}.ngay_sinh",
    }
    assert store_counts() == counts


def test_acceptance_spawns_a_dossier_at_each_agency(world: World) -> None:
    g = accepted_group(world)
    assert g.state == "processing"
    assert g.national_status == 4
    # The group's own appointment: 5 working days from Tuesday.
    assert (g.accepted_at, g.due_at) == (TUE, local(2026, 12, 1, 17, 0))
    assert g.workflow_steps == [] and g.current_agency is None
    assert [(a, f, t) for a, f, t, _ in trail(g)] == [
        ("receive", "", "received"),
        ("accept", "received", "processing"),
    ]

    kids = children(g)
    assert set(kids) == {BIRTH, RESIDENCE}
    birth, residence = kids[BIRTH], kids[RESIDENCE]
    # Each has its own code, with its own agency's identifier and sequence.
    assert birth.code == "000.01.30.H60-261124-0001"
    assert residence.code == "000.00.21.H60-261124-0001"
    assert (birth.competent_agency, residence.competent_agency) == (world.commune_a, world.police)
    assert (birth.current_agency, residence.current_agency) == (world.commune_a, world.police)
    for child in (birth, residence):
        assert child.state == "accepted"
        assert child.parent == g
        assert child.accepted_at == TUE and child.received_at == TUE
        assert child.applicant_personal_id == g.applicant_personal_id
        assert child.return_agency == world.center_a
        assert [(a, f, t) for a, f, t, _ in trail(child)] == [("spawn", "", "accepted")]
        assert child.events.get().data == {"group": g.code, "code": child.code}
        assert child.version == 1 and child.event_count == 1
    # Its own appointment (3 and 5 working days) and its own workflow at its agency.
    assert birth.due_at == local(2026, 11, 27, 17, 0)
    assert residence.due_at == local(2026, 12, 1, 17, 0)
    assert [s["agency"] for s in birth.workflow_steps] == [world.commune_a.pk] * 2
    assert [s["agency"] for s in residence.workflow_steps] == [world.police.pk] * 2
    assert all(s["allotted_seconds"] for s in birth.workflow_steps + residence.workflow_steps)
    assert birth.eform_data == EFORM[BIRTH] and residence.eform_data == EFORM[RESIDENCE]

    # A second group the same day: the next number at each agency.
    kids2 = children(accepted_group(world, at=TUE + dt.timedelta(hours=1)))
    assert kids2[BIRTH].code == "000.01.30.H60-261124-0002"
    assert kids2[RESIDENCE].code == "000.00.21.H60-261124-0002"


def test_group_finishes_when_every_child_has(world: World) -> None:
    g = accepted_group(world)
    kids = children(g)
    birth = resolve_child(
        kids[BIRTH], world.specialist_a, world.leader_a, local(2026, 11, 25, 9, 0)
    )
    assert birth.state == "resolved"
    assert reload(g).state == "processing"  # the police have not finished
    assert trail(g)[-1][0] == "accept"

    signed = local(2026, 11, 26, 10, 4)
    residence = resolve_child(
        kids[RESIDENCE], world.specialist_police, world.leader_police, local(2026, 11, 26, 10, 0)
    )
    assert residence.state == "resolved" and residence.resolved_at == signed
    g = reload(g)
    assert g.state == "resolved"
    assert g.finished_at == signed and g.resolved_at == signed
    assert trail(g)[-1] == ("finish_group", "processing", "resolved", "MotCua")
    finish = g.events.order_by("seq").last()
    assert finish is not None and finish.actor is None and finish.at == signed
    assert g.version == 3  # received, accepted, finished

    # Returning the group returns its parts.
    returned = local(2026, 11, 27, 8, 0)
    g = svc.dossier_return_result(
        dossier=g.pk, actor=official(world.reception_a), at=returned, expected_version=3
    )
    assert reload(g).state == "returned" and reload(g).returned_at == returned
    assert reload(g).finished_at == signed
    for child in children(g).values():
        assert child.state == "returned" and child.returned_at == returned
        assert trail(child)[-1] == ("return_result", "resolved", "returned", "MotCua")


def test_group_level_workflow_actions_are_refused(world: World) -> None:
    g = accepted_group(world)
    leader = official(world.leader_a)
    calls: list[tuple[Any, dict[str, Any]]] = [
        (svc.dossier_forward, {"actor": leader}),
        (svc.dossier_return_to_previous, {"actor": leader, "reason": "x"}),
        (svc.dossier_request_supplement, {"actor": leader, "items": ["x"], "reason": "y"}),
        (svc.dossier_request_payment, {"actor": leader, "items": [("Phí", 1000)]}),
        (svc.dossier_approve, {"actor": leader}),
        (svc.dossier_attach_result, {"actor": leader, "name": "x", "kind": "paper"}),
        (svc.dossier_sign_result, {"actor": leader}),
    ]
    counts, row = store_counts(), dossier_row(g)
    for service, kwargs in calls:
        with pytest.raises(IllegalTransition) as info:
            service(dossier=g.pk, at=WED, **kwargs)
        assert info.value.code == "group_processed_by_children", service.__name__
    # A group is not refused once its agencies process it, nor returned before it is done.
    with pytest.raises(IllegalTransition):
        svc.dossier_refuse(dossier=g.pk, actor=leader, reason="x", at=WED)
    with pytest.raises(IllegalTransition):
        svc.dossier_return_result(dossier=g.pk, actor=official(world.reception_a), at=WED)
    assert store_counts() == counts and dossier_row(g) == row


def test_children_follow_their_group(world: World) -> None:
    g = accepted_group(world)
    child = children(g)[BIRTH]
    counts = store_counts()
    for service, kwargs in [
        # The province administrator may act anywhere: the lifecycle alone refuses.
        (svc.dossier_accept, {"actor": official(world.admin)}),
        (svc.dossier_withdraw, {"actor": Actor.applicant("Nguyễn Văn Ánh")}),
        (svc.dossier_ask_to_complete, {"actor": official(world.admin), "items": ["x"]}),
    ]:
        with pytest.raises(IllegalTransition) as info:
            service(dossier=child.pk, at=WED, **kwargs)
        assert info.value.code == "child_follows_group"
    assert store_counts() == counts


def test_withdrawing_the_group_withdraws_its_open_children(world: World) -> None:
    g = accepted_group(world)
    kids = children(g)
    resolve_child(kids[BIRTH], world.specialist_a, world.leader_a, local(2026, 11, 25, 9, 0))
    svc.dossier_forward(
        dossier=kids[RESIDENCE].pk,
        actor=official(world.specialist_police),
        at=local(2026, 11, 25, 9, 0),
    )
    at = local(2026, 11, 25, 15, 0)
    before = reload(g)
    g = svc.dossier_withdraw(
        dossier=g.pk,
        actor=Actor.applicant("Nguyễn Văn Ánh"),
        reason="Chuyển nơi cư trú",
        at=at,
        expected_version=before.version,
    )
    g = reload(g)
    assert g.state == "withdrawn" and g.version == before.version + 1
    assert [(a, f, t) for a, f, t, _ in trail(g)][-1] == ("withdraw", "processing", "withdrawn")
    assert g.finished_at == at
    kids = children(g)
    assert kids[BIRTH].state == "resolved"  # finished parts stay as they are
    assert kids[RESIDENCE].state == "withdrawn"
    assert kids[RESIDENCE].finished_at == at
    last = kids[RESIDENCE].events.order_by("seq").last()
    assert last is not None
    assert (last.action, last.from_state, last.to_state, last.actor) == (
        "withdraw",
        "processing",
        "withdrawn",
        None,
    )
    assert last.reason == "Chuyển nơi cư trú"


def test_stopping_the_group_stops_its_open_children(world: World) -> None:
    g = accepted_group(world)
    at = local(2026, 11, 25, 9, 0)
    svc.dossier_stop(dossier=g.pk, actor=official(world.manager_a), reason="Dừng", at=at)
    assert reload(g).state == "stopped"
    for child in children(g).values():
        assert child.state == "stopped" and child.finished_at == at
        assert trail(child)[-1] == ("stop", "accepted", "stopped", "MotCua")


def test_a_stopped_child_does_not_hold_the_group_open(world: World) -> None:
    g = accepted_group(world)
    kids = children(g)
    svc.dossier_stop(
        dossier=kids[RESIDENCE].pk,
        actor=official(world.leader_police),
        reason="Không đủ điều kiện thường trú",
        at=local(2026, 11, 25, 9, 0),
    )
    assert reload(g).state == "processing"
    resolve_child(kids[BIRTH], world.specialist_a, world.leader_a, local(2026, 11, 26, 9, 0))
    assert reload(g).state == "resolved"


def test_a_group_whose_children_all_stopped_is_not_resolved(world: World) -> None:
    g = accepted_group(world)
    kids = children(g)
    for child, leader in ((kids[BIRTH], world.leader_a), (kids[RESIDENCE], world.leader_police)):
        svc.dossier_stop(
            dossier=child.pk, actor=official(leader), reason="x", at=local(2026, 11, 25, 9, 0)
        )
    group = reload(g)
    assert group.state == "stopped"
    assert group.resolved_at is None
    assert group.events.order_by("-seq").first().action == "finish_group"


@pytest.mark.parametrize("at_province", [False, True])
def test_commune_part_goes_to_the_ward_the_group_names(world: World, at_province: bool) -> None:
    """Regression: the commune-level part was spawned at the receiving desk's commune (or
    acceptance failed at the provincial centre) when the group named a ward."""
    ward = make_agency(
        "Ủy ban nhân dân phường Minh Xuân",
        kind=AgencyKind.WARD,
        parent=world.province,
        identifier="000.03.30.H60",
    )
    desk, officer = (
        (world.province_center, world.reception_province)
        if at_province
        else (world.center_a, world.reception_a)
    )
    g = svc.dossier_receive(
        spec=group_spec(world, competent_agency=ward, receiving_agency=desk),
        actor=official(officer),
        at=TUE,
    )
    assert g.competent_agency == ward
    g = svc.dossier_accept(dossier=g.pk, actor=official(officer), at=TUE)
    kids = children(g)
    assert kids[BIRTH].competent_agency == ward
    assert kids[BIRTH].code == "000.03.30.H60-261124-0001"
    assert [s["agency"] for s in kids[BIRTH].workflow_steps] == [ward.pk] * 2
    assert kids[RESIDENCE].competent_agency == world.police
