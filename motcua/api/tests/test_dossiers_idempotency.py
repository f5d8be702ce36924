"""Submitting with an ``Idempotency-Key``: a retry gets the first response, byte for byte,
and never a second dossier; the key is the caller's own; a key reused for another request is
refused. Under real concurrency (threads on PostgreSQL, processes on a scratch database of
either engine) exactly one dossier is created and the day's numbers stay gap-free."""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from motcua.api.tests.dossier_support import (
    DOSSIERS,
    Api,
    after_the_race,
    birth_body,
    birth_documents,
    counts,
    hold_inside_the_transaction,
    machine_client,
    submit_racing,
)
from motcua.api.tests.support import assert_problem
from motcua.dossiers.models import DailySequence, Dossier, IdempotencyRecord
from motcua.dossiers.tests.concurrency_support import (
    Scratch,
    is_postgres,
    run_in_scratch,
    scratch_database,
)
from motcua.dossiers.tests.factories import World, build_world

# The dossier test province, and dossier files in a directory of each test's own.

ON_POSTGRES = is_postgres(os.environ.get("DATABASE_URL", ""))
KEY = "9b1f2c6e-3d7a-4e0b-8f51-2a6c9d0e7b34"


def submit(api: Api, body: Any, key: str | None = KEY) -> Any:
    return api.post(DOSSIERS, body, headers={"Idempotency-Key": key} if key else {})


@pytest.fixture
def portal(world: World) -> Api:
    return Api(machine_client())


@pytest.fixture
def body(world: World, portal: Api) -> dict[str, Any]:
    submission: dict[str, Any] = birth_body(world, birth_documents(portal))
    return submission


@pytest.mark.django_db
def test_a_retry_gets_the_first_response_byte_for_byte(portal: Api, body: dict[str, Any]) -> None:
    first = submit(portal, body)
    assert first.status_code == 201, first.content
    before = counts()
    again = submit(portal, body)
    assert again.status_code == 201
    assert again.content == first.content
    assert again["Content-Type"] == first["Content-Type"] == "application/json; charset=utf-8"
    assert counts() == before
    assert Dossier.objects.count() == IdempotencyRecord.objects.count() == 1
    d = Dossier.objects.get()
    assert first.json()["code"] == d.code and first.json()["lookup_secret"] == d.lookup_secret


@pytest.mark.django_db
def test_the_replay_is_the_first_response_even_after_the_dossier_moved_on(
    world: World, portal: Api, body: dict[str, Any]
) -> None:
    first = submit(portal, body)
    officer = Api(world.reception_a)
    officer.ok(officer.post(f"{DOSSIERS}{first.json()['id']}/accept/", {"version": 1}))
    again = submit(portal, body)
    assert again.content == first.content
    assert again.json()["state"] == "submitted"


@pytest.mark.django_db
def test_the_first_response_is_encoded_like_every_other(
    world: World, portal: Api, body: dict[str, Any]
) -> None:
    """The submission's body is the dossier's detail (dates written as the rest of the API
    writes them) plus the lookup secret."""
    first = submit(portal, body).json()
    officer = Api(world.reception_a)
    detail = officer.ok(officer.get(f"{DOSSIERS}{first['id']}/"))
    assert set(first) - set(detail) == {"lookup_secret"}
    assert {k: v for k, v in first.items() if k != "lookup_secret"} == detail


@pytest.mark.django_db
def test_the_same_key_with_another_body_is_refused(portal: Api, body: dict[str, Any]) -> None:
    first = submit(portal, body)
    assert first.status_code == 201
    before = counts()
    changed = {**body, "eform_data": {**body["eform_data"], "ho_ten_tre": "Nguyễn Thị Hoa"}}
    en = Api(portal.user, language="en")
    problem = assert_problem(submit(en, changed), 422, "idempotency_key_reused")
    assert problem["detail"] == "This Idempotency-Key was used for a different request."
    # At the counter too: the key is the caller's, whatever the address.
    assert_problem(
        en.post(
            f"{DOSSIERS}receive/",
            {**body, "channel": "in_person"},
            headers={"Idempotency-Key": KEY},
        ),
        422,
        "idempotency_key_reused",
    )
    assert counts() == before
    # The first request is still the one the key answers.
    assert submit(portal, body).content == first.content


@pytest.mark.django_db
def test_each_caller_has_their_own_keys(world: World, portal: Api, body: dict[str, Any]) -> None:
    other = Api(machine_client("vneid"))
    other_body = birth_body(world, birth_documents(other, tag="vneid"))
    mine, theirs = submit(portal, body), submit(other, other_body)
    assert (mine.status_code, theirs.status_code) == (201, 201)
    assert mine.json()["id"] != theirs.json()["id"]
    assert mine.json()["code"].endswith("-0001") and theirs.json()["code"].endswith("-0002")
    assert Dossier.objects.count() == IdempotencyRecord.objects.count() == 2
    # Another token of the same account is the same caller.
    same_user = Api(portal.user)
    assert submit(same_user, body).content == mine.content


@pytest.mark.django_db
def test_without_a_key_every_request_is_a_new_dossier(portal: Api, body: dict[str, Any]) -> None:
    first, second = submit(portal, body, key=None), submit(portal, body, key=None)
    assert first.json()["id"] != second.json()["id"]
    assert IdempotencyRecord.objects.count() == 0


@pytest.mark.django_db
def test_a_refused_request_does_not_use_up_the_key(portal: Api, body: dict[str, Any]) -> None:
    bad = {**body, "applicant": {**body["applicant"], "personal_id": "12345"}}
    assert_problem(submit(portal, bad), 422, "invalid_input")
    assert IdempotencyRecord.objects.count() == 0
    assert submit(portal, body).status_code == 201
    assert Dossier.objects.count() == 1


@pytest.mark.django_db
def test_a_key_longer_than_255_characters_is_refused(portal: Api, body: dict[str, Any]) -> None:
    before = counts()
    problem = assert_problem(submit(portal, body, key="k" * 256), 422, "invalid_input")
    assert [e["field"] for e in problem["errors"]] == ["Idempotency-Key"]
    assert counts() == before


# --- concurrency ------------------------------------------------------------------------

THREADS = 6
HOLD = 0.3  # seconds each submission keeps its transaction open after creating its dossier


def _assert_one_dossier(results: list[dict[str, Any]], created: list[str]) -> None:
    assert [r["status"] for r in results] == [201] * len(results)
    assert len({r["content"] for r in results}) == 1, "every caller got the same bytes"
    # More than one request created its dossier before the key was taken: the race was real,
    # and every loser rolled back, its code included.
    assert len(created) >= 2, created


@pytest.mark.skipif(
    not ON_POSTGRES,
    reason="threads on SQLite share an in-memory test database that locks whole tables; "
    "the same race runs in processes on a SQLite file below",
)
@pytest.mark.django_db(transaction=True)
def test_threads_racing_with_one_key_make_one_dossier(monkeypatch: pytest.MonkeyPatch) -> None:
    w = build_world()
    portal = Api(machine_client())
    body = birth_body(w, birth_documents(portal))
    created = hold_inside_the_transaction(HOLD, monkeypatch.setattr)
    barrier = threading.Barrier(THREADS, timeout=30)
    results: list[dict[str, Any]] = [{} for _ in range(THREADS)]

    def run(i: int) -> None:
        try:
            client = Client()
            barrier.wait()
            response = client.post(
                DOSSIERS,
                json.dumps(body),
                content_type="application/json",
                headers={**portal.headers, "Idempotency-Key": KEY},
            )
            results[i] = {"status": response.status_code, "content": response.content}
        finally:
            connection.close()  # each thread has its own connection

    threads = [threading.Thread(target=run, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    _assert_one_dossier(results, created)
    [d] = Dossier.objects.all()
    assert IdempotencyRecord.objects.get().dossier == d
    assert d.code.endswith("-0001")
    assert DailySequence.objects.get(agency=w.center_a).last == 1
    follow = submit(portal, body, key="the next one")
    assert follow.json()["code"].endswith("-0002")
    assert DailySequence.objects.get(agency=w.center_a).last == 2


@pytest.fixture(scope="module")
def scratch() -> Iterator[Scratch]:
    with scratch_database() as s:
        yield s


def test_processes_racing_with_one_key_make_one_dossier(scratch: Scratch) -> None:
    workers = 4
    shared = str(Path(scratch.data_dir) / "submission.json")
    calls = [
        (
            submit_racing,
            {"world": scratch.world, "first": i == 0, "shared": shared, "key": KEY, "hold": HOLD},
        )
        for i in range(workers)
    ]
    results, stored = run_in_scratch(
        scratch,
        calls,
        then=(after_the_race, {"agency": scratch.world["center_a"], "shared": shared}),
    )
    _assert_one_dossier(results, [c for r in results for c in r["created"]])
    [code] = stored["codes"]
    assert code.endswith("-0001") and stored["records"] == 1 and stored["last"] == 1
    if stored["next_code"].rsplit("-", 2)[1] == code.rsplit("-", 2)[1]:  # still the same day
        assert stored["next_code"].endswith("-0002") and stored["last_after"] == 2
