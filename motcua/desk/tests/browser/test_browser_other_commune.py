"""An official of another commune cannot open a dossier: its page, its receipt and its code
typed into the search box all answer "not found" (404), exactly like a dossier that does not
exist, while the commune's own officer opens the same addresses."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from motcua.desk.tests.browser.helpers import assert_accessible, path_of
from motcua.documents.services import slip_for_event
from motcua.dossiers.tests.factories import World

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_an_official_of_another_commune_gets_not_found(
    world: World, official_page: Callable[..., Page]
) -> None:
    dossier = world.accepted_birth()
    accepted = dossier.events.get(action="accept")
    receipt = slip_for_event(event=accepted, user=world.reception_a)
    addresses = {
        "dossier page": path_of("desk:dossier", dossier.pk),
        "receipt": path_of("desk:slip", dossier.pk, accepted.pk),
        "issued document": path_of("desk:generated", receipt.pk),
    }

    # The commune's own reception officer opens all three.
    own = official_page(world.reception_a)
    for name, address in addresses.items():
        response = own.request.get(address) if name != "dossier page" else own.goto(address)
        assert response is not None and response.status == 200, name
    expect(own.locator("h1 .code")).to_have_text(dossier.code)

    # The other commune's officer, signed in, gets "not found" for each.
    other = official_page(world.reception_b)
    for name, address in addresses.items():
        response = other.goto(address)
        assert response is not None and response.status == 404, name
        assert dossier.code not in other.content(), name
        assert_accessible(other, f"404 for another commune's {name}")

    # Typing or scanning its code into the header search box: the same "not found".
    other.goto(path_of("desk:inbox"))
    other.locator("#desk-q").focus()
    with other.expect_response(lambda r: path_of("desk:search") in r.url) as answer:
        other.keyboard.type(dossier.code)
        other.keyboard.press("Enter")
    assert answer.value.status == 404
    expect(other.locator("h1")).to_be_visible()
    assert_accessible(other, "search: another commune's code")
