"""What a verified ID token makes of the citizen account, and the sign-in pages' edges."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from motcua.citizens.models import Citizen
from motcua.citizens.services import citizen_sign_in
from motcua.citizens.tests.helpers import make_citizen
from motcua.core.errors import InvalidInput

ISSUER = "https://id.example.vn/o"

pytestmark = pytest.mark.django_db


def claims(**over: Any) -> dict[str, Any]:
    values = {
        "sub": "abc",
        "personal_id": "008170009012",
        "name": "Lý Thị Mai",
        "birthdate": "1970-08-20",
        "phone_number": "0971112233",
        "address": "thôn Khuổi Xoan, xã Thượng Lâm",  # a plain string, as some providers send
    }
    values.update(over)
    return values


def test_a_new_person_gets_an_account_without_password_or_role() -> None:
    citizen = citizen_sign_in(claims(), ISSUER)
    assert (citizen.issuer, citizen.subject) == (ISSUER, "abc")
    assert citizen.full_name == "Lý Thị Mai"
    assert citizen.address == "thôn Khuổi Xoan, xã Thượng Lâm"
    assert citizen.email == ""
    assert citizen.user.username == "citizen-008170009012"
    assert not citizen.user.has_usable_password()
    assert not citizen.user.is_staff and not citizen.user.is_superuser


def test_the_next_sign_in_updates_the_claims() -> None:
    first = citizen_sign_in(claims(), ISSUER)
    again = citizen_sign_in(claims(phone_number="0900000000", address={"formatted": "Mới"}), ISSUER)
    assert again.pk == first.pk
    assert (again.phone, again.address) == ("0900000000", "Mới")
    assert Citizen.objects.count() == 1


def test_the_same_person_from_another_issuer_keeps_the_account() -> None:
    old = make_citizen(personal_id="008170009012")
    again = citizen_sign_in(claims(), ISSUER)
    assert again.pk == old.pk
    assert again.issuer == ISSUER


@pytest.mark.parametrize("bad", ["", "12345", "0081700090AB", None, 8170009012])
def test_no_valid_personal_id_no_account(bad: Any) -> None:
    with pytest.raises(InvalidInput) as refused:
        citizen_sign_in(claims(personal_id=bad), ISSUER)
    assert "personal_id" in refused.value.details["errors"]
    assert not Citizen.objects.exists()


def test_the_personal_id_claim_name_is_configurable(settings: Any) -> None:
    settings.MOTCUA_OIDC_PERSONAL_ID_CLAIM = "vneid_number"
    data = claims(vneid_number="008085005678")
    data.pop("personal_id")
    assert citizen_sign_in(data, ISSUER).personal_id == "008085005678"


def test_the_sign_in_page_keeps_only_a_same_site_next(client: Any) -> None:
    page = client.get(reverse("citizens:login"), {"next": "https://evil.example/x"})
    assert page.status_code == 200
    assert 'value="https://evil.example/x"' not in page.content.decode()
    page = client.get(reverse("citizens:login"), {"next": "/ho-so/"})
    assert 'name="next" value="/ho-so/"' in page.content.decode()


def test_without_a_provider_the_page_says_so(client: Any, settings: Any) -> None:
    settings.MOTCUA_DEV_PEERS = False
    settings.MOTCUA_OIDC_ISSUER = ""
    page = client.get(reverse("citizens:login"))
    assert 'name="go"' not in page.content.decode()
    refused = client.get(reverse("citizens:login"), {"go": "1"})
    assert refused.status_code == 400


def test_a_callback_without_a_sign_in_is_refused(client: Any) -> None:
    response = client.get("/oidc/callback/", {"code": "x", "state": "y"})
    assert response.status_code == 400
    assert "_auth_user_id" not in client.session


def test_an_error_from_the_provider_is_refused(client: Any) -> None:
    response = client.get("/oidc/callback/", {"error": "access_denied", "state": "y"})
    assert response.status_code == 400


def test_the_admin_shows_citizen_accounts_read_only(admin_client: Any) -> None:
    citizen = make_citizen()
    listing = admin_client.get(reverse("admin:citizens_citizen_changelist"))
    assert citizen.full_name in listing.content.decode()
    assert admin_client.get(reverse("admin:citizens_citizen_add")).status_code == 403
