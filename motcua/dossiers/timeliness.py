"""Decision 766 on-time classification of a dossier (indicator 2.1, rules.md §3 and §7).

Pure: no Django, no database. Every datetime in or out is timezone-aware; results are in
Asia/Ho_Chi_Minh (:func:`motcua.worktime.calendar.to_local`).

Rules (766 formula document, law-research.md §1.7 and §3.3, plus our decisions):

* On time ⇔ end of processing ≤ the appointment (``NgayHenTra``). The stored appointment
  is never moved by a supplement request; instead the citizen's supplement time is
  excluded by shifting the appointment forward by the *working time* paused
  (:func:`effective_due`). With no pause the effective appointment is the stored one,
  to the second.
* Early (trước hạn) ⇔ finished on an earlier local date than the effective appointment.
* More than one supplement request ⇒ late (finished) or overdue (open), whatever the times.
* No appointment but a legal time limit: ``(end − accepted − supplement time) ≤ limit``
  in working time; "early" does not apply there.
* No appointment and no limit, or never accepted ⇒ not applicable.

Pauses are clipped to ``[accepted_at, end]`` where ``end`` is ``finished_at`` or ``now``;
a pause still open runs to ``end``. Two decisions keep the result consistent at the
edges of office hours (they only change anything when a pause begins outside office
hours right at or after the appointment):

* A pause counts only if it begins no later than the effective appointment reached so
  far: a supplement requested once the dossier is already overdue cannot make it on
  time again. Hence a dossier late when finished at ``t`` is late when finished later.
* While the end lies inside a counted pause the dossier is frozen: it is never late or
  overdue then (a dossier waiting for the citizen never becomes overdue while waiting).

``classify`` judges the dossier as of ``now``: a dossier accepted after ``now`` counts as
not accepted, one finished after ``now`` as still open (the 766 report uses the end of
its period as ``now``). ``supplement_requests`` is taken as given.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Literal

from motcua.worktime.calendar import WorkCalendar, to_local
from motcua.worktime.deadlines import add_working_time, elapsed_working_time

ZERO = timedelta(0)
DUE_SOON = timedelta(hours=8)

DueState = Literal["in_time", "due_soon", "overdue"]


class Timeliness(StrEnum):
    EARLY = "early"  # finished, before the appointment day (trước hạn)
    ON_TIME = "on_time"  # finished on the appointment day, not after its time (đúng hạn)
    LATE = "late"  # finished after the appointment (quá hạn)
    IN_TIME = "in_time"  # still open, appointment not yet passed (đang xử lý trong hạn)
    OVERDUE = "overdue"  # still open, appointment passed (đang xử lý quá hạn)
    NOT_APPLICABLE = "not_applicable"  # never accepted, or no appointment and no limit


@dataclass(frozen=True)
class Pause:
    """A supplement request: from the request to its completion (``end`` None: waiting)."""

    start: datetime
    end: datetime | None

    def __post_init__(self) -> None:
        start = to_local(self.start)
        if self.end is not None and to_local(self.end) < start:
            raise ValueError("a pause must not end before it starts")


@dataclass(frozen=True)
class TimelinessFacts:
    """What 766 needs to know about one dossier.

    ``supplement_requests`` counts the requests made during processing; the number of
    ``pauses`` is taken as a lower bound when it is larger (a pause is a request).
    """

    accepted_at: datetime | None
    due_at: datetime | None
    finished_at: datetime | None
    pauses: tuple[Pause, ...] = ()
    supplement_requests: int = 0
    legal_limit: timedelta | None = None

    def __post_init__(self) -> None:
        for value in (self.accepted_at, self.due_at, self.finished_at):
            if value is not None:
                to_local(value)
        if (
            self.accepted_at is not None
            and self.finished_at is not None
            and self.finished_at < self.accepted_at
        ):
            raise ValueError("a dossier cannot finish before it is accepted")
        if self.supplement_requests < 0:
            raise ValueError("supplement_requests must not be negative")
        if self.legal_limit is not None and self.legal_limit < ZERO:
            raise ValueError("legal_limit must not be negative")
        object.__setattr__(self, "pauses", tuple(self.pauses))

    @property
    def requests(self) -> int:
        return max(self.supplement_requests, len(self.pauses))


@dataclass(frozen=True)
class ShiftedDue:
    """A deadline moved forward by the paused working time that counts against it."""

    due: datetime  # the shifted deadline, local time
    paused: timedelta  # the paused working time that moved it
    frozen: bool  # ``end`` lies inside a counted pause: the clock is stopped there


def shift_due(
    cal: WorkCalendar,
    due: datetime,
    pauses: Iterable[Pause],
    *,
    start: datetime,
    end: datetime | None,
) -> ShiftedDue:
    """``due`` shifted by the working time of ``pauses`` clipped to ``[start, end]``.

    Overlapping pauses count once. Pauses are taken in time order and one counts only
    if it begins no later than the deadline shifted so far; once one does not, no later
    one does. An open pause runs to ``end``, which is then required (``end`` None: no
    clipping on the right). Zero paused time leaves ``due`` exactly as it is.
    """
    due = to_local(due)
    begin = to_local(start)
    finish = None if end is None else to_local(end)
    intervals: list[tuple[datetime, datetime, bool]] = []
    for pause in pauses:
        pause_start = max(to_local(pause.start), begin)
        if pause.end is None:
            if finish is None:
                raise ValueError("an open pause needs an end to run to")
            pause_end, reaches_end = finish, True
        else:
            pause_end = to_local(pause.end)
            reaches_end = finish is not None and pause_end > finish
            if finish is not None:
                pause_end = min(pause_end, finish)
        if pause_start < pause_end:
            intervals.append((pause_start, pause_end, reaches_end))
    merged: list[tuple[datetime, datetime, bool]] = []
    for interval in sorted(intervals):
        if merged and interval[0] <= merged[-1][1]:
            last = merged[-1]
            merged[-1] = (last[0], max(last[1], interval[1]), last[2] or interval[2])
        else:
            merged.append(interval)
    shifted, paused, frozen = due, ZERO, False
    for pause_start, pause_end, reaches_end in merged:
        if pause_start > shifted:
            break
        paused += elapsed_working_time(cal, pause_start, pause_end)
        shifted = add_working_time(cal, due, paused) if paused else due
        frozen = reaches_end
    return ShiftedDue(to_local(shifted), paused, frozen)


def _as_of(facts: TimelinessFacts, now: datetime) -> tuple[datetime | None, datetime | None]:
    """(accepted, finished) as known at ``now``: later events have not happened yet."""
    now = to_local(now)
    accepted = facts.accepted_at
    if accepted is None or to_local(accepted) > now:
        return None, None
    finished = facts.finished_at
    if finished is not None and to_local(finished) > now:
        finished = None
    return to_local(accepted), None if finished is None else to_local(finished)


def _active_time(
    facts: TimelinessFacts, accepted: datetime, end: datetime, cal: WorkCalendar
) -> timedelta:
    """Working time from acceptance to ``end`` minus the supplement pauses."""
    pauses = [(p.start, end if p.end is None else p.end) for p in facts.pauses]
    # An open pause that begins after ``end`` has not begun yet.
    return elapsed_working_time(cal, accepted, end, [(s, e) for s, e in pauses if s <= e])


def effective_due(facts: TimelinessFacts, *, now: datetime, cal: WorkCalendar) -> datetime | None:
    """The appointment shifted by the counted paused working time, as of ``now``.

    None when the dossier was not accepted by ``now`` or has no stored appointment
    (a legal limit alone has no appointment to shift).
    """
    accepted, finished = _as_of(facts, now)
    if accepted is None or facts.due_at is None:
        return None
    end = to_local(now) if finished is None else finished
    return shift_due(cal, facts.due_at, facts.pauses, start=accepted, end=end).due


def classify(facts: TimelinessFacts, *, now: datetime, cal: WorkCalendar) -> Timeliness:
    """The 766 class of the dossier as of ``now`` (see the module rules)."""
    accepted, finished = _as_of(facts, now)
    if accepted is None or (facts.due_at is None and facts.legal_limit is None):
        return Timeliness.NOT_APPLICABLE
    is_open = finished is None
    end = to_local(now) if finished is None else finished
    if facts.requests > 1:
        return Timeliness.OVERDUE if is_open else Timeliness.LATE
    if facts.due_at is None:
        assert facts.legal_limit is not None
        within = _active_time(facts, accepted, end, cal) <= facts.legal_limit
        if is_open:
            return Timeliness.IN_TIME if within else Timeliness.OVERDUE
        return Timeliness.ON_TIME if within else Timeliness.LATE
    shifted = shift_due(cal, facts.due_at, facts.pauses, start=accepted, end=end)
    within = shifted.frozen or end <= shifted.due
    if is_open:
        return Timeliness.IN_TIME if within else Timeliness.OVERDUE
    if not within:
        return Timeliness.LATE
    return Timeliness.EARLY if end.date() < shifted.due.date() else Timeliness.ON_TIME


def due_state(
    facts: TimelinessFacts,
    *,
    now: datetime,
    cal: WorkCalendar,
    soon: timedelta = DUE_SOON,
) -> DueState | None:
    """For a dossier open at ``now``: overdue, due soon or in time.

    Due soon when the working time left before the effective appointment (or, with a
    legal limit only, before the limit is used up) is at most ``soon``; a frozen dossier
    keeps the time it had left when the pause began. None for a dossier that is not
    open at ``now`` or has neither an appointment nor a legal limit.
    """
    if soon < ZERO:
        raise ValueError("soon must not be negative")
    timeliness = classify(facts, now=now, cal=cal)
    if timeliness is Timeliness.OVERDUE:
        return "overdue"
    if timeliness is not Timeliness.IN_TIME:
        return None
    accepted, _ = _as_of(facts, now)
    assert accepted is not None
    now = to_local(now)
    if facts.due_at is None:
        assert facts.legal_limit is not None
        left = facts.legal_limit - _active_time(facts, accepted, now, cal)
    else:
        due = shift_due(cal, facts.due_at, facts.pauses, start=accepted, end=now).due
        left = elapsed_working_time(cal, now, due) if due > now else ZERO
    return "due_soon" if left <= soon else "in_time"
