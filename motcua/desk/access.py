"""Who may use the workspace: signed-in officials of an agency (cán bộ, công chức).

Every desk view is wrapped by ``official_required``; what a view then shows is scoped by
the selectors (``visible_dossiers``), never by the template.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from motcua.org.models import RoleAssignment

View = Callable[..., HttpResponse]


def is_official(user: Any) -> bool:
    return bool(
        user.is_authenticated
        and user.is_active
        and (user.is_superuser or RoleAssignment.objects.filter(user=user).exists())
    )


def official_required(view: View) -> View:
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_official(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped
