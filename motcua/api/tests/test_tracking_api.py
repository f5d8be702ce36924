"""Public tracking (tra cứu hồ sơ): a dossier by its code and lookup secret, no sign-in.

The applicant sees the status, the public history with the reasons they must know, the
appointment and the results by code; never the personal data on file, the officials, the
internal hand-overs or who holds the dossier. A wrong secret and an unknown code are the
same 404. The applicant may withdraw with the secret. A part of an interconnected dossier is
followed through its group, not on its own.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from motcua.api.tests.dossier_support import TRACKING, Api, snapshot
from motcua.api.tests.support import assert_problem
from motcua.dossiers import services as svc
from motcua.dossiers.actors import Actor
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.tests.factories import (
    BIRTH,
    RESIDENCE,
    VALID_PERSONAL_ID,
    World,
    accepted_group,
    group_children,
    local,
    resolve_child,
)

pytestmark = pytest.mark.django_db

# The dossier test province, and dossier files in a directory of each test's own.

MON = local(2026, 11, 23, 9, 0)
INTERNAL_NOTE = "Nội bộ: anh Tuấn kiểm tra lại chữ ký"
TRACKING_KEYS = {
    "code",
    "procedure_name",
    "applicant_name",
    "state",
    "state_label",
    "national_status",
    "received_at",
    "accepted_at",
    "due_at",
    "timeliness",
    "return_method",
    "history",
    "results",
    "parts",
    "version",
}


def track(d: Dossier, secret: str | None = None, api: Api | None = None) -> Any:
    return (api or Api()).get(f"{TRACKING}{d.code}/", {"secret": secret or d.lookup_secret})


def withdraw(d: Dossier, body: dict[str, Any], api: Api | None = None) -> Any:
    return (api or Api()).post(f"{TRACKING}{d.code}/withdraw/", body)


def minute(n: int) -> dt.datetime:
    return MON + dt.timedelta(minutes=n)


@pytest.fixture
def resolved(world: World) -> Dossier:
    """A birth registration with a supplement, internal notes and an assignee, resolved."""
    reception = Actor.official(world.reception_a)
    specialist = Actor.official(world.specialist_a)
    leader = Actor.official(world.leader_a)
    d = world.accepted_birth(at=MON)
    svc.dossier_forward(dossier=d, actor=reception, note=INTERNAL_NOTE, at=minute(1))
    svc.dossier_request_supplement(
        dossier=d,
        actor=specialist,
        items=["Bản sao giấy chứng sinh"],
        reason="Giấy chứng sinh bị mờ",
        at=minute(2),
    )
    svc.dossier_complete_supplement(dossier=d, actor=reception, note="Đã nộp bản rõ", at=minute(3))
    svc.dossier_forward(
        dossier=d, actor=specialist, to_user_id=world.leader_a.pk, note=INTERNAL_NOTE, at=minute(4)
    )
    svc.dossier_approve(dossier=d, actor=leader, note=INTERNAL_NOTE, at=minute(5))
    svc.dossier_attach_result(
        dossier=d, actor=leader, name="Giấy khai sinh", kind="paper", at=minute(6)
    )
    svc.dossier_sign_result(dossier=d, actor=leader, at=minute(7))
    return Dossier.objects.get(pk=d.pk)


def test_the_applicant_sees_the_public_facts(world: World, resolved: Dossier) -> None:
    response = track(resolved, api=Api(language="en"))
    body = Api().ok(response)
    assert set(body) == TRACKING_KEYS
    assert (body["code"], body["state"], body["national_status"]) == (resolved.code, "resolved", 9)
    assert body["state_label"] == "Result ready"
    assert (body["procedure_name"], body["applicant_name"]) == (
        "Đăng ký khai sinh",
        "Nguyễn Văn Ánh",
    )
    assert dt.datetime.fromisoformat(body["received_at"]) == MON
    assert dt.datetime.fromisoformat(body["due_at"]) == resolved.due_at
    assert body["timeliness"] == "early"
    assert body["return_method"] == "counter"
    assert body["version"] == resolved.version
    assert body["parts"] == []
    assert body["results"] == [
        {"code": f"{resolved.code}-KQ1", "name": "Giấy khai sinh", "kind": "paper", "signed": True}
    ]
    # The history the applicant must know, reasons included; no hand-over, no approval.
    assert [(e["action"], e["state"], e["note"]) for e in body["history"]] == [
        ("receive", "received", ""),
        ("accept", "accepted", ""),
        ("request_supplement", "supplement_requested", "Giấy chứng sinh bị mờ"),
        ("complete_supplement", "processing", "Đã nộp bản rõ"),
        ("sign_result", "resolved", ""),
    ]
    assert {e["state_label"] for e in body["history"]} >= {"Supplement requested", "Result ready"}
    for event in body["history"]:
        assert set(event) == {"action", "at", "state", "state_label", "note"}


def test_nothing_personal_or_internal_is_shown(world: World, resolved: Dossier) -> None:
    text = track(resolved).content.decode()
    secrets_of_the_file = [
        VALID_PERSONAL_ID,
        "0912345678",
        "anh@example.vn",
        "1990-05-17",
        "Thôn Nà Héc",  # the address
        "Nguyễn Thị Hoà",  # the child, in the e-form
        resolved.lookup_secret,
        INTERNAL_NOTE,
        "Đồng ý",
    ]
    officials = [world.reception_a, world.specialist_a, world.leader_a]
    secrets_of_the_office = [
        *(u.get_full_name() for u in officials),
        *(u.username for u in officials),
        "Trần",
        "Thẩm định hồ sơ",  # workflow steps
        "Phê duyệt",
        world.commune_a.name,  # who holds it
        '"actor',
        "assignee",
        "current_",
        "hash",
        "forward",
        "approve",
        "attach_result",
        "email",
        "phone",
        "personal_id",
    ]
    for secret in secrets_of_the_file + secrets_of_the_office:
        assert secret not in text, secret
    assert json.loads(text)["code"] == resolved.code


@pytest.mark.parametrize("signed_in", ["anonymous", "official of the commune", "admin"])
def test_signing_in_shows_no_more(world: World, resolved: Dossier, signed_in: str) -> None:
    anonymous = track(resolved).json()
    api = {
        "anonymous": Api(),
        "official of the commune": Api(world.leader_a),
        "admin": Api(world.admin, session=True),
    }[signed_in]
    assert api.ok(track(resolved, api=api)) == anonymous


def test_a_wrong_secret_and_an_unknown_code_are_the_same_404(
    world: World, resolved: Dossier
) -> None:
    other = world.receive_birth()
    wrong = [
        track(resolved, "sai-ma-tra-cuu"),
        track(resolved, resolved.lookup_secret.upper()),
        track(resolved, resolved.lookup_secret[:-1]),
        track(resolved, other.lookup_secret),
        Api().get(f"{TRACKING}{resolved.code}X/", {"secret": resolved.lookup_secret}),
        Api().get(f"{TRACKING}001.01.30.H60-000000-0001/", {"secret": resolved.lookup_secret}),
    ]
    for response in wrong:
        assert_problem(response, 404, "not_found")
    assert len({r.content for r in wrong}) == 1, "a 404 never tells which half was wrong"
    # Spaces around a secret copied from the receipt are forgiven.
    assert track(resolved, f"  {resolved.lookup_secret} ").status_code == 200
    # A secret is always needed, and never longer than a secret can be.
    missing = Api().get(f"{TRACKING}{resolved.code}/")
    assert [e["field"] for e in assert_problem(missing, 422, "invalid_input")["errors"]] == [
        "secret"
    ]
    assert_problem(track(resolved, "x" * 65), 422, "invalid_input")
    assert_problem(track(resolved, "a\x00b"), 422, "invalid_input")


def test_the_applicant_withdraws_with_the_secret(world: World) -> None:
    d = world.accepted_birth()
    api = Api(language="en")
    before = snapshot(d)

    assert_problem(withdraw(d, {"secret": "sai", "version": d.version}), 404, "not_found")
    assert_problem(
        withdraw(d, {"secret": d.lookup_secret, "version": d.version - 1}), 409, "concurrent_change"
    )
    assert_problem(
        withdraw(d, {"secret": d.lookup_secret, "version": d.version, "code": "x"}),
        422,
        "invalid_input",
    )
    assert snapshot(d) == before

    body = api.ok(
        withdraw(
            d,
            {"secret": d.lookup_secret, "version": d.version, "reason": "Nộp nhầm thủ tục"},
            api=api,
        )
    )
    assert (body["state"], body["national_status"], body["version"]) == (
        "withdrawn",
        7,
        d.version + 1,
    )
    assert body["history"][-1] == {
        "action": "withdraw",
        "at": body["history"][-1]["at"],
        "state": "withdrawn",
        "state_label": "Withdrawn at the applicant's request",
        "note": "Nộp nhầm thủ tục",
    }
    event = DossierEvent.objects.filter(dossier=d).order_by("-seq").first()
    assert event is not None
    assert (event.action, event.actor_id, event.actor_label) == ("withdraw", None, "Nguyễn Văn Ánh")

    # Once withdrawn, again is a refused transition, in the documented code.
    again = withdraw(d, {"secret": d.lookup_secret, "version": body["version"]}, api=api)
    problem = assert_problem(again, 409, "illegal_transition")
    assert (problem["refusal"], problem["state"]) == ("wrong_state", "withdrawn")
    assert problem["detail"] == (
        "A dossier with status “Withdrawn at the applicant's request” cannot be withdrawn."
    )
    assert Dossier.objects.get(pk=d.pk).version == body["version"]


def test_a_returned_dossier_cannot_be_withdrawn(world: World, resolved: Dossier) -> None:
    svc.dossier_return_result(dossier=resolved, actor=Actor.official(world.reception_a))
    d = Dossier.objects.get(pk=resolved.pk)
    before = snapshot(d)
    problem = assert_problem(
        withdraw(d, {"secret": d.lookup_secret, "version": d.version}), 409, "illegal_transition"
    )
    assert problem["refusal"] == "wrong_state"
    assert snapshot(d) == before


def test_a_part_of_a_group_is_followed_through_its_group(world: World) -> None:
    group = accepted_group(world, MON)
    parts = group_children(group)
    birth, residence = parts[BIRTH], parts[RESIDENCE]

    # Each part has its own code and secret, but is not tracked on its own.
    for child in (birth, residence):
        assert_problem(track(child), 404, "not_found")
        assert track(child).content == track(group, "sai").content
        before = snapshot(child)
        assert_problem(
            withdraw(child, {"secret": child.lookup_secret, "version": child.version}),
            404,
            "not_found",
        )
        assert snapshot(child) == before

    body = Api().ok(track(group, api=Api(language="en")))
    assert (body["state"], body["national_status"]) == ("processing", 4)
    assert body["procedure_name"] == "Liên thông đăng ký khai sinh, đăng ký thường trú"
    assert [
        (p["procedure_name"], p["agency"], p["state"], p["state_label"]) for p in body["parts"]
    ] == [
        ("Đăng ký khai sinh", world.commune_a.name, "accepted", "Accepted"),
        ("Đăng ký thường trú", world.police.name, "accepted", "Accepted"),
    ]
    assert [dt.datetime.fromisoformat(p["due_at"]) for p in body["parts"]] == [
        birth.due_at,
        residence.due_at,
    ]
    text = track(group).content.decode()
    for hidden in (birth.code, residence.code, birth.lookup_secret, residence.lookup_secret):
        assert hidden not in text

    # The parts move on at their agencies; the applicant sees each one, then the group.
    resolve_child(birth, world.specialist_a, world.leader_a, minute(10))
    body = Api().ok(track(group))
    assert [p["state"] for p in body["parts"]] == ["resolved", "accepted"]
    assert body["state"] == "processing"
    resolve_child(residence, world.specialist_police, world.leader_police, minute(20))
    body = Api().ok(track(group))
    assert [p["state"] for p in body["parts"]] == ["resolved", "resolved"]
    assert (body["state"], body["national_status"]) == ("resolved", 9)
    assert body["history"][-1]["action"] == "finish_group"


def test_withdrawing_a_group_withdraws_its_parts(world: World) -> None:
    group = accepted_group(world, MON)
    body = Api().ok(withdraw(group, {"secret": group.lookup_secret, "version": group.version}))
    assert body["state"] == "withdrawn"
    assert [p["state"] for p in body["parts"]] == ["withdrawn", "withdrawn"]
    assert set(Dossier.objects.filter(parent=group).values_list("state", flat=True)) == {
        "withdrawn"
    }
