"""The dossier (hồ sơ) state machine: states, actions and which action is legal when.

Pure: no Django, no database. ``decide`` is the single place that says whether an action
may happen to a dossier in a given situation and which state follows; the services in
``motcua.dossiers.services`` call it inside their transaction and the tests walk every
state × action.

Internal states are ours; each maps onto one of the ten national status codes
(TrangThaiHoSo, law-research.md §1.4) that are synced to the national portal.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class State(StrEnum):
    SUBMITTED = "submitted"  # arrived online / from the national portal, awaiting intake
    RECEIVED = "received"  # handed in at a counter or by post, being checked
    INTAKE_INCOMPLETE = "intake_incomplete"  # asked to complete before acceptance (Mẫu 02)
    REFUSED = "refused"  # refused (Mẫu 03)
    ACCEPTED = "accepted"  # accepted, receipt and appointment issued (Mẫu 01)
    PROCESSING = "processing"  # at a workflow step (or, for a group, its children are)
    SUPPLEMENT_REQUESTED = "supplement_requested"  # clock paused until the citizen supplements
    AWAITING_PAYMENT = "awaiting_payment"  # financial obligation requested
    APPROVED = "approved"  # the leader approved; awaiting the signed result
    RESOLVED = "resolved"  # result ready (đã xử lý xong)
    RETURNED = "returned"  # result handed to the citizen (đã trả kết quả)
    WITHDRAWN = "withdrawn"  # the citizen asked to withdraw
    STOPPED = "stopped"  # processing stopped (Mẫu 05)


# TrangThaiHoSo: 1 Mới đăng ký, 2 Được tiếp nhận, 3 Không được tiếp nhận, 4 Đang xử lý,
# 5 Yêu cầu bổ sung, 6 Yêu cầu thực hiện nghĩa vụ tài chính, 7 Công dân yêu cầu rút hồ sơ,
# 8 Dừng xử lý, 9 Đã xử lý xong, 10 Đã trả kết quả.
NATIONAL_STATUS: dict[State, int] = {
    State.SUBMITTED: 1,
    State.RECEIVED: 1,
    State.INTAKE_INCOMPLETE: 5,
    State.REFUSED: 3,
    State.ACCEPTED: 2,
    State.PROCESSING: 4,
    State.SUPPLEMENT_REQUESTED: 5,
    State.AWAITING_PAYMENT: 6,
    State.APPROVED: 4,
    State.RESOLVED: 9,
    State.RETURNED: 10,
    State.WITHDRAWN: 7,
    State.STOPPED: 8,
}

TERMINAL = frozenset({State.REFUSED, State.RETURNED, State.STOPPED})
# States where processing has ended for the 766 on-time measure (law-research.md §1.4).
FINISHED = frozenset(
    {State.REFUSED, State.RESOLVED, State.RETURNED, State.WITHDRAWN, State.STOPPED}
)
BEFORE_ACCEPTANCE = frozenset({State.SUBMITTED, State.RECEIVED, State.INTAKE_INCOMPLETE})
# Accepted and not yet finished: the appointment runs.
OPEN_ACCEPTED = frozenset(
    {
        State.ACCEPTED,
        State.PROCESSING,
        State.SUPPLEMENT_REQUESTED,
        State.AWAITING_PAYMENT,
        State.APPROVED,
    }
)


class Action(StrEnum):
    SUBMIT = "submit"
    RECEIVE = "receive"
    SPAWN = "spawn"  # a child of an interconnected group, born accepted at its agency
    ACCEPT = "accept"
    ASK_TO_COMPLETE = "ask_to_complete"
    REFUSE = "refuse"
    FORWARD = "forward"
    RETURN_TO_PREVIOUS = "return_to_previous"
    REQUEST_SUPPLEMENT = "request_supplement"
    COMPLETE_SUPPLEMENT = "complete_supplement"
    REQUEST_PAYMENT = "request_payment"
    RECORD_PAYMENT = "record_payment"
    APPROVE = "approve"
    ATTACH_RESULT = "attach_result"
    SIGN_RESULT = "sign_result"
    EXTEND = "extend"
    STOP = "stop"
    WITHDRAW = "withdraw"
    RETURN_RESULT = "return_result"
    FINISH_GROUP = "finish_group"  # system: every child of an interconnected group finished
    REASSIGN = "reassign"  # another official of the current step takes the dossier over


# Actions that create a dossier (no state before them).
CREATING = frozenset({Action.SUBMIT, Action.RECEIVE, Action.SPAWN})


@dataclass(frozen=True)
class Situation:
    """What ``decide`` needs to know about a dossier besides its state."""

    state: State
    step: int | None = None  # 1-based workflow step while processing
    step_count: int = 0
    is_group: bool = False
    is_child: bool = False
    resume_state: State | None = None  # where a pause (intake completion, payment) returns
    intake_completion_requested: bool = False
    supplement_requests: int = 0
    extensions: int = 0
    results: int = 0
    fully_paid: bool = True  # after the payment being recorded now
    children_open: int = 0
    children_with_result: int = 0  # finished children that produced a result
    extension_allowed_by_time: bool = True  # ≥ 1 working day before the appointment


class Refusal(StrEnum):
    """Why an action is not allowed: stable codes, translated by the services."""

    WRONG_STATE = "wrong_state"
    LAST_STEP = "last_step"
    FIRST_STEP = "first_step"
    NOT_LAST_STEP = "not_last_step"
    ALREADY_ASKED_TO_COMPLETE = "already_asked_to_complete"
    SUPPLEMENT_ONCE = "supplement_once"
    EXTENSION_ONCE = "extension_once"
    EXTENSION_TOO_LATE = "extension_too_late"
    NO_RESULT = "no_result"
    GROUP_PROCESSED_BY_CHILDREN = "group_processed_by_children"
    CHILDREN_OPEN = "children_open"
    NOT_A_GROUP = "not_a_group"
    CHILD_FOLLOWS_GROUP = "child_follows_group"
    CREATING_ONLY = "creating_only"


@dataclass(frozen=True)
class Decision:
    allowed: bool
    to_state: State | None = None
    step: int | None = None
    refusal: Refusal | None = None


def _no(refusal: Refusal) -> Decision:
    return Decision(False, refusal=refusal)


def _yes(state: State, step: int | None = None) -> Decision:
    return Decision(True, to_state=state, step=step)


# Actions only the competent agency's workflow performs, never on a group container.
_WORKFLOW_ACTIONS = frozenset(
    {
        Action.FORWARD,
        Action.RETURN_TO_PREVIOUS,
        Action.REQUEST_SUPPLEMENT,
        Action.COMPLETE_SUPPLEMENT,
        Action.REQUEST_PAYMENT,
        Action.APPROVE,
        Action.ATTACH_RESULT,
        Action.SIGN_RESULT,
        Action.REASSIGN,
    }
)
# A child of an interconnected group is received, accepted and returned through its group.
_GROUP_ONLY_FOR_CHILD = frozenset(
    {Action.ACCEPT, Action.ASK_TO_COMPLETE, Action.RETURN_RESULT, Action.WITHDRAW}
)


def decide(action: Action, s: Situation) -> Decision:
    """Whether ``action`` may happen in situation ``s``, and the state (and step) after it."""
    state = s.state
    if action in CREATING:
        return _no(Refusal.CREATING_ONLY)
    if s.is_group and action in _WORKFLOW_ACTIONS and state != State.INTAKE_INCOMPLETE:
        return _no(Refusal.GROUP_PROCESSED_BY_CHILDREN)
    if s.is_child and action in _GROUP_ONLY_FOR_CHILD:
        return _no(Refusal.CHILD_FOLLOWS_GROUP)

    if action is Action.ACCEPT:
        if state in {State.SUBMITTED, State.RECEIVED}:
            return _yes(State.PROCESSING if s.is_group else State.ACCEPTED)
        return _no(Refusal.WRONG_STATE)

    if action is Action.ASK_TO_COMPLETE:
        if state not in {State.SUBMITTED, State.RECEIVED}:
            return _no(Refusal.WRONG_STATE)
        if s.intake_completion_requested:
            return _no(Refusal.ALREADY_ASKED_TO_COMPLETE)
        return _yes(State.INTAKE_INCOMPLETE)

    if action is Action.REFUSE:
        if state in BEFORE_ACCEPTANCE or (state is State.PROCESSING and not s.is_group):
            return _yes(State.REFUSED)
        return _no(Refusal.WRONG_STATE)

    if action is Action.FORWARD:
        if state is State.ACCEPTED:
            return _yes(State.PROCESSING, 1)
        if state is not State.PROCESSING or s.step is None:
            return _no(Refusal.WRONG_STATE)
        if s.step >= s.step_count:
            return _no(Refusal.LAST_STEP)
        return _yes(State.PROCESSING, s.step + 1)

    if action is Action.RETURN_TO_PREVIOUS:
        if state is State.APPROVED:
            return _yes(State.PROCESSING, s.step_count)
        if state is not State.PROCESSING or s.step is None:
            return _no(Refusal.WRONG_STATE)
        if s.step <= 1:
            return _no(Refusal.FIRST_STEP)
        return _yes(State.PROCESSING, s.step - 1)

    if action is Action.REQUEST_SUPPLEMENT:
        if state is not State.PROCESSING:
            return _no(Refusal.WRONG_STATE)
        if s.supplement_requests >= 1:
            return _no(Refusal.SUPPLEMENT_ONCE)
        return _yes(State.SUPPLEMENT_REQUESTED, s.step)

    if action is Action.COMPLETE_SUPPLEMENT:
        if state is State.SUPPLEMENT_REQUESTED:
            return _yes(State.PROCESSING, s.step)
        if state is State.INTAKE_INCOMPLETE:
            return _yes(s.resume_state or State.RECEIVED)
        return _no(Refusal.WRONG_STATE)

    if action is Action.REQUEST_PAYMENT:
        if state in {State.PROCESSING, State.APPROVED}:
            return _yes(State.AWAITING_PAYMENT, s.step)
        return _no(Refusal.WRONG_STATE)

    if action is Action.RECORD_PAYMENT:
        if state is State.AWAITING_PAYMENT:
            if s.fully_paid:
                return _yes(s.resume_state or State.PROCESSING, s.step)
            return _yes(State.AWAITING_PAYMENT, s.step)
        if state in TERMINAL or state is State.WITHDRAWN:
            return _no(Refusal.WRONG_STATE)
        return _yes(state, s.step)

    if action is Action.APPROVE:
        if state is not State.PROCESSING or s.step is None:
            return _no(Refusal.WRONG_STATE)
        if s.step < s.step_count:
            return _no(Refusal.NOT_LAST_STEP)
        return _yes(State.APPROVED, s.step)

    if action is Action.ATTACH_RESULT:
        if state is State.APPROVED:
            return _yes(State.APPROVED, s.step)
        return _no(Refusal.WRONG_STATE)

    if action is Action.SIGN_RESULT:
        if state is not State.APPROVED:
            return _no(Refusal.WRONG_STATE)
        if s.results < 1:
            return _no(Refusal.NO_RESULT)
        return _yes(State.RESOLVED, s.step)

    if action is Action.EXTEND:
        if state not in OPEN_ACCEPTED:
            return _no(Refusal.WRONG_STATE)
        if s.extensions >= 1:
            return _no(Refusal.EXTENSION_ONCE)
        if not s.extension_allowed_by_time:
            return _no(Refusal.EXTENSION_TOO_LATE)
        return _yes(state, s.step)

    if action is Action.STOP:
        if state in OPEN_ACCEPTED or state is State.WITHDRAWN:
            return _yes(State.STOPPED, s.step)
        return _no(Refusal.WRONG_STATE)

    if action is Action.WITHDRAW:
        if state in BEFORE_ACCEPTANCE or state in OPEN_ACCEPTED:
            return _yes(State.WITHDRAWN, s.step)
        return _no(Refusal.WRONG_STATE)

    if action is Action.RETURN_RESULT:
        if state is State.RESOLVED:
            return _yes(State.RETURNED, s.step)
        return _no(Refusal.WRONG_STATE)

    if action is Action.FINISH_GROUP:
        if not s.is_group:
            return _no(Refusal.NOT_A_GROUP)
        if state is not State.PROCESSING:
            return _no(Refusal.WRONG_STATE)
        if s.children_open:
            return _no(Refusal.CHILDREN_OPEN)
        # Every part stopped, refused or withdrawn: there is no result to return.
        return _yes(State.RESOLVED if s.children_with_result else State.STOPPED)

    if action is Action.REASSIGN:
        # Only while a workflow step holds the dossier (paused ones included); the state
        # and the step stay as they are.
        if state in OPEN_ACCEPTED and state is not State.ACCEPTED and s.step is not None:
            return _yes(state, s.step)
        return _no(Refusal.WRONG_STATE)

    raise AssertionError(f"unhandled action {action}")  # pragma: no cover


def creation_state(action: Action) -> State:
    """The state a dossier starts in when ``action`` creates it."""
    if action is Action.SUBMIT:
        return State.SUBMITTED
    if action is Action.RECEIVE:
        return State.RECEIVED
    if action is Action.SPAWN:
        return State.ACCEPTED
    raise ValueError(f"{action} does not create a dossier")


def ends_processing(from_state: State, to_state: State) -> bool:
    """Whether a transition is the end of processing for the 766 measure.

    Withdrawal and refusal end processing only for dossiers that had been accepted;
    the first of Đã xử lý xong / Đã trả kết quả counts.
    """
    if to_state not in FINISHED or from_state in FINISHED:
        return False
    if to_state in {State.WITHDRAWN, State.REFUSED}:
        return from_state not in BEFORE_ACCEPTANCE
    return True
