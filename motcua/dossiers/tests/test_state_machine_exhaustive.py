"""The dossier state machine, state by state and action by action (pure, no database).

Every cell of the tables below is written out by hand from rules.md §3 and
law-research.md §1.4–§1.6, not derived from ``decide``: a plain dossier, a group
(interconnected, liên thông) dossier and a child of a group, in a typical situation for
each state. The guards (last/first step, once-only requests, extension timing, signing
without a result, payment, finishing a group) are tested on their own below the tables.
"""

from __future__ import annotations

import itertools
from dataclasses import replace
from typing import Any

import pytest

from motcua.dossiers.lifecycle import (
    BEFORE_ACCEPTANCE,
    CREATING,
    FINISHED,
    NATIONAL_STATUS,
    OPEN_ACCEPTED,
    TERMINAL,
    Action,
    Decision,
    Refusal,
    Situation,
    State,
    creation_state,
    decide,
    ends_processing,
)

S, A, R = State, Action, Refusal
WS = R.WRONG_STATE
GP = R.GROUP_PROCESSED_BY_CHILDREN
CF = R.CHILD_FOLLOWS_GROUP

Expected = Refusal | tuple[State, int | None]

NON_CREATING = [a for a in Action if a not in {A.SUBMIT, A.RECEIVE, A.SPAWN}]


def ok(state: State, step: int | None = None) -> tuple[State, int | None]:
    return (state, step)


# --- a plain dossier (one procedure), in a three-step workflow -----------------------

# The situation each state is examined in: processing at the middle step (2 of 3), the
# supplement already requested while paused for it, one result attached once approved.
PLAIN_SITUATION: dict[State, Situation] = {
    S.SUBMITTED: Situation(S.SUBMITTED),
    S.RECEIVED: Situation(S.RECEIVED),
    S.INTAKE_INCOMPLETE: Situation(
        S.INTAKE_INCOMPLETE, resume_state=S.RECEIVED, intake_completion_requested=True
    ),
    S.REFUSED: Situation(S.REFUSED, step_count=3),
    S.ACCEPTED: Situation(S.ACCEPTED, step_count=3),
    S.PROCESSING: Situation(S.PROCESSING, step=2, step_count=3),
    S.SUPPLEMENT_REQUESTED: Situation(
        S.SUPPLEMENT_REQUESTED,
        step=2,
        step_count=3,
        resume_state=S.PROCESSING,
        supplement_requests=1,
    ),
    S.AWAITING_PAYMENT: Situation(
        S.AWAITING_PAYMENT, step=2, step_count=3, resume_state=S.PROCESSING
    ),
    S.APPROVED: Situation(S.APPROVED, step=3, step_count=3, results=1),
    S.RESOLVED: Situation(S.RESOLVED, step=3, step_count=3, results=1),
    S.RETURNED: Situation(S.RETURNED, step=3, step_count=3, results=1),
    S.WITHDRAWN: Situation(S.WITHDRAWN, step=2, step_count=3),
    S.STOPPED: Situation(S.STOPPED, step=2, step_count=3),
}

PLAIN: dict[State, dict[Action, Expected]] = {
    S.SUBMITTED: {
        A.ACCEPT: ok(S.ACCEPTED),
        A.ASK_TO_COMPLETE: ok(S.INTAKE_INCOMPLETE),
        A.REFUSE: ok(S.REFUSED),
        A.FORWARD: WS,
        A.RETURN_TO_PREVIOUS: WS,
        A.REQUEST_SUPPLEMENT: WS,
        A.COMPLETE_SUPPLEMENT: WS,
        A.REQUEST_PAYMENT: WS,
        A.RECORD_PAYMENT: ok(S.SUBMITTED),
        A.APPROVE: WS,
        A.ATTACH_RESULT: WS,
        A.SIGN_RESULT: WS,
        A.EXTEND: WS,
        A.STOP: WS,
        A.WITHDRAW: ok(S.WITHDRAWN),
        A.RETURN_RESULT: WS,
        A.FINISH_GROUP: R.NOT_A_GROUP,
        A.REASSIGN: WS,
    },
    S.RECEIVED: {
        A.ACCEPT: ok(S.ACCEPTED),
        A.ASK_TO_COMPLETE: ok(S.INTAKE_INCOMPLETE),
        A.REFUSE: ok(S.REFUSED),
        A.FORWARD: WS,
        A.RETURN_TO_PREVIOUS: WS,
        A.REQUEST_SUPPLEMENT: WS,
        A.COMPLETE_SUPPLEMENT: WS,
        A.REQUEST_PAYMENT: WS,
        A.RECORD_PAYMENT: ok(S.RECEIVED),
        A.APPROVE: WS,
        A.ATTACH_RESULT: WS,
        A.SIGN_RESULT: WS,
        A.EXTEND: WS,
        A.STOP: WS,
        A.WITHDRAW: ok(S.WITHDRAWN),
        A.RETURN_RESULT: WS,
        A.FINISH_GROUP: R.NOT_A_GROUP,
        A.REASSIGN: WS,
    },
    S.INTAKE_INCOMPLETE: {
        A.ACCEPT: WS,  # completed first, then accepted
        A.ASK_TO_COMPLETE: WS,
        A.REFUSE: ok(S.REFUSED),
        A.FORWARD: WS,
        A.RETURN_TO_PREVIOUS: WS,
        A.REQUEST_SUPPLEMENT: WS,
        A.COMPLETE_SUPPLEMENT: ok(S.RECEIVED),
        A.REQUEST_PAYMENT: WS,
        A.RECORD_PAYMENT: ok(S.INTAKE_INCOMPLETE),
        A.APPROVE: WS,
        A.ATTACH_RESULT: WS,
        A.SIGN_RESULT: WS,
        A.EXTEND: WS,
        A.STOP: WS,
        A.WITHDRAW: ok(S.WITHDRAWN),
        A.RETURN_RESULT: WS,
        A.FINISH_GROUP: R.NOT_A_GROUP,
        A.REASSIGN: WS,
    },
    S.REFUSED: {
        A.ACCEPT: WS,
        A.ASK_TO_COMPLETE: WS,
        A.REFUSE: WS,
        A.FORWARD: WS,
        A.RETURN_TO_PREVIOUS: WS,
        A.REQUEST_SUPPLEMENT: WS,
        A.COMPLETE_SUPPLEMENT: WS,
        A.REQUEST_PAYMENT: WS,
        A.RECORD_PAYMENT: WS,
        A.APPROVE: WS,
        A.ATTACH_RESULT: WS,
        A.SIGN_RESULT: WS,
        A.EXTEND: WS,
        A.STOP: WS,
        A.WITHDRAW: WS,
        A.RETURN_RESULT: WS,
        A.FINISH_GROUP: R.NOT_A_GROUP,
        A.REASSIGN: WS,
    },
    S.ACCEPTED: {
        A.ACCEPT: WS,
        A.ASK_TO_COMPLETE: WS,
        A.REFUSE: WS,
        A.FORWARD: ok(S.PROCESSING, 1),
        A.RETURN_TO_PREVIOUS: WS,
        A.REQUEST_SUPPLEMENT: WS,
        A.COMPLETE_SUPPLEMENT: WS,
        A.REQUEST_PAYMENT: WS,
        A.RECORD_PAYMENT: ok(S.ACCEPTED),
        A.APPROVE: WS,
        A.ATTACH_RESULT: WS,
        A.SIGN_RESULT: WS,
        A.EXTEND: ok(S.ACCEPTED),
        A.STOP: ok(S.STOPPED),
        A.WITHDRAW: ok(S.WITHDRAWN),
        A.RETURN_RESULT: WS,
        A.FINISH_GROUP: R.NOT_A_GROUP,
        A.REASSIGN: WS,  # no step holds it yet
    },
    S.PROCESSING: {
        A.ACCEPT: WS,
        A.ASK_TO_COMPLETE: WS,
        A.REFUSE: ok(S.REFUSED),  # after appraisal
        A.FORWARD: ok(S.PROCESSING, 3),
        A.RETURN_TO_PREVIOUS: ok(S.PROCESSING, 1),
        A.REQUEST_SUPPLEMENT: ok(S.SUPPLEMENT_REQUESTED, 2),
        A.COMPLETE_SUPPLEMENT: WS,
        A.REQUEST_PAYMENT: ok(S.AWAITING_PAYMENT, 2),
        A.RECORD_PAYMENT: ok(S.PROCESSING, 2),
        A.APPROVE: R.NOT_LAST_STEP,
        A.ATTACH_RESULT: WS,
        A.SIGN_RESULT: WS,
        A.EXTEND: ok(S.PROCESSING, 2),
        A.STOP: ok(S.STOPPED, 2),
        A.WITHDRAW: ok(S.WITHDRAWN, 2),
        A.RETURN_RESULT: WS,
        A.FINISH_GROUP: R.NOT_A_GROUP,
        A.REASSIGN: ok(S.PROCESSING, 2),
    },
    S.SUPPLEMENT_REQUESTED: {
        A.ACCEPT: WS,
        A.ASK_TO_COMPLETE: WS,
        A.REFUSE: WS,
        A.FORWARD: WS,
        A.RETURN_TO_PREVIOUS: WS,
        A.REQUEST_SUPPLEMENT: WS,
        A.COMPLETE_SUPPLEMENT: ok(S.PROCESSING, 2),
        A.REQUEST_PAYMENT: WS,
        A.RECORD_PAYMENT: ok(S.SUPPLEMENT_REQUESTED, 2),
        A.APPROVE: WS,
        A.ATTACH_RESULT: WS,
        A.SIGN_RESULT: WS,
        A.EXTEND: ok(S.SUPPLEMENT_REQUESTED, 2),
        A.STOP: ok(S.STOPPED, 2),
        A.WITHDRAW: ok(S.WITHDRAWN, 2),
        A.RETURN_RESULT: WS,
        A.FINISH_GROUP: R.NOT_A_GROUP,
        A.REASSIGN: ok(S.SUPPLEMENT_REQUESTED, 2),
    },
    S.AWAITING_PAYMENT: {
        A.ACCEPT: WS,
        A.ASK_TO_COMPLETE: WS,
        A.REFUSE: WS,
        A.FORWARD: WS,
        A.RETURN_TO_PREVIOUS: WS,
        A.REQUEST_SUPPLEMENT: WS,
        A.COMPLETE_SUPPLEMENT: WS,
        A.REQUEST_PAYMENT: WS,
        A.RECORD_PAYMENT: ok(S.PROCESSING, 2),  # fully paid: resumes
        A.APPROVE: WS,
        A.ATTACH_RESULT: WS,
        A.SIGN_RESULT: WS,
        A.EXTEND: ok(S.AWAITING_PAYMENT, 2),
        A.STOP: ok(S.STOPPED, 2),
        A.WITHDRAW: ok(S.WITHDRAWN, 2),
        A.RETURN_RESULT: WS,
        A.FINISH_GROUP: R.NOT_A_GROUP,
        A.REASSIGN: ok(S.AWAITING_PAYMENT, 2),
    },
    S.APPROVED: {
        A.ACCEPT: WS,
        A.ASK_TO_COMPLETE: WS,
        A.REFUSE: WS,
        A.FORWARD: WS,
        A.RETURN_TO_PREVIOUS: ok(S.PROCESSING, 3),
        A.REQUEST_SUPPLEMENT: WS,
        A.COMPLETE_SUPPLEMENT: WS,
        A.REQUEST_PAYMENT: ok(S.AWAITING_PAYMENT, 3),
        A.RECORD_PAYMENT: ok(S.APPROVED, 3),
        A.APPROVE: WS,
        A.ATTACH_RESULT: ok(S.APPROVED, 3),
        A.SIGN_RESULT: ok(S.RESOLVED, 3),
        A.EXTEND: ok(S.APPROVED, 3),
        A.STOP: ok(S.STOPPED, 3),
        A.WITHDRAW: ok(S.WITHDRAWN, 3),
        A.RETURN_RESULT: WS,
        A.FINISH_GROUP: R.NOT_A_GROUP,
        A.REASSIGN: ok(S.APPROVED, 3),
    },
    S.RESOLVED: {
        A.ACCEPT: WS,
        A.ASK_TO_COMPLETE: WS,
        A.REFUSE: WS,
        A.FORWARD: WS,
        A.RETURN_TO_PREVIOUS: WS,
        A.REQUEST_SUPPLEMENT: WS,
        A.COMPLETE_SUPPLEMENT: WS,
        A.REQUEST_PAYMENT: WS,
        A.RECORD_PAYMENT: ok(S.RESOLVED, 3),  # paid when collecting the result
        A.APPROVE: WS,
        A.ATTACH_RESULT: WS,
        A.SIGN_RESULT: WS,
        A.EXTEND: WS,
        A.STOP: WS,
        A.WITHDRAW: WS,
        A.RETURN_RESULT: ok(S.RETURNED, 3),
        A.FINISH_GROUP: R.NOT_A_GROUP,
        A.REASSIGN: WS,
    },
    S.RETURNED: {
        A.ACCEPT: WS,
        A.ASK_TO_COMPLETE: WS,
        A.REFUSE: WS,
        A.FORWARD: WS,
        A.RETURN_TO_PREVIOUS: WS,
        A.REQUEST_SUPPLEMENT: WS,
        A.COMPLETE_SUPPLEMENT: WS,
        A.REQUEST_PAYMENT: WS,
        A.RECORD_PAYMENT: WS,
        A.APPROVE: WS,
        A.ATTACH_RESULT: WS,
        A.SIGN_RESULT: WS,
        A.EXTEND: WS,
        A.STOP: WS,
        A.WITHDRAW: WS,
        A.RETURN_RESULT: WS,
        A.FINISH_GROUP: R.NOT_A_GROUP,
        A.REASSIGN: WS,
    },
    S.WITHDRAWN: {
        A.ACCEPT: WS,
        A.ASK_TO_COMPLETE: WS,
        A.REFUSE: WS,
        A.FORWARD: WS,
        A.RETURN_TO_PREVIOUS: WS,
        A.REQUEST_SUPPLEMENT: WS,
        A.COMPLETE_SUPPLEMENT: WS,
        A.REQUEST_PAYMENT: WS,
        A.RECORD_PAYMENT: WS,
        A.APPROVE: WS,
        A.ATTACH_RESULT: WS,
        A.SIGN_RESULT: WS,
        A.EXTEND: WS,
        A.STOP: ok(S.STOPPED, 2),  # 7 → 8 with the Mẫu 05 notice
        A.WITHDRAW: WS,
        A.RETURN_RESULT: WS,
        A.FINISH_GROUP: R.NOT_A_GROUP,
        A.REASSIGN: WS,
    },
    S.STOPPED: {
        A.ACCEPT: WS,
        A.ASK_TO_COMPLETE: WS,
        A.REFUSE: WS,
        A.FORWARD: WS,
        A.RETURN_TO_PREVIOUS: WS,
        A.REQUEST_SUPPLEMENT: WS,
        A.COMPLETE_SUPPLEMENT: WS,
        A.REQUEST_PAYMENT: WS,
        A.RECORD_PAYMENT: WS,
        A.APPROVE: WS,
        A.ATTACH_RESULT: WS,
        A.SIGN_RESULT: WS,
        A.EXTEND: WS,
        A.STOP: WS,
        A.WITHDRAW: WS,
        A.RETURN_RESULT: WS,
        A.FINISH_GROUP: R.NOT_A_GROUP,
        A.REASSIGN: WS,
    },
}

# --- a group (liên thông) dossier: no workflow of its own ----------------------------

GROUP_SITUATION: dict[State, Situation] = {
    state: replace(s, is_group=True, step=None, step_count=0, results=0)
    for state, s in PLAIN_SITUATION.items()
}

# The workflow actions of a group are done on its children; everything else as above,
# without steps. A group is accepted straight into processing (its children are spawned)
# and is finished by the system when every child is.
_WF = {
    A.FORWARD: GP,
    A.RETURN_TO_PREVIOUS: GP,
    A.REQUEST_SUPPLEMENT: GP,
    A.COMPLETE_SUPPLEMENT: GP,
    A.REQUEST_PAYMENT: GP,
    A.APPROVE: GP,
    A.ATTACH_RESULT: GP,
    A.SIGN_RESULT: GP,
    A.REASSIGN: GP,
}
GROUP: dict[State, dict[Action, Expected]] = {
    S.SUBMITTED: {
        **_WF,
        A.ACCEPT: ok(S.PROCESSING),
        A.ASK_TO_COMPLETE: ok(S.INTAKE_INCOMPLETE),
        A.REFUSE: ok(S.REFUSED),
        A.RECORD_PAYMENT: ok(S.SUBMITTED),
        A.EXTEND: WS,
        A.STOP: WS,
        A.WITHDRAW: ok(S.WITHDRAWN),
        A.RETURN_RESULT: WS,
        A.FINISH_GROUP: WS,
    },
    S.RECEIVED: {
        **_WF,
        A.ACCEPT: ok(S.PROCESSING),
        A.ASK_TO_COMPLETE: ok(S.INTAKE_INCOMPLETE),
        A.REFUSE: ok(S.REFUSED),
        A.RECORD_PAYMENT: ok(S.RECEIVED),
        A.EXTEND: WS,
        A.STOP: WS,
        A.WITHDRAW: ok(S.WITHDRAWN),
        A.RETURN_RESULT: WS,
        A.FINISH_GROUP: WS,
    },
    # At intake the group itself is completed by the applicant.
    S.INTAKE_INCOMPLETE: {
        A.FORWARD: WS,
        A.RETURN_TO_PREVIOUS: WS,
        A.REQUEST_SUPPLEMENT: WS,
        A.COMPLETE_SUPPLEMENT: ok(S.RECEIVED),
        A.REQUEST_PAYMENT: WS,
        A.APPROVE: WS,
        A.ATTACH_RESULT: WS,
        A.SIGN_RESULT: WS,
        A.REASSIGN: WS,
        A.ACCEPT: WS,
        A.ASK_TO_COMPLETE: WS,
        A.REFUSE: ok(S.REFUSED),
        A.RECORD_PAYMENT: ok(S.INTAKE_INCOMPLETE),
        A.EXTEND: WS,
        A.STOP: WS,
        A.WITHDRAW: ok(S.WITHDRAWN),
        A.RETURN_RESULT: WS,
        A.FINISH_GROUP: WS,
    },
    S.REFUSED: {
        **_WF,
        A.ACCEPT: WS,
        A.ASK_TO_COMPLETE: WS,
        A.REFUSE: WS,
        A.RECORD_PAYMENT: WS,
        A.EXTEND: WS,
        A.STOP: WS,
        A.WITHDRAW: WS,
        A.RETURN_RESULT: WS,
        A.FINISH_GROUP: WS,
    },
    S.ACCEPTED: {
        **_WF,
        A.ACCEPT: WS,
        A.ASK_TO_COMPLETE: WS,
        A.REFUSE: WS,
        A.RECORD_PAYMENT: ok(S.ACCEPTED),
        A.EXTEND: ok(S.ACCEPTED),
        A.STOP: ok(S.STOPPED),
        A.WITHDRAW: ok(S.WITHDRAWN),
        A.RETURN_RESULT: WS,
        A.FINISH_GROUP: WS,
    },
    S.PROCESSING: {
        **_WF,
        A.ACCEPT: WS,
        A.ASK_TO_COMPLETE: WS,
        A.REFUSE: WS,  # a group is refused only at intake; its agencies refuse their parts
        A.RECORD_PAYMENT: ok(S.PROCESSING),
        A.EXTEND: ok(S.PROCESSING),
        A.STOP: ok(S.STOPPED),
        A.WITHDRAW: ok(S.WITHDRAWN),
        A.RETURN_RESULT: WS,
        A.FINISH_GROUP: ok(S.STOPPED),  # no child open, none with a result
    },
    S.SUPPLEMENT_REQUESTED: {
        **_WF,
        A.ACCEPT: WS,
        A.ASK_TO_COMPLETE: WS,
        A.REFUSE: WS,
        A.RECORD_PAYMENT: ok(S.SUPPLEMENT_REQUESTED),
        A.EXTEND: ok(S.SUPPLEMENT_REQUESTED),
        A.STOP: ok(S.STOPPED),
        A.WITHDRAW: ok(S.WITHDRAWN),
        A.RETURN_RESULT: WS,
        A.FINISH_GROUP: WS,
    },
    S.AWAITING_PAYMENT: {
        **_WF,
        A.ACCEPT: WS,
        A.ASK_TO_COMPLETE: WS,
        A.REFUSE: WS,
        A.RECORD_PAYMENT: ok(S.PROCESSING),
        A.EXTEND: ok(S.AWAITING_PAYMENT),
        A.STOP: ok(S.STOPPED),
        A.WITHDRAW: ok(S.WITHDRAWN),
        A.RETURN_RESULT: WS,
        A.FINISH_GROUP: WS,
    },
    S.APPROVED: {
        **_WF,
        A.ACCEPT: WS,
        A.ASK_TO_COMPLETE: WS,
        A.REFUSE: WS,
        A.RECORD_PAYMENT: ok(S.APPROVED),
        A.EXTEND: ok(S.APPROVED),
        A.STOP: ok(S.STOPPED),
        A.WITHDRAW: ok(S.WITHDRAWN),
        A.RETURN_RESULT: WS,
        A.FINISH_GROUP: WS,
    },
    S.RESOLVED: {
        **_WF,
        A.ACCEPT: WS,
        A.ASK_TO_COMPLETE: WS,
        A.REFUSE: WS,
        A.RECORD_PAYMENT: ok(S.RESOLVED),
        A.EXTEND: WS,
        A.STOP: WS,
        A.WITHDRAW: WS,
        A.RETURN_RESULT: ok(S.RETURNED),
        A.FINISH_GROUP: WS,
    },
    S.RETURNED: {
        **_WF,
        A.ACCEPT: WS,
        A.ASK_TO_COMPLETE: WS,
        A.REFUSE: WS,
        A.RECORD_PAYMENT: WS,
        A.EXTEND: WS,
        A.STOP: WS,
        A.WITHDRAW: WS,
        A.RETURN_RESULT: WS,
        A.FINISH_GROUP: WS,
    },
    S.WITHDRAWN: {
        **_WF,
        A.ACCEPT: WS,
        A.ASK_TO_COMPLETE: WS,
        A.REFUSE: WS,
        A.RECORD_PAYMENT: WS,
        A.EXTEND: WS,
        A.STOP: ok(S.STOPPED),
        A.WITHDRAW: WS,
        A.RETURN_RESULT: WS,
        A.FINISH_GROUP: WS,
    },
    S.STOPPED: {
        **_WF,
        A.ACCEPT: WS,
        A.ASK_TO_COMPLETE: WS,
        A.REFUSE: WS,
        A.RECORD_PAYMENT: WS,
        A.EXTEND: WS,
        A.STOP: WS,
        A.WITHDRAW: WS,
        A.RETURN_RESULT: WS,
        A.FINISH_GROUP: WS,
    },
}

# --- a child of a group: received, accepted, withdrawn and returned with its group ------

CHILD_SITUATION: dict[State, Situation] = {
    state: replace(s, is_child=True) for state, s in PLAIN_SITUATION.items()
}
# Written as the cells that differ from a plain dossier: the four group-level actions are
# refused in every state; the rest (its own workflow, refusal, stop) is a plain dossier's.
CHILD_DIFFERS: dict[Action, Expected] = {
    A.ACCEPT: CF,
    A.ASK_TO_COMPLETE: CF,
    A.WITHDRAW: CF,
    A.RETURN_RESULT: CF,
}
CHILD: dict[State, dict[Action, Expected]] = {
    state: {**row, **CHILD_DIFFERS} for state, row in PLAIN.items()
}

TABLES = {
    "plain": (PLAIN_SITUATION, PLAIN),
    "group": (GROUP_SITUATION, GROUP),
    "child": (CHILD_SITUATION, CHILD),
}


def _check(decision: Decision, expected: Expected, label: str) -> None:
    if isinstance(expected, Refusal):
        assert decision == Decision(False, refusal=expected), label
        assert decision.to_state is None and decision.step is None, label
    else:
        state, step = expected
        assert decision == Decision(True, to_state=state, step=step), label
        assert decision.refusal is None, label


@pytest.mark.parametrize("kind", list(TABLES))
def test_tables_cover_every_state_and_action(kind: str) -> None:
    situations, table = TABLES[kind]
    assert set(situations) == set(State)
    assert set(table) == set(State)
    for state, row in table.items():
        assert set(row) == set(NON_CREATING), (kind, state)
        assert situations[state].state is state


@pytest.mark.parametrize(
    ("kind", "state", "action"),
    [(k, s, a) for k in TABLES for s in State for a in NON_CREATING],
    ids=lambda v: str(v),
)
def test_every_state_and_action(kind: str, state: State, action: Action) -> None:
    situations, table = TABLES[kind]
    _check(decide(action, situations[state]), table[state][action], f"{kind} {state} {action}")


@pytest.mark.parametrize("kind", list(TABLES))
@pytest.mark.parametrize("action", [A.SUBMIT, A.RECEIVE, A.SPAWN])
def test_creating_actions_never_apply_to_an_existing_dossier(kind: str, action: Action) -> None:
    situations, _ = TABLES[kind]
    for state in State:
        _check(decide(action, situations[state]), R.CREATING_ONLY, f"{kind} {state}")


def test_creation_states() -> None:
    assert {A.SUBMIT, A.RECEIVE, A.SPAWN} == CREATING
    assert creation_state(A.SUBMIT) is S.SUBMITTED
    assert creation_state(A.RECEIVE) is S.RECEIVED
    assert creation_state(A.SPAWN) is S.ACCEPTED  # a child is born accepted at its agency
    for action in NON_CREATING:
        with pytest.raises(ValueError):
            creation_state(action)


# --- guards ------------------------------------------------------------------------------


def sit(state: State, **over: Any) -> Situation:
    return replace(PLAIN_SITUATION[state], **over)


@pytest.mark.parametrize(
    ("action", "situation", "expected"),
    [
        # Forward: the last step approves instead; a step is needed to move on from.
        (A.FORWARD, sit(S.PROCESSING, step=3), R.LAST_STEP),
        (A.FORWARD, sit(S.PROCESSING, step=2, step_count=2), R.LAST_STEP),
        (A.FORWARD, sit(S.PROCESSING, step=1, step_count=1), R.LAST_STEP),
        (A.FORWARD, sit(S.PROCESSING, step=1), ok(S.PROCESSING, 2)),
        (A.FORWARD, sit(S.PROCESSING, step=None), WS),
        (A.FORWARD, sit(S.ACCEPTED, step_count=1), ok(S.PROCESSING, 1)),
        # Return to the previous step: not from the first; from approval to the last.
        (A.RETURN_TO_PREVIOUS, sit(S.PROCESSING, step=1), R.FIRST_STEP),
        (A.RETURN_TO_PREVIOUS, sit(S.PROCESSING, step=1, step_count=1), R.FIRST_STEP),
        (A.RETURN_TO_PREVIOUS, sit(S.PROCESSING, step=3), ok(S.PROCESSING, 2)),
        (A.RETURN_TO_PREVIOUS, sit(S.PROCESSING, step=None), WS),
        (A.RETURN_TO_PREVIOUS, sit(S.APPROVED, step=2, step_count=2), ok(S.PROCESSING, 2)),
        # Approve only at the last step.
        (A.APPROVE, sit(S.PROCESSING, step=1), R.NOT_LAST_STEP),
        (A.APPROVE, sit(S.PROCESSING, step=3), ok(S.APPROVED, 3)),
        (A.APPROVE, sit(S.PROCESSING, step=1, step_count=1), ok(S.APPROVED, 1)),
        (A.APPROVE, sit(S.PROCESSING, step=None), WS),
        # Supplement during processing: only once (766: a second one would make it late).
        (A.REQUEST_SUPPLEMENT, sit(S.PROCESSING, supplement_requests=1), R.SUPPLEMENT_ONCE),
        (A.REQUEST_SUPPLEMENT, sit(S.PROCESSING, supplement_requests=2), R.SUPPLEMENT_ONCE),
        (A.REQUEST_SUPPLEMENT, sit(S.PROCESSING, step=3), ok(S.SUPPLEMENT_REQUESTED, 3)),
        (A.REQUEST_SUPPLEMENT, sit(S.APPROVED, supplement_requests=0), WS),
        # Completing returns to where the dossier was.
        (A.COMPLETE_SUPPLEMENT, sit(S.SUPPLEMENT_REQUESTED, step=3), ok(S.PROCESSING, 3)),
        (
            A.COMPLETE_SUPPLEMENT,
            sit(S.INTAKE_INCOMPLETE, resume_state=S.SUBMITTED),
            ok(S.SUBMITTED),
        ),
        (A.COMPLETE_SUPPLEMENT, sit(S.INTAKE_INCOMPLETE, resume_state=None), ok(S.RECEIVED)),
        # Ask to complete at intake: only once, in writing.
        (
            A.ASK_TO_COMPLETE,
            sit(S.RECEIVED, intake_completion_requested=True),
            R.ALREADY_ASKED_TO_COMPLETE,
        ),
        (
            A.ASK_TO_COMPLETE,
            sit(S.SUBMITTED, intake_completion_requested=True),
            R.ALREADY_ASKED_TO_COMPLETE,
        ),
        (A.ASK_TO_COMPLETE, sit(S.ACCEPTED, intake_completion_requested=True), WS),
        # Extension (Mẫu 04): once, and at least one working day before the appointment.
        (A.EXTEND, sit(S.PROCESSING, extensions=1), R.EXTENSION_ONCE),
        (A.EXTEND, sit(S.PROCESSING, extension_allowed_by_time=False), R.EXTENSION_TOO_LATE),
        (
            A.EXTEND,
            sit(S.PROCESSING, extensions=1, extension_allowed_by_time=False),
            R.EXTENSION_ONCE,
        ),
        (A.EXTEND, sit(S.APPROVED, extension_allowed_by_time=False), R.EXTENSION_TOO_LATE),
        (A.EXTEND, sit(S.RESOLVED, extensions=1, extension_allowed_by_time=False), WS),
        (A.EXTEND, sit(S.SUBMITTED, extension_allowed_by_time=False), WS),
        # Sign only with a result attached.
        (A.SIGN_RESULT, sit(S.APPROVED, results=0), R.NO_RESULT),
        (A.SIGN_RESULT, sit(S.APPROVED, results=2), ok(S.RESOLVED, 3)),
        (A.SIGN_RESULT, sit(S.PROCESSING, results=1), WS),
        # Payment: the dossier resumes only when fully paid, where it was.
        (A.RECORD_PAYMENT, sit(S.AWAITING_PAYMENT, fully_paid=False), ok(S.AWAITING_PAYMENT, 2)),
        (
            A.RECORD_PAYMENT,
            sit(S.AWAITING_PAYMENT, step=3, resume_state=S.APPROVED),
            ok(S.APPROVED, 3),
        ),
        (
            A.RECORD_PAYMENT,
            sit(S.AWAITING_PAYMENT, step=3, resume_state=S.APPROVED, fully_paid=False),
            ok(S.AWAITING_PAYMENT, 3),
        ),
        (A.RECORD_PAYMENT, sit(S.AWAITING_PAYMENT, resume_state=None), ok(S.PROCESSING, 2)),
        (A.RECORD_PAYMENT, sit(S.PROCESSING, fully_paid=False), ok(S.PROCESSING, 2)),
        (A.RECORD_PAYMENT, sit(S.STOPPED, fully_paid=False), WS),
        (A.REQUEST_PAYMENT, sit(S.AWAITING_PAYMENT), WS),
        # Reassignment: only while a step holds the dossier; state and step unchanged.
        (A.REASSIGN, sit(S.PROCESSING, step=None), WS),
        (A.REASSIGN, sit(S.PROCESSING, step=1), ok(S.PROCESSING, 1)),
        (A.REASSIGN, sit(S.APPROVED, step=2, step_count=2), ok(S.APPROVED, 2)),
        (A.REASSIGN, sit(S.ACCEPTED, step=None), WS),
    ],
    ids=lambda v: str(v) if not isinstance(v, Situation) else v.state.value,
)
def test_guards(action: Action, situation: Situation, expected: Expected) -> None:
    _check(decide(action, situation), expected, f"{action} {situation}")


@pytest.mark.parametrize(
    ("situation", "expected"),
    [
        (
            replace(GROUP_SITUATION[S.PROCESSING], children_open=0, children_with_result=1),
            ok(S.RESOLVED),
        ),
        # Every part stopped, refused or withdrawn: nothing to return, the group stops.
        (replace(GROUP_SITUATION[S.PROCESSING], children_open=0), ok(S.STOPPED)),
        (replace(GROUP_SITUATION[S.PROCESSING], children_open=1), R.CHILDREN_OPEN),
        (replace(GROUP_SITUATION[S.PROCESSING], children_open=2), R.CHILDREN_OPEN),
        (replace(GROUP_SITUATION[S.STOPPED], children_open=1), WS),
        (replace(GROUP_SITUATION[S.WITHDRAWN], children_open=0), WS),
        (replace(GROUP_SITUATION[S.RESOLVED], children_open=0), WS),
        (replace(PLAIN_SITUATION[S.PROCESSING], children_open=0), R.NOT_A_GROUP),
        (replace(CHILD_SITUATION[S.PROCESSING], children_open=0), R.NOT_A_GROUP),
    ],
    ids=lambda v: str(v) if not isinstance(v, Situation) else v.state.value,
)
def test_finish_group(situation: Situation, expected: Expected) -> None:
    _check(decide(A.FINISH_GROUP, situation), expected, str(situation))


@pytest.mark.parametrize("state", list(State))
def test_group_restriction_comes_before_the_state(state: State) -> None:
    """Even where the state would allow it, a group never runs a workflow action itself
    (the one exception: the applicant completes a group at intake)."""
    for action in _WF:
        as_plain = replace(PLAIN_SITUATION[S.PROCESSING], is_group=True, state=state)
        decision = decide(action, as_plain)
        if state is S.INTAKE_INCOMPLETE:
            assert decision.refusal is not GP
        else:
            assert decision.refusal is GP, (state, action)


@pytest.mark.parametrize("state", list(State))
def test_child_restriction_comes_before_the_state(state: State) -> None:
    for action in CHILD_DIFFERS:
        situation = replace(CHILD_SITUATION[state], intake_completion_requested=True)
        assert decide(action, situation).refusal is CF, (state, action)


# --- national status codes (TrangThaiHoSo) ----------------------------------------------

EXPECTED_NATIONAL = {
    S.SUBMITTED: 1,  # Mới đăng ký
    S.RECEIVED: 1,
    S.INTAKE_INCOMPLETE: 5,  # Yêu cầu bổ sung giấy tờ
    S.REFUSED: 3,  # Không được tiếp nhận
    S.ACCEPTED: 2,  # Được tiếp nhận
    S.PROCESSING: 4,  # Đang xử lý
    S.SUPPLEMENT_REQUESTED: 5,
    S.AWAITING_PAYMENT: 6,  # Yêu cầu thực hiện nghĩa vụ tài chính
    S.APPROVED: 4,
    S.RESOLVED: 9,  # Đã xử lý xong
    S.RETURNED: 10,  # Đã trả kết quả
    S.WITHDRAWN: 7,  # Công dân yêu cầu rút hồ sơ
    S.STOPPED: 8,  # Dừng xử lý
}


def test_every_state_maps_to_a_national_code() -> None:
    assert NATIONAL_STATUS == EXPECTED_NATIONAL
    assert all(1 <= code <= 10 for code in NATIONAL_STATUS.values())
    assert set(NATIONAL_STATUS.values()) == set(range(1, 11))


def _walk(start: Action, steps: list[tuple[Action, dict[str, Any]]]) -> State:
    """Play ``steps`` through ``decide`` from a dossier created by ``start``."""
    state, step = creation_state(start), None
    for action, over in steps:
        base: dict[str, Any] = {"step": step, "step_count": 2, **over}
        decision = decide(action, Situation(state, **base))
        assert decision.allowed, (action, state, decision.refusal)
        assert decision.to_state is not None
        state, step = decision.to_state, decision.step
    return state


# One path from a created dossier to each national code, played through ``decide``.
PATHS: dict[int, tuple[Action, list[tuple[Action, dict[str, Any]]]]] = {
    1: (A.SUBMIT, []),
    2: (A.RECEIVE, [(A.ACCEPT, {})]),
    3: (A.SUBMIT, [(A.REFUSE, {})]),
    4: (A.RECEIVE, [(A.ACCEPT, {}), (A.FORWARD, {})]),
    5: (A.RECEIVE, [(A.ACCEPT, {}), (A.FORWARD, {}), (A.REQUEST_SUPPLEMENT, {})]),
    6: (A.RECEIVE, [(A.ACCEPT, {}), (A.FORWARD, {}), (A.REQUEST_PAYMENT, {})]),
    7: (A.SUBMIT, [(A.ACCEPT, {}), (A.FORWARD, {}), (A.WITHDRAW, {})]),
    8: (A.SPAWN, [(A.FORWARD, {}), (A.STOP, {})]),
    9: (
        A.RECEIVE,
        [
            (A.ACCEPT, {}),
            (A.FORWARD, {}),
            (A.FORWARD, {}),
            (A.APPROVE, {}),
            (A.ATTACH_RESULT, {}),
            (A.SIGN_RESULT, {"results": 1}),
        ],
    ),
    10: (
        A.RECEIVE,
        [
            (A.ACCEPT, {}),
            (A.FORWARD, {}),
            (A.FORWARD, {}),
            (A.APPROVE, {}),
            (A.ATTACH_RESULT, {}),
            (A.SIGN_RESULT, {"results": 1}),
            (A.RETURN_RESULT, {}),
        ],
    ),
}


@pytest.mark.parametrize("code", range(1, 11))
def test_each_national_code_is_reachable(code: int) -> None:
    start, steps = PATHS[code]
    assert NATIONAL_STATUS[_walk(start, steps)] == code


def test_the_intake_completion_code_is_reachable_too() -> None:
    assert _walk(A.RECEIVE, [(A.ASK_TO_COMPLETE, {})]) is S.INTAKE_INCOMPLETE
    group_done = decide(
        A.FINISH_GROUP, Situation(S.PROCESSING, is_group=True, children_with_result=1)
    )
    assert NATIONAL_STATUS[group_done.to_state or S.SUBMITTED] == 9


# --- the end of processing (766) --------------------------------------------------------

# Every transition a dossier can make (from the tables above), and whether it ends
# processing: withdrawal and refusal only once the dossier had been accepted; the first
# of resolved / returned counts, so resolved → returned does not end it again; a stop
# after a withdrawal does not either.
ENDS: dict[tuple[State, State], bool] = {
    (S.SUBMITTED, S.ACCEPTED): False,
    (S.SUBMITTED, S.PROCESSING): False,
    (S.SUBMITTED, S.INTAKE_INCOMPLETE): False,
    (S.SUBMITTED, S.REFUSED): False,
    (S.SUBMITTED, S.SUBMITTED): False,
    (S.SUBMITTED, S.WITHDRAWN): False,
    (S.RECEIVED, S.ACCEPTED): False,
    (S.RECEIVED, S.PROCESSING): False,
    (S.RECEIVED, S.INTAKE_INCOMPLETE): False,
    (S.RECEIVED, S.REFUSED): False,
    (S.RECEIVED, S.RECEIVED): False,
    (S.RECEIVED, S.WITHDRAWN): False,
    (S.INTAKE_INCOMPLETE, S.REFUSED): False,
    (S.INTAKE_INCOMPLETE, S.RECEIVED): False,
    (S.INTAKE_INCOMPLETE, S.SUBMITTED): False,
    (S.INTAKE_INCOMPLETE, S.INTAKE_INCOMPLETE): False,
    (S.INTAKE_INCOMPLETE, S.WITHDRAWN): False,
    (S.ACCEPTED, S.PROCESSING): False,
    (S.ACCEPTED, S.ACCEPTED): False,
    (S.ACCEPTED, S.STOPPED): True,
    (S.ACCEPTED, S.WITHDRAWN): True,
    (S.PROCESSING, S.PROCESSING): False,
    (S.PROCESSING, S.REFUSED): True,
    (S.PROCESSING, S.SUPPLEMENT_REQUESTED): False,
    (S.PROCESSING, S.AWAITING_PAYMENT): False,
    (S.PROCESSING, S.APPROVED): False,
    (S.PROCESSING, S.RESOLVED): True,  # a group finished by its children
    (S.PROCESSING, S.STOPPED): True,
    (S.PROCESSING, S.WITHDRAWN): True,
    (S.SUPPLEMENT_REQUESTED, S.PROCESSING): False,
    (S.SUPPLEMENT_REQUESTED, S.SUPPLEMENT_REQUESTED): False,
    (S.SUPPLEMENT_REQUESTED, S.STOPPED): True,
    (S.SUPPLEMENT_REQUESTED, S.WITHDRAWN): True,
    (S.AWAITING_PAYMENT, S.PROCESSING): False,
    (S.AWAITING_PAYMENT, S.APPROVED): False,
    (S.AWAITING_PAYMENT, S.AWAITING_PAYMENT): False,
    (S.AWAITING_PAYMENT, S.STOPPED): True,
    (S.AWAITING_PAYMENT, S.WITHDRAWN): True,
    (S.APPROVED, S.PROCESSING): False,
    (S.APPROVED, S.AWAITING_PAYMENT): False,
    (S.APPROVED, S.APPROVED): False,
    (S.APPROVED, S.RESOLVED): True,
    (S.APPROVED, S.STOPPED): True,
    (S.APPROVED, S.WITHDRAWN): True,
    (S.RESOLVED, S.RETURNED): False,  # counted once, at resolved
    (S.RESOLVED, S.RESOLVED): False,
    (S.WITHDRAWN, S.STOPPED): False,  # the withdrawal already ended it (or never began)
}


@pytest.mark.parametrize(("pair", "expected"), list(ENDS.items()), ids=str)
def test_ends_processing(pair: tuple[State, State], expected: bool) -> None:
    assert ends_processing(*pair) is expected


def test_ends_processing_table_covers_every_allowed_transition() -> None:
    allowed: set[tuple[State, State]] = set()
    for situations, table in TABLES.values():
        for state, row in table.items():
            for action, expected in row.items():
                if not isinstance(expected, Refusal):
                    decision = decide(action, situations[state])
                    assert decision.to_state is not None
                    allowed.add((state, decision.to_state))
    allowed.add((S.AWAITING_PAYMENT, S.APPROVED))  # payment resuming an approval
    allowed.add((S.INTAKE_INCOMPLETE, S.SUBMITTED))  # completing an online filing
    allowed.add((S.PROCESSING, S.APPROVED))  # approval at the last step
    allowed.add((S.PROCESSING, S.RESOLVED))  # a group whose parts produced a result
    assert allowed == set(ENDS)


def test_refusal_and_withdrawal_end_processing_only_after_acceptance() -> None:
    for before in (S.SUBMITTED, S.RECEIVED, S.INTAKE_INCOMPLETE):
        assert not ends_processing(before, S.REFUSED)
        assert not ends_processing(before, S.WITHDRAWN)
    for after in (S.ACCEPTED, S.PROCESSING, S.SUPPLEMENT_REQUESTED, S.AWAITING_PAYMENT):
        assert ends_processing(after, S.WITHDRAWN)
    # Once finished, nothing later ends it again.
    for finished, later in itertools.product(FINISHED, State):
        assert not ends_processing(finished, later)


def test_state_sets() -> None:
    assert {S.REFUSED, S.RETURNED, S.STOPPED} == TERMINAL
    assert {S.REFUSED, S.RESOLVED, S.RETURNED, S.WITHDRAWN, S.STOPPED} == FINISHED
    assert {S.SUBMITTED, S.RECEIVED, S.INTAKE_INCOMPLETE} == BEFORE_ACCEPTANCE
    assert {
        S.ACCEPTED,
        S.PROCESSING,
        S.SUPPLEMENT_REQUESTED,
        S.AWAITING_PAYMENT,
        S.APPROVED,
    } == OPEN_ACCEPTED
