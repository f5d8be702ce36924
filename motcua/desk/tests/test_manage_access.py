"""Who may open the operator pages: the province administrator everything, an agency-level
manager workflows and officials of their subtree, everyone else 403; changes need CSRF."""

from __future__ import annotations

import pytest
from django.test import Client

from motcua.desk.tests.manage_support import sign_in, text, url
from motcua.dossiers.tests.factories import BIRTH, World

pytestmark = pytest.mark.django_db

PAGES = [
    ("desk:manage", ()),
    ("desk:manage_workflows", ()),
    ("desk:manage_workflow_edit", (BIRTH, "default")),
    ("desk:manage_officials", ()),
    ("desk:manage_official_new", ()),
    ("desk:manage_certificates", ()),
    ("desk:manage_calendar", ()),
]


def test_home_links_every_section_with_counts_for_the_province_admin(
    client: Client, world: World
) -> None:
    page = sign_in(client, world.admin).get(url("desk:manage"))
    assert page.status_code == 200
    body = text(page)
    for name in (
        "desk:manage_workflows",
        "desk:manage_officials",
        "desk:manage_certificates",
        "desk:manage_calendar",
    ):
        assert f'href="{url(name)}"' in body
    assert "You administer the whole province." in body
    # 14 officials in the test province, all active; only the admin has a second factor.
    assert "14 active officials" in body
    assert "13 without a second factor" in body
    assert "8 agencies without a certificate" in body


@pytest.mark.parametrize(("name", "args"), PAGES)
def test_every_page_renders_for_the_province_admin(
    client: Client, world: World, name: str, args: tuple[str, ...]
) -> None:
    page = sign_in(client, world.admin).get(url(name, *args))
    assert page.status_code == 200
    assert 'aria-current="page"' in text(page)


@pytest.mark.parametrize("who", ["specialist_a", "reception_a", "auditor", "specialist_police"])
@pytest.mark.parametrize(("name", "args"), PAGES)
def test_officials_without_a_manager_role_get_403(
    client: Client, world: World, who: str, name: str, args: tuple[str, ...]
) -> None:
    response = sign_in(client, getattr(world, who)).get(url(name, *args))
    assert response.status_code == 403


def test_signed_out_visitors_are_sent_to_sign_in(client: Client, world: World) -> None:
    response = client.get(url("desk:manage_officials"))
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_an_agency_manager_gets_workflows_and_officials_only(client: Client, world: World) -> None:
    sign_in(client, world.manager_a)
    home = client.get(url("desk:manage"))
    assert home.status_code == 200
    body = text(home)
    assert f'href="{url("desk:manage_officials")}"' in body
    assert f'href="{url("desk:manage_certificates")}"' not in body
    assert f'href="{url("desk:manage_calendar")}"' not in body
    assert "You administer the workflows and officials of 1 agency" in body
    assert client.get(url("desk:manage_workflows")).status_code == 200
    assert client.get(url("desk:manage_officials")).status_code == 200
    assert client.get(url("desk:manage_certificates")).status_code == 403
    assert client.get(url("desk:manage_calendar")).status_code == 403
    # The default workflow of a procedure is the province's.
    assert client.get(url("desk:manage_workflow_edit", BIRTH, "default")).status_code == 403


def test_a_post_without_the_csrf_token_is_refused(world: World) -> None:
    client = sign_in(Client(enforce_csrf_checks=True), world.admin)
    response = client.post(
        url("desk:manage_official_edit", world.specialist_a.pk), {"action": "deactivate"}
    )
    assert response.status_code == 403
    world.specialist_a.refresh_from_db()
    assert world.specialist_a.is_active


def test_a_manager_without_a_second_factor_session_is_sent_to_the_code_step(
    client: Client, world: World
) -> None:
    client.force_login(world.admin)
    response = client.get(url("desk:manage"))
    assert response.status_code == 302
    assert "/login/" in response["Location"]
