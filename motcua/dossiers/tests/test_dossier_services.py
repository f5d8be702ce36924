"""Each dossier service's effect on the stored facts (rules.md §3–§5).

Every successful change is checked to write exactly one event with the right from/to
states and to increment the dossier's version; every refused call to store nothing.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from motcua.catalog.models import Procedure, RequiredDocument
from motcua.core.errors import (
    ConcurrentChange,
    DomainError,
    Forbidden,
    IllegalTransition,
    InvalidInput,
)
from motcua.dossiers import services as svc
from motcua.dossiers.actors import Actor
from motcua.dossiers.audit import verify_all
from motcua.dossiers.models import (
    DailySequence,
    Document,
    Dossier,
    DossierEvent,
    Payment,
    Result,
    SupplementRequest,
)
from motcua.dossiers.services import ApplicantInput, DocumentInput, NewDossier
from motcua.dossiers.tests.factories import (
    BIRTH,
    CONSTRUCTION,
    World,
    applicant,
    dossier_row,
    local,
    pdf_upload,
    store_counts,
)
from motcua.org.models import Role
from motcua.org.tests.factories import make_user
from motcua.workflow.models import HandOver, StepAgency
from motcua.workflow.services import StepInput, workflow_define
from motcua.worktime.calendar import to_local

CODE_RE = re.compile(r"^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}-\d{6}-\d{4}$")
# Tuesday 24 November 2026, an ordinary working week.
TUE = local(2026, 11, 24, 9, 0)
APPLICANT = Actor.applicant("Nguyễn Văn Ánh")


def official(user: Any) -> Actor:
    return Actor.official(user)


def reload(d: Dossier) -> Dossier:
    return Dossier.objects.get(pk=d.pk)


def change(
    d: Dossier,
    service: Callable[..., Any],
    *,
    event: tuple[str, str, str],
    at: dt.datetime,
    **kwargs: Any,
) -> tuple[Dossier, DossierEvent, Any]:
    """Run ``service`` on ``d`` (with the version just read) and check it wrote exactly one
    event ``(action, from, to)``, moved the chain's head and incremented the version."""
    before = reload(d)
    out = service(dossier=d.pk, expected_version=before.version, at=at, **kwargs)
    after = reload(d)
    new = list(after.events.filter(seq__gt=before.event_count).order_by("seq"))
    assert [(e.action, e.from_state, e.to_state) for e in new] == [event]
    assert new[0].seq == before.event_count + 1
    assert after.event_count == before.event_count + 1
    assert after.last_event_hash == new[0].hash
    assert new[0].prev_hash == before.last_event_hash
    assert after.version == before.version + 1
    assert after.state == event[2]
    return after, new[0], out


def refused(
    d: Dossier | None,
    service: Callable[..., Any],
    error: type[DomainError],
    *,
    code: str | None = None,
    **kwargs: Any,
) -> DomainError:
    """Run ``service`` expecting ``error``; nothing may be stored or changed."""
    counts = store_counts()
    row = dossier_row(d) if d is not None else None
    if d is not None:
        kwargs["dossier"] = d.pk
    kwargs.setdefault("at", local(2026, 11, 25, 9, 0))
    with pytest.raises(error) as info:
        service(**kwargs)
    assert store_counts() == counts
    if d is not None:
        assert dossier_row(d) == row
    if code is not None:
        assert info.value.code == code
    return info.value


def forward(world: World, d: Dossier, at: dt.datetime, user: Any = None) -> Dossier:
    actor = official(user or (world.reception_a if d.state == "accepted" else world.specialist_a))
    return svc.dossier_forward(dossier=d.pk, actor=actor, at=at)


def processing_birth(world: World, *, at: dt.datetime = TUE, step: int = 1) -> Dossier:
    """A birth registration accepted at ``at``, forwarded an hour later to ``step``."""
    d = world.accepted_birth(at=at)
    d = forward(world, d, at + dt.timedelta(hours=1))
    for n in range(1, step):
        d = forward(world, d, at + dt.timedelta(hours=1 + n))
    return reload(d)


def approved_birth(world: World, *, at: dt.datetime = TUE) -> Dossier:
    d = processing_birth(world, at=at, step=2)
    svc.dossier_approve(dossier=d.pk, actor=official(world.leader_a), at=at + dt.timedelta(hours=3))
    return reload(d)


# --- codes -------------------------------------------------------------------------------


def test_code_format_and_daily_sequence_per_agency_and_local_day(world: World) -> None:
    a1 = world.receive_birth(at=local(2026, 11, 24, 8, 0))
    a2 = world.receive_birth(at=local(2026, 11, 24, 14, 0))
    # 23:30 and, after local midnight, 00:30 are both 24 November in UTC.
    a3 = world.receive_birth(at=local(2026, 11, 24, 23, 30))
    a4 = world.receive_birth(at=local(2026, 11, 25, 0, 30))
    assert a3.received_at.astimezone(dt.UTC).date() == a4.received_at.astimezone(dt.UTC).date()
    b1 = dossier_receive_b(world, at=local(2026, 11, 24, 10, 0))
    p1 = world.submit_construction(at=local(2026, 11, 24, 11, 0))

    codes = [x.code for x in (a1, a2, a3, a4, b1, p1)]
    assert all(CODE_RE.fullmatch(c) for c in codes), codes
    assert codes == [
        "001.01.30.H60-261124-0001",
        "001.01.30.H60-261124-0002",
        "001.01.30.H60-261124-0003",
        "001.01.30.H60-261125-0001",  # a new local day starts again at 1
        "001.02.30.H60-261124-0001",  # another desk has its own sequence
        "000.00.20.H60-261124-0001",
    ]
    rows = {
        (r.agency_id, r.day): r.last
        for r in DailySequence.objects.all()  # one counter per (desk, local day)
    }
    assert rows == {
        (world.center_a.pk, dt.date(2026, 11, 24)): 3,
        (world.center_a.pk, dt.date(2026, 11, 25)): 1,
        (world.center_b.pk, dt.date(2026, 11, 24)): 1,
        (world.province_center.pk, dt.date(2026, 11, 24)): 1,
    }
    # The code never changes, also not on acceptance.
    accepted = svc.dossier_accept(dossier=a1.pk, actor=official(world.reception_a), at=TUE)
    assert accepted.code == reload(a1).code == "001.01.30.H60-261124-0001"


def dossier_receive_b(world: World, *, at: dt.datetime) -> Dossier:
    spec = world.birth_spec(receiving_agency=world.center_b, competent_agency=world.commune_b)
    return svc.dossier_receive(spec=spec, actor=official(world.reception_b), at=at)


def test_refused_creation_issues_no_number(world: World) -> None:
    first = world.receive_birth(at=TUE)
    refused(
        None,
        svc.dossier_receive,
        InvalidInput,
        spec=world.birth_spec(applicant=applicant(personal_id="123")),
        actor=official(world.reception_a),
        at=TUE,
    )
    second = world.receive_birth(at=TUE)
    assert (first.code[-4:], second.code[-4:]) == ("0001", "0002")  # gap-free


def test_creation_stores_the_filing(world: World) -> None:
    d = world.submit_construction(at=TUE)
    assert d.state == "submitted"
    assert (d.version, d.event_count) == (1, 1)
    [event] = d.events.all()
    assert (event.action, event.from_state, event.to_state) == ("submit", "", "submitted")
    assert event.data == {"code": d.code, "channel": "online", "documents": 1}
    assert d.competent_agency == world.construction
    assert d.fee_total == 75000 and d.paid_total == 0
    assert [(f.name, f.amount) for f in d.fees.all()] == [("Lệ phí cấp giấy phép xây dựng", 75000)]
    [doc] = d.documents.all()
    assert doc.required_document == RequiredDocument.objects.get(
        version__procedure__code=CONSTRUCTION
    )
    assert doc.content_type == "application/pdf" and len(doc.sha256) == 64
    assert d.received_at == TUE and d.accepted_at is None and d.due_at is None


# --- acceptance: the appointment ------------------------------------------------------


@pytest.mark.parametrize(
    ("accepted_at", "due_at"),
    [
        # Tuesday 09:00 + 3 working days: the acceptance day is not counted.
        (local(2026, 11, 24, 9, 0), local(2026, 11, 27, 17, 0)),
        (local(2026, 11, 24, 14, 59), local(2026, 11, 27, 17, 0)),
        # At or after the 15:00 cut-off: counted from Wednesday.
        (local(2026, 11, 24, 15, 0), local(2026, 11, 30, 17, 0)),
        (local(2026, 11, 24, 16, 30), local(2026, 11, 30, 17, 0)),
        # On a Sunday: as if accepted at Monday's opening.
        (local(2026, 11, 29, 10, 0), local(2026, 12, 3, 17, 0)),
        # Giỗ Tổ (Mon 27 Apr, compensatory) and 30 Apr – 1 May 2026 are off.
        (local(2026, 4, 24, 9, 0), local(2026, 5, 4, 17, 0)),
        # Mon 31 Aug swapped off, 1–2 Sep 2026 holidays.
        (local(2026, 8, 28, 9, 0), local(2026, 9, 7, 17, 0)),
        # Sat 22 Aug 2026 is a swapped working day.
        (local(2026, 8, 21, 9, 0), local(2026, 8, 25, 17, 0)),
    ],
    ids=lambda v: f"{v:%a %d %b %H:%M}",
)
def test_acceptance_stores_the_appointment(
    world: World, accepted_at: dt.datetime, due_at: dt.datetime
) -> None:
    d = world.receive_birth(at=accepted_at - dt.timedelta(minutes=5))
    d, event, _ = change(
        d,
        svc.dossier_accept,
        event=("accept", "received", "accepted"),
        actor=official(world.reception_a),
        at=accepted_at,
    )
    assert d.accepted_at == accepted_at
    assert d.due_at == due_at
    assert d.original_due_at == due_at
    assert event.data == {"due_at": due_at.isoformat()}
    assert d.current_agency == world.center_a  # at the desk until forwarded
    assert d.step_started_at == accepted_at
    assert d.finished_at is None


def test_acceptance_without_cutoff_counts_the_same_day(world: World) -> None:
    d = world.submit_construction(at=local(2026, 11, 24, 16, 0))
    d = svc.dossier_accept(
        dossier=d.pk, actor=official(world.reception_province), at=local(2026, 11, 24, 16, 0)
    )
    # 15 working days after Tue 24 Nov: 25–27 Nov, 30 Nov – 4 Dec, 7–11 Dec, 14–15 Dec.
    assert d.due_at == local(2026, 12, 15, 17, 0)


# --- acceptance: the workflow is copied ------------------------------------------------


def test_default_workflow_is_copied_with_allotted_time(world: World) -> None:
    d = world.accepted_birth(at=TUE)
    # Tue 09:00 → Fri 17:00 is 6 + 7.5 + 7.5 + 7.5 = 28.5 working hours.
    assert d.workflow_steps == [
        {
            "name": "Thẩm định hồ sơ",
            "role": "specialist",
            "agency": world.commune_a.pk,
            "share": "60",
            "allotted_seconds": 61560,  # 60 % of 28.5 h = 17 h 06
        },
        {
            "name": "Phê duyệt, ký kết quả",
            "role": "leader",
            "agency": world.commune_a.pk,
            "share": "30",
            "allotted_seconds": 30780,  # 30 % = 8 h 33
        },
    ]
    assert d.current_step is None


def _birth_procedure() -> Procedure:
    return Procedure.objects.get(code=BIRTH)


def test_configured_workflow_for_the_competent_agency_is_used(world: World) -> None:
    desk_specialist = make_user(
        "a.motcua", agency=world.center_a, roles=[Role.SPECIALIST], first_name="Hà"
    )
    workflow_define(
        procedure=_birth_procedure(),
        competent_agency=world.commune_a,
        name="Khai sinh — xã Lâm Bình",
        steps=[
            StepInput(
                "Kiểm tra tại bộ phận một cửa",
                Role.SPECIALIST,
                Decimal("10"),
                agency_rule=StepAgency.RECEIVING,
            ),
            StepInput("Thẩm định", Role.SPECIALIST, Decimal("40")),
            StepInput(
                "Ý kiến Công an",
                Role.SPECIALIST,
                Decimal("20"),
                agency_rule=StepAgency.FIXED,
                agency=world.police,
            ),
            StepInput("Ký", Role.LEADER, Decimal("30")),
        ],
    )
    d = world.accepted_birth(at=TUE)
    assert [(s["name"], s["role"], s["agency"], s["share"]) for s in d.workflow_steps] == [
        ("Kiểm tra tại bộ phận một cửa", "specialist", world.center_a.pk, "10.00"),
        ("Thẩm định", "specialist", world.commune_a.pk, "40.00"),
        ("Ý kiến Công an", "specialist", world.police.pk, "20.00"),
        ("Ký", "leader", world.commune_a.pk, "30.00"),
    ]
    # 28.5 h split 10/40/20/30 %, in whole minutes.
    assert [s["allotted_seconds"] for s in d.workflow_steps] == [10260, 41040, 20520, 30780]

    # The desk forwards to step 1; each step goes to its own agency.
    d = forward(world, d, TUE + dt.timedelta(hours=1))
    assert (d.current_step, d.current_agency) == (1, world.center_a)
    d = forward(world, d, TUE + dt.timedelta(hours=2), user=desk_specialist)
    assert (d.current_step, d.current_agency) == (2, world.commune_a)
    d = forward(world, d, TUE + dt.timedelta(hours=3), user=world.specialist_a)
    assert (d.current_step, d.current_agency) == (3, world.police)
    # Only the police handle step 3.
    refused(d, svc.dossier_forward, Forbidden, actor=official(world.specialist_a))
    d = forward(world, d, TUE + dt.timedelta(hours=4), user=world.specialist_police)
    assert (d.current_step, d.current_agency) == (4, world.commune_a)
    rows = HandOver.objects.filter(dossier=d).order_by("id")
    assert [(r.from_agency_id, r.to_agency_id) for r in rows] == [
        (world.center_a.pk, world.center_a.pk),
        (world.center_a.pk, world.commune_a.pk),
        (world.commune_a.pk, world.police.pk),
        (world.police.pk, world.commune_a.pk),
    ]


def test_configured_default_workflow_applies_where_no_agency_has_its_own(world: World) -> None:
    workflow_define(
        procedure=_birth_procedure(),
        competent_agency=None,
        name="Khai sinh — mặc định của tỉnh",
        steps=[StepInput("Thẩm định và ký", Role.LEADER, Decimal("100"))],
    )
    workflow_define(
        procedure=_birth_procedure(),
        competent_agency=world.commune_b,
        name="Khai sinh — xã Na Hang",
        steps=[
            StepInput("Thẩm định", Role.SPECIALIST, Decimal("50")),
            StepInput("Ký", Role.LEADER, Decimal("50")),
        ],
    )
    a = world.accepted_birth(at=TUE)
    b = svc.dossier_accept(
        dossier=dossier_receive_b(world, at=TUE).pk, actor=official(world.reception_b), at=TUE
    )
    assert [(s["name"], s["agency"], s["allotted_seconds"]) for s in a.workflow_steps] == [
        ("Thẩm định và ký", world.commune_a.pk, 102600)  # all 28.5 h
    ]
    assert [s["name"] for s in b.workflow_steps] == ["Thẩm định", "Ký"]
    # A one-step workflow: forwarded to step 1, which approves.
    a = forward(world, a, TUE + dt.timedelta(hours=1))
    refused(
        a, svc.dossier_forward, IllegalTransition, code="last_step", actor=official(world.leader_a)
    )
    change(
        a,
        svc.dossier_approve,
        event=("approve", "processing", "approved"),
        actor=official(world.leader_a),
        at=TUE + dt.timedelta(hours=2),
    )


def test_a_changed_workflow_does_not_change_accepted_dossiers(world: World) -> None:
    d = world.accepted_birth(at=TUE)
    before = d.workflow_steps
    workflow_define(
        procedure=_birth_procedure(),
        competent_agency=world.commune_a,
        name="Mới",
        steps=[StepInput("Ký", Role.LEADER, Decimal("100"))],
    )
    assert reload(d).workflow_steps == before
    assert [s["name"] for s in world.accepted_birth(at=TUE).workflow_steps] == ["Ký"]


# --- forward / return: the control sheet (Mẫu 06) ------------------------------------


def test_forward_writes_control_sheet_rows(world: World) -> None:
    d = world.accepted_birth(at=TUE)
    d, event, _ = change(
        d,
        svc.dossier_forward,
        event=("forward", "accepted", "processing"),
        actor=official(world.reception_a),
        to_user_id=world.specialist_a.pk,
        note="Chuyển thẩm định",
        at=local(2026, 11, 24, 10, 0),
    )
    assert (d.current_step, d.current_agency, d.current_assignee) == (
        1,
        world.commune_a,
        world.specialist_a,
    )
    assert d.step_started_at == local(2026, 11, 24, 10, 0)
    assert event.data == {"from_step": None, "to_step": 1, "to_user": world.specialist_a.pk}
    desk = HandOver.objects.get(event=event)
    assert (desk.from_step, desk.to_step) == (None, 1)
    # Stored in the language of the province (Vietnamese), as printed on Mẫu 06.
    assert desk.step_name == "Bộ phận một cửa"
    assert (desk.from_agency, desk.to_agency) == (world.center_a, world.commune_a)
    assert (desk.from_user, desk.to_user) == (world.reception_a, world.specialist_a)
    assert desk.step_started_at == TUE
    # The desk has the 10 % the steps leave: 2 h 51 of 28.5 h, due 13:51 after lunch.
    assert desk.allotted == dt.timedelta(hours=2, minutes=51)
    assert desk.step_due_at == local(2026, 11, 24, 13, 51)
    assert desk.outcome == "on_time"  # same day as its due time
    assert desk.note == "Chuyển thẩm định"


@pytest.mark.parametrize(
    ("handed_over_at", "outcome"),
    [
        (local(2026, 11, 25, 10, 0), "early"),  # a day before the step's due date
        (local(2026, 11, 26, 14, 6), "on_time"),  # exactly at the step's due time
        (local(2026, 11, 26, 14, 7), "late"),
        (local(2026, 11, 27, 9, 0), "late"),
    ],
)
def test_step_outcome_against_its_allotted_time(
    world: World, handed_over_at: dt.datetime, outcome: str
) -> None:
    d = processing_birth(world)  # at step 1 since Tue 10:00, allotted 17 h 06
    d, event, _ = change(
        d,
        svc.dossier_forward,
        event=("forward", "processing", "processing"),
        actor=official(world.specialist_a),
        at=handed_over_at,
    )
    row = HandOver.objects.get(event=event)
    assert (row.from_step, row.to_step, row.step_name) == (1, 2, "Thẩm định hồ sơ")
    assert row.step_started_at == local(2026, 11, 24, 10, 0)
    assert row.allotted == dt.timedelta(hours=17, minutes=6)
    # Tue 10:00 + 17 h 06 working: Tue 5 h, Wed 7.5 h, Thu 4 h 36 → Thu 14:06.
    assert row.step_due_at == local(2026, 11, 26, 14, 6)
    assert row.outcome == outcome
    assert d.step_started_at == handed_over_at


def test_return_to_previous_step_needs_a_reason(world: World) -> None:
    d = processing_birth(world, step=2)
    refused(
        d, svc.dossier_return_to_previous, InvalidInput, actor=official(world.leader_a), reason="  "
    )
    d, event, _ = change(
        d,
        svc.dossier_return_to_previous,
        event=("return_to_previous", "processing", "processing"),
        actor=official(world.leader_a),
        reason="Thiếu xác minh",
        at=local(2026, 11, 25, 9, 0),
    )
    assert (d.current_step, d.current_agency, d.current_assignee) == (1, world.commune_a, None)
    assert event.reason == "Thiếu xác minh"
    assert event.data == {"from_step": 2, "to_step": 1}
    row = HandOver.objects.get(event=event)
    assert (row.from_step, row.to_step, row.note) == (2, 1, "Thiếu xác minh")
    assert row.allotted == dt.timedelta(hours=8, minutes=33)
    assert row.outcome == "on_time"
    # There is no step before the first.
    refused(
        d,
        svc.dossier_return_to_previous,
        IllegalTransition,
        code="first_step",
        actor=official(world.specialist_a),
        reason="x",
    )


def test_return_from_approval_goes_back_to_the_last_step(world: World) -> None:
    d = approved_birth(world)
    d, event, _ = change(
        d,
        svc.dossier_return_to_previous,
        event=("return_to_previous", "approved", "processing"),
        actor=official(world.leader_a),
        reason="Sai tên",
        at=TUE + dt.timedelta(hours=4),
    )
    assert d.current_step == 2
    assert HandOver.objects.get(event=event).outcome == ""  # no step time was running


def test_forward_to_an_official_without_the_role_is_refused(world: World) -> None:
    d = world.accepted_birth(at=TUE)
    refused(
        d,
        svc.dossier_forward,
        InvalidInput,
        actor=official(world.reception_a),
        to_user_id=world.specialist_b.pk,
    )
    refused(
        d, svc.dossier_forward, InvalidInput, actor=official(world.reception_a), to_user_id=10**6
    )


def test_stale_version_is_refused(world: World) -> None:
    d = world.accepted_birth(at=TUE)
    error = refused(
        d,
        svc.dossier_forward,
        ConcurrentChange,
        actor=official(world.reception_a),
        expected_version=d.version - 1,
    )
    assert error.details == {"version": d.version}


# --- supplement during processing ------------------------------------------------------


def test_supplement_pauses_once(world: World, tmp_path: Path) -> None:
    d = processing_birth(world)
    refused(
        d,
        svc.dossier_request_supplement,
        InvalidInput,
        actor=official(world.specialist_a),
        items=[" "],
        reason="Thiếu giấy tờ",
    )
    d, event, _ = change(
        d,
        svc.dossier_request_supplement,
        event=("request_supplement", "processing", "supplement_requested"),
        actor=official(world.specialist_a),
        items=["Giấy chứng sinh bản chính"],
        reason="Bản sao không rõ",
        at=local(2026, 11, 25, 9, 0),
    )
    assert d.supplement_requests == 1 and d.current_step == 1
    [request] = SupplementRequest.objects.filter(dossier=d)
    assert (request.at_intake, request.items, request.reason) == (
        False,
        ["Giấy chứng sinh bản chính"],
        "Bản sao không rõ",
    )
    assert request.requested_at == local(2026, 11, 25, 9, 0) and request.completed_at is None
    assert (event.reason, event.data) == ("Bản sao không rõ", {"items": request.items})
    # The clock is paused: nobody can move the dossier on meanwhile.
    refused(d, svc.dossier_forward, IllegalTransition, actor=official(world.specialist_a))

    d, event, _ = change(
        d,
        svc.dossier_complete_supplement,
        event=("complete_supplement", "supplement_requested", "processing"),
        actor=APPLICANT,
        documents=[DocumentInput(upload=pdf_upload("bổ sung"), name="Giấy chứng sinh")],
        at=local(2026, 11, 26, 9, 0),
    )
    request.refresh_from_db()
    assert request.completed_at == local(2026, 11, 26, 9, 0)
    [doc] = Document.objects.filter(dossier=d)
    assert doc.supplement == request and doc.name == "Giấy chứng sinh"
    assert event.data == {"documents": [doc.sha256]}
    assert d.current_step == 1 and d.resume_state == ""
    assert d.due_at == local(2026, 11, 27, 17, 0)  # the appointment itself is not moved

    # Only once.
    refused(
        d,
        svc.dossier_request_supplement,
        IllegalTransition,
        code="supplement_once",
        actor=official(world.specialist_a),
        items=["x"],
        reason="y",
    )

    # The step's own due time is shifted by the 7.5 working hours paused: Thu 14:06 →
    # Fri 14:06, so a hand-over on Friday morning is on time, not late.
    d, event, _ = change(
        d,
        svc.dossier_forward,
        event=("forward", "processing", "processing"),
        actor=official(world.specialist_a),
        at=local(2026, 11, 27, 10, 0),
    )
    row = HandOver.objects.get(event=event)
    assert row.step_due_at == local(2026, 11, 27, 14, 6)
    assert row.outcome == "on_time"


# --- completion at intake (Mẫu 02) -------------------------------------------------------


@pytest.mark.parametrize("online", [False, True])
def test_ask_to_complete_at_intake_then_complete(world: World, online: bool) -> None:
    if online:
        d = world.submit_construction(at=TUE)
        desk, origin = world.reception_province, "submitted"
    else:
        d = world.receive_birth(at=TUE)
        desk, origin = world.reception_a, "received"
    refused(d, svc.dossier_ask_to_complete, InvalidInput, actor=official(desk), items=[])
    d, event, _ = change(
        d,
        svc.dossier_ask_to_complete,
        event=("ask_to_complete", origin, "intake_incomplete"),
        actor=official(desk),
        items=["Tờ khai có chữ ký"],
        reason="Tờ khai chưa ký",
        at=TUE + dt.timedelta(minutes=10),
    )
    assert (d.resume_state, d.intake_completion_requested) == (origin, True)
    [request] = SupplementRequest.objects.filter(dossier=d)
    assert request.at_intake and request.items == ["Tờ khai có chữ ký"]
    assert event.data == {"items": ["Tờ khai có chữ ký"]}
    refused(d, svc.dossier_accept, IllegalTransition, actor=official(desk))

    d, _, _ = change(
        d,
        svc.dossier_complete_supplement,
        event=("complete_supplement", "intake_incomplete", origin),
        actor=APPLICANT,
        at=TUE + dt.timedelta(hours=1),
    )
    assert d.resume_state == ""
    request.refresh_from_db()
    assert request.completed_at == TUE + dt.timedelta(hours=1)
    # Asked once only; then accepted as usual.
    refused(
        d,
        svc.dossier_ask_to_complete,
        IllegalTransition,
        code="already_asked_to_complete",
        actor=official(desk),
        items=["x"],
    )
    d, _, _ = change(
        d,
        svc.dossier_accept,
        event=("accept", origin, "accepted"),
        actor=official(desk),
        at=TUE + dt.timedelta(hours=2),
    )
    assert d.supplement_requests == 0  # an intake request is not a processing supplement


# --- financial obligation ---------------------------------------------------------------


def _construction_processing(world: World) -> Dossier:
    d = world.submit_construction(at=TUE)
    d = svc.dossier_accept(dossier=d.pk, actor=official(world.reception_province), at=TUE)
    return svc.dossier_forward(
        dossier=d.pk, actor=official(world.reception_province), at=TUE + dt.timedelta(hours=1)
    )


def test_payment_request_partial_and_full_payment(world: World) -> None:
    d = _construction_processing(world)
    clerk = official(world.reception_province)
    refused(
        d,
        svc.dossier_request_payment,
        InvalidInput,
        actor=official(world.specialist_construction),
        items=[("Thuế", 0)],
    )
    d, event, _ = change(
        d,
        svc.dossier_request_payment,
        event=("request_payment", "processing", "awaiting_payment"),
        actor=official(world.specialist_construction),
        items=[("Lệ phí trước bạ", 500000)],
        reason="Nghĩa vụ tài chính",
        at=TUE + dt.timedelta(hours=1, minutes=30),
    )
    assert (d.fee_total, d.paid_total, d.resume_state) == (575000, 0, "processing")
    assert event.data == {"items": [{"name": "Lệ phí trước bạ", "amount": 500000}]}
    assert [f.amount for f in d.fees.all()] == [75000, 500000]

    d, event, payment = change(
        d,
        svc.dossier_record_payment,
        event=("record_payment", "awaiting_payment", "awaiting_payment"),
        actor=clerk,
        amount=75000,
        method="counter",
        reference="BL-0001",
        at=TUE + dt.timedelta(hours=2),
    )
    assert d.paid_total == 75000 and d.resume_state == "processing"
    assert event.data["payment"] == payment.pk and event.data["amount"] == 75000

    paid_at = TUE + dt.timedelta(hours=3)
    d, event, payment = change(
        d,
        svc.dossier_record_payment,
        event=("record_payment", "awaiting_payment", "processing"),
        actor=clerk,
        amount=500000,
        method="province_gateway",
        reference="VNPAY-778899",
        paid_at=paid_at,
        at=paid_at + dt.timedelta(minutes=2),
    )
    assert (d.paid_total, d.resume_state, d.current_step) == (575000, "", 1)
    assert (payment.amount, payment.method, payment.paid_at) == (
        500000,
        "province_gateway",
        paid_at,
    )
    assert list(Payment.objects.filter(dossier=d).values_list("amount", flat=True)) == [
        75000,
        500000,
    ]
    # The same transaction reported twice is refused and stored once.
    refused(
        d,
        svc.dossier_record_payment,
        ConcurrentChange,
        code="payment_already_recorded",
        actor=clerk,
        amount=500000,
        method="province_gateway",
        reference="VNPAY-778899",
    )
    refused(d, svc.dossier_record_payment, InvalidInput, actor=clerk, amount=-5, method="counter")
    refused(d, svc.dossier_record_payment, InvalidInput, actor=clerk, amount=5, method="cash")


def test_payment_after_approval_resumes_the_approval(world: World) -> None:
    d = approved_birth(world)
    d, _, _ = change(
        d,
        svc.dossier_request_payment,
        event=("request_payment", "approved", "awaiting_payment"),
        actor=official(world.leader_a),
        items=[("Phí cấp bản sao", 8000)],
        at=TUE + dt.timedelta(hours=4),
    )
    d, _, _ = change(
        d,
        svc.dossier_record_payment,
        event=("record_payment", "awaiting_payment", "approved"),
        actor=official(world.reception_a),
        amount=8000,
        method="counter",
        at=TUE + dt.timedelta(hours=5),
    )
    assert d.current_step == 2


# --- result, signature, return ---------------------------------------------------------


def test_results_signature_and_return(world: World) -> None:
    d = approved_birth(world)
    refused(
        d,
        svc.dossier_sign_result,
        IllegalTransition,
        code="no_result",
        actor=official(world.leader_a),
    )
    refused(
        d,
        svc.dossier_attach_result,
        InvalidInput,
        actor=official(world.leader_a),
        name="Giấy khai sinh",
        kind="electronic",
    )
    d, event, first = change(
        d,
        svc.dossier_attach_result,
        event=("attach_result", "approved", "approved"),
        actor=official(world.leader_a),
        name="Giấy khai sinh (bản điện tử)",
        kind="electronic",
        upload=pdf_upload("giay khai sinh"),
        at=TUE + dt.timedelta(hours=5),
    )
    d, _, second = change(
        d,
        svc.dossier_attach_result,
        event=("attach_result", "approved", "approved"),
        actor=official(world.specialist_a),
        name="Giấy khai sinh (bản giấy)",
        kind="paper",
        at=TUE + dt.timedelta(hours=5, minutes=10),
    )
    assert (first.code, second.code) == (f"{d.code}-KQ1", f"{d.code}-KQ2")
    assert (first.number, second.number) == (1, 2)
    assert first.sha256 and first.file and not second.file
    assert event.data == {"result": first.code, "kind": "electronic", "sha256": first.sha256}

    signed_at = local(2026, 11, 24, 16, 0)
    d, event, _ = change(
        d,
        svc.dossier_sign_result,
        event=("sign_result", "approved", "resolved"),
        actor=official(world.leader_a),
        at=signed_at,
    )
    assert d.resolved_at == signed_at and d.finished_at == signed_at
    assert d.current_agency == world.center_a  # sent to the return point
    assert [(r.signed_at, r.signed_by) for r in Result.objects.filter(dossier=d)] == [
        (signed_at, world.leader_a),
        (signed_at, world.leader_a),
    ]
    row = HandOver.objects.get(event=event)
    assert (row.from_step, row.to_step) == (2, None)
    assert (row.from_agency, row.to_agency) == (world.commune_a, world.center_a)
    # Step 2 began Tue 11:00 with 8 h 33: due Wed 14:03; signed on Tuesday, early.
    assert row.step_due_at == local(2026, 11, 25, 14, 3)
    assert row.outcome == "early"
    refused(
        d,
        svc.dossier_attach_result,
        IllegalTransition,
        actor=official(world.leader_a),
        name="x",
        kind="paper",
    )

    returned_at = local(2026, 11, 27, 8, 0)
    d, event, _ = change(
        d,
        svc.dossier_return_result,
        event=("return_result", "resolved", "returned"),
        actor=official(world.reception_a),
        at=returned_at,
    )
    assert d.returned_at == returned_at
    assert d.finished_at == signed_at  # processing ended once, at the signature
    assert d.national_status == 10
    assert [e.action for e in d.events.order_by("seq")] == [
        "receive",
        "accept",
        "forward",
        "forward",
        "approve",
        "attach_result",
        "attach_result",
        "sign_result",
        "return_result",
    ]
    assert all(report.ok for report in verify_all())


# --- extension (Mẫu 04) ------------------------------------------------------------------


def test_extension_once_with_reason_before_the_last_working_day(world: World) -> None:
    d = processing_birth(world)  # due Fri 27 Nov 17:00
    leader = official(world.leader_a)
    new_due = local(2026, 12, 2, 17, 0)
    refused(d, svc.dossier_extend, InvalidInput, actor=leader, new_due_at=new_due, reason="")
    refused(
        d,
        svc.dossier_extend,
        InvalidInput,
        actor=leader,
        reason="Cần xác minh",
        new_due_at=local(2026, 11, 27, 17, 0),
        at=local(2026, 11, 25, 9, 0),
    )
    refused(
        d,
        svc.dossier_extend,
        Forbidden,
        actor=official(world.specialist_a),
        reason="Cần xác minh",
        new_due_at=new_due,
        at=local(2026, 11, 25, 9, 0),
    )
    # After the close of Thursday, the working day before the appointment: too late.
    refused(
        d,
        svc.dossier_extend,
        IllegalTransition,
        code="extension_too_late",
        actor=leader,
        reason="Cần xác minh",
        new_due_at=new_due,
        at=local(2026, 11, 26, 17, 0, 1),
    )
    d, event, _ = change(
        d,
        svc.dossier_extend,
        event=("extend", "processing", "processing"),
        actor=leader,
        new_due_at=new_due,
        reason="Cần xác minh tại nơi cư trú",
        at=local(2026, 11, 26, 17, 0),
    )
    assert d.due_at == new_due and d.extensions == 1
    assert d.original_due_at == local(2026, 11, 27, 17, 0)
    assert event.reason == "Cần xác minh tại nơi cư trú"
    assert set(event.data) == {"old_due_at", "new_due_at"}
    assert dt.datetime.fromisoformat(event.data["old_due_at"]) == local(2026, 11, 27, 17, 0)
    assert dt.datetime.fromisoformat(event.data["new_due_at"]) == new_due
    refused(
        d,
        svc.dossier_extend,
        IllegalTransition,
        code="extension_once",
        actor=leader,
        reason="Lần hai",
        new_due_at=local(2026, 12, 9, 17, 0),
        at=local(2026, 11, 27, 9, 0),
    )


def test_extension_deadline_skips_days_off(world: World) -> None:
    # Accepted Fri 28 Aug 2026: due Mon 7 Sep; the working day before it is Fri 4 Sep.
    d = processing_birth(world, at=local(2026, 8, 28, 9, 0))
    assert d.due_at == local(2026, 9, 7, 17, 0)
    leader = official(world.leader_a)
    refused(
        d,
        svc.dossier_extend,
        IllegalTransition,
        code="extension_too_late",
        actor=leader,
        reason="x",
        new_due_at=local(2026, 9, 10, 17, 0),
        at=local(2026, 9, 5, 9, 0),
    )
    change(
        d,
        svc.dossier_extend,
        event=("extend", "processing", "processing"),
        actor=leader,
        reason="x",
        new_due_at=local(2026, 9, 10, 17, 0),
        at=local(2026, 9, 4, 16, 0),
    )


# --- stop, withdraw, refuse -------------------------------------------------------------


def test_stop_needs_a_reason_and_ends_processing(world: World) -> None:
    d = processing_birth(world)
    refused(d, svc.dossier_stop, InvalidInput, actor=official(world.leader_a), reason="")
    stopped_at = local(2026, 11, 25, 9, 0)
    d, event, _ = change(
        d,
        svc.dossier_stop,
        event=("stop", "processing", "stopped"),
        actor=official(world.manager_a),  # the centre's manager may stop too
        reason="Người nộp không đến bổ sung",
        at=stopped_at,
    )
    assert d.finished_at == stopped_at and event.reason == "Người nộp không đến bổ sung"
    assert d.national_status == 8


def test_withdraw_before_and_after_acceptance(world: World) -> None:
    early = world.receive_birth(at=TUE)
    early, _, _ = change(
        early,
        svc.dossier_withdraw,
        event=("withdraw", "received", "withdrawn"),
        actor=APPLICANT,
        reason="Nộp nhầm",
        at=TUE + dt.timedelta(hours=1),
    )
    assert early.finished_at is None  # never accepted: not measured

    d = processing_birth(world)
    at = local(2026, 11, 25, 9, 0)
    d, event, _ = change(
        d,
        svc.dossier_withdraw,
        event=("withdraw", "processing", "withdrawn"),
        actor=APPLICANT,
        reason="Không còn nhu cầu",
        at=at,
    )
    assert d.finished_at == at and d.national_status == 7
    assert event.reason == "Không còn nhu cầu" and event.actor is None
    # The agency then stops it (Mẫu 05); processing had already ended at the withdrawal.
    d, _, _ = change(
        d,
        svc.dossier_stop,
        event=("stop", "withdrawn", "stopped"),
        actor=official(world.leader_a),
        reason="Theo đề nghị rút hồ sơ",
        at=at + dt.timedelta(hours=1),
    )
    assert d.finished_at == at
    refused(d, svc.dossier_withdraw, IllegalTransition, actor=APPLICANT)


def test_refuse_at_intake_needs_a_reason(world: World) -> None:
    d = world.receive_birth(at=TUE)
    refused(d, svc.dossier_refuse, InvalidInput, actor=official(world.reception_a), reason=" ")
    d, event, _ = change(
        d,
        svc.dossier_refuse,
        event=("refuse", "received", "refused"),
        actor=official(world.reception_a),
        reason="Không thuộc thẩm quyền",
        at=TUE + dt.timedelta(minutes=20),
    )
    assert event.reason == "Không thuộc thẩm quyền"
    assert d.finished_at is None and d.national_status == 3


def test_refuse_after_appraisal_by_the_leader(world: World) -> None:
    d = processing_birth(world)
    refused(d, svc.dossier_refuse, Forbidden, actor=official(world.specialist_a), reason="x")
    refused(d, svc.dossier_refuse, Forbidden, actor=official(world.reception_a), reason="x")
    at = local(2026, 11, 25, 9, 0)
    d, _, _ = change(
        d,
        svc.dossier_refuse,
        event=("refuse", "processing", "refused"),
        actor=official(world.leader_a),
        reason="Giấy tờ giả mạo",
        at=at,
    )
    assert d.finished_at == at


# --- bad input stores nothing ----------------------------------------------------------


def _files(tmp_path: Path) -> list[Path]:
    root = tmp_path / "files"
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.mark.parametrize(
    ("case", "fields"),
    [
        ("personal_id", {"applicant.personal_id"}),
        ("personal_id_birth_year", {"applicant.personal_id"}),
        ("unknown_procedure", {"procedure"}),
        # A missing required field is reported on the field itself.
        ("eform", {"eform.dia_diem"}),
        ("eform_type", {"eform.dia_diem"}),
        ("missing_document", {"documents.required.{req}"}),
        ("not_a_reception_point", {"receiving_agency"}),
        ("wrong_competent_agency", {"competent_agency"}),
        (
            "several",
            {"applicant.name", "applicant.phone", "eform.dia_diem", "documents.required.{req}"},
        ),
        ("channel", {"channel"}),
    ],
)
def test_bad_submissions_store_nothing(
    world: World, tmp_path: Path, case: str, fields: set[str]
) -> None:
    req = RequiredDocument.objects.get(version__procedure__code=CONSTRUCTION)
    with_file = [DocumentInput(upload=pdf_upload("x"), required_document_id=req.pk)]
    over: dict[str, Any] = {
        "personal_id": {"applicant": applicant(personal_id="12345")},
        # 008 0 90…: a man born in 1990, not in 2001.
        "personal_id_birth_year": {
            "applicant": applicant(birth_date=dt.date(2001, 1, 1)),
            "documents": with_file,
        },
        "unknown_procedure": {"procedure_code": "9.999999"},
        "eform": {"eform_data": {}, "documents": with_file},
        "eform_type": {"eform_data": {"dia_diem": 12}},
        "missing_document": {"documents": []},
        "not_a_reception_point": {"receiving_agency": world.construction},
        "wrong_competent_agency": {"competent_agency": world.police},
        "several": {
            "applicant": applicant(name=" ", phone="12"),
            "eform_data": {"dia_diem": None},
            "documents": [],
        },
        "channel": {"channel": "in_person"},
    }[case]
    counts = store_counts()
    with pytest.raises(InvalidInput) as info:
        world.submit_construction(at=TUE, **over)
    errors = info.value.details["errors"]
    assert set(errors) == {f.format(req=req.pk) for f in fields}
    assert all(isinstance(message, str) and message for message in errors.values())
    assert store_counts() == counts
    assert _files(tmp_path) == []


def test_bad_counter_reception_stores_nothing(world: World) -> None:
    cases: list[tuple[dict[str, Any], set[str]]] = [
        ({"competent_agency": world.construction}, {"competent_agency"}),
        ({"eform_data": {"ngay_sinh": "2026-11-20"}}, {"eform.ho_ten_tre"}),
        ({"eform_data": {"ho_ten_tre": "A", "ngay_sinh": "20/11/2026"}}, {"eform.ngay_sinh"}),
        (
            {"eform_data": {"ho_ten_tre": "A", "ngay_sinh": "2026-11-20", "so_dinh_danh_me": "1"}},
            {"eform.so_dinh_danh_me"},
        ),
        (
            {"applicant": ApplicantInput(kind="organisation", name="Công ty A", org_code="123")},
            {"applicant.org_code"},
        ),
    ]
    for over, fields in cases:
        counts = store_counts()
        with pytest.raises(InvalidInput) as info:
            world.receive_birth(at=TUE, **over)
        assert set(info.value.details["errors"]) == fields, over
        assert store_counts() == counts


def test_only_a_reception_point_receives(world: World) -> None:
    counts = store_counts()
    # A reception officer of the commune's centre is not one at the commune itself.
    with pytest.raises(Forbidden):
        world.receive_birth(at=TUE, receiving_agency=world.commune_a)
    # The province administrator may act anywhere, but the commune is no one-stop desk.
    with pytest.raises(InvalidInput) as info:
        svc.dossier_receive(
            spec=world.birth_spec(receiving_agency=world.commune_a),
            actor=official(world.admin),
            at=TUE,
        )
    assert set(info.value.details["errors"]) == {"receiving_agency", "return_agency"}
    assert store_counts() == counts


def test_unknown_group_is_invalid_input(world: World) -> None:
    spec = NewDossier(
        applicant=applicant(),
        receiving_agency=world.center_a,
        channel="in_person",
        group_code="khong-co",
    )
    counts = store_counts()
    with pytest.raises(InvalidInput) as info:
        svc.dossier_receive(spec=spec, actor=official(world.reception_a), at=TUE)
    assert info.value.code == "unknown_procedure"
    assert set(info.value.details["errors"]) == {"procedure"}
    assert store_counts() == counts


def test_dossier_times_are_stored_in_utc_and_read_back_local(world: World) -> None:
    d = world.accepted_birth(at=TUE)
    assert to_local(d.due_at).hour == 17
    assert reload(d).due_at == d.due_at
    assert DossierEvent.objects.filter(dossier=d).count() == 2
