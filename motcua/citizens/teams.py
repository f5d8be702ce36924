"""Reads about community digital teams — Tổ công nghệ số cộng đồng — and the dossiers
their members filed for citizens (hồ sơ nộp thay có sự đồng ý).

A dossier counts for the team whose member filed it under a consent
(``AssistanceConsent.dossier`` set), in the month it was received, in Vietnam's time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncMonth

from motcua.citizens.models import AssistanceConsent, DigitalTeam
from motcua.org.models import AgencyKind, Role, RoleAssignment, User
from motcua.org.selectors import is_province_admin
from motcua.worktime.calendar import VN_TZ

# Who may see the teams' counts: leaders and center managers (for their communes) and
# the province administrator (every team).
TEAM_VIEWER_ROLES = (Role.LEADER, Role.CENTER_MANAGER)
COMMUNE_KINDS = (AgencyKind.COMMUNE, AgencyKind.WARD, AgencyKind.SPECIAL_ZONE)


def month_start(year: int, month: int) -> dt.date:
    return dt.date(year, month, 1)


def add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def _local_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, VN_TZ)


@dataclass(frozen=True)
class MonthCount:
    team_id: int
    month: dt.date  # the first day of the month (Vietnam time)
    count: int


def assisted_counts_between(
    *, teams: QuerySet[DigitalTeam], start: dt.date, end: dt.date
) -> list[MonthCount]:
    """Dossiers filed with consent per team per month, for months from ``start``
    (included) to ``end`` (excluded), both first days of a month: one query."""
    rows = (
        AssistanceConsent.objects.filter(
            team__in=teams,
            dossier__isnull=False,
            dossier__received_at__gte=_local_midnight(start),
            dossier__received_at__lt=_local_midnight(end),
        )
        .annotate(month=TruncMonth("dossier__received_at", tzinfo=VN_TZ))
        .values("team_id", "month")
        .annotate(n=Count("pk"))
        .order_by("team_id", "month")
    )
    result = []
    for row in rows:
        month = row["month"]
        if isinstance(month, dt.datetime):
            month = month.astimezone(VN_TZ).date()
        result.append(MonthCount(team_id=row["team_id"], month=month, count=row["n"]))
    return result


def assisted_counts(
    *,
    teams: QuerySet[DigitalTeam] | None = None,
    commune_ids: Iterable[int] | None = None,
    year: int,
    month: int | None = None,
) -> list[MonthCount]:
    """Dossiers filed with consent per team per month of ``year`` (or only ``month``),
    for ``teams`` or the teams of ``commune_ids``: one query."""
    qs = teams if teams is not None else DigitalTeam.objects.all()
    if commune_ids is not None:
        qs = qs.filter(commune_id__in=list(commune_ids))
    if month is None:
        start, end = dt.date(year, 1, 1), dt.date(year + 1, 1, 1)
    else:
        start = month_start(year, month)
        end = add_months(start, 1)
    return assisted_counts_between(teams=qs, start=start, end=end)


def teams_visible_to(user: User) -> QuerySet[DigitalTeam]:
    """The teams of the communes ``user`` answers for: every team for the province
    administrator; for a leader or center manager, the teams of the communes at or under
    their agency, and of the commune their agency belongs to (a commune's center)."""
    if not user.is_active:
        return DigitalTeam.objects.none()
    base = DigitalTeam.objects.select_related("commune")
    if is_province_admin(user):
        return base.all()
    paths = list(
        RoleAssignment.objects.filter(user=user, role__in=TEAM_VIEWER_ROLES)
        .values_list("agency__path", flat=True)
        .distinct()
    )
    if not paths:
        return DigitalTeam.objects.none()
    conditions = []
    for path in paths:
        conditions.append(Q(commune__path__startswith=path))
        ids = [p for p in path.strip("/").split("/") if p]
        ancestors = ["/" + "/".join(ids[:i]) + "/" for i in range(1, len(ids))]
        if ancestors:
            conditions.append(Q(commune__path__in=ancestors, commune__kind__in=COMMUNE_KINDS))
    return base.filter(reduce(or_, conditions))


def may_see_teams(user: User) -> bool:
    return user.is_active and (
        is_province_admin(user)
        or RoleAssignment.objects.filter(user=user, role__in=TEAM_VIEWER_ROLES).exists()
    )


@dataclass
class TeamRow:
    team: DigitalTeam
    months: list[int] = field(default_factory=list)  # one count per month of the table

    @property
    def current(self) -> int:
        return self.months[-1] if self.months else 0

    @property
    def total(self) -> int:
        return sum(self.months)


@dataclass
class TeamTable:
    months: list[dt.date]  # the 12 months shown, oldest first; the last is the chosen one
    rows: list[TeamRow]

    @property
    def totals(self) -> list[int]:
        return [sum(r.months[i] for r in self.rows) for i in range(len(self.months))]


def team_table(teams: QuerySet[DigitalTeam], *, year: int, month: int, span: int = 12) -> TeamTable:
    """Each team with its counts for the ``span`` months ending with ``year``-``month``:
    two queries (the teams, the counts)."""
    end = add_months(month_start(year, month), 1)
    start = add_months(end, -span)
    months = [add_months(start, i) for i in range(span)]
    team_list = list(teams.order_by("commune__name", "name"))
    counts = assisted_counts_between(
        teams=DigitalTeam.objects.filter(pk__in=[t.pk for t in team_list]), start=start, end=end
    )
    by_key = {(c.team_id, c.month): c.count for c in counts}
    rows = [TeamRow(team=t, months=[by_key.get((t.pk, m), 0) for m in months]) for t in team_list]
    return TeamTable(months=months, rows=rows)


def assisted_by(member_user: User) -> QuerySet[AssistanceConsent]:
    """The dossiers ``member_user`` filed for citizens, newest first."""
    return (
        AssistanceConsent.objects.filter(member=member_user, dossier__isnull=False)
        .select_related(
            "team",
            "dossier",
            "dossier__procedure_version",
            "dossier__procedure_group",
        )
        .order_by("-dossier__received_at", "-pk")
    )


def initials(full_name: str) -> str:
    """“Lý Thị Mai” → “L. T. M.”: enough for the member to recognise, no more."""
    return " ".join(f"{w[0]}." for w in full_name.split() if w)
