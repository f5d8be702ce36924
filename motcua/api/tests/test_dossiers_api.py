"""The dossier API: uploads, online submission and counter reception, the whole lifecycle
through one POST per action with optimistic concurrency, refusals as problems (nothing
stored), the list's filters, orderings, keyset pages and query budget, the events and the
control sheet."""

from __future__ import annotations

import datetime as dt
import fnmatch
import hashlib
import json
import re
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.translation import gettext

from motcua.api.tests.dossier_support import (
    APPLICANT,
    DOSSIERS,
    UPLOADS,
    Api,
    applicant_json,
    birth_body,
    birth_documents,
    counts,
    machine_client,
    snapshot,
    walk,
)
from motcua.api.tests.support import assert_problem
from motcua.catalog.models import RequiredDocument
from motcua.dossiers import audit
from motcua.dossiers.actors import Actor
from motcua.dossiers.models import DailySequence, Dossier, DossierState, UploadedFile
from motcua.dossiers.services import DocumentInput, dossier_receive, dossier_submit
from motcua.dossiers.storage import dossier_files
from motcua.dossiers.tests.factories import (
    BIRTH,
    CONSTRUCTION,
    World,
    applicant,
    local,
    pdf_bytes,
    pdf_upload,
)

pytestmark = pytest.mark.django_db

# The dossier test province, and dossier files in a directory of each test's own.

# A list page: the token; the caller's scope (is_province_admin, asked twice — by
# visible_dossiers and by agencies_in_scope — then the role paths); the page itself.
LIST_QUERY_BUDGET = 5


def url(dossier: Dossier | dict[str, Any] | int, action: str = "") -> str:
    pk = (
        dossier
        if isinstance(dossier, int)
        else (dossier["id"] if isinstance(dossier, dict) else dossier.pk)
    )
    return f"{DOSSIERS}{pk}/" + (f"{action}/" if action else "")


# --- uploads ---------------------------------------------------------------------------


def test_a_pdf_upload_is_checked_stored_and_described(world: World) -> None:
    api = Api(world.reception_a)
    content = pdf_bytes("Tờ khai khai sinh")
    body = api.ok(api.upload(content, "Tờ khai khai sinh.pdf"), 201)
    upload = UploadedFile.objects.get(pk=body["id"])
    assert body == {
        "id": upload.pk,
        "sha256": hashlib.sha256(content).hexdigest(),
        "size": len(content),
        "content_type": "application/pdf",
        "original_name": "Tờ khai khai sinh.pdf",
    }
    assert upload.owner == world.reception_a
    with dossier_files.open(upload.file.name, "rb") as stored:
        assert stored.read() == content


def test_a_text_file_named_pdf_is_refused_and_nothing_is_stored(
    world: World, settings: Any
) -> None:
    api = Api(world.reception_a, language="en")
    store = Path(settings.STORAGES["dossier_files"]["OPTIONS"]["location"])
    before = counts()
    response = api.upload(b"Day khong phai la tep PDF.\n" * 20, "to-khai.pdf", "application/pdf")
    body = assert_problem(response, 422, "upload_type_not_allowed")
    assert "whatever its name says" in body["detail"]
    assert body["allowed"] == ["application/pdf", "image/jpeg", "image/png"]
    assert [(e["field"], e["message"]) for e in body["errors"]] == [("file", body["detail"])]
    assert counts() == before
    assert not store.exists() or not any(store.rglob("*"))


def test_an_upload_needs_a_file_and_a_caller(world: World) -> None:
    api = Api(world.reception_a)
    body = assert_problem(api.client.post(UPLOADS, {}, headers=api.headers), 422, "invalid_input")
    assert [e["field"] for e in body["errors"]] == ["file"]
    assert_problem(Api().upload(pdf_bytes()), 401, "not_authenticated")
    assert UploadedFile.objects.count() == 0


# --- submission and reception -----------------------------------------------------------


def test_an_online_submission_with_its_papers(world: World) -> None:
    portal = Api(machine_client())
    documents = birth_documents(portal)
    body = portal.ok(portal.post(DOSSIERS, birth_body(world, documents)), 201)

    d = Dossier.objects.get(pk=body["id"])
    assert re.fullmatch(r"001\.01\.30\.H60-\d{6}-0001", d.code)
    assert body["code"] == d.code
    assert body["lookup_secret"] == d.lookup_secret and len(d.lookup_secret) >= 12
    assert (body["state"], body["national_status"], body["version"]) == ("submitted", 1, 1)
    assert (body["channel"], body["procedure_code"]) == ("online", BIRTH)
    assert body["procedure_name"] == "Đăng ký khai sinh"
    assert body["receiving_agency"]["id"] == world.center_a.pk
    assert body["competent_agency"] == {
        "id": world.commune_a.pk,
        "name": world.commune_a.name,
        "identifier": world.commune_a.identifier,
    }
    assert body["applicant"]["name"] == APPLICANT
    assert body["applicant"]["personal_id"] == "008090123456"
    assert body["eform_data"] == {"ho_ten_tre": "Nguyễn Thị Hoà", "ngay_sinh": "2026-11-20"}
    assert (body["accepted_at"], body["due_at"], body["timeliness"]) == (
        None,
        None,
        "not_applicable",
    )
    uploads = {u.pk: u for u in UploadedFile.objects.all()}
    assert [
        (doc["required_document_id"], doc["sha256"], doc["name"]) for doc in body["documents"]
    ] == [
        (given["required_document_id"], uploads[given["upload_id"]].sha256, given["name"])
        for given in documents
    ]
    assert [(f["name"], f["amount"]) for f in body["fees"]] == [("Lệ phí đăng ký khai sinh", 0)]
    [event] = d.events.all()
    assert (event.action, event.to_state, event.actor_label) == (
        "submit",
        "submitted",
        "cong.dichvucong",
    )
    assert DailySequence.objects.get(agency=world.center_a).last == 1


def test_a_counter_reception_by_the_desks_officer(world: World) -> None:
    officer = Api(world.reception_a)
    body = officer.ok(
        officer.post(f"{DOSSIERS}receive/", birth_body(world, channel="in_person")), 201
    )
    assert (body["state"], body["national_status"], body["channel"]) == ("received", 1, "in_person")
    assert body["documents"] == [] and body["lookup_secret"]
    d = Dossier.objects.get(pk=body["id"])
    assert d.created_by == world.reception_a
    assert [(e.action, e.actor_label) for e in d.events.all()] == [("receive", "Trần Lan")]

    # Only a reception officer of that desk receives there, and only at the counter.
    before = counts()
    other = Api(world.reception_b, language="en")
    refused = other.post(f"{DOSSIERS}receive/", birth_body(world, channel="in_person"))
    assert (
        "not a reception officer of this one-stop desk"
        in assert_problem(refused, 403, "forbidden")["detail"]
    )
    online = officer.post(f"{DOSSIERS}receive/", birth_body(world, channel="online"))
    assert [e["field"] for e in assert_problem(online, 422, "invalid_input")["errors"]] == [
        "channel"
    ]
    assert counts() == before


# --- the lifecycle ----------------------------------------------------------------------


def test_the_whole_lifecycle_through_the_api(world: World, tmp_path: Path) -> None:
    from motcua.documents.certificates import ensure_demo_certificates

    ensure_demo_certificates(directory=tmp_path / "demo-ca")  # signing seals the PDF result
    portal = Api(machine_client())
    reception, specialist, leader = (
        Api(world.reception_a),
        Api(world.specialist_a),
        Api(world.leader_a),
    )
    d = portal.ok(portal.post(DOSSIERS, birth_body(world, birth_documents(portal))), 201)
    code = d["code"]

    def act(api: Api, action: str, **body: Any) -> dict[str, Any]:
        nonlocal d
        after: dict[str, Any] = api.ok(api.post(url(d, action), {"version": d["version"], **body}))
        assert after["version"] == d["version"] + 1
        d = after
        return after

    act(reception, "accept")
    assert (d["state"], d["national_status"]) == ("accepted", 2)
    assert d["accepted_at"] and d["due_at"] and d["due_at"] == d["original_due_at"]
    assert d["current_agency_id"] == world.center_a.pk
    assert [s["name"] for s in d["workflow_steps"]] == ["Thẩm định hồ sơ", "Phê duyệt, ký kết quả"]

    act(reception, "forward", note="Chuyển thẩm định")
    assert (d["state"], d["current_step"], d["national_status"]) == ("processing", 1, 4)
    assert d["current_agency_id"] == world.commune_a.pk
    act(specialist, "forward", to_user_id=world.leader_a.pk)
    assert (d["current_step"], d["current_assignee_id"]) == (2, world.leader_a.pk)
    act(leader, "approve", note="Đồng ý")
    assert d["state"] == "approved"

    result = pdf_bytes("Giấy khai sinh")
    upload = leader.ok(leader.upload(result, "giay-khai-sinh.pdf"), 201)
    act(leader, "results", name="Giấy khai sinh", kind="electronic", upload_id=upload["id"])
    assert [(r["number"], r["code"], r["kind"], r["signed_at"]) for r in d["results"]] == [
        (1, f"{code}-KQ1", "electronic", None)
    ]
    assert d["results"][0]["sha256"] == hashlib.sha256(result).hexdigest()

    act(leader, "sign")
    assert (d["state"], d["national_status"]) == ("resolved", 9)
    assert d["results"][0]["signed_at"] and d["resolved_at"] and d["finished_at"]
    assert d["results"][0]["sha256"] != hashlib.sha256(result).hexdigest()  # the signed PDF
    assert d["current_agency_id"] == world.center_a.pk  # back at the return point
    act(reception, "return-result", note="Đã trao tận tay")
    assert (d["state"], d["national_status"]) == ("returned", 10)
    assert d["returned_at"] and d["timeliness"] in {"early", "on_time"}

    # The whole story is in the ledger, chained and continuous, and on the control sheet.
    events = reception.ok(reception.get(url(d, "events")))
    assert [(e["seq"], e["action"], e["from_state"], e["to_state"]) for e in events] == [
        (1, "submit", "", "submitted"),
        (2, "accept", "submitted", "accepted"),
        (3, "forward", "accepted", "processing"),
        (4, "forward", "processing", "processing"),
        (5, "approve", "processing", "approved"),
        (6, "attach_result", "approved", "approved"),
        (7, "sign_result", "approved", "resolved"),
        (8, "return_result", "resolved", "returned"),
    ]
    assert [e["actor_label"] for e in events] == [
        "cong.dichvucong",
        *["Trần Lan"] * 7,
    ]
    assert events[2]["reason"] == "Chuyển thẩm định"
    assert events[3]["data"] == {"from_step": 1, "to_step": 2, "to_user": world.leader_a.pk}
    assert events[5]["data"]["result"] == f"{code}-KQ1"
    assert events[-1]["hash"] == Dossier.objects.get(pk=d["id"]).last_event_hash
    [report] = [r for r in audit.verify_all() if r.dossier_id == d["id"]]
    assert not report.problems

    sheet = reception.ok(reception.get(url(d, "control-sheet")))
    with translation.override("vi"):
        desk = gettext("One-stop desk")
    assert [
        (
            row["from_step"],
            row["to_step"],
            row["step_name"],
            row["from_agency_id"],
            row["to_agency_id"],
            row["from_user_id"],
        )
        for row in sheet
    ] == [
        (None, 1, desk, world.center_a.pk, world.commune_a.pk, world.reception_a.pk),
        (1, 2, "Thẩm định hồ sơ", world.commune_a.pk, world.commune_a.pk, world.specialist_a.pk),
        (
            2,
            None,
            "Phê duyệt, ký kết quả",
            world.commune_a.pk,
            world.center_a.pk,
            world.leader_a.pk,
        ),
    ]
    assert sheet[0]["note"] == "Chuyển thẩm định"
    assert sheet[1]["to_user_id"] == world.leader_a.pk
    for row in sheet:
        assert row["outcome"] in {"early", "on_time", "late"}
        assert row["allotted_seconds"] and row["allotted_seconds"] > 0
        assert row["step_due_at"] and row["handed_over_at"] >= row["step_started_at"]


def test_a_stale_version_is_a_409_and_changes_nothing(world: World) -> None:
    d = world.receive_birth()
    officer = Api(world.reception_a, language="en")
    accepted = officer.ok(officer.post(url(d, "accept"), {"version": 1}))
    assert accepted["version"] == 2
    before = snapshot(d)
    body = assert_problem(officer.post(url(d, "forward"), {"version": 1}), 409, "concurrent_change")
    assert body["version"] == 2
    assert body["detail"] == (
        "Someone else changed this dossier meanwhile (version 2, you saw 1). Reload it and try "
        "again."
    )
    assert body["title"] == "Changed by someone else"
    assert snapshot(d) == before


def test_an_illegal_transition_is_a_409_in_the_callers_language(world: World) -> None:
    d = world.accepted_birth()
    before = snapshot(d)
    default = Api(world.reception_a).post(url(d, "accept"), {"version": d.version})
    english = Api(world.reception_a, language="en").post(url(d, "accept"), {"version": d.version})

    for response in (default, english):
        body = assert_problem(response, 409, "illegal_transition")
        assert (body["refusal"], body["state"], body["action"]) == (
            "wrong_state",
            "accepted",
            "accept",
        )
    assert english.json()["detail"] == "A dossier with status “Accepted” cannot be accepted."
    assert english.json()["title"] == "Not allowed in the current state"
    assert english["Content-Language"] == "en"
    # Vietnamese by default: whatever the catalogues translate is translated.
    with translation.override("vi"):
        state = str(DossierState.ACCEPTED.label)
        detail = gettext("A dossier with status “%(state)s” cannot be %(action)s.") % {
            "state": state,
            "action": gettext("accepted"),
        }
        title = gettext("Not allowed in the current state")
    assert default.json()["detail"] == detail
    assert default.json()["title"] == title == "Không được phép ở trạng thái hiện tại"
    assert default["Content-Language"] == "vi"
    assert snapshot(d) == before


def test_a_refusal_with_its_own_reason(world: World) -> None:
    d = world.accepted_birth()
    reception = Api(world.reception_a, language="en")
    forwarded = reception.ok(reception.post(url(d, "forward"), {"version": d.version}))
    specialist = Api(world.specialist_a, language="en")
    at_last = specialist.ok(specialist.post(url(d, "forward"), {"version": forwarded["version"]}))
    assert at_last["current_step"] == 2
    before = snapshot(d)
    leader = Api(world.leader_a, language="en")
    body = assert_problem(
        leader.post(url(d, "forward"), {"version": at_last["version"]}), 409, "illegal_transition"
    )
    assert (body["refusal"], body["state"], body["action"]) == (
        "last_step",
        "processing",
        "forward",
    )
    assert body["detail"] == "This is the last step: approve the dossier instead."
    # The specialist's step is over: the role check refuses them first.
    assert_problem(
        specialist.post(url(d, "forward"), {"version": at_last["version"]}), 403, "forbidden"
    )
    assert snapshot(d) == before


def test_an_official_without_the_role_is_refused_and_nothing_changes(world: World) -> None:
    d = world.accepted_birth()
    before = snapshot(d)
    # The specialist sees the dossier of their commune, but reception accepts, not them.
    specialist = Api(world.specialist_a)
    assert specialist.ok(specialist.get(url(d)))["id"] == d.pk
    assert_problem(
        specialist.post(url(d, "refuse"), {"version": d.version, "reason": "x"}), 403, "forbidden"
    )
    # A machine client never acts on dossiers.
    portal = Api(machine_client())
    assert_problem(portal.post(url(d, "forward"), {"version": d.version}), 404, "not_found")
    assert snapshot(d) == before


# --- bad input --------------------------------------------------------------------------


def _bad_bodies(world: World, own_docs: list[dict[str, Any]], foreign_upload: int) -> Any:
    good = birth_body(world, own_docs)
    return {
        "invalid personal ID": (
            {**good, "applicant": applicant_json(personal_id="999090123456")},
            422,
            "invalid_input",
            ["applicant.personal_id"],
        ),
        "too short personal ID": (
            {**good, "applicant": applicant_json(personal_id="12345")},
            422,
            "invalid_input",
            ["applicant.personal_id"],
        ),
        "invalid phone and e-mail": (
            {**good, "applicant": applicant_json(phone="123", email="not-an-email")},
            422,
            "invalid_input",
            ["applicant.phone", "applicant.email"],
        ),
        "unknown procedure": (
            {**good, "procedure_code": "9.999999"},
            422,
            "unknown_procedure",
            ["procedure"],
        ),
        "unknown group": (
            {**good, "procedure_code": "", "group_code": "khong-co"},
            422,
            "unknown_procedure",
            ["procedure"],
        ),
        "procedure and group": (
            {**good, "group_code": "lien-thong-khai-sinh"},
            422,
            "invalid_input",
            ["procedure"],
        ),
        "unknown field": ({**good, "is_admin": True}, 422, "invalid_input", ["is_admin"]),
        "unknown nested field": (
            {**good, "applicant": {**applicant_json(), "nickname": "Ánh"}},
            422,
            "invalid_input",
            ["applicant.nickname"],
        ),
        "wrong types": (
            {**good, "receiving_agency_id": "Lâm Bình", "documents": {}, "eform_data": []},
            422,
            "invalid_input",
            ["receiving_agency_id", "eform_data", "documents"],
        ),
        "missing applicant": (
            {k: v for k, v in good.items() if k != "applicant"},
            422,
            "invalid_input",
            ["applicant"],
        ),
        "unknown channel": ({**good, "channel": "fax"}, 422, "invalid_input", ["channel"]),
        "counter channel online": (
            {**good, "channel": "in_person"},
            422,
            "invalid_input",
            ["channel"],
        ),
        "id beyond 64 bits": (
            {**good, "receiving_agency_id": 2**63},
            422,
            "invalid_input",
            ["receiving_agency_id"],
        ),
        "unknown agency": (
            {**good, "receiving_agency_id": 987654},
            422,
            "invalid_input",
            ["receiving_agency_id"],
        ),
        "not a reception point": (
            {**good, "receiving_agency_id": world.commune_a.pk, "return_method": "online"},
            422,
            "invalid_input",
            ["receiving_agency"],
        ),
        "e-form field missing": (
            {**good, "eform_data": {"ngay_sinh": "2026-11-20"}},
            422,
            "invalid_input",
            # Reported on the form or on the field (catalog.schemas.eform_data_errors).
            ["eform*"],
        ),
        "papers missing online": (
            {**good, "documents": own_docs[:1]},
            422,
            "invalid_input",
            [f"documents.required.{own_docs[1]['required_document_id']}"],
        ),
        "someone else's upload": (
            {**good, "documents": [{**own_docs[0], "upload_id": foreign_upload}, own_docs[1]]},
            422,
            "invalid_input",
            ["documents.0.upload_id"],
        ),
        "NUL in a name": (
            {**good, "applicant": applicant_json(name="Nguyễn\x00Văn Ánh")},
            422,
            "invalid_input",
            ["applicant.name"],
        ),
        "a list, not an object": ([good], 422, "invalid_input", [None]),
        "malformed JSON": ('{"procedure_code": "1.001193",', 400, "malformed_json", None),
        "NaN": ('{"procedure_code": NaN}', 400, "malformed_json", None),
        "not UTF-8": (b'{"applicant": "\xff\xfe"}', 400, "malformed_json", None),
    }


def test_bad_input_is_a_4xx_problem_and_creates_nothing(world: World) -> None:
    portal = Api(machine_client(), language="en")
    own = birth_documents(portal)
    foreign = Api(world.reception_b).upload_pdf("không phải của tôi")
    cases = _bad_bodies(world, own, foreign)
    before = counts()
    for name, (body, status, code, fields) in cases.items():
        for endpoint in (DOSSIERS, f"{DOSSIERS}receive/"):
            if endpoint != DOSSIERS and name not in {"unknown field", "malformed JSON"}:
                continue
            response = portal.post(endpoint, body, headers={"Idempotency-Key": f"k-{name}"})
            problem = assert_problem(response, status, code)
            if fields is not None:
                got = [e["field"] for e in problem["errors"]]
                assert len(got) == len(fields), (name, problem)
                assert all(
                    g == f or (f and f.endswith("*") and fnmatch.fnmatch(g or "", f))
                    for g, f in zip(got, fields, strict=True)
                ), (name, problem)
                assert all(e["message"] for e in problem["errors"]), (name, problem)
    assert counts() == before, "a refused submission stored something"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("[" * 40 + "]" * 40, "The e-form data nests more than 32 levels deep."),
        ("1e400", "Numbers in the e-form data must be finite."),
        ('"\\ud800"', "The e-form data holds text that is not valid Unicode."),
        ('{"\\udfff": 1}', "The e-form data holds text that is not valid Unicode."),
    ],
    ids=["too deep", "infinite", "half a surrogate pair", "in a key"],
)
def test_e_form_data_no_json_column_can_hold_is_refused(
    world: World, value: str, message: str
) -> None:
    """Valid JSON text, but not storable JSON: it was a 500 (the serialiser or the encoder
    failed after validation)."""
    portal = Api(machine_client(), language="en")
    raw = json.dumps(birth_body(world, birth_documents(portal)))
    body = raw.replace('"eform_data": {', '"eform_data": {"x": ' + value + ", ", 1)
    before = counts()
    problem = assert_problem(portal.post(DOSSIERS, body), 422, "invalid_input")
    assert [(e["field"], e["message"]) for e in problem["errors"]] == [("eform_data", message)]
    assert counts() == before
    # As deep as an e-form goes is fine.
    fine = raw.replace('"eform_data": {', '"eform_data": {"x": ' + "[" * 31 + "]" * 31 + ", ", 1)
    assert portal.post(DOSSIERS, fine).status_code == 201


@pytest.mark.parametrize(
    "moment",
    [
        "0001-01-01T00:00:00+14:00",  # year 0 in UTC: stored, then unreadable
        "9999-12-31T23:59:59-14:00",  # year 10000 in UTC
        "1899-12-31T23:59:59Z",
        "2026-12-01T08:00:00",  # no offset: which time zone?
    ],
)
def test_a_moment_needs_its_offset_and_a_sane_year(world: World, moment: str) -> None:
    d = world.accepted_birth()
    reception, leader = Api(world.reception_a, language="en"), Api(world.leader_a)
    before = snapshot(d)
    attempts: list[tuple[Api, str, dict[str, Any], str]] = [
        (
            reception,
            "payments",
            {"amount": 1000, "method": "counter", "paid_at": moment},
            "paid_at",
        ),
        (leader, "extend", {"new_due_at": moment, "reason": "Xác minh"}, "new_due_at"),
    ]
    for api, action, body, field in attempts:
        response = api.post(url(d, action), {"version": d.version, **body})
        problem = assert_problem(response, 422, "invalid_input")
        assert [e["field"] for e in problem["errors"]] == [field]
    for name in ("due_before", "due_after"):
        problem = assert_problem(reception.get(DOSSIERS, {name: moment}), 422, "invalid_input")
        assert [e["field"] for e in problem["errors"]] == [name]
    assert snapshot(d) == before
    assert reception.ok(reception.get(url(d)))["id"] == d.pk


def test_an_oversized_body_is_a_413_and_creates_nothing(world: World, settings: Any) -> None:
    portal = Api(machine_client())
    body = birth_body(world, birth_documents(portal))
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 20_000
    before = counts()
    body["eform_data"]["ghi_chu"] = "Nhiều chữ. " * 3000
    problem = assert_problem(portal.post(DOSSIERS, body), 413, "payload_too_large")
    assert "20000" in problem["detail"]
    assert counts() == before


def test_bad_action_bodies_are_problems_and_change_nothing(world: World) -> None:
    d = world.accepted_birth()
    officer = Api(world.reception_a)
    before = snapshot(d)
    for action, body, status, code in [
        ("forward", {}, 422, "invalid_input"),
        ("forward", {"version": "two"}, 422, "invalid_input"),
        ("forward", {"version": 0}, 422, "invalid_input"),
        ("forward", {"version": d.version, "extra": 1}, 422, "invalid_input"),
        ("forward", {"version": d.version, "to_user_id": 999999}, 422, "invalid_input"),
        ("refuse", {"version": d.version, "reason": ""}, 422, "invalid_input"),
        ("ask-to-complete", {"version": d.version, "items": []}, 422, "invalid_input"),
        (
            "request-payment",
            {"version": d.version, "items": [{"name": "x", "amount": 0}]},
            422,
            "invalid_input",
        ),
        ("payments", {"version": d.version, "amount": 1, "method": "cash"}, 422, "invalid_input"),
        (
            "results",
            {"version": d.version, "name": "KQ", "kind": "paper", "upload_id": 999},
            422,
            "invalid_input",
        ),
        (
            "extend",
            {"version": d.version, "new_due_at": "tomorrow", "reason": "x"},
            422,
            "invalid_input",
        ),
        ("forward", "{", 400, "malformed_json"),
    ]:
        response = officer.post(url(d, action), body)
        assert_problem(response, status, code)
    assert_problem(officer.post(f"{DOSSIERS}0/forward/", {"version": 1}), 422, "invalid_input")
    assert_problem(officer.post(f"{DOSSIERS}abc/forward/", {"version": 1}), 422, "invalid_input")
    assert_problem(
        officer.post(f"{DOSSIERS}{2**63}/forward/", {"version": 1}), 422, "invalid_input"
    )
    assert_problem(officer.post(f"{DOSSIERS}987654/forward/", {"version": 1}), 404, "not_found")
    assert_problem(officer.get(url(d, "nowhere")), 404, "not_found")
    assert_problem(officer.request("DELETE", url(d)), 405, "method_not_allowed")
    assert snapshot(d) == before


# --- the list ---------------------------------------------------------------------------


def at(day: int, hour: int = 9, minute: int = 0) -> dt.datetime:
    return local(2026, 11, day, hour, minute)


def online_birth(world: World, when: dt.datetime, **over: Any) -> Dossier:
    required = RequiredDocument.objects.filter(version__procedure__code=BIRTH).order_by("pk")
    docs = [
        DocumentInput(upload=pdf_upload(f"{when}-{r.pk}"), required_document_id=r.pk)
        for r in required
    ]
    spec = world.birth_spec(channel="online", documents=docs, **over)
    return dossier_submit(spec=spec, actor=Actor.applicant("Công dân"), at=when)


@pytest.fixture
def listed(world: World) -> dict[str, Dossier]:
    """Dossiers of both communes and the province desk, on different days, channels and
    states; two received at the same moment."""
    hong = applicant(
        name="Lê Thị Hồng",
        phone="0987654321",
        personal_id="008192654321",
        birth_date=dt.date(1992, 3, 4),
    )
    return {
        "received": world.receive_birth(at=at(2)),
        "accepted_early": world.accepted_birth(at=at(3)),
        "accepted_late": world.accepted_birth(at=at(5), applicant=hong),
        "online": online_birth(world, at(4, 10)),
        "construction": world.submit_construction(at=at(6)),
        "commune_b": dossier_receive(
            spec=world.birth_spec(
                receiving_agency=world.center_b,
                competent_agency=world.commune_b,
                applicant=applicant(name="Trần Văn Bình"),
            ),
            actor=Actor.official(world.reception_b),
            at=at(3, 10),
        ),
        "tie_1": world.receive_birth(at=at(7, 8)),
        "tie_2": world.receive_birth(at=at(7, 8)),
    }


def names(items: list[dict[str, Any]], listed: dict[str, Dossier]) -> set[str]:
    by_id = {d.pk: name for name, d in listed.items()}
    return {by_id[item["id"]] for item in items}


def test_each_official_lists_the_dossiers_in_their_scope(
    world: World, listed: dict[str, Dossier]
) -> None:
    everyone = set(listed)
    commune_a = everyone - {"construction", "commune_b"}
    for user, expected in [
        (world.admin, everyone),
        (world.auditor, everyone),
        (world.reception_a, commune_a),
        (world.leader_a, commune_a),
        (world.reception_b, {"commune_b"}),
        (world.reception_province, {"construction"}),
        (world.specialist_police, set()),
    ]:
        api = Api(user)
        assert names(walk(api, DOSSIERS), listed) == expected, user.username


def test_a_list_item_says_what_a_desk_needs(world: World, listed: dict[str, Dossier]) -> None:
    api = Api(world.reception_a, language="en")
    items = walk(api, DOSSIERS)
    [item] = [i for i in items if i["id"] == listed["accepted_late"].pk]
    d = listed["accepted_late"]
    assert item == {
        "id": d.pk,
        "code": d.code,
        "procedure_code": BIRTH,
        "procedure_name": "Đăng ký khai sinh",
        "applicant_name": "Lê Thị Hồng",
        "state": "accepted",
        "state_label": "Accepted",
        "national_status": 2,
        "channel": "in_person",
        "receiving_agency_id": world.center_a.pk,
        "competent_agency_id": world.commune_a.pk,
        "current_agency_id": world.center_a.pk,
        "received_at": item["received_at"],
        "accepted_at": item["accepted_at"],
        "due_at": item["due_at"],
        "finished_at": None,
        "past_due": True,  # due in November 2026 and never forwarded
        "version": d.version,
    }
    assert dt.datetime.fromisoformat(item["received_at"]) == at(5)
    assert dt.datetime.fromisoformat(item["due_at"]) == d.due_at


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status": "accepted"}, {"accepted_early", "accepted_late"}),
        (
            {"status": ["accepted", "submitted"]},
            {"accepted_early", "accepted_late", "online", "construction"},
        ),
        ({"procedure": CONSTRUCTION}, {"construction"}),
        ({"procedure": BIRTH, "channel": "online"}, {"online"}),
        ({"channel": "online"}, {"online", "construction"}),
        (
            {"q": "nguyen van anh"},
            {"received", "accepted_early", "online", "construction", "tie_1", "tie_2"},
        ),
        (
            {"q": "Nguyễn Văn Ánh"},
            {"received", "accepted_early", "online", "construction", "tie_1", "tie_2"},
        ),
        (
            {"q": "NGUYỄN   văn"},
            {"received", "accepted_early", "online", "construction", "tie_1", "tie_2"},
        ),
        ({"q": "le thi hong"}, {"accepted_late"}),
        ({"q": "Hồng"}, {"accepted_late"}),
        ({"q": "tran van binh"}, {"commune_b"}),
        ({"q": "0987654321"}, {"accepted_late"}),
        ({"q": "008192654321"}, {"accepted_late"}),
        ({"q": "-261105-"}, {"accepted_late"}),
        ({"q": "không ai"}, set()),
        ({"q": "%"}, set()),
        ({"status": "returned"}, set()),
    ],
)
def test_the_list_filters(
    world: World, listed: dict[str, Dossier], params: dict[str, Any], expected: set[str]
) -> None:
    assert names(walk(Api(world.admin), DOSSIERS, **params), listed) == expected


def test_the_list_filters_by_agency_and_by_appointment(
    world: World, listed: dict[str, Dossier]
) -> None:
    api = Api(world.admin)
    commune_a = set(listed) - {"construction", "commune_b"}
    assert names(walk(api, DOSSIERS, agency=world.commune_a.pk), listed) == commune_a
    assert names(walk(api, DOSSIERS, agency=world.center_a.pk), listed) == commune_a
    assert names(walk(api, DOSSIERS, agency=world.commune_b.pk), listed) == {"commune_b"}
    assert names(walk(api, DOSSIERS, agency=world.province_center.pk), listed) == {"construction"}
    assert names(walk(api, DOSSIERS, agency=world.police.pk), listed) == set()

    early, late = listed["accepted_early"].due_at, listed["accepted_late"].due_at
    assert early is not None and late is not None and early < late
    iso = late.isoformat()
    assert names(walk(api, DOSSIERS, due_before=iso), listed) == {"accepted_early"}
    assert names(walk(api, DOSSIERS, due_after=iso), listed) == {"accepted_late"}
    both = {
        "due_after": early.isoformat(),
        "due_before": (late + dt.timedelta(seconds=1)).isoformat(),
    }
    assert names(walk(api, DOSSIERS, **both), listed) == {"accepted_early", "accepted_late"}
    # A B official filtering on commune A still sees only their own.
    assert walk(Api(world.reception_b), DOSSIERS, agency=world.commune_a.pk) == []


def _expected_order(rows: list[Dossier], order: str) -> list[int]:
    column = order.lstrip("-")
    descending = order.startswith("-")
    present = [d for d in rows if getattr(d, column) is not None]
    missing = [d for d in rows if getattr(d, column) is None]
    present.sort(key=lambda d: (getattr(d, column), d.pk), reverse=descending)
    missing.sort(key=lambda d: d.pk, reverse=descending)
    return [d.pk for d in present + missing]


@pytest.mark.parametrize("order", ["-received_at", "received_at", "due_at", "-due_at"])
def test_keyset_pages_walk_every_dossier_once_in_order(
    world: World, listed: dict[str, Dossier], order: str
) -> None:
    api = Api(world.admin)
    expected = _expected_order(list(Dossier.objects.all()), order)
    for limit in (1, 2, 3, 50):
        items = walk(api, DOSSIERS, order=order, limit=limit)
        ids = [i["id"] for i in items]
        assert len(ids) == len(set(ids)) == len(listed)
        assert ids == expected, limit
        if order == "-received_at":  # the default
            assert walk(api, DOSSIERS, limit=limit) == items


def test_a_cursor_belongs_to_its_list(world: World, listed: dict[str, Dossier]) -> None:
    api = Api(world.admin)
    page = api.ok(api.get(DOSSIERS, {"limit": 2}))
    assert page["next"]
    assert_problem(
        api.get(DOSSIERS, {"limit": 2, "order": "due_at", "cursor": page["next"]}),
        400,
        "invalid_cursor",
    )
    assert_problem(api.get(DOSSIERS, {"cursor": page["next"][:-2] + "xx"}), 400, "invalid_cursor")
    assert_problem(api.get(DOSSIERS, {"order": "code"}), 422, "invalid_input")
    assert_problem(api.get(DOSSIERS, {"status": "lost"}), 422, "invalid_input")
    assert_problem(api.get(DOSSIERS, {"due_before": "soon"}), 422, "invalid_input")
    assert_problem(api.get(DOSSIERS, {"limit": 201}), 422, "invalid_input")


def _many(world: World, start: int, stop: int) -> None:
    for i in range(start, stop):
        when = at(2 + i % 20, 8 + i % 8, i % 60)
        if i % 3 == 0:
            world.accepted_birth(at=when)
        elif i % 3 == 1:
            world.receive_birth(at=when, applicant=applicant(name=f"Nguyễn Văn Ánh {i}"))
        else:
            world.submit_construction(at=when)


def _list_queries(api: Api, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    with CaptureQueriesContext(connection) as captured:
        body = api.ok(api.get(DOSSIERS, params))
    sql = [q["sql"].upper() for q in captured.captured_queries]
    assert not any("COUNT(" in s for s in sql), sql
    return len(sql), body


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"order": "due_at", "limit": 50},
        {
            "q": "nguyen van anh",
            "status": ["received", "accepted", "submitted"],
            "agency": 0,
            "due_after": "2020-01-01T00:00:00+07:00",
            "order": "-due_at",
        },
        {"procedure": BIRTH, "channel": "in_person", "order": "received_at"},
    ],
)
def test_a_list_page_costs_the_same_for_5_and_for_60_dossiers(
    world: World, django_assert_max_num_queries: Any, params: dict[str, Any]
) -> None:
    if params.get("agency") == 0:
        params = {**params, "agency": world.commune_a.pk}
    api = Api(world.manager_a)  # scoped by role: the subqueries of visible_dossiers run
    admin = Api(world.admin)
    api.get(DOSSIERS)  # the token records its first use once
    admin.get(DOSSIERS)
    _many(world, 0, 5)
    small, body = _list_queries(api, params)
    small_admin, _ = _list_queries(admin, params)
    _many(world, 5, 60)
    with django_assert_max_num_queries(LIST_QUERY_BUDGET):
        large, body = _list_queries(api, params)
    large_admin, _ = _list_queries(admin, params)
    assert (small, small_admin) == (large, large_admin)
    assert body["items"], "the large list has rows on its first page"
    if not params:
        assert len(body["items"]) == 40 and body["next"] is None  # commune A's 40 of 60
        following = api.ok(api.get(DOSSIERS, {"limit": 15}))
        with django_assert_max_num_queries(LIST_QUERY_BUDGET):
            api.ok(api.get(DOSSIERS, {"limit": 15, "cursor": following["next"]}))


def test_the_detail_of_a_dossier(world: World, listed: dict[str, Dossier]) -> None:
    d = listed["construction"]
    api = Api(world.reception_province, language="en")
    body = api.ok(api.get(url(d)))
    assert (body["code"], body["procedure_code"], body["state"]) == (
        d.code,
        CONSTRUCTION,
        "submitted",
    )
    assert body["competent_agency"]["id"] == world.construction.pk
    assert body["receiving_agency"]["id"] == world.province_center.pk
    assert body["fee_total"] == 75000 and body["paid_total"] == 0
    assert [(f["name"], f["amount"]) for f in body["fees"]] == [
        ("Lệ phí cấp giấy phép xây dựng", 75000)
    ]
    assert body["eform_data"] == {"dia_diem": "Tổ 5, phường Minh Xuân"}
    assert [doc["content_type"] for doc in body["documents"]] == ["application/pdf"]
    assert "lookup_secret" not in body
    events = api.ok(api.get(url(d, "events")))
    assert [(e["seq"], e["action"], e["actor_label"]) for e in events] == [
        (1, "submit", "Công dân")
    ]
    assert events[0]["data"] == {"code": d.code, "channel": "online", "documents": 1}
    assert api.ok(api.get(url(d, "control-sheet"))) == []
