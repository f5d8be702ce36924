"""``available_actions``: the dossier page offers exactly the actions the services would
take from this official now — the lifecycle's rule and the same role rule as the services
(``motcua.dossiers.permissions``)."""

from __future__ import annotations

import pytest

from motcua.dossiers.lifecycle import Action
from motcua.dossiers.models import Dossier
from motcua.dossiers.selectors import DESK_ACTIONS, available_actions
from motcua.dossiers.services import (
    dossier_refuse,
    dossier_return_result,
    dossier_stop,
)
from motcua.dossiers.tests.factories import World, local
from motcua.dossiers.tests.test_authorisation_services import (
    ACTIONS,
    ALLOWED_AT_A,
    OFFICIALS_A,
    OFFICIALS_B,
    accepted,
    approved,
    at_step,
    official,
    received,
    reload,
    resolved,
)

pytestmark = pytest.mark.django_db

# The moment the services' table acts at (``test_authorisation_services``).
NOW = local(2026, 11, 25, 9, 0)

# The desk action each row of the services' table exercises.
ACTION_OF: dict[str, Action] = {
    "accept": Action.ACCEPT,
    "ask_to_complete": Action.ASK_TO_COMPLETE,
    "refuse_at_intake": Action.REFUSE,
    "forward_from_desk": Action.FORWARD,
    "forward": Action.FORWARD,
    "return_to_previous": Action.RETURN_TO_PREVIOUS,
    "request_supplement": Action.REQUEST_SUPPLEMENT,
    "request_payment": Action.REQUEST_PAYMENT,
    "record_payment": Action.RECORD_PAYMENT,
    "complete_supplement": Action.COMPLETE_SUPPLEMENT,
    "refuse_after_appraisal": Action.REFUSE,
    "approve": Action.APPROVE,
    "attach_result": Action.ATTACH_RESULT,
    "sign": Action.SIGN_RESULT,
    "extend": Action.EXTEND,
    "stop": Action.STOP,
    "withdraw": Action.WITHDRAW,
    "return_result": Action.RETURN_RESULT,
}


def offered(world: World, d: Dossier, user: str) -> list[Action]:
    return available_actions(reload(d), getattr(world, user), now=NOW)


def test_every_row_of_the_services_table_is_a_desk_action() -> None:
    assert set(ACTION_OF) == set(ACTIONS)
    assert set(ACTION_OF.values()) <= set(DESK_ACTIONS)


@pytest.mark.parametrize("name", list(ACTIONS))
def test_offered_exactly_to_whom_the_service_allows(world: World, name: str) -> None:
    make, _, _ = ACTIONS[name]
    d = make(world)
    action = ACTION_OF[name]
    for user in OFFICIALS_A:
        assert (action in offered(world, d, user)) == (user in ALLOWED_AT_A[name]), user
    for user in [*OFFICIALS_B, "auditor", "leader_police", "reception_province"]:
        assert offered(world, d, user) == [], user
    assert action in offered(world, d, "admin")


def test_reception_sees_the_intake_decisions_on_an_arrival(world: World) -> None:
    d = received(world)
    assert offered(world, d, "reception_a") == [
        Action.ACCEPT,
        Action.ASK_TO_COMPLETE,
        Action.REFUSE,
        Action.WITHDRAW,
    ]
    assert offered(world, d, "specialist_a") == []
    assert offered(world, d, "leader_a") == []


def test_specialist_sees_forward_at_the_first_step(world: World) -> None:
    d = at_step(world, 1)
    assert offered(world, d, "specialist_a") == [
        Action.FORWARD,
        Action.REQUEST_PAYMENT,
        Action.REQUEST_SUPPLEMENT,
    ]
    # The desk has handed it over: nothing left for reception but the citizen's withdrawal.
    assert offered(world, d, "reception_a") == [Action.WITHDRAW]


def test_leader_sees_approve_at_the_last_step_then_sign(world: World) -> None:
    d = at_step(world, 2)
    leader = offered(world, d, "leader_a")
    assert Action.APPROVE in leader and Action.FORWARD not in leader
    assert Action.APPROVE not in offered(world, d, "specialist_a")
    d = approved(world)
    leader = offered(world, d, "leader_a")
    assert leader[:2] == [Action.ATTACH_RESULT, Action.SIGN_RESULT]
    assert Action.SIGN_RESULT not in offered(world, d, "specialist_a")


def test_sign_needs_a_result_first(world: World) -> None:
    d = approved(world, with_result=False)
    assert Action.SIGN_RESULT not in offered(world, d, "leader_a")
    assert Action.ATTACH_RESULT in offered(world, d, "leader_a")


def test_return_of_the_result_is_for_the_desk(world: World) -> None:
    d = resolved(world)
    assert offered(world, d, "reception_a") == [Action.RETURN_RESULT]
    assert offered(world, d, "leader_a") == []


def test_extension_is_offered_only_until_the_day_before_the_appointment(world: World) -> None:
    d = accepted(world)  # accepted Tue 24 Nov 2026 09:00, due Fri 27 Nov 17:00
    assert d.due_at == local(2026, 11, 27, 17, 0)
    leader = world.leader_a
    assert Action.EXTEND in available_actions(d, leader, now=local(2026, 11, 26, 17, 0))
    assert Action.EXTEND not in available_actions(d, leader, now=local(2026, 11, 27, 8, 0))


def test_payment_is_offered_only_while_something_is_owed(world: World) -> None:
    d = at_step(world, 1)
    assert d.fee_total == 0
    assert Action.RECORD_PAYMENT not in offered(world, d, "reception_a")
    make, _, _ = ACTIONS["record_payment"]
    owing = make(world)
    assert owing.fee_total > owing.paid_total
    assert Action.RECORD_PAYMENT in offered(world, owing, "reception_a")


@pytest.mark.parametrize("finish", ["returned", "refused", "stopped"])
def test_nobody_sees_actions_on_a_finished_dossier(world: World, finish: str) -> None:
    if finish == "returned":
        d = resolved(world)
        dossier_return_result(dossier=d.pk, actor=official(world.reception_a), at=NOW)
    elif finish == "refused":
        d = received(world)
        dossier_refuse(dossier=d.pk, actor=official(world.reception_a), reason="Sai", at=NOW)
    else:
        d = at_step(world, 1)
        dossier_stop(dossier=d.pk, actor=official(world.leader_a), reason="Dừng", at=NOW)
    for user in [*OFFICIALS_A, "admin"]:
        assert offered(world, d, user) == [], user


def test_an_inactive_official_sees_nothing(world: World) -> None:
    d = received(world)
    world.reception_a.is_active = False
    world.reception_a.save()
    assert offered(world, d, "reception_a") == []
