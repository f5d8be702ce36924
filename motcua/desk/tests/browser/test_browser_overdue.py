"""An overdue dossier shows in the specialist's inbox as overdue, in words and not only in
colour, above the dossiers still in time; the "overdue only" filter keeps just it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext
from playwright.sync_api import Page, expect

from motcua.desk.tests.browser.helpers import assert_accessible, path_of, screenshot
from motcua.dossiers.actors import Actor
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import dossier_forward
from motcua.dossiers.tests.factories import World, applicant

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def at_first_step(world: World, name: str, *, days_ago: int) -> Dossier:
    """A birth registration accepted ``days_ago`` days ago and handed to the specialist."""
    at = timezone.now() - dt.timedelta(days=days_ago)
    d = world.accepted_birth(at=at, applicant=applicant(name=name))
    return dossier_forward(
        dossier=d.pk, actor=Actor.official(world.reception_a), at=at + dt.timedelta(minutes=5)
    )


def _vi(message: str) -> str:
    with translation.override("vi"):
        return gettext(message)


def test_an_overdue_dossier_shows_as_overdue_first_in_the_inbox(
    world: World, official_page: Callable[..., Page]
) -> None:
    # Three working days allowed: a month ago is long past its appointment.
    late = at_first_step(world, "Lò Văn Thưởng", days_ago=30)
    in_time = [
        at_first_step(world, name, days_ago=0)
        for name in ("Hoàng Thị Thuỷ", "Ma Đức Cường", "Nông Thị Ngọc Ánh")
    ]
    assert late.due_at is not None and late.due_at < timezone.now()

    page = official_page(world.specialist_a)
    page.goto(path_of("desk:inbox", query={"list": "process"}))
    rows = page.locator("table.dossiers tbody tr")
    expect(rows).to_have_count(4)
    # Overdue first, with the badge's words; the others say they are in time.
    first = rows.first
    expect(first.locator("a.code")).to_have_text(late.code)
    expect(first.locator(".badge")).to_have_text(_vi("Overdue"))
    expect(first.locator(".badge")).to_have_class("badge overdue")
    for d in in_time:
        row = rows.filter(has=page.locator(f"a.code:text-is('{d.code}')"))
        expect(row.locator(".badge")).to_have_text(_vi("In time"))
    assert_accessible(page, "inbox (one overdue)")
    screenshot(page, "inbox")

    # "Overdue only" (keyboard: tick with the space bar, send with Enter) keeps just it.
    page.locator("#f-overdue").focus()
    page.keyboard.press("Space")
    with page.expect_navigation():
        page.locator("#f-q").press("Enter")
    expect(rows).to_have_count(1)
    expect(rows.first.locator("a.code")).to_have_text(late.code)
    assert_accessible(page, "inbox (overdue only)")
