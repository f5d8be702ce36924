"""A birth registration from the counter to the returned result, in the browser, each
official in their own browser and every page scanned with axe-core:

1. the reception officer finds the procedure, receives a walk-in applicant with the keyboard
   (look-up by personal ID, typed fields, ticked checklist, attached scans), accepts, and
   downloads the receipt (Mẫu 01); then hands the dossier over to the commune;
2. the specialist finds it in the inbox and forwards it to the leader;
3. the leader signs in with a one-time code, approves, attaches the result PDF and signs it;
   the signed result downloads and poppler's ``pdfsig`` finds the signature valid;
4. the reception officer scans the receipt's QR code into the header search box (a QR reader
   types like a keyboard), lands on the dossier ready for return, and returns the result.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import translation
from playwright.sync_api import Page, expect

from motcua.desk.tests.browser.helpers import (
    assert_accessible,
    downloaded,
    path_of,
    screenshot,
)
from motcua.documents.certificates import ensure_demo_certificates
from motcua.documents.tests.pdftools import decode_qr, flat_text
from motcua.documents.tests.test_sign_results import pdfsig, signature_validation
from motcua.dossiers.lifecycle import State
from motcua.dossiers.models import Dossier, DossierState
from motcua.dossiers.tests.factories import BIRTH, VALID_PERSONAL_ID, World, pdf_bytes
from motcua.portal.views.track import PUBLIC_LABELS

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

APPLICANT = "Đặng Thị Hương Giang"  # NFC, as typed
CHILD = "Nguyễn Ngọc Bảo Hân"
ADDRESS = "Thôn Nà Héc, xã Lâm Bình"
COMMUNE_A = "Ủy ban nhân dân xã Lâm Bình"
DOSSIER_URL = re.compile(r"/desk/dossiers/(\d+)/")


def _pdf_file(name: str, title: str) -> dict[str, Any]:
    return {"name": name, "mimeType": "application/pdf", "buffer": pdf_bytes(title)}


def _state_label(state: str) -> str:
    with translation.override("vi"):
        return str(DossierState(state).label)


def _dossier_on(page: Page) -> Dossier:
    match = DOSSIER_URL.search(page.url)
    assert match, f"not on a dossier page: {page.url}"
    return Dossier.objects.get(pk=int(match.group(1)))


def _open_action(page: Page, action: str) -> None:
    """Open the action's panel on the dossier page with the keyboard (summary + Enter)."""
    panel = page.locator(f"details#action-{action}")
    expect(panel).to_have_count(1)
    if panel.get_attribute("open") is None:
        panel.locator("summary").focus()
        page.keyboard.press("Enter")
    expect(panel).to_have_attribute("open", "")


def _submit_action(page: Page, action: str) -> None:
    panel = page.locator(f"details#action-{action}")
    with page.expect_navigation():
        panel.locator("button[type=submit]").press("Enter")
    expect(page.locator(".messages .msg.success")).to_be_visible()


# --- 1. reception ------------------------------------------------------------------------------


def receive_walk_in(page: Page) -> tuple[Dossier, bytes]:
    page.goto(path_of("desk:reception"))
    assert_accessible(page, "reception")
    # The procedure, found without diacritics.
    page.locator("main input[name=q]").fill("dang ky khai sinh")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(re.escape(path_of("desk:reception_new"))))
    assert_accessible(page, "reception_pick")
    link = page.locator(f"a[href$='?procedure={BIRTH}']")
    link.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"procedure={re.escape(BIRTH)}"))

    # The look-up box has the focus: the applicant's ID, Enter; nobody known, so the form
    # keeps the number and puts the cursor on the name.
    expect(page.locator("input[name=lookup]")).to_be_focused()
    page.keyboard.type(VALID_PERSONAL_ID)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"lookup="))
    expect(page.locator("input[name=personal_id]")).to_have_value(VALID_PERSONAL_ID)
    expect(page.locator("input[name=name]")).to_be_focused()
    page.keyboard.type(APPLICANT)
    # Date inputs take their value whole: what keys a date field expects depends on the
    # browser's locale (dd/mm or mm/dd), which a test should not guess.
    page.locator("input[name=birth_date]").fill("1990-05-17")
    page.locator("input[name=address]").focus()
    page.keyboard.type(ADDRESS)
    page.locator("input[name=phone]").focus()
    page.keyboard.type("0912345678")
    page.locator("input[name=eform__ho_ten_tre]").focus()
    page.keyboard.type(CHILD)
    page.locator("input[name=eform__ngay_sinh]").fill("2026-11-20")
    # The checklist: each paper ticked with the space bar, its scan attached.
    ticks = page.locator("table.papers input[type=checkbox]")
    assert ticks.count() >= 1
    for i in range(ticks.count()):
        ticks.nth(i).focus()
        page.keyboard.press("Space")
        expect(ticks.nth(i)).to_be_checked()
    scans = page.locator("table.papers input[type=file]")
    attached = scans.count()
    for i in range(attached):
        scans.nth(i).set_input_files(_pdf_file(f"giay-to-{i + 1}.pdf", f"Giấy tờ {i + 1}"))
    page.locator("input[name=personal_id]").focus()
    expect(page.locator("#personal-id-status")).not_to_be_empty()
    page.evaluate("window.scrollTo(0, 0)")
    assert_accessible(page, "reception_new (filled)")
    screenshot(page, "reception-desk")

    # Enter in a field accepts the dossier.
    with page.expect_navigation():
        page.locator("input[name=phone]").press("Enter")
    dossier = _dossier_on(page)
    assert dossier.state == State.ACCEPTED
    assert dossier.applicant_name == APPLICANT
    assert dossier.eform_data["ho_ten_tre"] == CHILD
    assert dossier.documents.count() == attached
    expect(page.locator("h1 .code")).to_have_text(dossier.code)
    assert_accessible(page, "dossier (accepted)")

    # The receipt (Mẫu 01), from the link the page offers right after the acceptance. A plain
    # click opens the PDF in a new tab to print; Alt+click is Chromium's "download the link".
    with page.expect_download() as info:
        page.locator(".slip-now a").click(modifiers=["Alt"])
    receipt = downloaded(info.value)
    text = flat_text(receipt)
    assert dossier.code in text
    assert APPLICANT in text
    return dossier, receipt


def hand_over(page: Page, dossier: Dossier) -> None:
    """The reception officer hands the accepted dossier to the commune's first step."""
    _open_action(page, "forward")
    _submit_action(page, "forward")
    dossier.refresh_from_db()
    assert (dossier.state, dossier.current_step) == (State.PROCESSING, 1)


# --- 2. specialist ------------------------------------------------------------------------------


def open_from_inbox(page: Page, dossier: Dossier, name: str) -> None:
    page.goto(path_of("desk:inbox"))
    row_link = page.locator(f"table.dossiers a.code:text-is('{dossier.code}')")
    expect(row_link).to_have_count(1)
    assert_accessible(page, f"inbox ({name})")
    row_link.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator("h1 .code")).to_have_text(dossier.code)
    assert_accessible(page, f"dossier ({name})")


def forward_to_leader(page: Page, dossier: Dossier) -> None:
    open_from_inbox(page, dossier, "specialist")
    # Only what a specialist may do: no approval, no signature.
    expect(page.locator("details#action-approve")).to_have_count(0)
    expect(page.locator("details#action-sign_result")).to_have_count(0)
    _open_action(page, "forward")
    _submit_action(page, "forward")
    dossier.refresh_from_db()
    assert (dossier.state, dossier.current_step) == (State.PROCESSING, 2)


# --- 3. leader ------------------------------------------------------------------------------------


def approve_attach_sign(page: Page, dossier: Dossier) -> bytes:
    open_from_inbox(page, dossier, "leader")
    screenshot(page, "dossier-page")
    _open_action(page, "approve")
    _submit_action(page, "approve")
    dossier.refresh_from_db()
    assert dossier.state == State.APPROVED

    _open_action(page, "attach_result")
    panel = page.locator("details#action-attach_result")
    panel.locator("input[name=attach_result-name]").fill("Giấy khai sinh")
    panel.locator("input[name=attach_result-kind][value=electronic]").check()
    panel.locator("input[name=attach_result-file]").set_input_files(
        _pdf_file("giay-khai-sinh.pdf", "Giấy khai sinh")
    )
    _submit_action(page, "attach_result")
    result = dossier.results.get()
    assert result.signed_at is None

    _open_action(page, "sign_result")
    assert_accessible(page, "dossier (leader, before signing)")
    _submit_action(page, "sign_result")
    dossier.refresh_from_db()
    assert dossier.state == State.RESOLVED
    result.refresh_from_db()
    assert result.signed_at is not None
    assert_accessible(page, "dossier (signed)")

    with page.expect_download() as info:
        page.locator(f"a[href='{path_of('desk:result_file', result.pk)}?download=1']").click()
    return downloaded(info.value)


# --- 4. return after scanning the receipt ---------------------------------------------------------


def scan_and_return(page: Page, dossier: Dossier, receipt: bytes) -> str:
    [scanned] = decode_qr(receipt)
    query = parse_qs(urlsplit(scanned).query)
    assert query["code"] == [dossier.code]
    page.goto(path_of("desk:reception"))
    page.locator("#desk-q").focus()
    with page.expect_navigation():
        page.keyboard.type(scanned)  # a QR reader types what it reads, then Enter
        page.keyboard.press("Enter")
    assert _dossier_on(page).pk == dossier.pk
    assert "return=1" in page.url
    # Ready for the return step: its form is open and its button has the focus.
    expect(page.locator("details#action-return_result")).to_have_attribute("open", "")
    focused_form = page.evaluate("document.activeElement.closest('form').getAttribute('action')")
    assert focused_form == path_of("desk:dossier_action", dossier.pk, "return_result")
    assert_accessible(page, "dossier (scanned receipt, ready for return)")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator(".status-line strong")).to_have_text(_state_label(State.RETURNED))
    assert_accessible(page, "dossier (returned)")
    dossier.refresh_from_db()
    assert dossier.state == State.RETURNED
    return scanned


# --- the scenario ------------------------------------------------------------------------------


def test_walk_in_dossier_from_the_counter_to_the_returned_result(
    world: World, official_page: Callable[..., Page], new_page: Callable[[], Page], tmp_path: Path
) -> None:
    ensure_demo_certificates(directory=tmp_path / "demo-ca")

    reception = official_page(world.reception_a)
    dossier, receipt = receive_walk_in(reception)
    hand_over(reception, dossier)

    forward_to_leader(official_page(world.specialist_a), dossier)

    signed = approve_attach_sign(official_page(world.leader_a, totp=True), dossier)
    report = pdfsig(signed, "-nocert")
    assert signature_validation(report) == "Signature is Valid.", report
    assert f"Signer Certificate Common Name: {COMMUNE_A}" in report

    tracking_url = scan_and_return(reception, dossier, receipt)

    # The receipt's QR code opens the public tracking page, which now says "handed over".
    citizen = new_page()
    response = citizen.goto(tracking_url)
    assert response is not None and response.status == 200
    expect(citizen.locator("main")).to_contain_text(dossier.code)
    with translation.override("vi"):
        handed_over = str(PUBLIC_LABELS["return_result"])
    expect(citizen.locator("main")).to_contain_text(handed_over)
    assert_accessible(citizen, "portal:track")
