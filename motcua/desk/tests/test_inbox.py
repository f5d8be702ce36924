"""The inbox: each official sees the work waiting in their roles, at their agencies and
nowhere else, most urgent first, with due badges, filters, search, counts; every list is
one query whatever its length."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from motcua.desk import selectors
from motcua.desk.tests.signin import desk_language, sign_in, text_of  # noqa: F401 (fixture)
from motcua.desk.tests.steps import ago, at_step, named, received_b, resolved_a
from motcua.dossiers.actors import Actor
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import calendar_for, dossier_forward
from motcua.dossiers.tests.factories import World
from motcua.org.models import Role
from motcua.org.tests.factories import make_user
from motcua.worktime.deadlines import add_working_time


def inbox(client: Client, **params: str) -> str:
    response = client.get(reverse("desk:inbox"), params)
    assert response.status_code == 200
    return response.content.decode()


def codes_in(html: str) -> list[str]:
    """The dossier codes listed, in order."""
    return re.findall(r'class="code">([^<]+)</a>', html)


def test_reception_officer_sees_arrivals_and_results_at_their_desk(
    client: Client, world: World
) -> None:
    received = world.receive_birth()
    accepted = world.accepted_birth()
    other_desk = received_b(world)
    processing = at_step(world, 1)
    resolved = resolved_a(world)
    sign_in(client, world.reception_a)

    html = inbox(client, list="intake")
    assert codes_in(html) == [received.code, accepted.code]
    assert other_desk.code not in html and processing.code not in html

    returns = inbox(client, list="return")
    assert codes_in(returns) == [resolved.code]
    # The tabs count each list.
    assert re.search(r"\(2\)</span>", html) and re.search(r"\(1\)</span>", html)


def test_specialist_sees_their_step_at_their_commune_only(client: Client, world: World) -> None:
    mine = at_step(world, 1)
    leaders = at_step(world, 2)
    other_commune = at_step(world, 1, commune="b")
    sign_in(client, world.specialist_a)
    html = inbox(client)
    assert codes_in(html) == [mine.code]
    assert leaders.code not in html
    assert other_commune.code not in html
    assert "Thẩm định hồ sơ" in html  # the step's name

    sign_in(client, world.specialist_b)
    assert codes_in(inbox(client)) == [other_commune.code]


def test_leader_sees_the_approval_step(client: Client, world: World) -> None:
    step1 = at_step(world, 1)
    step2 = at_step(world, 2)
    sign_in(client, world.leader_a)
    html = inbox(client)
    assert codes_in(html) == [step2.code]
    assert step1.code not in html


def test_a_dossier_assigned_to_a_colleague_leaves_my_inbox(client: Client, world: World) -> None:
    colleague = make_user(
        "a.chuyenvien2", agency=world.commune_a, roles=[Role.SPECIALIST], last_name="Lê"
    )
    d = world.accepted_birth()
    dossier_forward(dossier=d.pk, actor=Actor.official(world.reception_a), to_user_id=colleague.pk)
    sign_in(client, world.specialist_a)
    assert d.code not in inbox(client)
    sign_in(client, colleague)
    assert codes_in(inbox(client)) == [d.code]


def test_overdue_first_with_a_text_badge(client: Client, world: World) -> None:
    fresh = at_step(world, 1)
    late = at_step(world, 1, at=ago(days=30))
    sign_in(client, world.specialist_a)
    html = inbox(client)
    assert codes_in(html) == [late.code, fresh.code]
    rows = html.split("<tbody>")[1].split("</tr>")
    assert 'class="badge overdue"' in rows[0]
    assert text_of("Overdue") in rows[0]
    assert 'class="badge in-time"' in rows[1]
    assert text_of("In time") in rows[1]

    only_late = inbox(client, overdue="1")
    assert codes_in(only_late) == [late.code]


def test_due_soon_within_one_working_day(world: World) -> None:
    """Due soon: at most one working day (8 working hours on the calendar) is left."""
    d = at_step(world, 1)
    now = timezone.now()
    cal = calendar_for(world.commune_a, now)
    for hours, css in ((4, "due-soon"), (8, "due-soon"), (9, "in-time"), (20, "in-time")):
        due = add_working_time(cal, now, dt.timedelta(hours=hours))
        Dossier.objects.filter(pk=d.pk).update(due_at=due)
        fresh = Dossier.objects.select_related("competent_agency", "receiving_agency").get(pk=d.pk)
        [row] = selectors.decorate([fresh], now=now)
        assert row.badge is not None and row.badge.css == css, hours
        assert row.due == due and not row.acceptance


def test_filters_counts_and_search_without_diacritics(client: Client, world: World) -> None:
    anh = at_step(world, 1, **named("Nguyễn Văn Ánh"))
    dung = at_step(world, 1, **named("Đặng Thị Dung"))
    sign_in(client, world.specialist_a)

    assert codes_in(inbox(client, q="nguyen van anh")) == [anh.code]
    assert codes_in(inbox(client, q="dang thi dung")) == [dung.code]
    assert codes_in(inbox(client, q="Đặng")) == [dung.code]
    assert codes_in(inbox(client, q=dung.code)) == [dung.code]
    assert codes_in(inbox(client, q="008090123456")) == sorted(
        [anh.code, dung.code], key=codes_in(inbox(client)).index
    )
    assert codes_in(inbox(client, channel="online")) == []
    assert len(codes_in(inbox(client, channel="in_person"))) == 2
    assert codes_in(inbox(client, procedure="1.001193")) != []
    assert codes_in(inbox(client, procedure="1.009994")) == []
    html = inbox(client, state="approved")
    assert codes_in(html) == []
    # Counts per state at the top, with the other filters applied.
    assert re.search(r"state=processing\"[^>]*>[^<]+: <strong>2</strong>", html)


def test_a_bad_filter_is_reported_and_left_out(client: Client, world: World) -> None:
    d = at_step(world, 1)
    sign_in(client, world.specialist_a)
    html = inbox(client, state="no-such-state", page="x")
    assert codes_in(html) == [d.code]
    assert text_of("Some filters were not valid and were left out.") in html


def test_online_arrivals_show_the_acceptance_limit(client: Client, world: World) -> None:
    online = world.submit_construction()
    sign_in(client, world.reception_province)
    html = inbox(client, list="intake")
    assert codes_in(html) == [online.code]
    assert text_of("Accept by") in html


def test_pages_of_fifty(client: Client, world: World, monkeypatch: Any) -> None:
    monkeypatch.setattr(selectors, "PAGE_SIZE", 2)
    made = [at_step(world, 1, at=ago(days=d)) for d in (3, 2, 1)]
    sign_in(client, world.specialist_a)
    first = inbox(client)
    assert codes_in(first) == [made[0].code, made[1].code]
    assert 'rel="next"' in first and 'rel="prev"' not in first
    second = inbox(client, page="2")
    assert codes_in(second) == [made[2].code]
    assert 'rel="prev"' in second


def test_nothing_to_do_for_a_center_manager(client: Client, world: World) -> None:
    sign_in(client, world.manager_a)
    html = inbox(client)
    assert reverse("desk:center") in html
    assert "<table" not in html


@pytest.mark.parametrize("user_name", ["specialist_a", "reception_a"])
def test_the_inbox_costs_the_same_queries_for_3_or_13_dossiers(
    client: Client, world: World, user_name: str, django_assert_max_num_queries: Any
) -> None:
    user = getattr(world, user_name)
    list_name = "process" if user_name == "specialist_a" else "intake"

    def make(n: int) -> None:
        for i in range(n):
            d = (
                at_step(world, 1, at=ago(days=i))
                if list_name == "process"
                else world.receive_birth()
            )
            assert isinstance(d, Dossier)

    sign_in(client, user)
    make(3)
    inbox(client, list=list_name)  # warm the process's calendar cache
    with CaptureQueriesContext(connection) as few:
        inbox(client, list=list_name)
    make(10)
    with CaptureQueriesContext(connection) as many:
        html = inbox(client, list=list_name)
    assert len(codes_in(html)) == 13
    assert len(many.captured_queries) == len(few.captured_queries)
    with django_assert_max_num_queries(14):
        inbox(client, list=list_name)
