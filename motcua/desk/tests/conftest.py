from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.utils import translation


@pytest.fixture
def english() -> Iterator[None]:
    """Pages in English (URLs under /en/): the assertions read the English msgids, whatever
    the Vietnamese catalogue says."""
    with translation.override("en"):
        yield
