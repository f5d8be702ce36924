"""Who may open the citizen's pages: a signed-in citizen account (or a team member)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.urls import reverse

from motcua.citizens.models import Citizen, DigitalTeamMember

View = Callable[..., HttpResponseBase]


def citizen_of(request: HttpRequest) -> Citizen | None:
    """The signed-in citizen account, or None (anonymous, or an official's session)."""
    user = request.user
    if not user.is_authenticated:
        return None
    try:
        return user.citizen
    except Citizen.DoesNotExist:
        return None


def sign_in_url(next_url: str) -> str:
    return f"{reverse('citizens:login')}?{urlencode({'next': next_url})}"


def citizen_required(view: View) -> View:
    """Let a signed-in citizen in (``request.citizen`` is set); send anyone else to the
    citizen sign-in page, which brings them back here."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        citizen = citizen_of(request)
        if citizen is None:
            return HttpResponseRedirect(sign_in_url(request.get_full_path()))
        request.citizen = citizen  # type: ignore[attr-defined]
        return view(request, *args, **kwargs)

    return wrapper


def team_membership(request: HttpRequest) -> DigitalTeamMember | None:
    """The active community digital-team membership of the signed-in user, if any."""
    user = request.user
    if not user.is_authenticated:
        return None
    return (
        DigitalTeamMember.objects.filter(user=user, active=True, team__active=True)
        .select_related("team", "team__commune")
        .first()
    )
