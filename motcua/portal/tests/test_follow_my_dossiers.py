"""“My dossiers”: the citizen's own dossiers (their account's, and those filed at a counter
with their personal ID), newest first, with what is expected of them; nobody else's."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from motcua.citizens.tests.helpers import sign_in_citizen
from motcua.dossiers.tests.factories import World, applicant
from motcua.portal.selectors_follow import citizen_dossiers
from motcua.portal.tests.follow_steps import (
    applicant_citizen,
    intake_incomplete,
    returned,
    stranger,
    text,
)


def test_lists_counter_filed_and_owned_dossiers_but_not_others(world: World, client: Any) -> None:
    citizen = applicant_citizen()
    by_id = world.receive_birth()  # filed at the counter with the citizen's personal ID
    owned = world.receive_birth(
        owner=citizen.user, applicant=applicant(name="Nguyễn Thị Con", personal_id="008090123457")
    )
    other = world.receive_birth(applicant=applicant(personal_id="008090654321"))
    assert set(citizen_dossiers(citizen)) == {by_id, owned}

    sign_in_citizen(client, citizen)
    response = client.get(reverse("portal:my_dossiers"))
    body = text(response)
    assert response.status_code == 200
    assert by_id.code in body and owned.code in body
    assert other.code not in body
    assert "Đăng ký khai sinh" in body
    # Newest first.
    assert body.index(owned.code) < body.index(by_id.code)


def test_says_what_the_citizen_has_to_do(world: World, client: Any) -> None:
    citizen = applicant_citizen()
    asked = intake_incomplete(world)
    done = returned(world)
    sign_in_citizen(client, citizen)
    body = text(client.get(reverse("portal:my_dossiers")))
    after_asked = body[body.index(asked.code) :]
    assert "Add papers" in after_asked.split(done.code)[0] or "Add papers" in after_asked
    after_done = body[body.index(done.code) :]
    assert "Rate" in after_done.split(asked.code)[0]


def test_another_citizen_sees_none_of_them(world: World, client: Any) -> None:
    d = world.receive_birth()
    sign_in_citizen(client, stranger())
    response = client.get(reverse("portal:my_dossiers"))
    assert d.code not in text(response)
    assert "You have no dossiers yet." in text(response)


def test_anonymous_visitors_are_sent_to_sign_in(client: Any, db: None) -> None:
    response = client.get(reverse("portal:my_dossiers"))
    assert response.status_code == 302
    assert reverse("citizens:login") in response["Location"]


def test_the_list_is_paginated_with_a_bounded_number_of_queries(
    world: World, client: Any, django_assert_max_num_queries: Any
) -> None:
    citizen = applicant_citizen()
    codes = [world.receive_birth().code for _ in range(23)]
    sign_in_citizen(client, citizen)
    with django_assert_max_num_queries(9):
        first = client.get(reverse("portal:my_dossiers"))
    body = text(first)
    assert codes[-1] in body and codes[3] in body and codes[2] not in body
    assert "Page 1 of 2" in body
    with django_assert_max_num_queries(9):
        second = client.get(reverse("portal:my_dossiers") + "?page=2")
    assert codes[0] in text(second) and codes[-1] not in text(second)
