"""What the workspace header shows: only the menu entries the official may open."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from motcua.desk.auth_services import user_roles
from motcua.org.models import Role
from motcua.org.services import MANAGER_ROLES


def workspace(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if "/desk/" not in request.path:
        return {}
    if user is None or not user.is_authenticated:
        return {"base_template": "desk/base.html"}
    roles = getattr(request, "desk_roles", None)  # set by official_required
    if roles is None:
        roles = user_roles(user)
    admin = user.is_superuser or Role.PROVINCE_ADMIN in roles
    return {
        # Error pages (404.html, 403.html) wear the workspace's header under /desk/.
        "base_template": "desk/base.html",
        "menu_reception": admin or Role.RECEPTION_OFFICER in roles,
        "menu_center": admin or Role.CENTER_MANAGER in roles,
        "menu_manage": admin or bool(roles & set(MANAGER_ROLES)),
        # Community digital teams' counts and the online-payment reconciliation: for those
        # who answer for an agency (leaders, center managers).
        "menu_oversight": admin or bool(roles & {Role.LEADER, Role.CENTER_MANAGER}),
    }
