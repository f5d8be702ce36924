"""Steps' allotted time and the control sheet (Mẫu 06) result: motcua.workflow.allotment.

Pure: the calendar is built in memory from the 2025/2026 days of rules.md §5, so no
database is needed.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from motcua.dossiers.timeliness import Pause
from motcua.workflow.allotment import (
    StepOutcome,
    allotted_times,
    classify_handover,
    share_problems,
    step_due,
)
from motcua.worktime.calendar import VN_TZ, DayKind, DayMark, NaiveDatetimeError, WorkCalendar
from motcua.worktime.deadlines import add_working_time, elapsed_working_time

H = dt.timedelta(hours=1)
M = dt.timedelta(minutes=1)
S = dt.timedelta(seconds=1)
ZERO = dt.timedelta(0)
EARLY, ON_TIME, LATE = StepOutcome.EARLY, StepOutcome.ON_TIME, StepOutcome.LATE


def vn(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, second, tzinfo=VN_TZ)


def D(value: str) -> Decimal:
    return Decimal(value)


# The days of rules.md §5 that differ from the Monday–Friday week.
_OFF = [
    ((2025, 1, 1), DayKind.HOLIDAY),
    *(((2025, 1, d), DayKind.HOLIDAY) for d in range(27, 32)),  # Tết Ất Tỵ
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
    *(((2026, 2, d), DayKind.HOLIDAY) for d in range(16, 21)),  # Tết Bính Ngọ
    ((2026, 4, 27), DayKind.COMPENSATORY_OFF),  # Giỗ Tổ on Sunday 26 Apr
    ((2026, 4, 30), DayKind.HOLIDAY),
    ((2026, 5, 1), DayKind.HOLIDAY),
    ((2026, 9, 2), DayKind.HOLIDAY),
]
CAL = WorkCalendar.build(
    2025, 2026, [DayMark(dt.date(*ymd), kind, kind.value, "rules.md §5") for ymd, kind in _OFF]
)

# A plain week: Mon 10 – Fri 14 March 2025 holds 37.5 working hours.
ACCEPTED = vn(2025, 3, 10, 7, 30)
DUE = vn(2025, 3, 14, 17)
MONDAY_10 = vn(2025, 3, 10, 10)


# --- share_problems ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("shares", "problems"),
    [
        ([], ["no_steps"]),
        ([D("100")], []),
        ([D("60"), D("40")], []),  # exactly 100
        ([D("33.33"), D("33.33"), D("33.34")], []),  # exactly 100 in hundredths
        ([D("20"), D("30"), D("45")], []),  # under 100: the rest is slack
        ([D("0.01")], []),
        ([D("50.500"), D("49.50")], []),  # trailing zeros are not precision
        ([D("1E+2")], []),
        ([D("100.00")], []),
        ([D("60"), D("41")], ["shares_exceed_limit"]),
        ([D("100"), D("0.01")], ["shares_exceed_limit"]),
        ([D("100.01")], ["shares_exceed_limit"]),
        ([D("0"), D("50")], ["share_not_positive"]),
        ([D("-0"), D("50")], ["share_not_positive"]),
        ([D("-10"), D("50")], ["share_not_positive"]),
        ([D("150"), D("-60")], ["share_not_positive", "shares_exceed_limit"]),
        ([D("33.333"), D("33.333"), D("33.334")], ["too_precise"]),
        ([D("0.001")], ["too_precise"]),
        ([D("10.005"), D("10")], ["too_precise"]),
        (
            [D("-1"), D("0"), D("99.999"), D("1")],
            ["share_not_positive", "shares_exceed_limit", "too_precise"],
        ),
        ([D("NaN"), D("50")], ["share_not_positive"]),
        ([D("sNaN")], ["share_not_positive"]),
        ([D("-Infinity")], ["share_not_positive"]),
        ([D("Infinity")], ["shares_exceed_limit"]),
        # Exact even past the default decimal precision of 28 digits.
        ([D("100"), D("0." + "0" * 40 + "1")], ["shares_exceed_limit", "too_precise"]),
    ],
)
def test_share_problems(shares: list[Decimal], problems: list[str]) -> None:
    assert share_problems(shares) == problems
    assert share_problems(tuple(shares)) == problems


@pytest.mark.parametrize("bad", [60, 60.0, True, "60"])
def test_shares_must_be_decimals(bad: object) -> None:
    with pytest.raises(TypeError, match="Decimal"):
        share_problems([D("40"), bad])  # type: ignore[list-item]


@given(st.lists(st.decimals(min_value=-5, max_value=120, places=3), max_size=6))
@settings(max_examples=300, deadline=None, database=None)
def test_share_problems_agrees_with_the_definitions(shares: list[Decimal]) -> None:
    problems = share_problems(shares)
    assert problems == sorted(
        problems,
        key=["no_steps", "share_not_positive", "shares_exceed_limit", "too_precise"].index,
    )
    assert ("no_steps" in problems) == (not shares)
    assert ("share_not_positive" in problems) == any(s <= 0 for s in shares)
    positive = sum((Fraction(s) for s in shares if s > 0), Fraction(0))
    assert ("shares_exceed_limit" in problems) == (positive > 100)
    too_precise = any(s > 0 and s != s.quantize(D("0.01")) for s in shares)
    assert ("too_precise" in problems) == too_precise


# --- allotted_times ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("shares", "expected"),
    [
        ([D("100")], [37.5 * H]),
        ([D("60"), D("40")], [22.5 * H, 15 * H]),
        ([D("10")], [225 * M]),
        # 33.33 % of 2,250 minutes is 749.925, rounded down; 33.34 % is 750.15.
        ([D("33.33"), D("33.33"), D("33.34")], [749 * M, 749 * M, 750 * M]),
        ([D("0.01")], [ZERO]),  # 0.225 minutes
        ([D("0.05")], [M]),  # 1.125 minutes
        ([D("20"), D("30")], [450 * M, 675 * M]),
    ],
)
def test_allotted_times(shares: list[Decimal], expected: list[dt.timedelta]) -> None:
    got = allotted_times(CAL, accepted_at=ACCEPTED, due_at=DUE, shares=shares)
    assert got == expected
    assert sum(got, ZERO) <= elapsed_working_time(CAL, ACCEPTED, DUE)


def test_allotted_times_over_holidays() -> None:
    # Tue 29 Apr – Tue 6 May 2025: 30 Apr – 4 May off, so 7.5 h + 7.5 h + 7.5 h.
    accepted, due = vn(2025, 4, 29, 7, 30), vn(2025, 5, 6, 17)
    got = allotted_times(CAL, accepted_at=accepted, due_at=due, shares=[D("50"), D("50")])
    assert got == [11.25 * H, 11.25 * H]


def test_allotted_times_in_another_time_zone() -> None:
    got = allotted_times(
        CAL,
        accepted_at=ACCEPTED.astimezone(dt.UTC),
        due_at=DUE.astimezone(dt.UTC),
        shares=[D("60"), D("40")],
    )
    assert got == [22.5 * H, 15 * H]


def test_no_legal_limit_gives_no_allotted_time() -> None:
    got = allotted_times(CAL, accepted_at=ACCEPTED, due_at=None, shares=[D("60"), D("40")])
    assert got == [None, None]


@pytest.mark.parametrize("due", [DUE, None])
def test_allotted_times_refuses_invalid_shares(due: dt.datetime | None) -> None:
    for shares in ([], [D("60"), D("41")], [D("0")], [D("33.333")]):
        with pytest.raises(ValueError, match="invalid step shares"):
            allotted_times(CAL, accepted_at=ACCEPTED, due_at=due, shares=shares)


def test_allotted_times_refuses_naive_and_reversed_times() -> None:
    naive = dt.datetime(2025, 3, 10, 9)  # noqa: DTZ001 - on purpose
    with pytest.raises(NaiveDatetimeError):
        allotted_times(CAL, accepted_at=naive, due_at=DUE, shares=[D("100")])
    with pytest.raises(NaiveDatetimeError):
        allotted_times(CAL, accepted_at=naive, due_at=None, shares=[D("100")])
    with pytest.raises(NaiveDatetimeError):
        allotted_times(CAL, accepted_at=ACCEPTED, due_at=naive, shares=[D("100")])
    with pytest.raises(ValueError, match="before start"):
        allotted_times(CAL, accepted_at=DUE, due_at=ACCEPTED, shares=[D("100")])


# --- step_due -------------------------------------------------------------------------

STEP_PAUSE = Pause(vn(2025, 3, 10, 14), vn(2025, 3, 11, 9))  # 3 h Monday + 1.5 h Tuesday


@pytest.mark.parametrize(
    ("started", "allotted", "pauses", "expected"),
    [
        (MONDAY_10, 3 * H, (), vn(2025, 3, 10, 15)),  # over the lunch break
        (ACCEPTED, 4 * H, (), vn(2025, 3, 10, 11, 30)),  # lands on a closing time
        (vn(2025, 3, 14, 16), 2 * H, (), vn(2025, 3, 17, 8, 30)),  # over a weekend
        (vn(2025, 4, 4, 16), 2 * H, (), vn(2025, 4, 8, 8, 30)),  # over Giỗ Tổ (Mon 7 Apr)
        (vn(2025, 4, 25, 16), 2 * H, (), vn(2025, 4, 26, 8, 30)),  # worked Sat 26 Apr
        (vn(2025, 4, 29, 16), 2 * H, (), vn(2025, 5, 5, 8, 30)),  # 30 Apr – 4 May off
        (vn(2026, 2, 13, 16), 2 * H, (), vn(2026, 2, 23, 8, 30)),  # Tết Bính Ngọ
        (vn(2025, 3, 15, 10), H, (), vn(2025, 3, 17, 8, 30)),  # started on a Saturday
        # Zero allotted: the start itself, even outside office hours.
        (MONDAY_10, ZERO, (), MONDAY_10),
        (DUE, ZERO, (), DUE),
        (vn(2025, 3, 15, 10), ZERO, (), vn(2025, 3, 15, 10)),
        # Supplement pauses inside the step move it by their working time.
        (
            MONDAY_10,
            3 * H,
            (Pause(vn(2025, 3, 10, 10, 30), vn(2025, 3, 10, 11)),),
            vn(2025, 3, 10, 15, 30),
        ),
        (MONDAY_10, 3 * H, (Pause(vn(2025, 3, 10, 14), vn(2025, 3, 11, 9)),), vn(2025, 3, 11, 10)),
        # Only the part after the start counts; a pause before it is ignored.
        (MONDAY_10, 3 * H, (Pause(vn(2025, 3, 10, 9), vn(2025, 3, 10, 11)),), vn(2025, 3, 10, 16)),
        (MONDAY_10, 3 * H, (Pause(vn(2025, 3, 7, 9), vn(2025, 3, 10, 9)),), vn(2025, 3, 10, 15)),
        # A pause begun after the step was due does not move it.
        (MONDAY_10, 3 * H, (Pause(vn(2025, 3, 10, 16), vn(2025, 3, 10, 17)),), vn(2025, 3, 10, 15)),
        # A pause with no office time in it changes nothing.
        (MONDAY_10, 3 * H, (Pause(vn(2025, 3, 10, 12), vn(2025, 3, 10, 13)),), vn(2025, 3, 10, 15)),
        (MONDAY_10, ZERO, (Pause(MONDAY_10, vn(2025, 3, 10, 11)),), vn(2025, 3, 10, 11)),
    ],
)
def test_step_due(
    started: dt.datetime, allotted: dt.timedelta, pauses: tuple[Pause, ...], expected: dt.datetime
) -> None:
    got = step_due(CAL, started_at=started, allotted=allotted, pauses=pauses)
    assert got == expected
    assert got.tzinfo == VN_TZ
    utc = step_due(CAL, started_at=started.astimezone(dt.UTC), allotted=allotted, pauses=pauses)
    assert utc == expected
    assert utc.tzinfo == VN_TZ


def test_step_due_refuses_bad_input() -> None:
    with pytest.raises(ValueError, match="until"):
        step_due(CAL, started_at=MONDAY_10, allotted=H, pauses=[Pause(MONDAY_10, None)])
    with pytest.raises(ValueError, match="negative"):
        step_due(CAL, started_at=MONDAY_10, allotted=-S)
    with pytest.raises(NaiveDatetimeError):
        step_due(CAL, started_at=dt.datetime(2025, 3, 10, 10), allotted=H)  # noqa: DTZ001


@pytest.mark.parametrize(
    ("pause", "until", "expected"),
    [
        # Open since Monday 14:00, 15:00 due: by Tuesday 09:00, 4.5 h have been paused.
        (Pause(vn(2025, 3, 10, 14), None), vn(2025, 3, 11, 9), vn(2025, 3, 11, 10)),
        (Pause(vn(2025, 3, 10, 14), None), vn(2025, 3, 10, 16), vn(2025, 3, 10, 17)),
        # A closed pause is clipped to ``until``.
        (STEP_PAUSE, vn(2025, 3, 10, 16), vn(2025, 3, 10, 17)),
        (STEP_PAUSE, vn(2025, 3, 12, 9), vn(2025, 3, 11, 10)),
        (STEP_PAUSE, MONDAY_10, vn(2025, 3, 10, 15)),
    ],
)
def test_step_due_until(pause: Pause, until: dt.datetime, expected: dt.datetime) -> None:
    got = step_due(CAL, started_at=MONDAY_10, allotted=3 * H, pauses=[pause], until=until)
    assert got == expected


# --- classify_handover (the control sheet's result column) ------------------------


@pytest.mark.parametrize(
    ("allotted", "handed", "pauses", "expected"),
    [
        # Due Monday 15:00.
        (3 * H, vn(2025, 3, 10, 15), (), ON_TIME),  # exactly at the step's due time
        (3 * H, vn(2025, 3, 10, 15, 0, 1), (), LATE),  # one second later
        (3 * H, MONDAY_10, (), ON_TIME),  # same day
        (3 * H, vn(2025, 3, 10, 17, 30), (), LATE),
        # Due Tuesday 10:00.
        (7.5 * H, vn(2025, 3, 10, 16), (), EARLY),  # a day early
        (7.5 * H, vn(2025, 3, 10, 23, 59, 59), (), EARLY),
        (7.5 * H, vn(2025, 3, 11, 0), (), ON_TIME),
        (7.5 * H, vn(2025, 3, 11, 10), (), ON_TIME),
        (7.5 * H, vn(2025, 3, 11, 10, 0, 1), (), LATE),
        # Due Friday 17:00 (from Monday 10:00, 35 h); Monday morning is late.
        (35 * H, vn(2025, 3, 14, 17), (), ON_TIME),
        (35 * H, vn(2025, 3, 14, 17, 0, 1), (), LATE),
        (35 * H, vn(2025, 3, 17, 7, 30), (), LATE),
        # A step paused by a supplement request: due moves from 15:00 to Tue 10:00.
        (3 * H, vn(2025, 3, 11, 10), (STEP_PAUSE,), ON_TIME),
        (3 * H, vn(2025, 3, 11, 10, 0, 1), (STEP_PAUSE,), LATE),
        (3 * H, vn(2025, 3, 11, 9, 30), (STEP_PAUSE,), ON_TIME),
        # Handed over while still paused (to send the request out): not late.
        (3 * H, vn(2025, 3, 10, 16), (STEP_PAUSE,), ON_TIME),  # 2 h paused: due 17:00
        (3 * H, vn(2025, 3, 10, 17), (STEP_PAUSE,), EARLY),  # 3 h paused: due Tue 08:30
        (3 * H, vn(2025, 3, 11, 8, 59), (STEP_PAUSE,), ON_TIME),
        (3 * H, vn(2025, 3, 12, 9), (Pause(vn(2025, 3, 10, 14), None),), ON_TIME),
        # A pause begun after the step was due does not rescue it.
        (3 * H, vn(2025, 3, 11, 10), (Pause(vn(2025, 3, 10, 16), vn(2025, 3, 11, 9)),), LATE),
        # Zero allotted: due at the start itself.
        (ZERO, MONDAY_10, (), ON_TIME),
        (ZERO, MONDAY_10 + S, (), LATE),
    ],
)
def test_classify_handover(
    allotted: dt.timedelta, handed: dt.datetime, pauses: tuple[Pause, ...], expected: StepOutcome
) -> None:
    got = classify_handover(
        CAL, started_at=MONDAY_10, handed_over_at=handed, allotted=allotted, pauses=pauses
    )
    assert got is expected


def test_handover_over_a_holiday() -> None:
    # Started Fri 4 Apr 2025 16:00 with 2 h: due Tue 8 Apr 08:30 (Mon 7 Apr is Giỗ Tổ).
    started = vn(2025, 4, 4, 16)
    for handed, expected in [
        (vn(2025, 4, 4, 17), EARLY),
        (vn(2025, 4, 7, 12), EARLY),
        (vn(2025, 4, 8, 8, 30), ON_TIME),
        (vn(2025, 4, 8, 8, 30, 1), LATE),
    ]:
        got = classify_handover(CAL, started_at=started, handed_over_at=handed, allotted=2 * H)
        assert got is expected, handed


def test_classify_handover_refuses_bad_input() -> None:
    with pytest.raises(ValueError, match="before it starts"):
        classify_handover(CAL, started_at=MONDAY_10, handed_over_at=MONDAY_10 - S, allotted=H)
    with pytest.raises(ValueError, match="negative"):
        classify_handover(CAL, started_at=MONDAY_10, handed_over_at=MONDAY_10, allotted=-S)
    naive = dt.datetime(2025, 3, 10, 11)  # noqa: DTZ001 - on purpose
    with pytest.raises(NaiveDatetimeError):
        classify_handover(CAL, started_at=MONDAY_10, handed_over_at=naive, allotted=H)
    with pytest.raises(NaiveDatetimeError):
        classify_handover(CAL, started_at=naive, handed_over_at=MONDAY_10, allotted=H)


# --- properties (hypothesis) -------------------------------------------------------

FIRST = vn(2025, 1, 6)
common = settings(max_examples=250, deadline=None, database=None)
BOUNDARIES = [dt.time(0), dt.time(7, 30), dt.time(11, 30), dt.time(13, 30), dt.time(17)]


@st.composite
def instants(draw: st.DrawFn, base: dt.datetime = FIRST, days: int = 600) -> dt.datetime:
    day = (base + dt.timedelta(days=draw(st.integers(0, days)))).date()
    if draw(st.booleans()):
        at = dt.datetime.combine(day, draw(st.sampled_from(BOUNDARIES)), VN_TZ)
        at += draw(st.sampled_from([-S, ZERO, S]))
    else:
        at = dt.datetime.combine(day, dt.time(0), VN_TZ)
        at += dt.timedelta(seconds=draw(st.integers(0, 86_399)))
    return max(at, base)


# Shares in hundredths of a percent that sum to at most 100 %.
shares_strategy = (
    st.lists(st.integers(1, 10_000), min_size=1, max_size=6)
    .filter(lambda xs: sum(xs) <= 10_000)
    .map(lambda xs: [Decimal(x).scaleb(-2) for x in xs])
)


@common
@given(instants(), st.integers(0, 40 * 86_400), shares_strategy)
def test_allotted_times_never_exceed_the_total(
    accepted: dt.datetime, span: int, shares: list[Decimal]
) -> None:
    due = accepted + dt.timedelta(seconds=span)
    total = elapsed_working_time(CAL, accepted, due)
    got = allotted_times(CAL, accepted_at=accepted, due_at=due, shares=shares)
    assert len(got) == len(shares)
    for share, allotted in zip(shares, got, strict=True):
        assert allotted >= ZERO
        assert allotted % M == ZERO
        exact = Fraction(share) / 100 * Fraction(total // S, 60)
        assert allotted // M <= exact < allotted // M + 1
    assert sum(got, ZERO) <= total
    if sum(shares) == 100:
        assert total - sum(got, ZERO) < len(shares) * M


@common
@given(instants(), st.integers(1, 30 * 86_400), shares_strategy)
def test_steps_using_their_whole_time_finish_by_the_appointment(
    accepted: dt.datetime, span: int, shares: list[Decimal]
) -> None:
    due = accepted + dt.timedelta(seconds=span)
    start = accepted
    for allotted in allotted_times(CAL, accepted_at=accepted, due_at=due, shares=shares):
        end = step_due(CAL, started_at=start, allotted=allotted)
        assert end >= start
        assert classify_handover(CAL, started_at=start, handed_over_at=end, allotted=allotted) in (
            EARLY,
            ON_TIME,
        )
        start = end
    assert start <= max(due, accepted)


@st.composite
def steps(draw: st.DrawFn) -> tuple[dt.datetime, dt.timedelta, tuple[Pause, ...]]:
    started = draw(instants())
    allotted = draw(
        st.sampled_from([ZERO, 30 * M, 7.5 * H]) | st.integers(0, 3000).map(lambda m: m * M)
    )
    pauses: list[Pause] = []
    for _ in range(draw(st.integers(0, 2))):
        start = draw(instants(started - dt.timedelta(days=1), 8))
        end = draw(st.none() | instants(start, 5))
        pauses.append(Pause(start, end))
    return started, allotted, tuple(pauses)


@common
@given(steps(), st.data())
def test_handover_outcome(
    step: tuple[dt.datetime, dt.timedelta, tuple[Pause, ...]], data: st.DataObject
) -> None:
    started, allotted, pauses = step
    marks = [started, *(p.start for p in pauses), *(p.end for p in pauses if p.end)]
    marks.append(step_due(CAL, started_at=started, allotted=allotted))
    marks += [data.draw(instants(started, 12)) for _ in range(3)]
    candidates = sorted({m + o for m in marks for o in (-S, ZERO, S) if m + o >= started})
    was_late = False
    for handed in candidates:
        got = classify_handover(
            CAL, started_at=started, handed_over_at=handed, allotted=allotted, pauses=pauses
        )
        # Late stays late when handed over later.
        assert got is LATE or not was_late
        was_late = got is LATE
        # Without pauses it is the plain rule against step_due.
        plain = classify_handover(CAL, started_at=started, handed_over_at=handed, allotted=allotted)
        due = step_due(CAL, started_at=started, allotted=allotted)
        if handed > due:
            assert plain is LATE
        else:
            assert plain is (EARLY if handed.date() < due.date() else ON_TIME)
        # The due time recorded on the control sheet row is the one judged against.
        due_then = step_due(CAL, started_at=started, allotted=allotted, pauses=pauses, until=handed)
        if got is not LATE:
            assert (got is EARLY) == (handed.date() < due_then.date())
        paused_now = any(p.start <= handed and (p.end is None or p.end > handed) for p in pauses)
        if not paused_now:
            assert (got is LATE) == (handed > due_then)
        # Pauses closed by the hand-over: the rule against step_due with those pauses.
        closed = tuple(p for p in pauses if p.end is not None and p.end <= handed)
        if len(closed) == len(pauses):
            paused_due = step_due(CAL, started_at=started, allotted=allotted, pauses=closed)
            assert (got is LATE) == (handed > paused_due)
        # Pauses never make a hand-over later.
        order = {EARLY: 0, ON_TIME: 1, LATE: 2}
        assert order[got] <= order[plain]


def test_step_due_matches_add_working_time_without_pauses() -> None:
    for hours in (0.5, 1, 3.5, 4, 7.5, 30):
        start = vn(2025, 4, 25, 16)
        assert step_due(CAL, started_at=start, allotted=hours * H) == add_working_time(
            CAL, start, hours * H
        )
