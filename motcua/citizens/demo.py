"""Demo community digital teams — Tổ công nghệ số cộng đồng — and the demo team member.

``ensure_demo_teams`` is idempotent. It makes one team in each of the first few communes
of the demo province (plus xã Thượng Lâm when it exists) and makes the demo citizen
Hoàng Văn Pá (personal ID 008085005678) a member of the Thượng Lâm team.

How the membership reaches Pá's citizen account: the account is created at his first
OpenID sign-in by ``motcua.citizens.services.citizen_sign_in``, which looks the user up
with ``get_or_create(username="citizen-<personal ID>")``. The demo creates that same
``org.User`` ``citizen-008085005678`` beforehand (unusable password, no role), so the
``Citizen`` row made at sign-in attaches to it and the membership is already there.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from motcua.citizens.models import DigitalTeam, DigitalTeamMember
from motcua.org.models import Agency, AgencyKind, User

DEMO_MEMBER_PERSONAL_ID = "008085005678"
DEMO_MEMBER_NAME = "Hoàng Văn Pá"
DEMO_MEMBER_COMMUNE = "xã Thượng Lâm"
FIRST_COMMUNES = 5
# Illustrative villages and residential groups (thôn, tổ dân phố) for the team names.
VILLAGES = ("thôn Nà Tông", "thôn Bản Chợ", "thôn Khuổi Xoan", "thôn Nà Va", "thôn Phai Tre")
RESIDENTIAL_GROUPS = ("tổ dân phố 1", "tổ dân phố 3", "tổ dân phố 5", "tổ dân phố 7")
_UNIT_KINDS = (AgencyKind.COMMUNE, AgencyKind.WARD, AgencyKind.SPECIAL_ZONE)


@dataclass(frozen=True)
class DemoTeams:
    teams: list[DigitalTeam]
    member: User
    member_team: DigitalTeam | None


def _unit_name(commune: Agency) -> str:
    """“xã Thượng Lâm” from “Ủy ban nhân dân xã Thượng Lâm”."""
    return commune.name.removeprefix("Ủy ban nhân dân ").strip()


def team_name(commune: Agency, index: int) -> str:
    places = RESIDENTIAL_GROUPS if commune.kind == AgencyKind.WARD else VILLAGES
    return f"Tổ công nghệ số cộng đồng {places[index % len(places)]} – {_unit_name(commune)}"


def demo_member_user() -> User:
    """The user the OpenID sign-in of Hoàng Văn Pá will reuse (created if missing)."""
    user, created = User.objects.get_or_create(
        username=f"citizen-{DEMO_MEMBER_PERSONAL_ID}",
        defaults={"last_name": DEMO_MEMBER_NAME},
    )
    if created or user.has_usable_password():
        user.set_unusable_password()
        user.save()
    return user


@transaction.atomic
def ensure_demo_teams(*, communes: int = FIRST_COMMUNES) -> DemoTeams:
    """One team per commune for the first ``communes`` communes of the demo province
    (by national code) and xã Thượng Lâm; Pá joins the Thượng Lâm team (or the first)."""
    root = (
        Agency.objects.filter(parent=None, kind=AgencyKind.PROVINCE_COMMITTEE)
        .order_by("pk")
        .first()
    )
    units = Agency.objects.filter(kind__in=_UNIT_KINDS, active=True)
    if root is not None:
        units = units.filter(parent=root)
    picked = list(units.order_by("admin_unit_code", "pk")[:communes])
    home = units.filter(name__iendswith=DEMO_MEMBER_COMMUNE).first()
    if home is not None and home not in picked:
        picked.append(home)
    teams: list[DigitalTeam] = []
    for index, commune in enumerate(picked):
        team = DigitalTeam.objects.filter(commune=commune).order_by("pk").first()
        if team is None:
            team = DigitalTeam.objects.create(commune=commune, name=team_name(commune, index))
        teams.append(team)
    member = demo_member_user()
    member_team = None
    if teams:
        member_team = next((t for t in teams if home is not None and t.commune_id == home.pk), None)
        member_team = member_team or teams[0]
        DigitalTeamMember.objects.get_or_create(team=member_team, user=member)
    return DemoTeams(teams=teams, member=member, member_team=member_team)
