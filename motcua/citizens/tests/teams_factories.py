"""Community digital teams and members for the assisted-filing tests."""

from __future__ import annotations

import re
from typing import Any

from motcua.citizens.models import Citizen, DigitalTeam, DigitalTeamMember
from motcua.citizens.tests.helpers import make_citizen
from motcua.notifications.models import Notification
from motcua.org.models import Agency

# The citizen who is helped (not signed in): Lý Thị Mai of the demo.
MAI = {"citizen_name": "Lý Thị Mai", "personal_id": "008170009012", "phone": "0971112233"}
MEMBER_PA = {"personal_id": "008085005678", "full_name": "Hoàng Văn Pá", "phone": "0987654321"}
MEMBER_OTHER = {"personal_id": "008090123456", "full_name": "Ma Văn Hùng", "phone": "0911222333"}


def make_team(commune: Agency, name: str = "Tổ công nghệ số cộng đồng thôn Nà Tông") -> DigitalTeam:
    return DigitalTeam.objects.create(commune=commune, name=name)


def make_member(team: DigitalTeam, **over: Any) -> Citizen:
    """A citizen account that is an active member of ``team``."""
    citizen = make_citizen(**{**MEMBER_PA, **over})
    DigitalTeamMember.objects.create(team=team, user=citizen.user)
    return citizen


def sent_code(phone: str) -> str:
    """The code in the latest consent SMS queued for ``phone``."""
    row = (
        Notification.objects.filter(recipient=phone, purpose="consent_code").order_by("-id").first()
    )
    assert row is not None, f"no consent code queued for {phone}"
    match = re.search(r"\b(\d{6})\b", row.body)
    assert match is not None, row.body
    return match.group(1)
