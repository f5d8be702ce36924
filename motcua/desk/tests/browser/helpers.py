"""What the browser scenarios share: signing in (with a TOTP code when asked), the axe-core
scan, README screenshots, and reading files the browser downloaded."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from playwright.sync_api import Download, Page, expect

REPO_ROOT = Path(__file__).resolve().parents[4]
SCREENSHOTS = REPO_ROOT / "docs" / "screenshots"
VIEWPORT = {"width": 1366, "height": 768}
# Every official in these tests gets this password (hashed with MD5 by the root conftest).
PASSWORD = "Browser-test-2718"
# WCAG 2.0 and 2.1, levels A and AA; "serious" and "critical" violations fail the test.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING_IMPACTS = frozenset({"serious", "critical"})
SCREENSHOT_MAX_BYTES = 200_000

_axe = Axe()  # the axe.min.js bundled in the wheel: nothing is fetched from a CDN


def path_of(name: str, *args: Any, query: dict[str, str] | None = None) -> str:
    """The path of a URL name (pages are opened relative to the context's base URL)."""
    path = reverse(name, args=args)
    return f"{path}?{urlencode(query)}" if query else path


def totp_code(device: Any) -> str:
    """The code an authenticator app shows now for a django-otp TOTPDevice."""
    from django_otp.oath import totp

    code = totp(
        device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift
    )
    return f"{code:0{device.digits}d}"


def sign_in(
    page: Page, live_server: Any, user: Any, password: str, totp_device: Any = None
) -> None:
    """Sign in through the desk's own pages, with the keyboard: username, password, Enter,
    then (when ``totp_device`` is given) the six-digit code from the authenticator."""
    page.goto(f"{live_server.url}{path_of('desk:login')}")
    assert_accessible(page, "login")
    page.locator("input[name=username]").fill(user.username)
    page.locator("input[name=password]").fill(password)
    page.locator("input[name=password]").press("Enter")
    if totp_device is not None:
        page.wait_for_url(re.compile(re.escape(path_of("desk:login_otp"))))
        assert_accessible(page, "login_otp")
        field = page.locator("input[name=code][autocomplete=one-time-code]")
        field.fill(totp_code(totp_device))
        field.press("Enter")
    # Signed in: the header's quick search exists only for an official with a session.
    expect(page.locator("#desk-q")).to_be_visible()


def assert_accessible(page: Page, name: str) -> None:
    """Run axe-core on the page as it is now; fail listing every serious or critical
    violation of WCAG 2.0/2.1 A and AA (rule id, help, the elements)."""
    results = _axe.run(
        page,
        options={
            "runOnly": {"type": "tag", "values": AXE_TAGS},
            "resultTypes": ["violations"],
        },
    )
    violations = results.response["violations"]
    blocking = [v for v in violations if v.get("impact") in BLOCKING_IMPACTS]
    if os.environ.get("MOTCUA_AXE_ALL") == "1":  # moderate and minor ones too (run with -s)
        print(_report(f"axe-core on {name} ({page.url})", violations))
    if blocking:
        title = f"axe-core: {len(blocking)} serious/critical violation(s) on {name} ({page.url})"
        pytest.fail(_report(title, blocking), pytrace=False)


def _report(title: str, violations: list[dict[str, Any]]) -> str:
    lines = [f"{title}: {len(violations)} violation(s)"]
    for violation in violations:
        lines.append(f"- {violation['id']} [{violation['impact']}]: {violation['help']}")
        for node in violation["nodes"]:
            target = " ".join(str(t) for t in node.get("target", []))
            summary = " ".join(str(node.get("failureSummary", "")).split())
            lines.append(f"    {target} :: {summary}")
    return "\n".join(lines)


def screenshot(page: Page, name: str) -> Path | None:
    """Save ``docs/screenshots/<name>.png`` (the 1366×768 viewport) for the README, only when
    MOTCUA_SCREENSHOTS=1 so that ordinary test runs never rewrite the committed files."""
    if os.environ.get("MOTCUA_SCREENSHOTS") != "1":
        return None
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=False, animations="disabled", caret="hide")
    if path.stat().st_size > SCREENSHOT_MAX_BYTES:
        _shrink(path)
    assert path.stat().st_size <= SCREENSHOT_MAX_BYTES, f"{path} is still over 200 KB"
    return path


def _shrink(path: Path) -> None:
    """A palette PNG (256 colours) of a text page looks the same and is far smaller."""
    from PIL import Image

    with Image.open(path) as image:
        small = image.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT)
    small.save(path, optimize=True)


def downloaded(download: Download) -> bytes:
    """The bytes of a file the browser downloaded."""
    failure = download.failure()
    assert failure is None, f"download of {download.url} failed: {failure}"
    return Path(download.path()).read_bytes()
