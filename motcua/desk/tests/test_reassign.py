"""Reassignment: the center manager (or a leader of the agency holding the dossier) gives
its current step to another official holding the step's role there; an event records it,
the state stays, and a refused request changes nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from motcua.core.errors import ConcurrentChange, Forbidden, IllegalTransition, InvalidInput
from motcua.desk.tests.signin import desk_language, sign_in  # noqa: F401 (fixture)
from motcua.desk.tests.steps import at_step
from motcua.dossiers.actors import Actor
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.services import dossier_reassign, step_officials
from motcua.dossiers.tests.factories import World, dossier_row, store_counts
from motcua.org.models import Role
from motcua.org.tests.factories import make_user


@pytest.fixture
def colleague(world: World) -> Any:
    return make_user(
        "a.chuyenvien2",
        agency=world.commune_a,
        roles=[Role.SPECIALIST],
        first_name="Hoa",
        last_name="Lê Thị",
    )


def test_manager_reassigns_with_an_event_and_the_state_unchanged(
    world: World, colleague: Any
) -> None:
    d = at_step(world, 1)
    version = d.version
    events = d.event_count
    dossier_reassign(
        dossier=d.pk,
        actor=Actor.official(world.manager_a),
        to_user=colleague,
        reason="Chị Lan nghỉ phép",
        expected_version=version,
    )
    after = Dossier.objects.get(pk=d.pk)
    assert after.current_assignee_id == colleague.pk
    assert (after.state, after.current_step, after.current_agency_id) == (
        d.state,
        d.current_step,
        d.current_agency_id,
    )
    assert after.version == version + 1
    event = DossierEvent.objects.get(dossier=d, seq=events + 1)
    assert event.action == "reassign"
    assert (event.from_state, event.to_state) == ("processing", "processing")
    assert event.reason == "Chị Lan nghỉ phép"
    assert event.actor_id == world.manager_a.pk
    assert event.data == {"step": 1, "from_user": None, "to_user": colleague.pk}


def test_a_leader_of_the_holding_agency_may_reassign(world: World, colleague: Any) -> None:
    d = at_step(world, 1)
    dossier_reassign(
        dossier=d.pk, actor=Actor.official(world.leader_a), to_user=colleague.pk, reason="Cân tải"
    )
    assert Dossier.objects.get(pk=d.pk).current_assignee_id == colleague.pk


def test_a_target_without_the_steps_role_is_refused(world: World, colleague: Any) -> None:
    d = at_step(world, 1)
    before, counts = dossier_row(d), store_counts()
    for target in (world.leader_a, world.specialist_b, world.reception_a):
        with pytest.raises(InvalidInput) as refused:
            dossier_reassign(
                dossier=d.pk, actor=Actor.official(world.manager_a), to_user=target, reason="x"
            )
        assert "to_user" in refused.value.details["errors"]
    assert dossier_row(d) == before
    assert store_counts() == counts
    assert set(step_officials(d)) == {colleague, world.specialist_a}


def test_only_the_manager_or_a_leader_may_reassign(world: World, colleague: Any) -> None:
    d = at_step(world, 1)
    before = dossier_row(d)
    for actor in (world.specialist_a, world.reception_a, world.leader_b):
        with pytest.raises(Forbidden):
            dossier_reassign(
                dossier=d.pk, actor=Actor.official(actor), to_user=colleague, reason="x"
            )
    with pytest.raises(Forbidden):
        dossier_reassign(
            dossier=d.pk, actor=Actor.applicant("Công dân"), to_user=colleague, reason="x"
        )
    assert dossier_row(d) == before


def test_only_a_dossier_held_at_a_step_can_be_reassigned(world: World, colleague: Any) -> None:
    d = world.accepted_birth()
    with pytest.raises(IllegalTransition):
        dossier_reassign(
            dossier=d.pk, actor=Actor.official(world.manager_a), to_user=colleague, reason="x"
        )


def test_a_reason_and_a_fresh_version_are_needed(world: World, colleague: Any) -> None:
    d = at_step(world, 1)
    manager = Actor.official(world.manager_a)
    with pytest.raises(InvalidInput):
        dossier_reassign(dossier=d.pk, actor=manager, to_user=colleague, reason="  ")
    with pytest.raises(ConcurrentChange):
        dossier_reassign(
            dossier=d.pk,
            actor=manager,
            to_user=colleague,
            reason="x",
            expected_version=d.version - 1,
        )
    dossier_reassign(dossier=d.pk, actor=manager, to_user=colleague, reason="x")
    with pytest.raises(InvalidInput):  # already theirs
        dossier_reassign(dossier=d.pk, actor=manager, to_user=colleague, reason="x")


def test_the_page_lists_the_candidates_and_reassigns(
    client: Client, world: World, colleague: Any
) -> None:
    d = at_step(world, 1)
    sign_in(client, world.manager_a)
    url = reverse("desk:reassign", args=[d.pk])
    page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200
    assert "Lê Thị Hoa (a.chuyenvien2)" in html
    assert "(a.lanhdao)" not in html  # not the step's role

    bad = client.post(url, {"to_user": world.leader_a.pk, "reason": "x", "version": d.version})
    assert bad.status_code == 400
    assert Dossier.objects.get(pk=d.pk).current_assignee_id is None

    done = client.post(url, {"to_user": colleague.pk, "reason": "Nghỉ phép", "version": d.version})
    assert done.status_code == 302
    assert Dossier.objects.get(pk=d.pk).current_assignee_id == colleague.pk

    stale = client.post(
        url, {"to_user": world.specialist_a.pk, "reason": "x", "version": d.version}
    )
    assert stale.status_code == 400
    assert Dossier.objects.get(pk=d.pk).current_assignee_id == colleague.pk


def test_the_assignees_inbox_changes(client: Client, world: World, colleague: Any) -> None:
    d = at_step(world, 1)
    dossier_reassign(
        dossier=d.pk, actor=Actor.official(world.manager_a), to_user=colleague, reason="x"
    )
    sign_in(client, world.specialist_a)
    assert d.code not in client.get(reverse("desk:inbox")).content.decode()
    sign_in(client, colleague)
    assert d.code in client.get(reverse("desk:inbox")).content.decode()


def test_the_page_refuses_officials_who_may_not_reassign(
    client: Client, world: World, colleague: Any
) -> None:
    d = at_step(world, 1)
    sign_in(client, world.specialist_a)
    response = client.get(reverse("desk:reassign", args=[d.pk]))
    assert response.status_code == 403
    posted = client.post(
        reverse("desk:reassign", args=[d.pk]),
        {"to_user": colleague.pk, "reason": "x", "version": d.version},
    )
    assert posted.status_code == 403
    assert Dossier.objects.get(pk=d.pk).current_assignee_id is None


def test_another_communes_dossier_is_not_found(client: Client, world: World) -> None:
    theirs = at_step(world, 1, commune="b")
    sign_in(client, world.manager_a)
    assert client.get(reverse("desk:reassign", args=[theirs.pk])).status_code == 404


def test_the_form_needs_the_csrf_token(world: World, colleague: Any) -> None:
    d = at_step(world, 1)
    client = Client(enforce_csrf_checks=True)
    sign_in(client, world.manager_a)
    response = client.post(
        reverse("desk:reassign", args=[d.pk]),
        {"to_user": colleague.pk, "reason": "x", "version": d.version},
    )
    assert response.status_code == 403
    assert Dossier.objects.get(pk=d.pk).current_assignee_id is None
