"""The reception queue: online, postal and registered arrivals waiting for acceptance at
the official's desk, online ones with their 8-working-hour limit, decided from the list."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from motcua.desk.tests.signin import sign_in
from motcua.dossiers.lifecycle import State
from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.factories import World, local

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


TUE_9 = local(2026, 11, 24, 9, 0)  # arrival online; 8 working hours end Wed 25 Nov 09:30


def freeze(monkeypatch: pytest.MonkeyPatch, at: dt.datetime) -> None:
    monkeypatch.setattr(timezone, "now", lambda: at)


def queue_html(client: Client) -> str:
    response = client.get(reverse("desk:reception"))
    assert response.status_code == 200
    return response.content.decode()


def test_online_arrival_shows_the_working_time_left_to_accept(
    client: Client, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    d = world.submit_construction(at=TUE_9)
    freeze(monkeypatch, local(2026, 11, 24, 16, 0))
    html = queue_html(sign_in(client, world.reception_province))
    assert d.code in html
    assert "09:30 25/11/2026" in html  # the end of the 8 working hours
    assert '<span class="badge in-time">3 h left to accept</span>' in html


def test_online_arrival_past_its_limit_is_overdue(
    client: Client, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    d = world.submit_construction(at=TUE_9)
    freeze(monkeypatch, local(2026, 11, 25, 10, 0))
    html = queue_html(sign_in(client, world.reception_province))
    assert d.code in html
    assert '<span class="badge overdue">Acceptance overdue</span>' in html


def test_postal_arrivals_wait_in_the_same_queue_without_the_online_limit(
    client: Client, world: World
) -> None:
    postal = world.receive_birth(channel="postal")
    html = queue_html(sign_in(client, world.reception_a))
    assert postal.code in html
    assert "left to accept" not in html


def test_the_queue_holds_only_the_officials_desk(client: Client, world: World) -> None:
    online = world.submit_construction(at=TUE_9)
    ours = world.receive_birth()
    html = queue_html(sign_in(client, world.reception_a))
    assert ours.code in html and online.code not in html
    other = Client()
    html = queue_html(sign_in(other, world.reception_b))
    assert ours.code not in html and online.code not in html


def test_accept_from_the_queue(client: Client, world: World) -> None:
    d = world.submit_construction(at=TUE_9)
    sign_in(client, world.reception_province)
    html = queue_html(client)
    action = reverse("desk:dossier_action", args=[d.pk, "accept"])
    assert f'action="{action}"' in html
    response = client.post(action, {"accept-version": d.version})
    assert response.status_code == 302
    d.refresh_from_db()
    assert d.state == State.ACCEPTED
    accept = d.events.get(action="accept")
    assert response["Location"].endswith(f"?slip={accept.pk}")
    client.get(response["Location"])  # the success message is shown there
    assert d.code not in queue_html(client)


def test_dossiers_waiting_for_completion_are_listed_apart(client: Client, world: World) -> None:
    d = world.receive_birth()
    sign_in(client, world.reception_a)
    client.post(
        reverse("desk:dossier_action", args=[d.pk, "ask_to_complete"]),
        {"ask_to_complete-version": d.version, "ask_to_complete-items": "Giấy chứng sinh"},
    )
    assert Dossier.objects.get(pk=d.pk).state == State.INTAKE_INCOMPLETE
    html = queue_html(client)
    waiting = html.split("Waiting for the applicant to complete", 1)[1]
    assert d.code in waiting
