"""Assisted filing in the browser (a community digital-team member files for a citizen with
the code the citizen received by SMS), and the citizen pages on a 360 px phone: nothing
wider than the screen, and the procedure page and the e-form light enough for a weak network
(first load, empty cache, at most 60 KB compressed, every response counted)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, Page, expect

from motcua.citizens.models import DigitalTeam, DigitalTeamMember
from motcua.desk.tests.browser.helpers import assert_accessible, screenshot
from motcua.devpeers.idp.demo import ensure_demo_idp
from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.factories import BIRTH, World
from motcua.org.models import User
from motcua.portal.tests.browser.test_browser_citizen_journey import attach_papers, sign_in_citizen
from motcua.portal.tests.browser.weight import first_load

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PA_ID = "008085005678"
MAI = {"name": "Lý Thị Mai", "personal_id": "008170009012", "phone": "0971112233"}
BUDGET = 60 * 1024  # compressed bytes for a first load of the procedure page or the e-form


@pytest.fixture
def sms_sent_at_once(settings: Any) -> None:
    # Notifications go out after commit through the task queue; here the queue runs at once,
    # so the SMS reaches the local gateway over HTTP while the member waits.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def test_a_team_member_files_for_a_citizen_with_her_consent(
    world: World,
    new_page: Callable[[], Page],
    live_server: Any,
    sms_sent_at_once: None,
    tmp_path: Path,
) -> None:
    ensure_demo_idp()
    team = DigitalTeam.objects.create(
        commune=world.commune_a, name="Tổ công nghệ số cộng đồng thôn Nà Tông"
    )
    member_user = User.objects.create_user(username=f"citizen-{PA_ID}")
    DigitalTeamMember.objects.create(team=team, user=member_user)
    page = new_page()
    sign_in_citizen(page, PA_ID)

    page.locator(f"header a[href='{reverse('portal:assist_start')}']").click()
    assert_accessible(page, "assisted filing: start")
    page.locator("input[name=citizen_name]").fill(MAI["name"])
    page.locator("input[name=personal_id]").fill(MAI["personal_id"])
    page.locator("input[name=phone]").fill(MAI["phone"])
    page.locator("input[name=method][value=otp]").check()
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(re.compile(r"/ho-tro-nop/dong-y/\d+/"))
    assert_accessible(page, "assisted filing: consent code")

    # The citizen's phone: the local SMS gateway shows what it was asked to send.
    phone = new_page()
    phone.goto("/dev/sms/")
    message = phone.locator("body").inner_text()
    assert "Hoàng Văn Pá" in message and MAI["phone"] in message
    code = re.findall(r"\b(\d{6})\b", message)[0]

    page.locator("input[name=c-code]").fill(code)
    page.locator("input[name=c-code]").press("Enter")
    page.wait_for_url(re.compile(r"/thu-tuc/"))
    page.locator("#assist-q").fill("dang ky khai sinh")
    page.locator("#assist-q").press("Enter")
    page.locator("main form:has(input[name=version]) button[type=submit]").first.click()
    page.wait_for_url(re.compile(r"/nop-truc-tuyen/ho-so-nhap/\d+/"))
    expect(page.locator(".filing-applicant")).to_contain_text(MAI["name"])
    page.locator("#draft-form [name$='ho_ten_tre']").first.fill("Lý Văn Nam")
    page.locator("#draft-form [name$='ngay_sinh']").first.fill("2026-11-18")
    agency = page.locator("#draft-form select[name=competent_agency]")
    if agency.count():
        agency.select_option(str(world.commune_a.pk))
    page.locator("#draft-form input[name=return_method][value=counter]").check()
    page.locator("#draft-form select[name=return_agency]").select_option(str(world.center_a.pk))
    page.locator("#draft-form button[type=submit]").first.click()
    expect(page.locator(".error-summary")).to_have_count(0)
    attach_papers(page, tmp_path)
    page.locator("form[action$='/nop/'] button[type=submit]").click()
    page.wait_for_url(re.compile(r"/nop-truc-tuyen/bien-nhan/"))
    assert_accessible(page, "assisted filing: receipt")

    d = Dossier.objects.get(code=page.locator("#dossier-code").inner_text().strip())
    assert d.applicant_name == MAI["name"] and d.applicant_personal_id == MAI["personal_id"]
    assert not d.identity_verified_vneid  # the member's sign-in is not the citizen's identity
    assert d.assistance.member == member_user and d.assistance.team == team
    assisted = d.events.get(seq=1).data["assisted_by"]
    assert assisted == {
        "name": "Hoàng Văn Pá",
        "user_id": member_user.pk,
        "team_id": team.pk,
        "team": team.name,
    }
    page.goto(reverse("portal:assisted_list"))
    expect(page.locator("main")).to_contain_text(d.code)
    assert_accessible(page, "assisted filing: the member's list")


@pytest.fixture
def phone(browser: Browser, live_server: Any) -> Iterator[Callable[[], Page]]:
    """A 360 × 740 phone screen, Vietnamese, empty cache."""
    contexts = []

    def make() -> Page:
        context = browser.new_context(
            base_url=live_server.url,
            viewport={"width": 360, "height": 740},
            device_scale_factor=2,
            is_mobile=True,
            has_touch=True,
            locale="vi-VN",
            timezone_id="Asia/Ho_Chi_Minh",
        )
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def fits(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"{page.url} is {width}px wide on a 360px screen"


def test_citizen_pages_fit_a_360px_phone_and_stay_light(
    world: World, phone: Callable[[], Page], live_server: Any, capsys: Any
) -> None:
    ensure_demo_idp()
    figures: dict[str, int] = {}

    page = phone()
    home = first_load(page, lambda: page.goto("/?q=lam+giay+khai+sinh"))
    fits(page)
    assert_accessible(page, "home at 360px")
    figures["home with search results"] = home.compressed_total

    page = phone()
    procedure = first_load(page, lambda: page.goto(reverse("catalog:procedure", args=[BIRTH])))
    fits(page)
    assert_accessible(page, "procedure page at 360px")
    figures["procedure page"] = procedure.compressed_total
    assert procedure.compressed_total <= BUDGET, procedure.table()

    sign_in_citizen(page, "008190001234")
    page.goto(reverse("portal:file_start", args=[BIRTH]))
    fits(page)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/nop-truc-tuyen/ho-so-nhap/\d+/"))
    draft_url = page.url
    # The e-form's first load: a fresh phone (empty cache) with the same session cookie.
    cookies = page.context.cookies()
    eform_page = phone()
    eform_page.context.add_cookies(cookies)
    eform = first_load(eform_page, lambda: eform_page.goto(draft_url))
    fits(eform_page)
    assert_accessible(eform_page, "e-form at 360px")
    screenshot(eform_page, "citizen-eform-360")
    figures["e-form"] = eform.compressed_total
    assert eform.compressed_total <= BUDGET, eform.table()

    for path in (reverse("portal:my_dossiers"), reverse("portal:track"), reverse("portal:verify")):
        eform_page.goto(path)
        fits(eform_page)
        assert_accessible(eform_page, f"{path} at 360px")

    with capsys.disabled():  # the README's figures: `pytest -s -k 360px`
        for name, size in figures.items():
            print(f"\n{name}: {size:,} B compressed (first load, every response)")
        print(procedure.table())
        print(eform.table())
