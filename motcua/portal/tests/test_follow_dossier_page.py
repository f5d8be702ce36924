"""The citizen's dossier page: status in plain words, public history, appointment, papers,
fees, results and the actions the lifecycle allows — to the owner only."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from motcua.citizens.tests.helpers import sign_in_citizen
from motcua.dossiers.tests.factories import World
from motcua.portal.tests.follow_steps import applicant_citizen, returned, stranger, text


def test_the_owner_sees_status_history_and_papers(world: World, client: Any) -> None:
    d = world.accepted_birth()
    sign_in_citizen(client, applicant_citizen())
    response = client.get(reverse("portal:dossier", args=[d.code]))
    body = text(response)
    assert response.status_code == 200
    assert d.code in body and "Đăng ký khai sinh" in body
    assert "Accepted; appointment issued" in body and "Handed in at the one-stop desk" in body
    assert "Nguyễn Văn Ánh" in body  # the owner sees their own name
    # The officials who handled it are never named.
    assert world.reception_a.get_full_name() not in body
    # The withdraw form is offered while the lifecycle allows it, with the version seen.
    assert "Withdraw the dossier" in body
    assert f'name="version" value="{d.version}"' in response.content.decode()


def test_a_returned_dossier_offers_rating_not_withdrawal(world: World, client: Any) -> None:
    d = returned(world)
    sign_in_citizen(client, applicant_citizen())
    body = text(client.get(reverse("portal:dossier", args=[d.code])))
    assert "Result handed over" in body
    assert "Withdraw the dossier" not in body
    assert "Tell us how your dossier was handled" in body


def test_fees_due_are_shown(world: World, client: Any) -> None:
    citizen = applicant_citizen()
    d = world.submit_construction(owner=citizen.user)
    sign_in_citizen(client, citizen)
    response = client.get(reverse("portal:dossier", args=[d.code]))
    body = text(response)
    assert response.status_code == 200
    assert "Lệ phí cấp giấy phép xây dựng" in body
    assert "Due: 75000 đ. Paid: 0 đ." in body
    assert "giay-to.pdf" in body  # the papers submitted, by name


def test_another_citizen_gets_404(world: World, client: Any) -> None:
    d = world.accepted_birth()
    sign_in_citizen(client, stranger())
    response = client.get(reverse("portal:dossier", args=[d.code]))
    assert response.status_code == 404
    assert "Đăng ký khai sinh" not in text(response)
    assert "Accepted; appointment issued" not in text(response)


def test_an_unknown_code_gets_the_same_404(world: World, client: Any) -> None:
    sign_in_citizen(client, applicant_citizen())
    assert client.get(reverse("portal:dossier", args=["nope"])).status_code == 404


def test_the_page_costs_a_bounded_number_of_queries(
    world: World, client: Any, django_assert_max_num_queries: Any
) -> None:
    from motcua.dossiers.services import DocumentInput
    from motcua.dossiers.tests.factories import pdf_upload

    citizen = applicant_citizen()
    papers = [DocumentInput(upload=pdf_upload(f"giấy {i}"), name=f"Giấy {i}") for i in range(8)]
    d = world.receive_birth(documents=papers)
    sign_in_citizen(client, citizen)
    with django_assert_max_num_queries(21):
        response = client.get(reverse("portal:dossier", args=[d.code]))
    body = text(response)
    assert "Giấy 0" in body and "Giấy 7" in body
