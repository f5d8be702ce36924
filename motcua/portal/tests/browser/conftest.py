"""Browser tests of the citizen portal: the same harness as the officials' workspace (Debian's
chromium driven by Playwright against the live server, axe-core on every page); see
``motcua/desk/tests/browser/conftest.py``."""

import pytest

from motcua.desk.tests.browser.conftest import (  # noqa: F401  (fixtures)
    _orm_beside_playwright,
    _public_url,
    browser,
    new_page,
    playwright,
)


@pytest.fixture(autouse=True)
def _english_pages() -> None:
    """The citizen's journey runs in Vietnamese, the installation's language."""
