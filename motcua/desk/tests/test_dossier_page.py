"""The dossier page: what it shows, only to officials who may see the dossier, and only
the actions the official may take now."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from motcua.desk.tests.signin import sign_in
from motcua.dossiers.actors import Actor
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import (
    dossier_approve,
    dossier_attach_result,
    dossier_forward,
    dossier_sign_result,
)
from motcua.dossiers.tests.factories import World, local

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def page(client: Client, pk: int, **query: str) -> str:
    response = client.get(reverse("desk:dossier", args=[pk]), query)
    assert response.status_code == 200
    return response.content.decode()


def forward(d: Dossier, user: object, times: int = 1) -> Dossier:
    for _ in range(times):
        dossier_forward(dossier=d.pk, actor=Actor.official(user))  # type: ignore[arg-type]
    return Dossier.objects.get(pk=d.pk)


def action_url(d: Dossier, action: str) -> str:
    return reverse("desk:dossier_action", args=[d.pk, action])


def resolved(world: World) -> Dossier:
    d = forward(world.accepted_birth(), world.specialist_a, 2)
    leader = Actor.official(world.leader_a)
    dossier_approve(dossier=d.pk, actor=leader)
    dossier_attach_result(dossier=d.pk, actor=leader, name="Giấy khai sinh", kind="paper")
    dossier_sign_result(dossier=d.pk, actor=leader)
    return Dossier.objects.get(pk=d.pk)


def test_page_shows_applicant_procedure_agencies_and_eform_labels(
    client: Client, world: World
) -> None:
    d = world.accepted_birth()
    html = page(sign_in(client, world.reception_a), d.pk)
    assert d.code in html
    assert "Nguyễn Văn Ánh" in html
    assert "008090123456" in html
    assert "Đăng ký khai sinh" in html
    assert world.center_a.name in html and world.commune_a.name in html
    # E-form values under the titles of the schema, not the field names.
    assert "Họ, chữ đệm và tên của trẻ" in html and "Nguyễn Thị Hoà" in html
    assert "20/11/2026" in html
    assert "ho_ten_tre" not in html
    assert '<span class="badge in-time">In time</span>' in html
    assert reverse("desk:control_sheet", args=[d.pk]) in html


def test_an_overdue_dossier_shows_as_overdue(client: Client, world: World) -> None:
    d = world.accepted_birth(at=local(2025, 3, 3, 9, 0))
    html = page(sign_in(client, world.reception_a), d.pk)
    assert '<span class="badge overdue">Overdue</span>' in html


def test_the_timeline_shows_each_hand_over(client: Client, world: World) -> None:
    d = forward(world.accepted_birth(), world.reception_a)
    html = page(sign_in(client, world.specialist_a), d.pk)
    timeline = html.split('class="timeline"', 1)[1]
    assert timeline.index("Received at the counter") < timeline.index("Accepted")
    assert timeline.index("Accepted") < timeline.index("Forwarded")
    assert f"{world.center_a.name} → {world.commune_a.name}" in timeline
    assert "Trần Lan" in timeline  # who acted


def test_only_the_actions_of_this_official_are_on_the_page(client: Client, world: World) -> None:
    d = forward(world.accepted_birth(), world.reception_a)
    html = page(sign_in(client, world.specialist_a), d.pk)
    assert f'action="{action_url(d, "forward")}"' in html
    assert f'action="{action_url(d, "approve")}"' not in html
    assert f'action="{action_url(d, "accept")}"' not in html
    # Each form carries the version the official saw.
    assert f'name="forward-version" value="{d.version}"' in html

    html = page(sign_in(Client(), world.reception_a), d.pk)
    assert f'action="{action_url(d, "forward")}"' not in html

    leader = page(sign_in(Client(), world.leader_a), forward(d, world.specialist_a).pk)
    assert f'action="{action_url(d, "approve")}"' in leader


def test_an_auditor_reads_but_has_no_action(client: Client, world: World) -> None:
    d = world.accepted_birth()
    html = page(sign_in(client, world.auditor), d.pk)
    assert d.code in html
    assert "There is nothing for you to do on this dossier now." in html
    assert "-version" not in html


def test_a_scanned_receipt_puts_the_return_first_with_focus(client: Client, world: World) -> None:
    d = resolved(world)
    sign_in(client, world.reception_a)
    html = page(client, d.pk, **{"return": "1"})
    panels = re.findall(r'<details id="action-(\w+)"( open)?', html)
    assert panels[0] == ("return_result", " open")
    form = html.split('id="action-return_result"', 1)[1].split("</details>", 1)[0]
    assert re.search(r'<button type="submit"[^>]* autofocus>', form)


def test_return_1_without_a_return_to_make_changes_nothing(client: Client, world: World) -> None:
    d = world.accepted_birth()
    html = page(sign_in(client, world.reception_a), d.pk, **{"return": "1"})
    assert "autofocus" not in html.split('class="actions"', 1)[1].split("</section>", 1)[0]


@pytest.mark.parametrize("user", ["reception_b", "specialist_b", "leader_b", "leader_police"])
def test_another_communes_official_gets_404(client: Client, world: World, user: str) -> None:
    d = world.accepted_birth()
    sign_in(client, getattr(world, user))
    assert client.get(reverse("desk:dossier", args=[d.pk])).status_code == 404
    assert client.get(reverse("desk:control_sheet", args=[d.pk])).status_code == 404


def test_a_missing_dossier_is_the_same_404(client: Client, world: World) -> None:
    sign_in(client, world.reception_a)
    assert client.get(reverse("desk:dossier", args=[999_999])).status_code == 404


def test_the_page_needs_a_signed_in_official(client: Client, world: World) -> None:
    d = world.accepted_birth()
    response = client.get(reverse("desk:dossier", args=[d.pk]))
    assert response.status_code == 302
    assert reverse("desk:login") in response["Location"]


def test_the_control_sheet_pdf(client: Client, world: World) -> None:
    d = forward(world.accepted_birth(), world.reception_a)
    sign_in(client, world.specialist_a)
    response = client.get(reverse("desk:control_sheet", args=[d.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert d.generated_documents.filter(form="06").count() == 1
    assert "Form 06" in page(client, d.pk)  # listed with the documents issued


def test_an_interconnected_group_lists_its_dossiers(client: Client, world: World) -> None:
    from motcua.dossiers.tests.factories import accepted_group, group_children

    g = accepted_group(world, local(2026, 11, 24, 9, 0))
    html = page(sign_in(client, world.reception_a), g.pk)
    for child in group_children(g).values():
        assert child.code in html


def test_the_page_costs_a_bounded_number_of_queries(
    client: Client, world: World, django_assert_max_num_queries: Any
) -> None:
    d = resolved(world)
    sign_in(client, world.reception_a)
    with django_assert_max_num_queries(25):
        assert client.get(reverse("desk:dossier", args=[d.pk])).status_code == 200
