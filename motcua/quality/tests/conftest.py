from collections.abc import Iterator

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english_pages() -> Iterator[None]:
    """Pages under /en/ and messages in English (the msgids): the assertions read the
    msgids, whatever the Vietnamese catalogue says."""
    with translation.override("en"):
        yield
