"""Demo data of the development OpenID provider: MotCua's client registration and three
demo citizens (the same people the demo's dossiers and digital team use)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from oauth2_provider.models import get_application_model

from motcua.devpeers.idp.models import DemoIdentity
from motcua.org.models import User

DEMO_PASSWORD = "MotCua-demo-2026"  # dev-only demo value


@dataclass(frozen=True)
class DemoPerson:
    personal_id: str
    full_name: str
    birth_date: dt.date
    phone: str
    email: str
    address: str


DEMO_PEOPLE = (
    DemoPerson(
        "008190001234",
        "Đặng Thị Hương Giang",
        dt.date(1990, 5, 12),
        "0912345678",
        "giang@example.vn",
        "Tổ 3, phường Minh Xuân",
    ),
    DemoPerson(
        "008085005678",
        "Hoàng Văn Pá",
        dt.date(1985, 3, 2),
        "0987654321",
        "pa@example.vn",
        "thôn Nà Tông, xã Thượng Lâm",
    ),
    DemoPerson(
        "008170009012",
        "Lý Thị Mai",
        dt.date(1970, 8, 20),
        "0971112233",
        "",
        "thôn Khuổi Xoan, xã Thượng Lâm",
    ),
)


def ensure_demo_client() -> None:
    """Register (or refresh) MotCua as a confidential authorization-code client of the
    development provider, redirecting to ``{MOTCUA_PUBLIC_URL}/oidc/callback/``."""
    Application = get_application_model()
    redirect_uri = f"{settings.MOTCUA_PUBLIC_URL}/oidc/callback/"
    app = Application.objects.filter(client_id=settings.MOTCUA_OIDC_CLIENT_ID).first()
    if app is None:
        app = Application(client_id=settings.MOTCUA_OIDC_CLIENT_ID)
    app.name = "MotCua citizen portal"
    app.client_type = Application.CLIENT_CONFIDENTIAL
    app.authorization_grant_type = Application.GRANT_AUTHORIZATION_CODE
    app.redirect_uris = redirect_uri
    app.algorithm = Application.RS256_ALGORITHM
    app.skip_authorization = True
    app.client_secret = settings.MOTCUA_OIDC_CLIENT_SECRET  # hashed on save
    app.save()


@transaction.atomic
def ensure_demo_idp() -> list[DemoIdentity]:
    """Idempotently register the client and the three demo citizens (password
    ``MotCua-demo-2026``); returns their identities."""
    ensure_demo_client()
    identities: list[DemoIdentity] = []
    for person in DEMO_PEOPLE:
        user, _created = User.objects.get_or_create(username=f"vneid-{person.personal_id}")
        if user.has_usable_password():
            user.set_unusable_password()
            user.save(update_fields=["password"])
        identity, _created = DemoIdentity.objects.update_or_create(
            personal_id=person.personal_id,
            defaults={
                "user": user,
                "full_name": person.full_name,
                "birth_date": person.birth_date,
                "phone": person.phone,
                "email": person.email,
                "address": person.address,
                "password": make_password(DEMO_PASSWORD),
            },
        )
        identities.append(identity)
    return identities
