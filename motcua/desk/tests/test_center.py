"""The center manager's list: every dossier received at the center (and nothing of another
center), most urgent first, filters and counts; the register (Mẫu 07) download."""

from __future__ import annotations

import re
from typing import Any

from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from motcua.desk.tests.signin import desk_language, sign_in, text_of  # noqa: F401 (fixture)
from motcua.desk.tests.steps import ago, at_step, received_b, resolved_a
from motcua.dossiers.tests.factories import World


def codes_in(html: str) -> list[str]:
    return re.findall(r'class="code">([^<]+)</a>', html)


def center(client: Client, **params: str) -> str:
    response = client.get(reverse("desk:center"), params)
    assert response.status_code == 200
    return response.content.decode()


def test_every_dossier_received_at_the_center_and_none_of_another(
    client: Client, world: World
) -> None:
    received = world.receive_birth()
    late = at_step(world, 1, at=ago(days=30))
    fresh = at_step(world, 2)
    done = resolved_a(world)
    theirs = received_b(world)
    sign_in(client, world.manager_a)
    html = center(client)
    # Open ones first, the overdue one first of all; finished ones after.
    codes = codes_in(html)
    assert set(codes) == {received.code, late.code, fresh.code, done.code}
    assert codes[0] == late.code
    assert codes.index(done.code) > codes.index(fresh.code)
    assert theirs.code not in html
    assert 'class="badge overdue"' in html
    # Where each dossier is and who holds it, and the reassignment link for those at a step.
    assert reverse("desk:reassign", args=[late.pk]) in html
    assert reverse("desk:reassign", args=[received.pk]) not in html
    # Counts per state.
    assert re.search(r"state=processing\"[^>]*>[^<]+: <strong>2</strong>", html)


def test_filters(client: Client, world: World) -> None:
    received = world.receive_birth()
    late = at_step(world, 1, at=ago(days=30))
    sign_in(client, world.manager_a)
    assert codes_in(center(client, overdue="1")) == [late.code]
    assert codes_in(center(client, state="received")) == [received.code]
    assert codes_in(center(client, q="nguyen van anh", state="received")) == [received.code]
    assert codes_in(center(client, channel="postal")) == []


def test_online_arrivals_past_their_acceptance_limit_are_overdue(
    client: Client, world: World
) -> None:
    old = world.submit_construction(at=ago(days=10))
    new = world.submit_construction()
    from motcua.org.tests.factories import make_user

    manager = make_user("t.quanly", agency=world.province_center, roles=["center_manager"])
    sign_in(client, manager)
    html = center(client, overdue="1")
    assert codes_in(html) == [old.code]
    assert new.code in center(client)


def test_officials_who_manage_no_center_are_refused(client: Client, world: World) -> None:
    sign_in(client, world.specialist_a)
    response = client.get(reverse("desk:center"))
    assert response.status_code == 403
    assert text_of("You do not manage a one-stop center.") in response.content.decode()


def test_the_center_page_costs_the_same_queries_for_more_dossiers(
    client: Client, world: World, django_assert_max_num_queries: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    sign_in(client, world.manager_a)
    for days in (1, 2):
        at_step(world, 1, at=ago(days=days))
    center(client)
    with CaptureQueriesContext(connection) as few:
        center(client)
    for days in (3, 4, 5, 6, 7):
        at_step(world, 1, at=ago(days=days))
    world.receive_birth()
    with CaptureQueriesContext(connection) as many:
        html = center(client)
    assert len(codes_in(html)) == 8
    assert len(many.captured_queries) == len(few.captured_queries)
    with django_assert_max_num_queries(14):
        center(client)


def test_register_as_excel(client: Client, world: World) -> None:
    d = world.receive_birth()
    sign_in(client, world.manager_a)
    today = timezone.localdate().isoformat()
    response = client.get(
        reverse("desk:register"),
        {"center": world.center_a.pk, "start": today, "end": today, "format": "xlsx"},
    )
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    assert ".xlsx" in response["Content-Disposition"]
    import io

    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))  # type: ignore[attr-defined]
    cells = [str(c.value) for sheet in book.worksheets for row in sheet.iter_rows() for c in row]
    assert any(d.code in cell for cell in cells)


def test_register_period_must_make_sense(client: Client, world: World) -> None:
    sign_in(client, world.manager_a)
    response = client.get(
        reverse("desk:register"),
        {"center": world.center_a.pk, "start": "2026-11-20", "end": "2026-11-01", "format": "pdf"},
    )
    assert response.status_code == 400
    assert text_of("The period must end on or after its first day.") in response.content.decode()
    bad = client.get(reverse("desk:register"), {"start": "x", "end": "y", "format": "doc"})
    assert bad.status_code == 400


def test_register_is_for_managers(client: Client, world: World) -> None:
    sign_in(client, world.reception_a)
    today = timezone.localdate().isoformat()
    response = client.get(reverse("desk:register"), {"start": today, "end": today})
    assert response.status_code == 403


def test_a_register_too_long_for_a_pdf_says_so_and_offers_excel(
    client: Client, world: World, monkeypatch: Any
) -> None:
    world.receive_birth()
    world.receive_birth()
    monkeypatch.setattr("motcua.documents.services.MAX_REGISTER_PDF_ROWS", 1)
    sign_in(client, world.manager_a)
    today = timezone.localdate().isoformat()
    query = {"center": world.center_a.pk, "start": today, "end": today}
    response = client.get(reverse("desk:register"), {**query, "format": "pdf"})
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()
    assert "Excel" in response.content.decode()
    excel = client.get(reverse("desk:register"), {**query, "format": "xlsx"})
    assert excel.status_code == 200
