"""Least privilege in the dossier services: which role, at which of the dossier's agencies,
may do what. A refused actor gets Forbidden and nothing is stored or changed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from motcua.catalog.models import Procedure
from motcua.core.errors import Forbidden
from motcua.dossiers import services as svc
from motcua.dossiers.actors import Actor
from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.factories import (
    BIRTH,
    World,
    dossier_row,
    local,
    pdf_upload,
    store_counts,
)
from motcua.org.models import Role
from motcua.workflow.services import StepInput, workflow_define

TUE = local(2026, 11, 24, 9, 0)
APPLICANT = Actor.applicant("Nguyễn Văn Ánh")


def official(user: Any) -> Actor:
    return Actor.official(user)


def reload(d: Dossier) -> Dossier:
    return Dossier.objects.get(pk=d.pk)


# --- dossiers of commune A in the state each action needs --------------------------------


def received(world: World) -> Dossier:
    return world.receive_birth(at=TUE)


def accepted(world: World) -> Dossier:
    return world.accepted_birth(at=TUE)


def at_step(world: World, step: int) -> Dossier:
    d = accepted(world)
    svc.dossier_forward(dossier=d.pk, actor=official(world.reception_a), at=TUE)
    if step == 2:
        svc.dossier_forward(dossier=d.pk, actor=official(world.specialist_a), at=TUE)
    return reload(d)


def approved(world: World, *, with_result: bool = True) -> Dossier:
    d = at_step(world, 2)
    svc.dossier_approve(dossier=d.pk, actor=official(world.leader_a), at=TUE)
    if with_result:
        svc.dossier_attach_result(
            dossier=d.pk,
            actor=official(world.leader_a),
            name="Giấy khai sinh",
            kind="paper",
            at=TUE,
        )
    return reload(d)


def resolved(world: World) -> Dossier:
    d = approved(world)
    svc.dossier_sign_result(dossier=d.pk, actor=official(world.leader_a), at=TUE)
    return reload(d)


def supplement_requested(world: World) -> Dossier:
    d = at_step(world, 1)
    svc.dossier_request_supplement(
        dossier=d.pk, actor=official(world.specialist_a), items=["x"], reason="y", at=TUE
    )
    return reload(d)


def awaiting_payment(world: World) -> Dossier:
    d = at_step(world, 1)
    svc.dossier_request_payment(
        dossier=d.pk, actor=official(world.specialist_a), items=[("Phí", 8000)], at=TUE
    )
    return reload(d)


# name: (make the dossier, the service, its arguments besides dossier and actor)
Action = tuple[Callable[[World], Dossier], Callable[..., Any], dict[str, Any]]
ACTIONS: dict[str, Action] = {
    "accept": (received, svc.dossier_accept, {}),
    "ask_to_complete": (received, svc.dossier_ask_to_complete, {"items": ["Tờ khai"]}),
    "refuse_at_intake": (received, svc.dossier_refuse, {"reason": "Không đủ điều kiện"}),
    "forward_from_desk": (accepted, svc.dossier_forward, {}),
    "forward": (lambda w: at_step(w, 1), svc.dossier_forward, {}),
    "return_to_previous": (
        lambda w: at_step(w, 2),
        svc.dossier_return_to_previous,
        {"reason": "Thiếu"},
    ),
    "request_supplement": (
        lambda w: at_step(w, 1),
        svc.dossier_request_supplement,
        {"items": ["Giấy chứng sinh"], "reason": "Mờ"},
    ),
    "request_payment": (
        lambda w: at_step(w, 1),
        svc.dossier_request_payment,
        {"items": [("Phí", 8000)]},
    ),
    "record_payment": (
        awaiting_payment,
        svc.dossier_record_payment,
        {"amount": 8000, "method": "counter"},
    ),
    "complete_supplement": (supplement_requested, svc.dossier_complete_supplement, {}),
    "refuse_after_appraisal": (
        lambda w: at_step(w, 2),
        svc.dossier_refuse,
        {"reason": "Giả mạo"},
    ),
    "approve": (lambda w: at_step(w, 2), svc.dossier_approve, {}),
    "attach_result": (
        lambda w: approved(w, with_result=False),
        svc.dossier_attach_result,
        {"name": "Giấy khai sinh", "kind": "paper"},
    ),
    "sign": (approved, svc.dossier_sign_result, {}),
    "extend": (
        lambda w: at_step(w, 1),
        svc.dossier_extend,
        {"new_due_at": local(2026, 12, 2, 17, 0), "reason": "Xác minh"},
    ),
    "stop": (lambda w: at_step(w, 1), svc.dossier_stop, {"reason": "Dừng"}),
    "withdraw": (lambda w: at_step(w, 1), svc.dossier_withdraw, {"reason": "Rút"}),
    "return_result": (resolved, svc.dossier_return_result, {}),
}


def forbidden(world: World, name: str, actor: Actor) -> None:
    make, service, kwargs = ACTIONS[name]
    d = make(world)
    counts, row = store_counts(), dossier_row(d)
    with pytest.raises(Forbidden):
        service(dossier=d.pk, actor=actor, at=local(2026, 11, 25, 9, 0), **kwargs)
    assert store_counts() == counts
    assert dossier_row(d) == row


def allowed(world: World, name: str, actor: Actor) -> Dossier:
    make, service, kwargs = ACTIONS[name]
    d = make(world)
    version = d.version
    service(dossier=d.pk, actor=actor, at=local(2026, 11, 25, 9, 0), **kwargs)
    d = reload(d)
    assert d.version == version + 1
    return d


# --- who may do what ---------------------------------------------------------------------

# Who at commune A (and its one-stop centre) may do each action.
ALLOWED_AT_A: dict[str, set[str]] = {
    "accept": {"reception_a", "manager_a"},
    "ask_to_complete": {"reception_a", "manager_a"},
    "refuse_at_intake": {"reception_a", "manager_a"},
    "forward_from_desk": {"reception_a", "manager_a", "specialist_a", "leader_a"},
    "forward": {"specialist_a", "leader_a"},
    "return_to_previous": {"leader_a"},  # step 2 is the leader's
    "request_supplement": {"specialist_a", "leader_a"},
    "request_payment": {"specialist_a", "leader_a"},
    "record_payment": {"reception_a", "manager_a", "specialist_a", "leader_a"},
    "complete_supplement": {"reception_a", "manager_a", "specialist_a", "leader_a"},
    "refuse_after_appraisal": {"leader_a"},
    "approve": {"leader_a"},
    "attach_result": {"specialist_a", "leader_a"},
    "sign": {"leader_a"},
    "extend": {"leader_a"},
    "stop": {"manager_a", "leader_a"},
    "withdraw": {"reception_a", "manager_a"},
    "return_result": {"reception_a", "manager_a"},
}
OFFICIALS_A = ["reception_a", "manager_a", "specialist_a", "leader_a"]
OFFICIALS_B = ["reception_b", "specialist_b", "leader_b"]


def test_the_table_covers_every_action() -> None:
    assert set(ALLOWED_AT_A) == set(ACTIONS)


@pytest.mark.parametrize(
    ("name", "user"),
    [(n, u) for n in ACTIONS for u in OFFICIALS_A],
)
def test_roles_at_commune_a(world: World, name: str, user: str) -> None:
    actor = official(getattr(world, user))
    if user in ALLOWED_AT_A[name]:
        allowed(world, name, actor)
    else:
        forbidden(world, name, actor)


@pytest.mark.parametrize(
    "name",
    [
        "accept",
        "forward_from_desk",
        "forward",
        "approve",
        "sign",
        "return_result",
        "refuse_after_appraisal",
        "stop",
        "extend",
        "request_supplement",
    ],
)
@pytest.mark.parametrize("user", OFFICIALS_B)
def test_commune_b_cannot_act_on_commune_a_dossiers(world: World, name: str, user: str) -> None:
    forbidden(world, name, official(getattr(world, user)))


def test_other_agencies_cannot_act_either(world: World) -> None:
    for user in (world.leader_police, world.reception_province, world.leader_construction):
        for name in ("accept", "forward", "approve", "sign", "return_result"):
            forbidden(world, name, official(user))


@pytest.mark.parametrize("name", list(ACTIONS))
def test_the_auditor_can_do_nothing(world: World, name: str) -> None:
    forbidden(world, name, official(world.auditor))


def test_the_auditor_cannot_receive(world: World) -> None:
    counts = store_counts()
    with pytest.raises(Forbidden):
        svc.dossier_receive(spec=world.birth_spec(), actor=official(world.auditor), at=TUE)
    assert store_counts() == counts


@pytest.mark.parametrize("name", list(ACTIONS))
def test_the_province_admin_can(world: World, name: str) -> None:
    allowed(world, name, official(world.admin))


def test_the_province_admin_runs_a_whole_dossier(world: World) -> None:
    admin = official(world.admin)
    d = svc.dossier_receive(spec=world.birth_spec(), actor=admin, at=TUE)
    d = svc.dossier_accept(dossier=d.pk, actor=admin, at=TUE)
    for minutes in (10, 20):
        d = svc.dossier_forward(dossier=d.pk, actor=admin, at=TUE + dt.timedelta(minutes=minutes))
    svc.dossier_approve(dossier=d.pk, actor=admin, at=TUE + dt.timedelta(minutes=30))
    svc.dossier_attach_result(
        dossier=d.pk,
        actor=admin,
        name="Giấy khai sinh",
        kind="electronic",
        upload=pdf_upload(),
        at=TUE + dt.timedelta(minutes=35),
    )
    svc.dossier_sign_result(dossier=d.pk, actor=admin, at=TUE + dt.timedelta(minutes=40))
    d = svc.dossier_return_result(dossier=d.pk, actor=admin, at=TUE + dt.timedelta(minutes=50))
    d = reload(d)
    assert d.state == "returned"
    assert set(d.events.values_list("actor", flat=True)) == {world.admin.pk}


APPLICANT_MAY = {"withdraw", "complete_supplement"}


@pytest.mark.parametrize("name", list(ACTIONS))
def test_the_applicant_only_withdraws_and_supplements(world: World, name: str) -> None:
    if name in APPLICANT_MAY:
        d = allowed(world, name, APPLICANT)
        event = d.events.order_by("seq").last()
        assert event is not None
        assert (event.actor, event.actor_label) == (None, "Nguyễn Văn Ánh")
    else:
        forbidden(world, name, APPLICANT)


def test_the_applicant_completes_at_intake_too(world: World) -> None:
    d = received(world)
    svc.dossier_ask_to_complete(
        dossier=d.pk, actor=official(world.reception_a), items=["Tờ khai"], at=TUE
    )
    svc.dossier_complete_supplement(dossier=d.pk, actor=APPLICANT, at=TUE)
    assert reload(d).state == "received"


def test_the_applicant_cannot_receive_at_a_counter(world: World) -> None:
    with pytest.raises(Forbidden):
        svc.dossier_receive(spec=world.birth_spec(), actor=APPLICANT, at=TUE)


def test_a_system_actor_is_not_an_applicant_or_an_official(world: World) -> None:
    # The system finishes groups and cascades; it needs no role.
    d = at_step(world, 1)
    svc.dossier_stop(dossier=d.pk, actor=Actor.system(), reason="Hệ thống", at=TUE)
    assert reload(d).state == "stopped"


def test_an_inactive_official_can_do_nothing(world: World) -> None:
    world.leader_a.is_active = False
    world.leader_a.save()
    forbidden(world, "approve", official(world.leader_a))


def test_a_step_is_handled_by_the_role_it_names(world: World) -> None:
    workflow_define(
        procedure=Procedure.objects.get(code=BIRTH),
        competent_agency=world.commune_a,
        name="Ba bước",
        steps=[
            StepInput("Thẩm định", Role.SPECIALIST, Decimal("40")),
            StepInput("Lãnh đạo phòng duyệt", Role.LEADER, Decimal("30")),
            StepInput("Ký", Role.LEADER, Decimal("30")),
        ],
    )
    d = at_step(world, 2)  # at the leader's review step
    assert d.workflow_steps[1]["role"] == "leader"
    # The specialist must not pass the leader's review on.
    with pytest.raises(Forbidden):
        svc.dossier_forward(dossier=d.pk, actor=official(world.specialist_a), at=TUE)
