"""The procedure page leads to online filing; the start page says what is needed."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from motcua.citizens.tests.helpers import make_citizen, sign_in_citizen
from motcua.dossiers.tests.factories import BIRTH, World
from motcua.portal.models import Draft

pytestmark = pytest.mark.django_db


def test_the_procedure_page_links_to_online_filing(client: Any, world: World) -> None:
    page = client.get(reverse("catalog:procedure", args=[BIRTH])).content.decode()
    assert f'href="{reverse("portal:file_start", args=[BIRTH])}"' in page


def test_the_start_page_lists_the_papers_and_unfinished_drafts(client: Any, world: World) -> None:
    citizen = make_citizen(address="Thôn Nà Héc, xã Lâm Bình, tỉnh Tuyên Quang")
    sign_in_citizen(client, citizen)
    url = reverse("portal:file_start", args=[BIRTH])
    page = client.get(url).content.decode()
    assert "Tờ khai đăng ký khai sinh" in page and "Giấy chứng sinh" in page
    assert Draft.objects.count() == 0  # a GET starts nothing
    client.post(url)
    draft = Draft.objects.get()
    # The commune is taken from the citizen's address; online return is the default.
    assert draft.competent_agency == world.commune_a
    assert draft.receiving_agency == world.center_a
    assert draft.return_method == "online"
    assert reverse("portal:draft", args=[draft.pk]) in client.get(url).content.decode()
    listed = client.get(reverse("portal:drafts")).content.decode()
    assert reverse("portal:draft", args=[draft.pk]) in listed


def test_an_unknown_procedure_is_not_found(client: Any, world: World) -> None:
    sign_in_citizen(client, make_citizen())
    assert client.get(reverse("portal:file_start", args=["9.999999"])).status_code == 404


def test_the_drafts_list_costs_the_same_queries_for_more_drafts(client: Any, world: World) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    citizen = make_citizen()
    sign_in_citizen(client, citizen)
    client.post(reverse("portal:file_start", args=[BIRTH]))
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("portal:drafts"))
    for _ in range(3):
        client.post(reverse("portal:file_start", args=[BIRTH]))
    with CaptureQueriesContext(connection) as four:
        page = client.get(reverse("portal:drafts")).content.decode()
    assert page.count("/nop-truc-tuyen/ho-so-nhap/") >= 4
    assert len(four.captured_queries) == len(one.captured_queries)
