"""Dossiers filed with consent, counted per team per month of Vietnam's calendar."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from motcua.citizens.models import AssistanceConsent, ConsentMethod, DigitalTeam
from motcua.citizens.teams import MonthCount, assisted_counts, team_table
from motcua.citizens.tests.teams_factories import (
    MAI,
    make_member,
    make_team,
)
from motcua.dossiers.tests.factories import local

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def _assisted(world, team: DigitalTeam, user, at: dt.datetime) -> None:
    dossier = world.submit_construction(at=at)
    AssistanceConsent.objects.create(
        team=team,
        member=user,
        method=ConsentMethod.SIGNED_DOCUMENT,
        granted_at=at,
        dossier=dossier,
        **MAI,
    )
    assert dossier.received_at == at


def test_counts_per_team_per_local_month(world) -> None:
    team_a = make_team(world.commune_a, "Tổ CNS thôn Nà Tông")
    team_b = make_team(world.commune_b, "Tổ CNS thôn Bản Chợ")
    user_a = make_member(team_a).user
    user_b = make_member(team_b, personal_id="008090123456", full_name="Ma Văn Hùng").user
    # 23:30 on 31 October in Vietnam is 16:30 UTC: still October.
    _assisted(world, team_a, user_a, local(2026, 10, 31, 23, 30))
    _assisted(world, team_a, user_a, local(2026, 10, 2, 9, 0))
    # 00:30 on 1 November in Vietnam is 17:30 UTC on 31 October: November.
    _assisted(world, team_a, user_a, local(2026, 11, 1, 0, 30))
    _assisted(world, team_b, user_b, local(2026, 11, 3, 10, 0))
    # A consent not used for a dossier does not count.
    AssistanceConsent.objects.create(team=team_a, member=user_a, method=ConsentMethod.OTP, **MAI)

    with CaptureQueriesContext(connection) as queries:
        rows = assisted_counts(year=2026)
    assert len(queries) == 1
    assert sorted(rows, key=lambda r: (r.team_id, r.month)) == [
        MonthCount(team_a.pk, dt.date(2026, 10, 1), 2),
        MonthCount(team_a.pk, dt.date(2026, 11, 1), 1),
        MonthCount(team_b.pk, dt.date(2026, 11, 1), 1),
    ]
    assert assisted_counts(commune_ids=[world.commune_b.pk], year=2026, month=10) == []
    assert assisted_counts(teams=DigitalTeam.objects.filter(pk=team_a.pk), year=2026, month=10) == [
        MonthCount(team_a.pk, dt.date(2026, 10, 1), 2)
    ]

    table = team_table(DigitalTeam.objects.all(), year=2026, month=11)
    assert table.months[0] == dt.date(2025, 12, 1) and table.months[-1] == dt.date(2026, 11, 1)
    by_team = {row.team.pk: row for row in table.rows}
    assert by_team[team_a.pk].months[-2:] == [2, 1]
    assert by_team[team_a.pk].current == 1 and by_team[team_b.pk].current == 1
    assert table.totals[-1] == 2 and table.totals[-2] == 2
