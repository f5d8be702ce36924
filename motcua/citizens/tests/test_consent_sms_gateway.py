"""The consent code reaches the citizen's phone: through the notification plugin and the
SMS channel, over HTTP, to the development SMS gateway."""

from __future__ import annotations

import re
from typing import Any

import pytest

from motcua.citizens.consent import consent_confirm_code, consent_request_code
from motcua.citizens.tests.teams_factories import (
    MAI,
    make_member,
    make_team,
)
from motcua.devpeers.sms.selectors import last_text_to
from motcua.dossiers.tests.factories import build_world
from motcua.notifications.models import Notification
from motcua.notifications.services import CODE_REMOVED

pytestmark = pytest.mark.usefixtures("english")


@pytest.mark.django_db(transaction=True)
def test_code_reaches_the_fake_sms_gateway(live_server: Any, settings: Any) -> None:
    settings.MOTCUA_PUBLIC_URL = live_server.url
    settings.MOTCUA_SMS_URL = ""
    settings.MOTCUA_DEV_PEERS = True
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    world = build_world()
    team = make_team(world.commune_a)
    user = make_member(team).user

    consent = consent_request_code(member_user=user, team=team, **MAI)

    text = last_text_to(MAI["phone"])
    assert text is not None, Notification.objects.values_list("status", "last_error").first()
    assert "Hoàng Văn Pá" in text
    match = re.search(r"\b(\d{6})\b", text)
    assert match is not None
    sent = Notification.objects.get(purpose="consent_code")
    assert sent.status == "sent"
    # Once on its way, the outbox keeps no copy of the code.
    assert match.group(1) not in sent.body and sent.body == CODE_REMOVED
    granted = consent_confirm_code(consent=consent, member_user=user, code=match.group(1))
    assert granted.granted_at is not None
