"""Browser tests: Playwright drives Debian's chromium against Django's live server, and every
page is scanned with axe-core (see ``helpers.py``).

    .venv/bin/pytest motcua/desk/tests/browser                      # the scenarios
    MOTCUA_SCREENSHOTS=1 .venv/bin/pytest motcua/desk/tests/browser  # also docs/screenshots/*.png

The browser is ``/usr/bin/chromium`` (Debian's package, installed by ``scripts/system-deps``)
or ``$MOTCUA_CHROMIUM``; Playwright never downloads one. Without it the tests are skipped on a
developer's machine and FAIL in CI (``CI`` set), so a CI run cannot pass without them.

One browser serves every test of this package; each official gets a fresh browser context
(cookies, downloads), closed after the test. The live server is pytest-django's: it shares the
test database (on SQLite in memory it shares the very connection) and serves static files
through Django's StaticFilesHandler. Tests that use it are transactional: every module marks
``serialized_rollback=True`` so reference data seeded by data migrations (the 2025–2026
calendar, the second-factor policy) is restored after the flush of the previous test.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, Playwright, sync_playwright

from motcua.desk.tests.browser.helpers import PASSWORD, VIEWPORT, sign_in

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 15_000
_ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"


@pytest.fixture(scope="package", autouse=True)
def _orm_beside_playwright() -> Iterator[None]:
    """Let the test body use the ORM while Playwright runs.

    Playwright's sync API keeps an asyncio event loop running in the main thread (it switches
    greenlets, so ``asyncio.get_running_loop()`` answers there for as long as Playwright is
    started). Django sees that loop and refuses every ORM call from the test body and its
    fixtures with SynchronousOnlyOperation, although nothing here is async: the loop only
    carries the browser protocol, and the live server answers from its own threads. The flag
    is set for this package only and restored after it, and Playwright is stopped at the end
    of the package (not the session), so the suites that run afterwards see neither the
    running loop (pyHanko's sync API would trip on it) nor the flag.
    """
    previous = os.environ.get(_ASYNC_UNSAFE)
    os.environ[_ASYNC_UNSAFE] = "true"
    yield
    if previous is None:
        os.environ.pop(_ASYNC_UNSAFE, None)
    else:
        os.environ[_ASYNC_UNSAFE] = previous


def _chromium_path() -> str:
    wanted = os.environ.get("MOTCUA_CHROMIUM", "/usr/bin/chromium")
    found = shutil.which(wanted)
    if found is None:
        message = (
            f"Browser tests need Debian's chromium at {wanted!r}: run scripts/system-deps "
            "(as root) or set MOTCUA_CHROMIUM to a Chromium binary."
        )
        if os.environ.get("CI"):
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return found


@pytest.fixture(scope="package")
def playwright(_orm_beside_playwright: None) -> Iterator[Playwright]:
    manager = sync_playwright().start()
    yield manager
    manager.stop()


@pytest.fixture(scope="package")
def browser(playwright: Playwright) -> Iterator[Browser]:
    chromium = playwright.chromium.launch(
        executable_path=_chromium_path(), args=CHROMIUM_ARGS, headless=True
    )
    yield chromium
    chromium.close()


@pytest.fixture(autouse=True)
def _public_url(settings: Any, live_server: Any) -> None:
    # QR codes on the slips open the tracking page of this very server.
    settings.MOTCUA_PUBLIC_URL = live_server.url


@pytest.fixture
def new_page(browser: Browser, live_server: Any) -> Iterator[Callable[[], Page]]:
    """Open a page in a fresh browser context (its own cookies: one context per official),
    relative to the live server, Vietnamese locale and time zone, downloads accepted. Any
    uncaught JavaScript error on a page fails the test."""
    contexts = []
    errors: list[str] = []

    def make() -> Page:
        context = browser.new_context(
            base_url=live_server.url,
            viewport=VIEWPORT,  # type: ignore[arg-type]
            locale="vi-VN",
            timezone_id="Asia/Ho_Chi_Minh",
            accept_downloads=True,
        )
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(f"{page.url}: {error}"))
        return page

    yield make
    for context in contexts:
        context.close()
    assert not errors, "JavaScript errors in the pages:\n" + "\n".join(errors)


@pytest.fixture
def official_page(new_page: Callable[[], Page], live_server: Any) -> Callable[..., Page]:
    """``official_page(user, totp=False)``: a page signed in as ``user`` through the sign-in
    pages; with ``totp=True`` the user gets a confirmed TOTP device and the code is typed."""

    def open_as(user: Any, *, totp: bool = False) -> Page:
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])
        device = None
        if totp:
            from django_otp.plugins.otp_totp.models import TOTPDevice

            device = TOTPDevice.objects.create(user=user, name="Authenticator", confirmed=True)
        page = new_page()
        sign_in(page, live_server, user, PASSWORD, totp_device=device)
        return page

    return open_as
