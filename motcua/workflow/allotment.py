"""Steps' allotted time and the control sheet (Phiếu kiểm soát, Mẫu 06) classification.

Pure: no Django, no database. Every datetime in or out is timezone-aware; results are in
Asia/Ho_Chi_Minh (:func:`motcua.worktime.calendar.to_local`).

A workflow has ordered steps, each with an allotted share of the legal time as a
``Decimal`` percentage with at most two decimal places; the shares are positive and sum
to at most 100 (the rest, if any, is slack). A step's allotted time is its share of the
working time from acceptance to the appointment, rounded down to whole minutes, so the
steps together never get more than the dossier has.

Each hand-over is a row of the control sheet, classified against the step's own due
time: on time (đúng hạn) when handed over no later than it, early (trước hạn) when on an
earlier local date, late (quá hạn) otherwise. Supplement pauses inside the step do not
count against it; they shift the step's due time like the dossier's appointment (see
:func:`motcua.dossiers.timeliness.shift_due`: a pause counts only if it begins before the
step is overdue, and a step handed over while paused is not late).

A procedure without a legal time limit (no appointment, ``due_at`` None) has no allotted
times: :func:`allotted_times` gives None for every step, and :func:`classify_handover`
is not called for its hand-overs (the control sheet leaves the result empty).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from typing import overload

from motcua.dossiers.timeliness import Pause, shift_due
from motcua.worktime.calendar import WorkCalendar, to_local
from motcua.worktime.deadlines import add_working_time, elapsed_working_time

HUNDRED = Decimal(100)
MAX_DECIMAL_PLACES = 2
ZERO = timedelta(0)
MINUTE = timedelta(minutes=1)

# Stable problem codes, in the order share_problems reports them.
NO_STEPS = "no_steps"
SHARE_NOT_POSITIVE = "share_not_positive"
SHARES_EXCEED_LIMIT = "shares_exceed_limit"
TOO_PRECISE = "too_precise"


class StepOutcome(StrEnum):
    EARLY = "early"  # trước hạn
    ON_TIME = "on_time"  # đúng hạn
    LATE = "late"  # quá hạn


def _decimal_places(value: Decimal) -> int:
    """Decimal places of a finite ``value`` once trailing zeros are dropped (exact)."""
    _, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)
    if exponent >= 0:
        return 0
    trailing = len(digits) - len("".join(map(str, digits)).rstrip("0"))
    return max(0, -exponent - trailing)


def share_problems(shares: Sequence[Decimal]) -> list[str]:
    """What is wrong with a workflow's step shares, as stable codes (empty: valid).

    ``no_steps`` (no shares at all, reported alone); ``share_not_positive`` (a share is
    zero, negative or not a number); ``shares_exceed_limit`` (the positive shares sum to
    more than 100); ``too_precise`` (a share has more than two decimal places; trailing
    zeros do not count). Each code appears at most once, in that order.
    """
    for share in shares:
        if isinstance(share, bool) or not isinstance(share, Decimal):
            raise TypeError(f"a share must be a Decimal, got {type(share).__name__}")
    if not shares:
        return [NO_STEPS]
    not_positive = too_precise = exceeds = False
    total = Fraction(0)
    for share in shares:
        if share.is_nan() or share <= 0:
            not_positive = True
            continue
        if share.is_infinite():
            exceeds = True
            continue
        total += Fraction(share)
        too_precise = too_precise or _decimal_places(share) > MAX_DECIMAL_PLACES
    flags = {
        SHARE_NOT_POSITIVE: not_positive,
        SHARES_EXCEED_LIMIT: exceeds or total > HUNDRED,
        TOO_PRECISE: too_precise,
    }
    return [code for code, flag in flags.items() if flag]


def _micros(value: timedelta) -> int:
    return (value.days * 86_400 + value.seconds) * 1_000_000 + value.microseconds


@overload
def allotted_times(
    cal: WorkCalendar, *, accepted_at: datetime, due_at: datetime, shares: Sequence[Decimal]
) -> list[timedelta]: ...
@overload
def allotted_times(
    cal: WorkCalendar, *, accepted_at: datetime, due_at: None, shares: Sequence[Decimal]
) -> list[None]: ...
@overload
def allotted_times(
    cal: WorkCalendar,
    *,
    accepted_at: datetime,
    due_at: datetime | None,
    shares: Sequence[Decimal],
) -> list[timedelta] | list[None]: ...
def allotted_times(
    cal: WorkCalendar,
    *,
    accepted_at: datetime,
    due_at: datetime | None,
    shares: Sequence[Decimal],
) -> list[timedelta] | list[None]:
    """Each step's allotted working time: its share of the working time from
    ``accepted_at`` to ``due_at``, rounded down to whole minutes.

    ``due_at`` None (no legal time limit): None for every step. Invalid shares (see
    :func:`share_problems`) raise ValueError.
    """
    problems = share_problems(shares)
    if problems:
        raise ValueError(f"invalid step shares: {', '.join(problems)}")
    accepted = to_local(accepted_at)
    if due_at is None:
        return [None for _ in shares]
    total = Fraction(_micros(elapsed_working_time(cal, accepted, due_at)))
    per_minute = _micros(MINUTE) * 100
    return [int(total * Fraction(share) // per_minute) * MINUTE for share in shares]


def _check_allotted(allotted: timedelta) -> None:
    if allotted < ZERO:
        raise ValueError("allotted time must not be negative")


def _unshifted_due(cal: WorkCalendar, started_at: datetime, allotted: timedelta) -> datetime:
    started = to_local(started_at)
    return add_working_time(cal, started, allotted) if allotted else started


def step_due(
    cal: WorkCalendar,
    *,
    started_at: datetime,
    allotted: timedelta,
    pauses: Iterable[Pause] = (),
    until: datetime | None = None,
) -> datetime:
    """When a step started at ``started_at`` is due: ``allotted`` working time later,
    plus the working time of the supplement pauses inside the step.

    Zero allotted time (and no pause): ``started_at`` itself. ``until`` (e.g. the
    hand-over or the current time) clips the pauses, and a pause still open runs to it;
    without ``until`` every pause must be closed. With ``until`` = the hand-over time
    this is the due time :func:`classify_handover` judges against.
    """
    _check_allotted(allotted)
    pauses = tuple(pauses)
    if until is None and any(pause.end is None for pause in pauses):
        raise ValueError("an open pause needs `until` to run to")
    base = _unshifted_due(cal, started_at, allotted)
    return shift_due(cal, base, pauses, start=started_at, end=until).due


def classify_handover(
    cal: WorkCalendar,
    *,
    started_at: datetime,
    handed_over_at: datetime,
    allotted: timedelta,
    pauses: Iterable[Pause] = (),
) -> StepOutcome:
    """The control sheet's result for a step handed over at ``handed_over_at``.

    Pauses are clipped to ``[started_at, handed_over_at]``; one still open runs to the
    hand-over, and a step handed over while paused is not late.
    """
    _check_allotted(allotted)
    started, handed = to_local(started_at), to_local(handed_over_at)
    if handed < started:
        raise ValueError("a step cannot be handed over before it starts")
    base = _unshifted_due(cal, started, allotted)
    shifted = shift_due(cal, base, pauses, start=started, end=handed)
    if not shifted.frozen and handed > shifted.due:
        return StepOutcome.LATE
    return StepOutcome.EARLY if handed.date() < shifted.due.date() else StepOutcome.ON_TIME
