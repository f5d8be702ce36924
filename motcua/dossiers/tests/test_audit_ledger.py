"""The audit ledger (nhật ký) is append-only, and tampering with it is detected.

Three layers: the model refuses to change or delete an event; the database refuses it too
(a trigger refuses UPDATE on both engines, DELETE on PostgreSQL; SQLite keeps no DELETE
trigger because Django's test flush deletes rows); the admin offers no way to do it. Whoever
gets past all three, with direct access to the database, is caught by
``motcua audit verify``: each event's hash covers the previous event's hash and the event's
content, and the dossier row keeps the head of the chain.
"""

from __future__ import annotations

import importlib
import io
import re
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.db.models import ProtectedError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from motcua.desk.tests.signin import sign_in
from motcua.dossiers import audit
from motcua.dossiers.ledger import Problem
from motcua.dossiers.models import (
    AppendOnlyError,
    Document,
    Dossier,
    DossierEvent,
    DossierFee,
)
from motcua.dossiers.tests.concurrency_support import (
    Scratch,
    populate_in_scratch,
    populate_ledger,
    raw_sql,
    run_in_scratch,
    scratch_database,
    tamper,
)
from motcua.dossiers.tests.factories import World, local
from motcua.org.tests.factories import make_user

CODE_RE = re.compile(r"\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}-\d{6}-\d{4}")
EVENTS = DossierEvent._meta.db_table


@pytest.fixture
def ledger(world: World) -> dict[str, Any]:
    """Several dossiers with long histories (the "full" one has 8 events)."""
    return populate_ledger(world)


def _events(code: str) -> list[tuple[Any, ...]]:
    return list(
        DossierEvent.objects.filter(dossier__code=code)
        .order_by("seq")
        .values_list("seq", "action", "reason", "data", "prev_hash", "hash")
    )


def _verify() -> tuple[int, str]:
    """``motcua audit verify``: its exit status and what it printed (in English)."""
    out = io.StringIO()
    with translation.override("en"):
        try:
            call_command("audit", "verify", stdout=out)
        except SystemExit as exc:
            return int(exc.code or 0), out.getvalue()
    return 0, out.getvalue()


# --- the model -----------------------------------------------------------------------------


def test_the_model_refuses_to_change_or_delete_an_event(ledger: dict[str, Any]) -> None:
    code = ledger["full"]
    before = _events(code)
    event = DossierEvent.objects.get(dossier__code=code, seq=3)
    dossier = event.dossier

    event.reason = "Hồ sơ hợp lệ"
    events = DossierEvent.objects.filter(dossier=dossier)
    attempts = {
        "save": event.save,
        "save some fields": lambda: event.save(update_fields=["reason"]),
        "delete": event.delete,
        "queryset update": lambda: events.update(reason="x"),
        "queryset delete": events.delete,
        "related update": lambda: dossier.events.update(reason="x"),
        "related delete": lambda: dossier.events.all().delete(),
        "bulk update": lambda: DossierEvent.objects.bulk_update([event], ["reason"]),
        "update or create": lambda: DossierEvent.objects.update_or_create(
            pk=event.pk, defaults={"reason": "x"}
        ),
    }
    for name, attempt in attempts.items():
        # Each in a savepoint: some of them fail inside Django's own atomic block.
        with pytest.raises(AppendOnlyError), transaction.atomic():
            attempt()
            pytest.fail(f"{name} went through")
    # Nor can the dossier be deleted with its history.
    with pytest.raises(ProtectedError), transaction.atomic():
        Dossier.objects.get(code=code).delete()

    assert _events(code) == before


# --- the database --------------------------------------------------------------------------


def test_the_database_refuses_a_raw_update_of_an_event(ledger: dict[str, Any]) -> None:
    code = ledger["full"]
    before = _events(code)
    pk = DossierEvent.objects.get(dossier__code=code, seq=3).pk

    for sql, params in [
        (f"UPDATE {EVENTS} SET reason = %s WHERE id = %s", ["Hồ sơ hợp lệ", pk]),
        (f"UPDATE {EVENTS} SET hash = prev_hash WHERE id = %s", [pk]),
        (f"UPDATE {EVENTS} SET seq = seq + 100", []),
    ]:
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, params)

    assert _events(code) == before


def test_the_database_refuses_a_raw_delete_of_an_event_on_postgresql(
    ledger: dict[str, Any],
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite keeps no DELETE trigger (Django's test flush deletes rows)")
    code = ledger["full"]
    before = _events(code)
    last = DossierEvent.objects.get(dossier__code=code, seq=len(before)).pk

    for sql, params in [
        (f"DELETE FROM {EVENTS} WHERE id = %s", [last]),
        (f"DELETE FROM {EVENTS}", []),
    ]:
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, params)

    assert _events(code) == before


# --- the admin -----------------------------------------------------------------------------


@pytest.fixture
def superuser_client(client: Client) -> Client:
    sign_in(client, make_user("root", is_superuser=True, is_staff=True))
    return client


def test_the_admin_shows_events_but_cannot_change_add_or_delete_them(
    ledger: dict[str, Any], superuser_client: Client
) -> None:
    code = ledger["full"]
    before = _events(code)
    event = DossierEvent.objects.get(dossier__code=code, seq=3)
    change = reverse("admin:dossiers_dossierevent_change", args=[event.pk])
    delete = reverse("admin:dossiers_dossierevent_delete", args=[event.pk])
    changelist = reverse("admin:dossiers_dossierevent_changelist")

    page = superuser_client.get(change)
    assert page.status_code == 200  # read-only view
    assert page.context["has_change_permission"] is False
    assert page.context["has_delete_permission"] is False
    assert 'name="_save"' not in page.content.decode()
    form = {"reason": "Hồ sơ hợp lệ", "seq": "3", "action": "forward"}
    assert superuser_client.post(change, form).status_code == 403
    assert superuser_client.get(delete).status_code == 403
    assert superuser_client.post(delete, {"post": "yes"}).status_code == 403
    add = reverse("admin:dossiers_dossierevent_add")
    assert superuser_client.get(add).status_code == 403
    assert superuser_client.post(add, form).status_code == 403

    listing = superuser_client.get(changelist)
    assert listing.status_code == 200
    assert listing.context["action_form"] is None  # no bulk "delete selected"
    superuser_client.post(
        changelist, {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"}
    )

    assert _events(code) == before


def test_the_dossier_admin_shows_its_events_read_only(
    ledger: dict[str, Any], superuser_client: Client
) -> None:
    dossier = Dossier.objects.get(code=ledger["full"])
    before = _events(dossier.code)
    change = reverse("admin:dossiers_dossier_change", args=[dossier.pk])

    page = superuser_client.get(change)
    assert page.status_code == 200
    [inline] = page.context["inline_admin_formsets"]
    assert inline.has_add_permission is False
    assert inline.has_change_permission is False
    assert inline.has_delete_permission is False
    assert len(list(inline)) == len(before)
    assert superuser_client.post(change, {"state": "refused"}).status_code == 403
    delete = reverse("admin:dossiers_dossier_delete", args=[dossier.pk])
    assert superuser_client.post(delete, {"post": "yes"}).status_code == 403

    assert _events(dossier.code) == before
    assert Dossier.objects.get(pk=dossier.pk).state == dossier.state


# --- tampering, and ``motcua audit verify`` -------------------------------------------------


def test_verify_passes_a_clean_ledger(ledger: dict[str, Any]) -> None:
    assert DossierEvent.objects.count() >= 30
    status, out = _verify()

    assert status == 0, out
    assert f"{Dossier.objects.count()} dossiers checked, 0 altered" in out
    assert CODE_RE.findall(out) == []


# Each kind of tampering (see ``concurrency_support.tamper``) on the 8-event dossier
# (receive, accept, forward, forward, approve, attach result, sign, return), and the
# problems the chain then shows.
P = Problem
TAMPERING: dict[str, list[tuple[Problem, int | None]]] = {
    "edit_reason": [(P.ALTERED, 3)],
    "edit_data": [(P.ALTERED, 2)],
    "delete_middle": [(P.MISSING_OR_REORDERED, 2), (P.BROKEN_LINK, 3), (P.DISCONTINUOUS_STATES, 3)],
    "delete_last": [(P.HEAD_MISMATCH, None), (P.STATE_MISMATCH, None)],
    "swap_seq": [
        (P.BROKEN_LINK, 3),
        (P.ALTERED, 3),
        (P.DISCONTINUOUS_STATES, 3),
        (P.BROKEN_LINK, 4),
        (P.ALTERED, 4),
        (P.DISCONTINUOUS_STATES, 4),
        (P.BROKEN_LINK, 5),
    ],
    "dossier_state": [(P.STATE_MISMATCH, None)],
    "dossier_head": [(P.HEAD_MISMATCH, None)],
    # The edited event's own hash is right again: only the next event's link breaks.
    "edit_and_rehash": [(P.BROKEN_LINK, 4)],
}


@pytest.fixture
def bypass_method() -> Iterator[str]:
    yield "replica"
    # The triggers are back afterwards (the test database is shared by the whole run).
    _assert_triggers_in_place()


def _assert_triggers_in_place() -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND tgenabled = 'O'"
                " AND NOT tgisinternal ORDER BY tgname",
                [EVENTS],
            )
            expected = ["dossiers_event_no_delete", "dossiers_event_no_update"]
        else:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s",
                [EVENTS],
            )
            expected = ["dossiers_event_no_update"]
        assert [row[0] for row in cursor.fetchall()] == expected


@pytest.mark.parametrize("kind", list(TAMPERING))
def test_verify_names_exactly_the_tampered_dossier(
    ledger: dict[str, Any], bypass_method: str, kind: str
) -> None:
    code = ledger["full"]

    tamper(kind, code, how=bypass_method)
    status, out = _verify()

    assert status == 1, out
    assert set(CODE_RE.findall(out)) == {code}
    assert f"{Dossier.objects.count()} dossiers checked, 1 altered" in out
    [report] = [r for r in audit.verify_all() if not r.ok]
    assert report.code == code
    assert report.problems == TAMPERING[kind]


@pytest.mark.parametrize("code_of", ["child", "group", "paying"])
def test_verify_checks_every_kind_of_dossier(ledger: dict[str, Any], code_of: str) -> None:
    code = ledger["children"][1] if code_of == "child" else ledger[code_of]
    tamper("dossier_head", code)

    status, out = _verify()

    assert status == 1, out
    assert set(CODE_RE.findall(out)) == {code}


def test_verify_on_postgresql_also_sees_through_disabled_triggers(
    ledger: dict[str, Any],
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("ALTER TABLE … DISABLE TRIGGER is PostgreSQL's")
    code = ledger["supplemented"]
    tamper("delete_middle", code, how="disable")

    status, out = _verify()

    assert status == 1, out
    assert set(CODE_RE.findall(out)) == {code}
    _assert_triggers_in_place()


# --- the real command, in its own process, against a database file ----------------------


@pytest.fixture(scope="module")
def scratch() -> Iterator[Scratch]:
    with scratch_database() as db:
        yield db


def _run_verify(scratch: Scratch) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "motcua", "audit", "verify"],
        env=scratch.env(),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_audit_command_as_a_process_on_its_own_database(scratch: Scratch) -> None:
    [codes], _ = run_in_scratch(scratch, [(populate_in_scratch, {"world": scratch.world})])
    code = codes["full"]
    forward = (
        f"UPDATE {EVENTS} SET reason = %s WHERE seq = 3"
        " AND dossier_id = (SELECT id FROM dossiers_dossier WHERE code = %s)"
    )

    clean = _run_verify(scratch)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert CODE_RE.findall(clean.stdout) == []

    # The database's own client is refused too, until the trigger is put out of the way.
    with pytest.raises((sqlite3.DatabaseError, psycopg.Error), match="append-only"):
        raw_sql(scratch, [(forward, ["Hồ sơ hợp lệ", code])])
    if scratch.vendor == "postgresql":
        off = [(f"ALTER TABLE {EVENTS} DISABLE TRIGGER ALL", [])]
        on = [(f"ALTER TABLE {EVENTS} ENABLE TRIGGER ALL", [])]
    else:
        migration = importlib.import_module("motcua.dossiers.migrations.0002_events_append_only")
        off = [("DROP TRIGGER dossiers_event_no_update", [])]
        on = [(sql, []) for sql in migration.SQLITE_FORWARD]
    raw_sql(scratch, [*off, (forward, ["Hồ sơ hợp lệ", code]), *on])

    tampered = _run_verify(scratch)
    assert tampered.returncode == 1, tampered.stdout + tampered.stderr
    assert set(CODE_RE.findall(tampered.stdout)) == {code}
    # The trigger is back in force.
    with pytest.raises((sqlite3.DatabaseError, psycopg.Error), match="append-only"):
        raw_sql(scratch, [(forward, ["Hồ sơ hợp lệ 2", code])])


def test_verify_names_a_dossier_deleted_with_its_whole_history(world: World) -> None:
    """Deleting a dossier together with its events leaves no chain to break; the day's
    counter still says its code was issued."""
    from django.db import connection

    kept = world.receive_birth(at=local(2026, 11, 24, 9, 0))
    gone = world.receive_birth(at=local(2026, 11, 24, 9, 5))
    table_events = DossierEvent._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")
        for model in (DossierFee, Document):
            cursor.execute(f"DELETE FROM {model._meta.db_table} WHERE dossier_id = %s", [gone.pk])
        cursor.execute(f"DELETE FROM {table_events} WHERE dossier_id = %s", [gone.pk])
        cursor.execute(f"DELETE FROM {Dossier._meta.db_table} WHERE id = %s", [gone.pk])
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = DEFAULT")
    out = io.StringIO()
    with translation.override("en"), pytest.raises(SystemExit) as exit_info:
        call_command("audit", "verify", stdout=out)
    assert exit_info.value.code == 1
    assert f"MISSING {gone.code}" in out.getvalue()
    assert kept.code not in out.getvalue()
