"""Page weight of the citizen pages on the demo (first load, empty cache, 360 px phone):
every response the browser receives, its bytes and gzip-compressed bytes, as the browser
test ``motcua/portal/tests/browser/test_browser_assisted_and_small_screen.py`` measures them
on the small test province. Run against `make demo` (http://127.0.0.1:8000):

    .venv/bin/python bench/citizen_pages.py [BASE_URL]
"""

from __future__ import annotations

import re
import sys

from playwright.sync_api import sync_playwright

from motcua.portal.tests.browser.weight import first_load

BASE = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000"
ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update"]
PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "locale": "vi-VN"}


def main() -> None:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = browser.new_context(base_url=BASE, **PHONE).new_page()  # type: ignore[arg-type]
        for name, path in [
            ("home, search", "/?q=lam+giay+khai+sinh"),
            ("procedure page", "/thu-tuc/1.001193/"),
        ]:
            load = first_load(page, lambda: page.goto(path))
            print(f"{name}: {load.compressed_total:,} B compressed, {load.raw_total:,} B raw")
            page = browser.new_context(base_url=BASE, **PHONE).new_page()  # type: ignore[arg-type]
        page.goto("/dang-nhap/?next=/nop-truc-tuyen/1.001193/")
        page.locator("main button[name=go]").click()
        page.locator("#personal_id").fill("008190001234")
        page.locator("#password").fill("MotCua-demo-2026")
        page.locator("#password").press("Enter")
        page.wait_for_url(re.compile(r"/nop-truc-tuyen/1.001193/"))
        page.locator("main form button[type=submit]").click()
        page.wait_for_url(re.compile(r"/ho-so-nhap/\d+/"))
        url, cookies = page.url, page.context.cookies()
        fresh = browser.new_context(base_url=BASE, **PHONE)  # type: ignore[arg-type]
        fresh.add_cookies(cookies)
        eform = fresh.new_page()
        load = first_load(eform, lambda: eform.goto(url))
        print(f"e-form: {load.compressed_total:,} B compressed, {load.raw_total:,} B raw")
        print(load.table())
        browser.close()


if __name__ == "__main__":
    main()
