"""Withdrawing a dossier: confirmation and reason, only where the lifecycle allows it,
stale versions refused, other citizens 404."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from motcua.citizens.tests.helpers import sign_in_citizen
from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.factories import World, dossier_row
from motcua.portal.tests.follow_steps import applicant_citizen, returned, stranger, text


def post(client: Any, d: Dossier, **over: Any) -> Any:
    data: dict[str, Any] = {"version": d.version, "reason": "Đã làm ở nơi khác", "confirm": "on"}
    data.update(over)
    return client.post(reverse("portal:withdraw", args=[d.code]), data)


def test_the_applicant_withdraws_with_a_reason(world: World, client: Any) -> None:
    d = world.accepted_birth()
    sign_in_citizen(client, applicant_citizen())
    response = post(client, d)
    assert response.status_code == 302
    d.refresh_from_db()
    assert d.state == "withdrawn"
    event = d.events.order_by("-seq").first()
    assert event is not None and event.action == "withdraw"
    assert event.reason == "Đã làm ở nơi khác"
    page = text(client.get(reverse("portal:dossier", args=[d.code])))
    assert "The dossier was withdrawn." in page and "Withdrawn" in page


def test_confirmation_and_reason_are_required(world: World, client: Any) -> None:
    d = world.accepted_birth()
    sign_in_citizen(client, applicant_citizen())
    response = post(client, d, confirm="", reason="")
    assert response.status_code == 422
    body = text(response)
    assert "Tick the box to confirm." in body and "Give a reason for withdrawing." in body
    d.refresh_from_db()
    assert d.state == "accepted"


def test_a_stale_version_is_refused(world: World, client: Any) -> None:
    d = world.accepted_birth()
    before = dossier_row(d)
    sign_in_citizen(client, applicant_citizen())
    response = post(client, d, version=d.version - 1)
    assert response.status_code == 409
    assert "Someone else changed this dossier meanwhile" in text(response)
    assert dossier_row(d) == before


def test_not_offered_and_refused_once_the_result_was_returned(world: World, client: Any) -> None:
    d = returned(world)
    sign_in_citizen(client, applicant_citizen())
    assert "I want to withdraw this dossier" not in text(
        client.get(reverse("portal:dossier", args=[d.code]))
    )
    response = post(client, d)
    assert response.status_code == 409
    d.refresh_from_db()
    assert d.state == "returned"


def test_another_citizen_gets_404(world: World, client: Any) -> None:
    d = world.accepted_birth()
    sign_in_citizen(client, stranger())
    assert post(client, d).status_code == 404
    d.refresh_from_db()
    assert d.state == "accepted"


def test_the_lookup_secret_holder_withdraws_from_the_tracking_page(
    world: World, client: Any
) -> None:
    d = world.accepted_birth()
    page = client.get(reverse("portal:track"), {"code": d.code, "k": d.lookup_secret})
    assert reverse("portal:withdraw", args=[d.code]) in page.content.decode()
    assert post(client, d, k="wrong").status_code == 404
    response = post(client, d, k=d.lookup_secret)
    assert response.status_code == 302 and "/track/?" in response["Location"]
    d.refresh_from_db()
    assert d.state == "withdrawn"
