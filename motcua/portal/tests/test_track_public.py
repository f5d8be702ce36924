"""Public tracking by code and lookup secret: citizen-visible facts only (no officials'
names, notes or personal data beyond initials); a wrong secret and an unknown code get the
same answer."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.urls import reverse

from motcua.dossiers.tests.factories import World
from motcua.portal.tests.follow_steps import PAPER, supplement_requested, text


def track(client: Any, **query: str) -> Any:
    return client.get(f"{reverse('portal:track')}?{urlencode(query)}")


def test_without_input_the_form_is_shown(client: Any, db: None) -> None:
    response = client.get(reverse("portal:track"))
    body = response.content.decode()
    assert response.status_code == 200
    assert 'name="code"' in body and 'name="k"' in body
    assert "No dossier matches" not in body


def test_code_and_secret_show_citizen_visible_facts_only(world: World, client: Any) -> None:
    d = world.accepted_birth()
    response = track(client, code=d.code, k=d.lookup_secret)
    body = text(response)
    assert response.status_code == 200
    assert d.code in body and "Đăng ký khai sinh" in body
    assert "Accepted" in body and "Accepted; appointment issued" in body
    assert "N. V. Á." in body  # initials only
    assert "Nguyễn Văn Ánh" not in body and d.applicant_phone not in body
    assert world.reception_a.get_full_name() not in body
    assert "Not ready yet" in body


def test_wrong_secret_and_unknown_code_get_the_same_answer(world: World, client: Any) -> None:
    d = world.accepted_birth()
    wrong = track(client, code=d.code, k="X" * len(d.lookup_secret))
    unknown = track(client, code="000.00.00.H60-000000-9999", k="X" * len(d.lookup_secret))
    assert wrong.status_code == unknown.status_code == 404
    assert "No dossier matches this code and lookup key" in text(wrong)
    assert text(wrong).replace(d.code, "") == text(unknown).replace("000.00.00.H60-000000-9999", "")
    assert "Đăng ký khai sinh" not in text(wrong)


def test_the_secret_holder_is_offered_the_supplement_form(world: World, client: Any) -> None:
    d = supplement_requested(world)
    response = track(client, code=d.code, k=d.lookup_secret)
    body = response.content.decode()
    assert PAPER in body
    assert reverse("portal:supplement", args=[d.code]) in body
    assert f'name="k" value="{d.lookup_secret}"' in body
    # The reason the agency gave is shown; the official who asked is not.
    assert "Thiếu bản sao giấy chứng sinh" in text(response)
    assert world.specialist_a.get_full_name() not in text(response)


def test_fees_due_are_shown_to_the_secret_holder(world: World, client: Any) -> None:
    d = world.submit_construction()
    response = track(client, code=d.code, k=d.lookup_secret)
    body = text(response)
    assert response.status_code == 200
    assert "Lệ phí cấp giấy phép xây dựng" in body and "Due: 75000 đ. Paid: 0 đ." in body
    # Papers (and their file names) are for the signed-in owner only.
    assert "giay-to.pdf" not in body
