"""A citizen's whole journey in the browser, end to end over real HTTP: sign in through the
local OpenID provider, find birth registration typed without diacritics, fill the e-form,
upload the papers, submit, follow, answer a supplement request, pay through the local
gateway, download the signed result, verify it on the public page, and rate the dossier.
The officials' steps between happen through the dossier services (the workspace has its own
browser tests). axe-core scans every citizen page on the way."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from motcua.desk.tests.browser.helpers import assert_accessible, downloaded
from motcua.desk.tests.steps import ago
from motcua.devpeers.gateway.demo import ensure_demo_gateway
from motcua.devpeers.idp.demo import ensure_demo_idp
from motcua.documents.certificates import ensure_demo_certificates
from motcua.documents.results import dossier_sign_and_seal
from motcua.dossiers import services as svc
from motcua.dossiers.actors import Actor
from motcua.dossiers.models import Dossier, Payment
from motcua.dossiers.tests.factories import World, pdf_bytes, pdf_upload
from motcua.payments.demo import ensure_demo_account
from motcua.quality.models import DossierRating

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

GIANG_ID = "008190001234"
PASSWORD = "MotCua-demo-2026"


def sign_in_citizen(page: Page, personal_id: str) -> None:
    """Home → "Sign in" → the provider's own page → back, signed in (the header says so)."""
    page.goto("/")
    page.locator("header a[href*='dang-nhap']").click()
    assert_accessible(page, "citizen sign-in")
    page.locator("main button[name=go]").click()
    page.wait_for_url(re.compile(r"/dev/idp/login/"))
    page.locator("#personal_id").fill(personal_id)
    page.locator("#password").fill(PASSWORD)
    page.locator("#password").press("Enter")
    page.wait_for_url(re.compile(r"^(?!.*/dev/idp/).*$"))
    expect(page.locator("header")).to_contain_text("Ho" if personal_id != GIANG_ID else "Giang")


def write_pdf(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_bytes(pdf_bytes(text))
    return str(path)


def attach_papers(page: Page, tmp_path: Path) -> int:
    """Upload a PDF for every paper of the draft, one form each; returns how many."""
    count = page.locator("form.upload").count()
    for index in range(count):
        upload = page.locator("form.upload").nth(index)
        upload.locator("input[type=file]").set_input_files(
            write_pdf(tmp_path, f"paper-{index}.pdf", f"Giấy tờ {index}")
        )
        upload.locator("button[type=submit]").click()
        # Sent in the background by filing.js (or by the plain form): wait for its answer.
        expect(page.locator(".paper-ok")).to_have_count(index + 1)
    return count


def test_citizen_files_pays_follows_receives_verifies_and_rates(
    world: World, new_page: Callable[[], Page], live_server: Any, tmp_path: Path
) -> None:
    ensure_demo_idp()
    ensure_demo_account(world.commune_a)
    ensure_demo_gateway()
    ensure_demo_certificates(directory=tmp_path / "demo-ca")
    page = new_page()

    # Sign in, then find the procedure without diacritics and with everyday words.
    sign_in_citizen(page, GIANG_ID)
    page.goto("/")
    page.locator("#q").fill("lam giay khai sinh")
    page.locator("#q").press("Enter")
    page.get_by_role("link", name="Đăng ký khai sinh").first.click()
    expect(page.locator("h1")).to_contain_text("Đăng ký khai sinh")
    assert_accessible(page, "procedure page")
    page.locator(f"a[href='{reverse('portal:file_start', args=['1.001193'])}']").click()
    assert_accessible(page, "start filing")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/nop-truc-tuyen/ho-so-nhap/\d+/"))

    # The e-form: the browser itself refuses an empty required field (from the schema).
    child = page.locator("#draft-form [name$='ho_ten_tre']").first
    child.fill("")
    page.locator("#draft-form button[type=submit]").first.click()
    assert child.evaluate("el => el.validity.valueMissing")
    assert_accessible(page, "e-form")
    # Typed in decomposed Unicode (as some phone keyboards send it): stored as NFC.
    child.fill("Nguye\u0302\u0303n Thị Hoà")
    page.locator("#draft-form [name$='ngay_sinh']").first.fill("2026-11-20")
    agency = page.locator("#draft-form select[name=competent_agency]")
    if agency.count():
        agency.select_option(str(world.commune_a.pk))
    online = page.locator("#draft-form input[name=return_method][value=online]")
    if online.count():
        online.check()
    else:
        page.locator("#draft-form input[name=return_method][value=counter]").check()
        page.locator("#draft-form select[name=return_agency]").select_option(str(world.center_a.pk))
    page.locator("#draft-form button[type=submit]").first.click()
    expect(page.locator("#saved")).to_be_visible()
    expect(page.locator(".error-summary")).to_have_count(0)

    # Papers: a file of the wrong type is refused, then the right one is retried alone.
    for upload in page.locator("form.upload").all():
        bad = tmp_path / "note.txt"
        bad.write_text("not a paper")
        upload.locator("input[type=file]").set_input_files(str(bad))
        upload.locator("button[type=submit]").click()
        break
    expect(page.locator(".paper .field-error").first).to_be_visible()
    count = attach_papers(page, tmp_path)
    assert_accessible(page, "e-form with papers")

    # Submit: the receipt has the code, the lookup key and the QR code.
    page.locator("form[action$='/nop/'] button[type=submit]").click()
    page.wait_for_url(re.compile(r"/nop-truc-tuyen/bien-nhan/"))
    code = page.locator("#dossier-code").inner_text().strip()
    key = page.locator("#lookup-key").inner_text().strip()
    assert_accessible(page, "receipt")
    d = Dossier.objects.get(code=code)
    assert d.lookup_secret == key
    assert d.owner is not None and d.owner.citizen.personal_id == GIANG_ID
    assert d.identity_verified_vneid
    assert d.eform_data["ho_ten_tre"] == "Nguyễn Thị Hoà"
    creation = d.events.get(seq=1)
    assert creation.data["identity"]["method"] == "oidc"
    assert d.documents.count() == count

    # The desk accepts and the specialist asks for one more paper.
    svc.dossier_accept(dossier=d.pk, actor=Actor.official(world.reception_a))
    svc.dossier_forward(dossier=d.pk, actor=Actor.official(world.reception_a))
    svc.dossier_request_supplement(
        dossier=d.pk,
        actor=Actor.official(world.specialist_a),
        items=["Bản sao giấy chứng sinh"],
        reason="Thiếu giấy chứng sinh",
    )

    # My dossiers → the dossier → answer the request: the clock resumes.
    page.goto(reverse("portal:my_dossiers"))
    assert_accessible(page, "my dossiers")
    page.locator(f"a[href$='/{code}/']").first.click()
    assert_accessible(page, "dossier page with supplement request")
    section = page.locator("section[aria-labelledby=supplement-heading]")
    section.locator("input[type=file]").first.set_input_files(
        write_pdf(tmp_path, "chung-sinh.pdf", "Giấy chứng sinh")
    )
    section.locator("button[type=submit]").click()
    page.wait_for_load_state("load")
    d.refresh_from_db()
    assert d.state == "processing"
    assert d.supplements.get().completed_at is not None

    # A charge for the copies of the extract, paid through the gateway.
    svc.dossier_request_payment(
        dossier=d.pk,
        actor=Actor.official(world.specialist_a),
        items=[("Phí cấp bản sao trích lục khai sinh", 8000)],
    )
    page.reload()
    pay = page.locator("form[action*='/pay/start/']")
    expect(pay).to_contain_text("8")
    pay.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r"/dev/gateway/pay"))
    expect(page.locator("main, body").first).to_contain_text("8")
    page.locator("button[name=action][value=pay], button[value=pay]").first.click()
    page.wait_for_url(re.compile(r"/pay/return/"))
    assert_accessible(page, "payment return")
    payment = Payment.objects.get(dossier=d)
    assert payment.amount == 8000
    d.refresh_from_db()
    assert d.paid_total == 8000 and d.state == "processing"

    # The leader approves and signs; the result is returned online.
    svc.dossier_forward(dossier=d.pk, actor=Actor.official(world.specialist_a))
    svc.dossier_approve(dossier=d.pk, actor=Actor.official(world.leader_a))
    svc.dossier_attach_result(
        dossier=d.pk,
        actor=Actor.official(world.leader_a),
        name="Giấy khai sinh",
        kind="electronic",
        upload=pdf_upload("Giấy khai sinh Nguyễn Thị Hoà"),
    )
    dossier_sign_and_seal(dossier=d.pk, actor=Actor.official(world.leader_a))
    svc.dossier_return_result(dossier=d.pk, actor=Actor.official(world.reception_a))

    # Download the signed result from the dossier page.
    page.goto(reverse("portal:dossier", args=[code]))
    assert_accessible(page, "dossier page with result")
    with page.expect_download() as info:
        page.locator("a[href*='/ket-qua/1/']").click()
    signed = downloaded(info.value)
    assert signed.startswith(b"%PDF") and b"/ByteRange" in signed
    result_path = tmp_path / "ket-qua.pdf"
    result_path.write_bytes(signed)

    # Anyone can verify it on the public page.
    page.goto(reverse("portal:verify"))
    assert_accessible(page, "verify page")
    page.locator("input[type=file]").first.set_input_files(str(result_path))
    page.locator("input[type=file]").first.locator("xpath=ancestor::form").locator(
        "button[type=submit]"
    ).click()
    page.wait_for_load_state("load")
    expect(page.locator("[data-verdict]").first).to_have_attribute("data-verdict", "genuine")
    assert_accessible(page, "verify verdict")

    # And the citizen rates the dossier, once.
    page.goto(reverse("portal:rate", args=[code]))
    assert_accessible(page, "rating page")
    for group in page.locator("main form fieldset").all():
        group.locator("input[type=radio]").first.check()
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state("load")
    rating = DossierRating.objects.get(dossier=d)
    assert rating.rated_at is not None
    assert ago(minutes=5) < rating.rated_at
