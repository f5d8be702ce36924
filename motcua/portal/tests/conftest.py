import pytest


@pytest.fixture(autouse=True)
def _english_pages(english: None) -> None:
    """Pages under /en/ and messages in English (the msgids): the assertions read the
    msgids, whatever the Vietnamese catalogue says. The browser tests run in Vietnamese."""
