from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from django.test.utils import override_settings

from motcua.api.services import api_token_issue
from motcua.catalog.services import catalog_import
from motcua.catalog.tests.factories import document, procedure
from motcua.org.models import AgencyKind, Role
from motcua.org.tests.factories import (
    make_agency,
    make_commune,
    make_commune_center,
    make_province,
    make_user,
)

_PACKAGE = Path(__file__).resolve().parents[2]
# The compiled catalogue is build output (make messages); compile it here when it is
# missing or older than its source, so the Vietnamese messages are what the tests see.
_PO = _PACKAGE / "locale" / "vi" / "LC_MESSAGES" / "django.po"
_MO = _PO.with_suffix(".mo")
if _PO.exists() and (not _MO.exists() or _MO.stat().st_mtime < _PO.stat().st_mtime):
    with _PO.open("rb") as po:
        catalog = read_po(po, locale="vi")
    with _MO.open("wb") as mo:
        write_mo(mo, catalog)

# The API's messages wait in a fragment until they are merged into the catalogue above;
# while the fragment exists, it is compiled into a temporary locale directory.
_FRAGMENT = _PACKAGE.parent / ".po-fragments" / "api.po"


@pytest.fixture(scope="session", autouse=True)
def _api_translations(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    if not _FRAGMENT.exists():
        yield
        return
    from django.conf import settings

    directory = tmp_path_factory.mktemp("locale")
    target = directory / "vi" / "LC_MESSAGES" / "django.mo"
    target.parent.mkdir(parents=True)
    with _FRAGMENT.open("rb") as po:
        fragment = read_po(po, locale="vi")
    with target.open("wb") as mo:
        write_mo(mo, fragment)
    override = override_settings(LOCALE_PATHS=[*settings.LOCALE_PATHS, directory])
    override.enable()
    yield
    override.disable()


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings: Any) -> None:
    # Hashing is Django's; only its cost is lowered for the tests.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def catalog() -> None:
    """Three published procedures in two fields."""
    catalog_import(
        document(
            procedure(),
            procedure(code="1.000656", name="Đăng ký khai tử", keywords=["báo tử"]),
            procedure(
                code="2.000908",
                name="Cấp bản sao từ sổ gốc",
                field="CT",
                keywords=[],
                online_level="partial",
                eligible_full_online=False,
                time_limit=None,
                fees=[{"name": "Phí cấp bản sao", "amount": 8000, "note": "mỗi bản"}],
                documents=[],
                life_events=[],
            ),
        )
    )


@pytest.fixture
def province_tree() -> dict[str, Any]:
    province = make_province()
    justice = make_agency(
        "Sở Tư pháp", kind=AgencyKind.DEPARTMENT, parent=province, sector="justice"
    )
    tan_trao = make_commune("UBND xã Tân Trào", province, admin_unit_code=2269)
    center = make_commune_center(tan_trao)
    minh_xuan = make_agency(
        "UBND phường Minh Xuân", kind=AgencyKind.WARD, parent=province, admin_unit_code=2212
    )
    closed = make_commune("UBND xã Đã Sáp Nhập", province, active=False)
    return {
        "province": province,
        "justice": justice,
        "tan_trao": tan_trao,
        "center": center,
        "minh_xuan": minh_xuan,
        "closed": closed,
    }


@pytest.fixture
def official(province_tree: dict[str, Any]) -> Any:
    return make_user(
        "motcua.tiepnhan",
        agency=province_tree["center"],
        roles=[Role.RECEPTION_OFFICER],
        first_name="An",
        last_name="Nguyễn Văn",
        password="Mật-khẩu-thử-2026",
    )


@pytest.fixture
def token(official: Any) -> str:
    _token, plaintext = api_token_issue(user=official, name="test client", days=30)
    return plaintext
