"""The harness itself: the live server answers with its static files, the ORM works beside
Playwright, and the axe scan really fails on an inaccessible page."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest
from django.templatetags.static import static
from playwright.sync_api import Browser, Page

from motcua.desk.tests.browser.helpers import assert_accessible
from motcua.org.models import Agency

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_live_server_serves_pages_and_static_files(new_page: Callable[[], Page]) -> None:
    page = new_page()
    response = page.goto(static("desk/desk.css"))
    assert response is not None and response.status == 200
    assert "text/css" in response.headers["content-type"]


def test_orm_calls_work_in_the_test_body_while_the_browser_runs(
    browser: Browser, world: Any
) -> None:
    # Playwright's event loop runs in this thread (what Django would refuse ORM calls for),
    # and world was built through the services here all the same.
    assert browser.is_connected()
    assert asyncio.get_running_loop().is_running()
    assert Agency.objects.filter(pk=world.center_a.pk).exists()


def test_axe_scan_fails_listing_serious_violations(new_page: Callable[[], Page]) -> None:
    page = new_page()
    page.set_content(
        '<!doctype html><html lang="vi"><head><title>t</title></head><body><main>'
        '<h1>Trang</h1><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">'
        '<input type="text" id="x"></main></body></html>'
    )
    with pytest.raises(pytest.fail.Exception) as failure:
        assert_accessible(page, "broken")
    message = str(failure.value)
    assert "serious/critical violation(s) on broken" in message
    assert "image-alt [critical]" in message
    assert "label [critical]" in message
    assert "#x" in message
