"""The bulk loader of synthetic dossiers (``motcua bench-load``): what it writes must be
indistinguishable, for the audit and the code rules, from what the services write."""

from __future__ import annotations

import datetime as dt
import random
import re
from collections import Counter, defaultdict
from decimal import Decimal
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command

from motcua.catalog.schemas import eform_data_errors
from motcua.dossiers import bulk
from motcua.dossiers.audit import verify_all
from motcua.dossiers.lifecycle import State
from motcua.dossiers.models import DailySequence, Dossier, DossierEvent, Payment, Result
from motcua.org.personal_id import personal_id_problems, tax_code_problems
from motcua.workflow.allotment import allotted_times, classify_handover, step_due
from motcua.workflow.models import HandOver
from motcua.worktime.calendar import VN_TZ, to_local
from motcua.worktime.deadlines import add_working_time, compute_due, elapsed_working_time
from motcua.worktime.selectors import work_calendar

pytestmark = pytest.mark.django_db

YEAR = 2025


@pytest.fixture
def reference() -> None:
    bulk.ensure_reference_data()


def _load(n: int, seed: int = 3) -> bulk.LoadReport:
    return bulk.load(n, batch=120, seed=seed, year=YEAR)


def _check_codes_and_sequences() -> None:
    regex = re.compile(settings.MOTCUA_DOSSIER_CODE_REGEX)
    codes = list(Dossier.objects.values_list("code", "receiving_agency_id", "received_at"))
    assert all(regex.fullmatch(code) for code, _a, _r in codes)
    assert len({code for code, _a, _r in codes}) == len(codes)
    numbers: dict[tuple[int, dt.date], list[int]] = defaultdict(list)
    for code, agency_id, received_at in codes:
        day = to_local(received_at).date()
        assert code.split("-")[1] == day.strftime("%y%m%d")
        numbers[(agency_id, day)].append(int(code.rsplit("-", 1)[1]))
    stored = {(s.agency_id, s.day): s.last for s in DailySequence.objects.all()}
    assert set(stored) == set(numbers)
    for key, seqs in numbers.items():
        assert sorted(seqs) == list(range(1, stored[key] + 1)), key


def _check_chains() -> int:
    reports = list(verify_all())
    bad = [(r.code, r.problems) for r in reports if not r.ok]
    assert not bad, bad[:5]
    return len(reports)


def test_loaded_dossiers_verify_and_follow_the_code_rules(reference: None) -> None:
    report = _load(300)
    assert report.dossiers == 300
    assert Dossier.objects.count() == 300
    assert _check_chains() == 300
    _check_codes_and_sequences()

    # States are spread, most dossiers returned, and each event follows the previous one.
    states = Counter(Dossier.objects.values_list("state", flat=True))
    assert states.most_common(1)[0][0] == State.RETURNED
    assert len(states) >= 4
    assert states[State.REFUSED] + states[State.WITHDRAWN] > 0
    assert DossierEvent.objects.count() > 5 * 300
    # Channels: about half online.
    channels = Counter(Dossier.objects.values_list("channel", flat=True))
    online = channels["online"] + channels["vneid"]
    assert 0.3 < online / 300 < 0.75
    # Vietnamese names, valid identifiers.
    people = Dossier.objects.filter(applicant_kind="person")
    assert any(not name.isascii() for name in people.values_list("applicant_name", flat=True))
    for d in people:
        assert (
            personal_id_problems(d.applicant_personal_id, birth_date=d.applicant_birth_date) == []
        )
    for code in Dossier.objects.filter(applicant_kind="organisation").values_list(
        "applicant_org_code", flat=True
    ):
        assert tax_code_problems(code) == []
    # Every receiving agency is a reception point; commune procedures stay in their commune.
    for d in Dossier.objects.select_related("receiving_agency", "competent_agency"):
        assert d.receiving_agency.is_reception_point
        if d.competent_agency.kind in {"commune", "ward"}:
            assert d.receiving_agency.parent_id == d.competent_agency_id


def test_side_rows_match_the_history(reference: None) -> None:
    _load(300, seed=11)
    events = DossierEvent.objects.all()
    by_action = Counter(events.values_list("action", flat=True))
    # A control-sheet row for each hand-over: forward and signature.
    assert HandOver.objects.count() == by_action["forward"] + by_action["sign_result"]
    for h in HandOver.objects.select_related("event")[:200]:
        assert h.event.dossier_id == h.dossier_id
        assert h.event.action in {"forward", "sign_result"}
    assert Payment.objects.count() == by_action["record_payment"]
    assert Result.objects.count() == by_action["attach_result"]
    assert Result.objects.filter(signed_at__isnull=False).count() == by_action["sign_result"]
    # The dossier row agrees with its history.
    for d in Dossier.objects.all()[:300]:
        assert d.version == d.event_count
        if d.state == State.RETURNED:
            assert d.returned_at and d.resolved_at and d.finished_at and d.accepted_at
            assert d.paid_total == d.fee_total
        if d.accepted_at is not None:
            assert len(d.workflow_steps) == 2
    # Overdue open dossiers exist as they do in real life... at least the fields allow it.
    assert Dossier.objects.filter(due_at__isnull=False).exists()


def test_a_second_load_with_the_same_seed_appends(reference: None) -> None:
    _load(150, seed=5)
    first_max = Dossier.objects.order_by("-id").values_list("id", flat=True).first()
    _load(150, seed=5)
    assert Dossier.objects.count() == 300
    assert Dossier.objects.filter(id__gt=first_max).count() == 150
    _check_chains()
    _check_codes_and_sequences()


def test_the_command(reference: None) -> None:
    out = StringIO()
    call_command("bench-load", dossiers=40, batch=25, seed=9, no_migrate=True, stdout=out)
    assert "Loaded 40 dossiers" in out.getvalue()
    assert Dossier.objects.count() == 40
    _check_chains()


def test_too_many_for_one_day_is_refused_clearly(reference: None, settings: object) -> None:
    settings.MOTCUA_DOSSIER_CODE_FORMAT = "{agency}-{date:%y%m%d}-{seq:01d}"  # type: ignore[attr-defined]
    settings.MOTCUA_DOSSIER_CODE_REGEX = r"^.+-\d{6}-\d$"  # type: ignore[attr-defined]
    with pytest.raises(bulk.CodeFormatError, match="code format allows"):
        _load(20_000)


def test_eforms_are_valid_for_their_schema(reference: None) -> None:
    from motcua.catalog.models import ProcedureVersion

    rng = random.Random(1)
    ctx = {"address": "Thôn 3, xã Lâm Bình, tỉnh Tuyên Quang", "phone": "0912345678", "email": ""}
    for version in ProcedureVersion.objects.filter(status="published"):
        plan = bulk.eform_plan(version.eform_schema)
        for _ in range(5):
            data = {key: make(rng, ctx) for key, make in plan}
            assert eform_data_errors(version.eform_schema, data) == {}, version.procedure_id


def test_the_fast_clock_agrees_with_the_deadline_rules(db: None) -> None:
    cal = work_calendar(YEAR - 1, YEAR + 2, None)
    clock = bulk.WorkClock(cal, dt.date(YEAR - 1, 12, 1), dt.date(YEAR + 2, 12, 31))
    deadlines = bulk.Deadlines(clock)
    rng = random.Random(2)
    start = int(dt.datetime(YEAR, 1, 1, tzinfo=VN_TZ).timestamp())
    shares = [Decimal("60"), Decimal("30")]
    for _ in range(400):
        t = start + rng.randrange(360 * 86400)
        at = dt.datetime.fromtimestamp(t, VN_TZ)
        seconds = rng.choice([0, 60, 3600, 7 * 3600, 27_000, rng.randrange(1, 40 * 27_000)])
        assert clock.add(t, seconds) == int(
            add_working_time(cal, at, dt.timedelta(seconds=seconds)).timestamp()
        )
        u = t + rng.randrange(20 * 86400)
        assert clock.elapsed(t, u) == int(
            elapsed_working_time(cal, at, dt.datetime.fromtimestamp(u, VN_TZ)).total_seconds()
        )
        unit = rng.choice(["working_days", "days", "months", "working_hours"])
        limit = rng.choice([0, 1, 3, 6] if unit == "months" else [0, 1, 3, 5, 15, 30])
        cutoff = rng.choice([None, dt.time(15, 0)])
        due = compute_due(cal, at, limit, unit, cutoff)
        assert deadlines.due(t, limit, unit, cutoff) == int(due.timestamp())
        expected = [
            None if a is None else int(a.total_seconds())
            for a in allotted_times(cal, accepted_at=at, due_at=due, shares=shares)
        ]
        assert deadlines.allotted(t, int(due.timestamp()), shares) == expected
        allotted = rng.choice([0, 3600, 20 * 3600, rng.randrange(60, 30 * 27_000) // 60 * 60])
        handed = t + rng.randrange(1, 30 * 86400)
        got_due, got_outcome = deadlines.step(t, handed, allotted, [])
        delta = dt.timedelta(seconds=allotted)
        assert got_due == step_due(cal, started_at=at, allotted=delta)
        assert (
            got_outcome
            == classify_handover(
                cal,
                started_at=at,
                handed_over_at=dt.datetime.fromtimestamp(handed, VN_TZ),
                allotted=delta,
            ).value
        )


def test_a_lean_load_has_dossiers_and_events_only(reference: None) -> None:
    report = bulk.load(120, batch=50, seed=4, year=YEAR, side_rows=False)
    assert report.rows["dossier"] == 120 and report.rows["event"] > 600
    assert all(report.rows[t] == 0 for t in bulk.SIDE_TABLES)
    assert HandOver.objects.count() == Payment.objects.count() == Result.objects.count() == 0
    _check_chains()
    _check_codes_and_sequences()


def test_replicas_have_their_own_ids_codes_applicants_and_chains(reference: None) -> None:
    report = bulk.load(100, batch=40, seed=6, year=YEAR, side_rows=False, replicas=4)
    assert report.dossiers == Dossier.objects.count() == 100
    assert _check_chains() == 100
    _check_codes_and_sequences()
    names = Counter(Dossier.objects.values_list("applicant_name", flat=True))
    assert names.most_common(1)[0][1] < 10
    with pytest.raises(ValueError, match="lean"):
        bulk.load(10, year=YEAR, replicas=2)


def test_without_foreign_key_checks_the_rows_are_the_same(reference: None) -> None:
    # On PostgreSQL (as a superuser) the deferred checks are skipped; SQLite ignores it.
    bulk.load(60, batch=25, seed=8, year=YEAR, fk_checks=False)
    assert _check_chains() == 60
    _check_codes_and_sequences()
