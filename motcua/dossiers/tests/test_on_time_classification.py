"""Decision 766 on-time classification (indicator 2.1): motcua.dossiers.timeliness.

Pure: the calendar is built in memory from the 2025/2026 days of rules.md §5, so no
database is needed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from motcua.dossiers.timeliness import (
    Pause,
    Timeliness,
    TimelinessFacts,
    classify,
    due_state,
    effective_due,
    shift_due,
)
from motcua.worktime.calendar import VN_TZ, DayKind, DayMark, NaiveDatetimeError, WorkCalendar
from motcua.worktime.deadlines import add_working_time, elapsed_working_time

H = dt.timedelta(hours=1)
S = dt.timedelta(seconds=1)
ZERO = dt.timedelta(0)

E, OT, L = Timeliness.EARLY, Timeliness.ON_TIME, Timeliness.LATE
IT, OD, NA = Timeliness.IN_TIME, Timeliness.OVERDUE, Timeliness.NOT_APPLICABLE


def vn(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, second, tzinfo=VN_TZ)


def _marks() -> list[DayMark]:
    """The days of rules.md §5 that differ from the Monday–Friday week."""
    src = "rules.md §5"
    off: list[tuple[tuple[int, int, int], DayKind]] = [
        ((2025, 1, 1), DayKind.HOLIDAY),
        # Tết Ất Tỵ: off 25 Jan – 2 Feb 2025 (the weekdays are 27–31 Jan).
        *(((2025, 1, d), DayKind.HOLIDAY) for d in range(27, 32)),
        ((2025, 4, 7), DayKind.HOLIDAY),  # Giỗ Tổ, Monday
        ((2025, 4, 26), DayKind.SWAPPED_WORKDAY),  # worked Saturday for Fri 2 May
        ((2025, 4, 30), DayKind.HOLIDAY),
        ((2025, 5, 1), DayKind.HOLIDAY),
        ((2025, 5, 2), DayKind.SWAPPED_OFF),
        ((2025, 9, 1), DayKind.HOLIDAY),
        ((2025, 9, 2), DayKind.HOLIDAY),
        ((2026, 1, 1), DayKind.HOLIDAY),
        ((2026, 1, 2), DayKind.SWAPPED_OFF),
        ((2026, 1, 10), DayKind.SWAPPED_WORKDAY),  # worked Saturday for Fri 2 Jan
        # Tết Bính Ngọ: off 14–22 Feb 2026 (the weekdays are 16–20 Feb).
        *(((2026, 2, d), DayKind.HOLIDAY) for d in range(16, 21)),
        ((2026, 4, 27), DayKind.COMPENSATORY_OFF),  # Giỗ Tổ on Sunday 26 Apr
        ((2026, 4, 30), DayKind.HOLIDAY),
        ((2026, 5, 1), DayKind.HOLIDAY),
        ((2026, 9, 2), DayKind.HOLIDAY),  # the adjacent day is left to data
    ]
    return [DayMark(dt.date(*ymd), kind, kind.value, src) for ymd, kind in off]


CAL = WorkCalendar.build(2025, 2026, _marks())

# A plain week: Mon 10 – Fri 14 March 2025; the appointment is Friday 17:00.
ACCEPTED = vn(2025, 3, 10, 7, 30)
DUE = vn(2025, 3, 14, 17)
LATER = vn(2026, 12, 31)  # "now" for finished dossiers


def facts(
    *,
    accepted: dt.datetime | None = ACCEPTED,
    due: dt.datetime | None = DUE,
    finished: dt.datetime | None = None,
    pauses: tuple[Pause, ...] = (),
    requests: int | None = None,
    limit: dt.timedelta | None = None,
) -> TimelinessFacts:
    return TimelinessFacts(
        accepted_at=accepted,
        due_at=due,
        finished_at=finished,
        pauses=pauses,
        supplement_requests=len(pauses) if requests is None else requests,
        legal_limit=limit,
    )


def finished_class(finished: dt.datetime, **kwargs: object) -> Timeliness:
    return classify(facts(finished=finished, **kwargs), now=LATER, cal=CAL)  # type: ignore[arg-type]


# --- the calendar used here --------------------------------------------------------


def test_the_test_calendar_has_the_rules_md_days() -> None:
    assert not CAL.is_working_day(dt.date(2025, 4, 7))
    assert CAL.is_working_day(dt.date(2025, 4, 26))  # a Saturday
    assert not CAL.is_working_day(dt.date(2025, 5, 2))  # a Friday
    assert CAL.is_working_day(dt.date(2026, 1, 10))  # a Saturday
    assert not CAL.is_working_day(dt.date(2026, 2, 20))
    assert CAL.next_working_day(dt.date(2026, 2, 13)) == dt.date(2026, 2, 23)


# --- finished, no pause: the plain 766 rule ---------------------------------------


@pytest.mark.parametrize(
    ("finished", "expected"),
    [
        (DUE, OT),  # exactly at the appointment
        (DUE + S, L),  # one second later
        (DUE - S, OT),
        (vn(2025, 3, 14, 7, 30), OT),  # the appointment day, at opening
        (vn(2025, 3, 14, 0, 0), OT),  # the appointment day, before opening
        (vn(2025, 3, 13, 23, 59, 59), E),  # the day before
        (vn(2025, 3, 13, 16), E),  # early by a day
        (vn(2025, 3, 10, 8), E),
        (ACCEPTED, E),
        (vn(2025, 3, 14, 17, 30), L),  # after closing, same day
        (vn(2025, 3, 14, 23, 59, 59), L),
        (vn(2025, 3, 15, 9), L),  # Saturday
        (vn(2025, 3, 17, 7, 30), L),  # Monday morning after a Friday 17:00 appointment
        (vn(2025, 3, 17, 8), L),
    ],
)
def test_finished_without_pause(finished: dt.datetime, expected: Timeliness) -> None:
    assert finished_class(finished) is expected


def test_the_boundary_in_another_time_zone() -> None:
    due_utc = DUE.astimezone(dt.UTC)  # 10:00 UTC
    assert finished_class(due_utc, due=due_utc) is OT
    assert finished_class(due_utc + S, due=due_utc) is L
    assert finished_class(dt.datetime(2025, 3, 14, 10, tzinfo=dt.UTC)) is OT


# --- supplement pauses shift the appointment by the working time paused -----------


@pytest.mark.parametrize(
    ("due", "pause", "shifted"),
    [
        # One working hour on Thursday: Friday 17:00 + 1 h = Monday 08:30.
        (DUE, Pause(vn(2025, 3, 13, 16), vn(2025, 3, 13, 17)), vn(2025, 3, 17, 8, 30)),
        # Over a weekend: Fri 16:00 – Mon 09:00 is 1 h + 1.5 h of office time.
        (DUE, Pause(vn(2025, 3, 14, 16), vn(2025, 3, 17, 9)), vn(2025, 3, 17, 10)),
        # Over the Giỗ Tổ holiday (Mon 7 Apr 2025): Fri 15:00 – Tue 08:30 is 2 h + 1 h.
        (
            vn(2025, 4, 8, 17),
            Pause(vn(2025, 4, 4, 15), vn(2025, 4, 8, 8, 30)),
            vn(2025, 4, 9, 10, 30),
        ),
        # Over the worked Saturday 26 Apr 2025: 1 h + 7.5 h + 0.5 h = 9 h, and the
        # shifted appointment runs through that Saturday too.
        (
            vn(2025, 4, 25, 17),
            Pause(vn(2025, 4, 25, 16), vn(2025, 4, 28, 8)),
            vn(2025, 4, 28, 9),
        ),
        # Over 30 Apr – 4 May 2025 (Fri 2 May swapped off): Tue 16:00 – Mon 08:30 is 2 h.
        (
            vn(2025, 4, 29, 17),
            Pause(vn(2025, 4, 29, 16), vn(2025, 5, 5, 8, 30)),
            vn(2025, 5, 5, 9, 30),
        ),
        # Over Tết Bính Ngọ (off 14–22 Feb 2026): Fri 14:00 – Mon 10:00 is 3 h + 2.5 h.
        (
            vn(2026, 2, 23, 17),
            Pause(vn(2026, 2, 13, 14), vn(2026, 2, 23, 10)),
            vn(2026, 2, 24, 15),
        ),
        # Friday 17:00 appointment, one hour paused: the next working time is the
        # worked Saturday 10 Jan 2026.
        (
            vn(2026, 1, 9, 17),
            Pause(vn(2026, 1, 9, 9), vn(2026, 1, 9, 10)),
            vn(2026, 1, 10, 8, 30),
        ),
        # A pause with no office time in it (a whole weekend) leaves the appointment.
        (DUE, Pause(vn(2025, 3, 8, 0), vn(2025, 3, 10, 0)), DUE),
        (DUE, Pause(vn(2025, 3, 12, 12), vn(2025, 3, 12, 13)), DUE),  # lunch break
    ],
)
def test_effective_due(due: dt.datetime, pause: Pause, shifted: dt.datetime) -> None:
    accepted = min(pause.start, due) - dt.timedelta(days=10)
    f = facts(accepted=accepted, due=due, pauses=(pause,), finished=shifted)
    assert effective_due(f, now=LATER, cal=CAL) == shifted
    assert classify(f, now=LATER, cal=CAL) is OT
    late = facts(accepted=accepted, due=due, pauses=(pause,), finished=shifted + S)
    assert classify(late, now=LATER, cal=CAL) is L


def test_zero_pause_keeps_the_appointment_to_the_second() -> None:
    # add_working_time with zero would give Monday 07:30; the appointment stays Friday.
    f = facts(finished=vn(2025, 3, 17, 7, 30))
    assert effective_due(f, now=LATER, cal=CAL) == DUE
    assert classify(f, now=LATER, cal=CAL) is L


def test_friday_appointment_result_monday_morning() -> None:
    pause = Pause(vn(2025, 3, 13, 16), vn(2025, 3, 13, 17))  # 1 working hour
    monday = vn(2025, 3, 17, 8)
    assert finished_class(monday) is L
    assert finished_class(monday, pauses=(pause,)) is OT
    assert finished_class(vn(2025, 3, 17, 8, 30), pauses=(pause,)) is OT
    assert finished_class(vn(2025, 3, 17, 8, 30, 1), pauses=(pause,)) is L
    # Friday after closing is before Monday's date: early.
    assert finished_class(vn(2025, 3, 14, 17, 30), pauses=(pause,)) is E


def test_results_are_in_vietnam_time() -> None:
    utc = dt.UTC
    f = facts(
        accepted=ACCEPTED.astimezone(utc),
        due=DUE.astimezone(utc),
        pauses=(Pause(vn(2025, 3, 13, 16).astimezone(utc), vn(2025, 3, 13, 17).astimezone(utc)),),
    )
    shifted = effective_due(f, now=vn(2025, 3, 14, 9).astimezone(utc), cal=CAL)
    assert shifted is not None
    assert shifted.tzinfo == VN_TZ
    assert shifted == vn(2025, 3, 17, 8, 30)
    no_pause = effective_due(facts(due=DUE.astimezone(utc)), now=LATER, cal=CAL)
    assert no_pause is not None
    assert no_pause.tzinfo == VN_TZ


# --- pauses: clipping, still open, counting -----------------------------------------


def test_pause_partly_before_acceptance_counts_from_acceptance() -> None:
    accepted = vn(2025, 3, 10, 10)
    pause = Pause(vn(2025, 3, 10, 8), vn(2025, 3, 10, 11))  # 1 h after acceptance
    f = facts(accepted=accepted, pauses=(pause,), finished=vn(2025, 3, 17, 8, 30))
    assert effective_due(f, now=LATER, cal=CAL) == vn(2025, 3, 17, 8, 30)
    assert classify(f, now=LATER, cal=CAL) is OT


def test_pause_wholly_before_acceptance_is_ignored() -> None:
    accepted = vn(2025, 3, 10, 10)
    pause = Pause(vn(2025, 3, 7, 8), vn(2025, 3, 10, 9))  # intake completion
    f = facts(accepted=accepted, pauses=(pause,), finished=DUE + S)
    assert effective_due(f, now=LATER, cal=CAL) == DUE
    assert classify(f, now=LATER, cal=CAL) is L


def test_pause_partly_after_the_end_counts_up_to_the_end() -> None:
    # Requested Fri 16:00, completed Tue 17:00, but finished (stopped) Mon 10:00.
    pause = Pause(vn(2025, 3, 14, 16), vn(2025, 3, 18, 17))
    f = facts(pauses=(pause,), finished=vn(2025, 3, 17, 10))
    # Only Fri 16:00–17:00 and Mon 07:30–10:00 are paused: 3.5 h, not 16 h.
    assert effective_due(f, now=LATER, cal=CAL) == vn(2025, 3, 17, 11)
    assert classify(f, now=LATER, cal=CAL) is OT


def test_pause_after_now_is_ignored() -> None:
    pause = Pause(vn(2025, 3, 20, 9), None)
    now = vn(2025, 3, 17, 9)
    f = facts(pauses=(pause,))
    assert effective_due(f, now=now, cal=CAL) == DUE
    assert classify(f, now=now, cal=CAL) is OD


def test_open_pause_freezes_an_open_dossier() -> None:
    pause = Pause(vn(2025, 3, 13, 10), None)  # 12.5 working hours were left
    f = facts(pauses=(pause,))
    for now in (vn(2025, 3, 14, 17), vn(2025, 3, 19, 12), vn(2025, 6, 2, 9)):
        assert classify(f, now=now, cal=CAL) is IT
        shifted = effective_due(f, now=now, cal=CAL)
        assert shifted is not None
        assert elapsed_working_time(CAL, now, shifted) == 12.5 * H
    # Thu 10:00 – Wed 12:00 is 31.5 working hours: Fri 17:00 + 31.5 h = next Fri 09:00.
    assert effective_due(f, now=vn(2025, 3, 19, 12), cal=CAL) == vn(2025, 3, 21, 9)
    # Without the pause it would be overdue.
    assert classify(facts(), now=vn(2025, 3, 19, 12), cal=CAL) is OD


def test_open_pause_on_a_finished_dossier_runs_to_the_end() -> None:
    # Stopped while waiting for the citizen: not late, judged against the shifted date.
    pause = Pause(vn(2025, 3, 13, 10), None)
    assert finished_class(vn(2025, 3, 19, 12), pauses=(pause,)) is E
    assert finished_class(vn(2025, 3, 14, 16), pauses=(pause,)) is E


def test_closed_pause_then_overdue_again() -> None:
    pause = Pause(vn(2025, 3, 13, 16), vn(2025, 3, 13, 17))
    f = facts(pauses=(pause,))
    assert classify(f, now=vn(2025, 3, 17, 8, 30), cal=CAL) is IT
    assert classify(f, now=vn(2025, 3, 17, 8, 30, 1), cal=CAL) is OD


def test_pause_begun_after_the_appointment_does_not_rescue() -> None:
    # Already late on Friday 17:10 when the request is made: the 30 minutes of Monday
    # morning it covers do not move the appointment to Monday 08:00.
    pause = Pause(vn(2025, 3, 14, 17, 10), vn(2025, 3, 17, 8))
    assert finished_class(vn(2025, 3, 14, 17, 5), pauses=(pause,)) is L
    assert finished_class(vn(2025, 3, 17, 8), pauses=(pause,)) is L
    f = facts(pauses=(pause,), finished=vn(2025, 3, 17, 8))
    assert effective_due(f, now=LATER, cal=CAL) == DUE


def test_pause_begun_exactly_at_the_appointment_freezes() -> None:
    pause = Pause(DUE, None)
    f = facts(pauses=(pause,))
    for now in (DUE, DUE + S, vn(2025, 3, 15, 12), vn(2025, 3, 17, 9)):
        assert classify(f, now=now, cal=CAL) is IT
        assert due_state(f, now=now, cal=CAL) == "due_soon"


def test_overlapping_pauses_count_once() -> None:
    a = Pause(vn(2025, 3, 13, 8), vn(2025, 3, 13, 10))
    b = Pause(vn(2025, 3, 13, 9), vn(2025, 3, 13, 11))
    shifted = shift_due(CAL, DUE, (a, b), start=ACCEPTED, end=LATER)
    assert shifted.paused == 3 * H
    assert shifted.due == vn(2025, 3, 17, 10, 30)
    assert not shifted.frozen


def test_shift_due_needs_an_end_for_an_open_pause() -> None:
    with pytest.raises(ValueError, match="open pause"):
        shift_due(CAL, DUE, (Pause(vn(2025, 3, 13, 8), None),), start=ACCEPTED, end=None)


# --- more than one supplement request ----------------------------------------------


@pytest.mark.parametrize("finished", [vn(2025, 3, 11, 9), DUE, DUE + S])
def test_two_supplement_requests_are_late(finished: dt.datetime) -> None:
    p1 = Pause(vn(2025, 3, 10, 9), vn(2025, 3, 10, 10))
    p2 = Pause(vn(2025, 3, 10, 14), vn(2025, 3, 10, 15))
    assert finished_class(finished, pauses=(p1, p2)) is L
    assert finished_class(finished, pauses=(p1,), requests=2) is L
    assert finished_class(finished, requests=3) is L
    # The pauses are requests even when the count was not filled in.
    assert finished_class(finished, pauses=(p1, p2), requests=0) is L
    assert finished_class(finished, pauses=(p1,), requests=0) is not L


def test_two_supplement_requests_open_is_overdue() -> None:
    f = facts(requests=2, limit=None)
    assert classify(f, now=vn(2025, 3, 10, 9), cal=CAL) is OD
    assert due_state(f, now=vn(2025, 3, 10, 9), cal=CAL) == "overdue"
    g = facts(due=None, requests=2, limit=15 * H)
    assert classify(g, now=vn(2025, 3, 10, 9), cal=CAL) is OD


# --- no appointment: the legal limit in working time ---------------------------------

LIMIT = 15 * H  # two working days


@pytest.mark.parametrize(
    ("finished", "pauses", "expected"),
    [
        (vn(2025, 3, 10, 8), (), OT),  # never early without an appointment
        (vn(2025, 3, 11, 17), (), OT),  # exactly 15 working hours
        # Judged by working time: none passes between closing and the next opening.
        (vn(2025, 3, 11, 17, 0, 1), (), OT),
        (vn(2025, 3, 12, 7, 30), (), OT),
        (vn(2025, 3, 12, 7, 30, 1), (), L),
        ((vn(2025, 3, 12, 8, 30)), (Pause(vn(2025, 3, 10, 9), vn(2025, 3, 10, 10)),), OT),
        ((vn(2025, 3, 12, 8, 30, 1)), (Pause(vn(2025, 3, 10, 9), vn(2025, 3, 10, 10)),), L),
        # A pause over the weekend before the limit runs out changes nothing.
        (vn(2025, 3, 11, 17), (Pause(vn(2025, 3, 8, 9), vn(2025, 3, 10, 7)),), OT),
        # Stopped while waiting: the open pause runs to the end.
        (vn(2025, 3, 20, 9), (Pause(vn(2025, 3, 11, 9), None),), OT),
    ],
)
def test_legal_limit_without_appointment(
    finished: dt.datetime, pauses: tuple[Pause, ...], expected: Timeliness
) -> None:
    assert finished_class(finished, due=None, limit=LIMIT, pauses=pauses) is expected


@pytest.mark.parametrize(
    ("now", "expected", "state"),
    [
        (vn(2025, 3, 10, 9), IT, "in_time"),  # 13.5 h left
        (vn(2025, 3, 10, 16, 30), IT, "due_soon"),  # 8 h left
        (vn(2025, 3, 10, 16, 29, 59), IT, "in_time"),
        (vn(2025, 3, 11, 17), IT, "due_soon"),
        (vn(2025, 3, 11, 23), IT, "due_soon"),
        (vn(2025, 3, 12, 7, 30, 1), OD, "overdue"),
    ],
)
def test_legal_limit_open(now: dt.datetime, expected: Timeliness, state: str) -> None:
    f = facts(due=None, limit=LIMIT)
    assert classify(f, now=now, cal=CAL) is expected
    assert due_state(f, now=now, cal=CAL) == state
    assert effective_due(f, now=now, cal=CAL) is None


def test_legal_limit_open_pause_freezes() -> None:
    f = facts(due=None, limit=LIMIT, pauses=(Pause(vn(2025, 3, 10, 9), None),))
    for now in (vn(2025, 3, 12, 9), vn(2025, 4, 30, 9)):
        assert classify(f, now=now, cal=CAL) is IT
        assert due_state(f, now=now, cal=CAL) == "in_time"  # 13.5 h left, frozen
    g = facts(due=None, limit=LIMIT, pauses=(Pause(vn(2025, 3, 11, 9), None),))
    assert due_state(g, now=vn(2025, 4, 30, 9), cal=CAL) == "due_soon"  # 6 h left


# --- not applicable ---------------------------------------------------------------


@pytest.mark.parametrize(
    "f",
    [
        facts(accepted=None),  # still waiting for intake
        facts(accepted=None, finished=vn(2025, 3, 10, 9)),  # refused at intake
        facts(accepted=None, requests=2),
        facts(due=None, limit=None),
        facts(due=None, limit=None, finished=vn(2025, 3, 10, 9)),
        facts(due=None, limit=None, requests=2),  # nothing to be late against
        facts(accepted=vn(2025, 4, 1, 9)),  # accepted after "now"
    ],
)
def test_not_applicable(f: TimelinessFacts) -> None:
    now = vn(2025, 3, 20, 9)
    assert classify(f, now=now, cal=CAL) is NA
    assert due_state(f, now=now, cal=CAL) is None
    if f.due_at is None or f.accepted_at is None or f.accepted_at > now:
        assert effective_due(f, now=now, cal=CAL) is None


# --- open dossiers against now ------------------------------------------------------


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (ACCEPTED, IT),
        (vn(2025, 3, 13, 9), IT),
        (DUE, IT),
        (DUE + S, OD),
        (vn(2025, 3, 14, 17, 30), OD),
        (vn(2025, 3, 17, 7, 30), OD),
    ],
)
def test_open_against_now(now: dt.datetime, expected: Timeliness) -> None:
    assert classify(facts(), now=now, cal=CAL) is expected


def test_finished_after_now_is_open_as_of_now() -> None:
    f = facts(finished=vn(2025, 3, 20, 9))
    assert classify(f, now=vn(2025, 3, 13, 9), cal=CAL) is IT
    assert classify(f, now=vn(2025, 3, 17, 9), cal=CAL) is OD
    assert classify(f, now=vn(2025, 3, 20, 9), cal=CAL) is L
    assert due_state(f, now=vn(2025, 3, 13, 9), cal=CAL) == "in_time"
    assert due_state(f, now=vn(2025, 3, 20, 9), cal=CAL) is None


# --- due_state thresholds ---------------------------------------------------------


@pytest.mark.parametrize(
    ("now", "soon", "state"),
    [
        (vn(2025, 3, 13, 9), 8 * H, "in_time"),  # 13.5 h left
        (vn(2025, 3, 13, 16, 29, 59), 8 * H, "in_time"),  # 8 h + 1 s left
        (vn(2025, 3, 13, 16, 30), 8 * H, "due_soon"),  # exactly 8 h left
        (vn(2025, 3, 13, 17), 8 * H, "due_soon"),  # 7.5 h left
        (vn(2025, 3, 13, 20), 8 * H, "due_soon"),
        (DUE, 8 * H, "due_soon"),  # nothing left, not yet passed
        (DUE + S, 8 * H, "overdue"),
        (vn(2025, 3, 13, 9), 14 * H, "due_soon"),
        (vn(2025, 3, 13, 9), 13.5 * H, "due_soon"),
        (vn(2025, 3, 13, 9), 13.5 * H - S, "in_time"),
        (vn(2025, 3, 14, 16, 59, 59), ZERO, "in_time"),
        (DUE, ZERO, "due_soon"),
    ],
)
def test_due_state(now: dt.datetime, soon: dt.timedelta, state: str) -> None:
    assert due_state(facts(), now=now, cal=CAL, soon=soon) == state


def test_due_state_default_is_8_working_hours() -> None:
    assert due_state(facts(), now=vn(2025, 3, 13, 16, 30), cal=CAL) == "due_soon"
    assert due_state(facts(), now=vn(2025, 3, 13, 16, 29, 59), cal=CAL) == "in_time"


def test_due_state_counts_working_time_over_a_holiday() -> None:
    # Appointment Tue 8 Apr 2025 17:00; Friday 4 Apr 16:30 leaves 0.5 h + 7.5 h.
    f = facts(accepted=vn(2025, 4, 1, 8), due=vn(2025, 4, 8, 17))
    assert due_state(f, now=vn(2025, 4, 4, 16, 30), cal=CAL) == "due_soon"
    assert due_state(f, now=vn(2025, 4, 4, 16, 29, 59), cal=CAL) == "in_time"


def test_due_state_with_paused_time() -> None:
    pause = Pause(vn(2025, 3, 13, 16), vn(2025, 3, 13, 17))  # appointment → Mon 08:30
    f = facts(pauses=(pause,))
    assert due_state(f, now=vn(2025, 3, 14, 8), cal=CAL) == "due_soon"  # 7 h + 1 h left
    assert due_state(f, now=vn(2025, 3, 14, 7, 59, 59), cal=CAL) == "in_time"
    assert due_state(f, now=vn(2025, 3, 17, 8, 30), cal=CAL) == "due_soon"
    assert due_state(f, now=vn(2025, 3, 17, 8, 30, 1), cal=CAL) == "overdue"


def test_due_state_finished_is_none() -> None:
    assert due_state(facts(finished=vn(2025, 3, 11, 9)), now=LATER, cal=CAL) is None


def test_negative_soon_is_refused() -> None:
    with pytest.raises(ValueError, match="soon"):
        due_state(facts(), now=vn(2025, 3, 13, 9), cal=CAL, soon=-S)


# --- validation ---------------------------------------------------------------------

NAIVE = dt.datetime(2025, 3, 10, 9)  # noqa: DTZ001 - on purpose


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(NaiveDatetimeError):
        Pause(NAIVE, None)
    with pytest.raises(NaiveDatetimeError):
        Pause(vn(2025, 3, 10, 9), NAIVE)
    for field in ("accepted", "due", "finished"):
        with pytest.raises(NaiveDatetimeError):
            facts(**{field: NAIVE})  # type: ignore[arg-type]
    for call in (classify, effective_due, due_state):
        with pytest.raises(NaiveDatetimeError):
            call(facts(), now=NAIVE, cal=CAL)
    with pytest.raises(NaiveDatetimeError):
        shift_due(CAL, NAIVE, (), start=ACCEPTED, end=None)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: Pause(vn(2025, 3, 10, 10), vn(2025, 3, 10, 9)), "pause"),
        (lambda: facts(finished=vn(2025, 3, 10, 7)), "before it is accepted"),
        (lambda: facts(requests=-1), "negative"),
        (lambda: facts(due=None, limit=-H), "negative"),
    ],
)
def test_inconsistent_facts_are_refused(make: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        make()  # type: ignore[operator]


def test_pauses_given_as_a_list_become_a_tuple() -> None:
    f = TimelinessFacts(ACCEPTED, DUE, None, [Pause(vn(2025, 3, 11, 9), None)])  # type: ignore[arg-type]
    assert isinstance(f.pauses, tuple)
    hash(f)


# --- properties (hypothesis) -------------------------------------------------------

FIRST = vn(2025, 1, 6)
SPAN_DAYS = 620  # through mid-September 2026; paused shifts stay inside 2026
BOUNDARIES = [dt.time(0), dt.time(7, 30), dt.time(11, 30), dt.time(13, 30), dt.time(17)]


@st.composite
def instants(draw: st.DrawFn) -> dt.datetime:
    day = FIRST + dt.timedelta(days=draw(st.integers(0, SPAN_DAYS)))
    if draw(st.booleans()):
        at = dt.datetime.combine(day.date(), draw(st.sampled_from(BOUNDARIES)), VN_TZ)
        return at + draw(st.sampled_from([ZERO, S, -S]))
    return day + dt.timedelta(seconds=draw(st.integers(0, 86_399)))


def near(base: dt.datetime, days: int = 20) -> st.SearchStrategy[dt.datetime]:
    """Instants from ``base`` up to ``days`` later, often on an office boundary."""

    @st.composite
    def build(draw: st.DrawFn) -> dt.datetime:
        offset = draw(st.integers(0, days))
        day = (base + dt.timedelta(days=offset)).date()
        if draw(st.booleans()):
            at = dt.datetime.combine(day, draw(st.sampled_from(BOUNDARIES)), VN_TZ)
            at += draw(st.sampled_from([ZERO, S]))
        else:
            at = dt.datetime.combine(day, dt.time(0), VN_TZ) + dt.timedelta(
                seconds=draw(st.integers(0, 86_399))
            )
        return max(at, base)

    return build()


# Offsets that land on the edges: the second around an instant, after closing, the
# next morning's opening (17:00 → 07:30), Monday's opening after a Friday 17:00.
OFFSETS = [dt.timedelta(seconds=s) for s in (-1, 0, 1, 600, 1800, 52_200, 52_201, 225_000, 226_800)]


def around(base: dt.datetime, floor: dt.datetime) -> st.SearchStrategy[dt.datetime]:
    """``base`` moved by an edge offset, never before ``floor``."""
    return st.sampled_from(OFFSETS).map(lambda offset: max(base + offset, floor))


def when(base: dt.datetime, due: dt.datetime, days: int) -> st.SearchStrategy[dt.datetime]:
    """Instants from ``base`` on: anywhere in ``days`` days, or right around ``due``."""
    return near(base, days) | around(due, base)


@st.composite
def pause_in(draw: st.DrawFn, accepted: dt.datetime, due: dt.datetime) -> Pause:
    start = draw(when(accepted - dt.timedelta(days=2), due, 25))
    end = draw(st.none() | near(start, 10) | around(start, start))
    return Pause(start, end)


@st.composite
def scenarios(
    draw: st.DrawFn, max_pauses: int = 1
) -> tuple[dt.datetime, dt.datetime, tuple[Pause, ...]]:
    accepted = draw(instants())
    due = draw(near(accepted, 15))
    pauses = tuple(draw(st.lists(pause_in(accepted, due), max_size=max_pauses)))
    return accepted, due, pauses


@st.composite
def edge_scenarios(draw: st.DrawFn) -> tuple[dt.datetime, dt.datetime, tuple[Pause, ...]]:
    """An appointment at the end of an office period, a pause begun right around it."""
    accepted = draw(instants())
    day = CAL.next_working_day(accepted.date() + dt.timedelta(days=draw(st.integers(0, 10))))
    due = draw(st.sampled_from([end for _, end in CAL.periods(day)]))
    due = max(due, accepted)
    start = draw(around(due, accepted - dt.timedelta(days=1)))
    end = draw(st.none() | near(start, 4) | around(start, start))
    return accepted, due, (Pause(start, end),)


def any_scenario() -> st.SearchStrategy[tuple[dt.datetime, dt.datetime, tuple[Pause, ...]]]:
    return scenarios() | edge_scenarios()


common = settings(max_examples=250, deadline=None, database=None)
# Later is worse: early < on time < late, and in time < overdue.
RANK = {E: 0, OT: 1, L: 2, IT: 0, OD: 1}


def _rank(f: TimelinessFacts, now: dt.datetime) -> int:
    return RANK[classify(f, now=now, cal=CAL)]


@st.composite
def extended(draw: st.DrawFn, pause: Pause) -> Pause:
    """The same pause, begun earlier and/or ended later (or still open)."""
    earlier = st.sampled_from([0, 1, 600]) | st.integers(0, 3 * 86_400)
    start = pause.start - dt.timedelta(seconds=draw(earlier))
    if pause.end is None or draw(st.booleans()):
        return Pause(start, None if pause.end is None or draw(st.booleans()) else pause.end)
    return Pause(start, pause.end + dt.timedelta(seconds=draw(st.integers(0, 3 * 86_400))))


def _edges(
    accepted: dt.datetime, due: dt.datetime, pauses: tuple[Pause, ...], extra: list[dt.datetime]
) -> list[dt.datetime]:
    """Candidate end times: every instant the result may turn at, and a second either side."""
    marks = [due, *extra, *(p.start for p in pauses), *(p.end for p in pauses if p.end)]
    for mark in list(marks):
        for day in (mark.date() + dt.timedelta(days=d) for d in range(4)):
            marks.extend(edge for period in CAL.periods(day) for edge in period)
    around_marks = {mark + offset for mark in marks for offset in (-S, ZERO, S)}
    return sorted(at for at in around_marks if at >= accepted)


# Each example checks some fifty end times, so fewer examples are needed.
@settings(max_examples=120, deadline=None, database=None)
@given(any_scenario(), st.data())
def test_more_pause_never_makes_a_dossier_later(
    scenario: tuple[dt.datetime, dt.datetime, tuple[Pause, ...]], data: st.DataObject
) -> None:
    accepted, due, pauses = scenario
    if pauses:
        base = pauses[0]
    else:
        a, b = sorted((data.draw(near(accepted, 20)), data.draw(near(accepted, 20))))
        base = Pause(a, b)
    more = (data.draw(extended(base)),)
    extra = data.draw(st.lists(near(accepted, 30), max_size=2))
    limit = elapsed_working_time(CAL, accepted, due)
    for end in _edges(accepted, due, (base, *more), extra):
        for finished in (end, None):
            few = facts(accepted=accepted, due=due, finished=finished, pauses=pauses)
            many = dataclasses.replace(few, pauses=more, supplement_requests=1)
            assert _rank(many, end) <= _rank(few, end)
            few_due = effective_due(few, now=end, cal=CAL)
            many_due = effective_due(many, now=end, cal=CAL)
            assert few_due is not None and many_due is not None
            assert due <= few_due <= many_due
            few_l = dataclasses.replace(few, due_at=None, legal_limit=limit)
            many_l = dataclasses.replace(many, due_at=None, legal_limit=limit)
            assert _rank(many_l, end) <= _rank(few_l, end)


@common
@given(any_scenario(), st.data())
def test_late_stays_late_when_finished_later(
    scenario: tuple[dt.datetime, dt.datetime, tuple[Pause, ...]], data: st.DataObject
) -> None:
    accepted, due, pauses = scenario
    extra = data.draw(st.lists(near(accepted, 30), max_size=3))
    ends = _edges(accepted, due, pauses, extra)
    limit = elapsed_working_time(CAL, accepted, due)
    with_limit = facts(accepted=accepted, due=None, limit=limit)
    for deadline in (facts(accepted=accepted, due=due), with_limit):
        opened = dataclasses.replace(deadline, pauses=pauses, supplement_requests=len(pauses))
        was_late = False
        for end in ends:
            finished = classify(dataclasses.replace(opened, finished_at=end), now=LATER, cal=CAL)
            still_open = classify(opened, now=end, cal=CAL)
            # Open at now = t: overdue exactly when finishing at t would be late.
            assert (still_open is OD) == (finished is L)
            assert finished is L or not was_late, f"late before {end}, not at it"
            was_late = finished is L


@common
@given(instants(), st.data())
def test_without_pauses_it_is_the_plain_766_rule(
    accepted: dt.datetime, data: st.DataObject
) -> None:
    due = data.draw(near(accepted, 15))
    finished = data.draw(when(accepted, due, 20))
    got = classify(facts(accepted=accepted, due=due, finished=finished), now=LATER, cal=CAL)
    if finished > due:
        assert got is L
    elif finished.date() < due.date():
        assert got is E
    else:
        assert got is OT


@common
@given(any_scenario(), st.data())
def test_due_state_agrees_with_classify(
    scenario: tuple[dt.datetime, dt.datetime, tuple[Pause, ...]], data: st.DataObject
) -> None:
    accepted, due, pauses = scenario
    now = data.draw(when(accepted, due, 25))
    soon = dt.timedelta(minutes=data.draw(st.integers(0, 20 * 60)))
    f = facts(accepted=accepted, due=due, pauses=pauses)
    state = due_state(f, now=now, cal=CAL, soon=soon)
    got = classify(f, now=now, cal=CAL)
    assert (state == "overdue") == (got is OD)
    assert state is not None
    if state != "overdue":
        shifted = effective_due(f, now=now, cal=CAL)
        assert shifted is not None
        left = elapsed_working_time(CAL, now, shifted) if shifted > now else ZERO
        assert (state == "due_soon") == (left <= soon)


@common
@given(scenarios(max_pauses=3), st.data())
def test_shift_due_moves_by_the_counted_paused_time(
    scenario: tuple[dt.datetime, dt.datetime, tuple[Pause, ...]], data: st.DataObject
) -> None:
    accepted, due, pauses = scenario
    end = data.draw(when(accepted, due, 30))
    shifted = shift_due(CAL, due, pauses, start=accepted, end=end)
    if shifted.paused:
        assert shifted.due == add_working_time(CAL, due, shifted.paused)
    else:
        assert shifted.due == due
    # Never more than the office time of all the pauses together (inside the window).
    windows = [(p.start, end if p.end is None else p.end) for p in pauses]
    total = elapsed_working_time(CAL, accepted, end) - elapsed_working_time(
        CAL, accepted, end, [(s, e) for s, e in windows if s <= e]
    )
    assert shifted.paused <= total
