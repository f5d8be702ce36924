"""Fixtures for every app's tests: isolated dossier files, cheap password hashing, and the
small test province (``world``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.utils import translation

from motcua.dossiers.tests.factories import World, build_world


@pytest.fixture(autouse=True)
def _isolated_files(settings: Any, tmp_path: Path) -> None:
    # Dossier files go to a per-test directory; hashing passwords stays Django's, only cheaper.
    settings.STORAGES = {
        **settings.STORAGES,
        "dossier_files": {
            "BACKEND": "motcua.dossiers.storage.ContentAddressedStorage",
            "OPTIONS": {"location": str(tmp_path / "files")},
        },
    }
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(db: None) -> World:
    return build_world()


@pytest.fixture
def admin_client(client: Any, admin_user: Any) -> Any:
    """pytest-django's admin client, with the second factor the admin site requires."""
    from motcua.desk.tests.signin import sign_in

    return sign_in(client, admin_user)


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    # A request in another language (an /en/ page, the API's Accept-Language) leaves that
    # language active in the thread; every test starts in the installation's language.
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture
def english() -> Iterator[None]:
    """Pages in English (URLs under /en/): the assertions read the English msgids, whatever
    the Vietnamese catalogue says."""
    with translation.override("en"):
        yield
