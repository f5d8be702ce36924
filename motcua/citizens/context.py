"""What the public pages' header shows a signed-in citizen: their name, their dossiers, and
for a community digital-team member the way to file for someone else."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from motcua.citizens.access import citizen_of, team_membership


def citizen(request: HttpRequest) -> dict[str, Any]:
    if "/desk/" in request.path or not request.user.is_authenticated:
        return {}
    account = citizen_of(request)
    if account is None:
        return {}
    return {"citizen": account, "team_member": team_membership(request) is not None}
