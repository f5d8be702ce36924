"""Properties of the deadline arithmetic on the shipped calendar (hypothesis)."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from motcua.worktime.calendar import WorkCalendar
from motcua.worktime.deadlines import (
    add_working_time,
    compute_due,
    effective_acceptance,
    elapsed_working_time,
)
from motcua.worktime.tests.support import official_calendar, vn

CAL: WorkCalendar = official_calendar(last_year=2030)
FIRST = vn(2025, 1, 1)
# Receipts in the shipped years; every limit below ends before the calendar does.
SPAN_SECONDS = int((vn(2026, 10, 31) - FIRST).total_seconds())

instants = st.integers(0, SPAN_SECONDS).map(lambda s: FIRST + dt.timedelta(seconds=s))
cutoffs = st.none() | st.sampled_from([dt.time(11), dt.time(15), dt.time(16, 30)])
# No example database: runs stay reproducible and write nothing into the tree.
common = settings(max_examples=300, deadline=None, database=None)


def _inside_office_hours(at: dt.datetime) -> bool:
    return any(start <= at <= end for start, end in CAL.periods(at.date()))


@common
@given(instants, st.integers(0, 60), cutoffs)
def test_working_days_due_is_a_closing_time_on_a_working_day(
    received: dt.datetime, limit: int, cutoff: dt.time | None
) -> None:
    due = compute_due(CAL, received, limit, "working_days", cutoff)
    assert CAL.is_working_day(due.date())
    assert due == CAL.closing(due.date())
    assert due > received


@common
@given(
    instants,
    instants,
    st.integers(0, 30),
    st.sampled_from(["working_days", "days", "months", "working_hours"]),
)
def test_due_is_monotonic_in_received_at(
    a: dt.datetime, b: dt.datetime, limit: int, unit: str
) -> None:
    early, late = sorted((a, b))
    assert compute_due(CAL, early, limit, unit) <= compute_due(CAL, late, limit, unit)


@common
@given(instants, st.integers(0, 40), st.integers(0, 40), cutoffs)
def test_due_is_monotonic_in_limit(
    received: dt.datetime, m: int, n: int, cutoff: dt.time | None
) -> None:
    small, large = sorted((m, n))
    for unit in ("working_days", "working_hours", "days"):
        assert compute_due(CAL, received, small, unit, cutoff) <= compute_due(
            CAL, received, large, unit, cutoff
        )
    if small < large:
        assert compute_due(CAL, received, small, "working_days", cutoff) < compute_due(
            CAL, received, large, "working_days", cutoff
        )


@common
@given(instants, st.integers(0, 200))
def test_working_hours_due_is_inside_office_hours(received: dt.datetime, hours: int) -> None:
    due = compute_due(CAL, received, hours, "working_hours")
    assert CAL.is_working_day(due.date())
    assert _inside_office_hours(due)


@common
@given(instants, st.integers(0, 200))
def test_elapsed_time_inverts_adding_working_hours(received: dt.datetime, hours: int) -> None:
    start = effective_acceptance(CAL, received)
    due = compute_due(CAL, received, hours, "working_hours")
    assert elapsed_working_time(CAL, start, due) == dt.timedelta(hours=hours)
    # Measured from the raw receipt too: closed time before the opening adds nothing.
    assert elapsed_working_time(CAL, received, due) == dt.timedelta(hours=hours)


@common
@given(instants, st.integers(0, 24 * 60 * 20))
def test_elapsed_from_an_opening(received: dt.datetime, minutes: int) -> None:
    day = CAL.next_working_day(received.date())
    opening = CAL.opening(day)
    due = add_working_time(CAL, opening, dt.timedelta(minutes=minutes))
    assert elapsed_working_time(CAL, opening, due) == dt.timedelta(minutes=minutes)


@common
@given(instants, instants, instants)
def test_elapsed_is_additive(a: dt.datetime, b: dt.datetime, c: dt.datetime) -> None:
    x, y, z = sorted((a, b, c))
    assert elapsed_working_time(CAL, x, z) == elapsed_working_time(
        CAL, x, y
    ) + elapsed_working_time(CAL, y, z)


@common
@given(instants, st.integers(0, 36), st.sampled_from(["days", "months"]))
def test_calendar_periods_end_at_a_closing_no_earlier_than_the_nominal_day(
    received: dt.datetime, limit: int, unit: str
) -> None:
    accepted = effective_acceptance(CAL, received)
    due = compute_due(CAL, received, limit, unit)
    assert CAL.is_working_day(due.date())
    assert due == CAL.closing(due.date())
    nominal_days = limit if unit == "days" else limit * 28
    assert due.date() >= accepted.date() + dt.timedelta(days=nominal_days)
