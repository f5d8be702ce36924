"""Citizen accounts for tests of the citizen pages (the OpenID sign-in itself is tested
against the development provider in ``test_oidc_*``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from motcua.citizens.models import Citizen
from motcua.org.models import User

GIANG = {
    "personal_id": "008190001234",
    "full_name": "Đặng Thị Hương Giang",
    "birth_date": dt.date(1990, 5, 12),
    "phone": "0912345678",
    "email": "giang@example.vn",
    "address": "Tổ 3, phường Minh Xuân, tỉnh Tuyên Quang",
}


def make_citizen(**over: Any) -> Citizen:
    """A citizen account as the OpenID callback creates it."""
    values = {**GIANG, **over}
    # As the sign-in does: the user's name is the name the provider vouched for.
    user = User.objects.create_user(
        username=f"citizen-{values['personal_id']}", last_name=values["full_name"]
    )
    user.set_unusable_password()
    user.save()
    return Citizen.objects.create(
        user=user,
        issuer="http://testserver/dev/idp/o",
        subject=values["personal_id"],
        verified_at=timezone.now(),
        **values,
    )


def sign_in_citizen(client: Any, citizen: Citizen) -> None:
    client.force_login(citizen.user)
