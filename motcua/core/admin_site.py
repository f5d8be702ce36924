"""The Django admin, behind the officials' sign-in and its second factor.

Django's own admin login asks for a password only; this site sends everyone to the desk's
sign-in (password, then the one-time code the user's roles require) and refuses a session
whose second factor is still unconfirmed.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.http import HttpRequest, HttpResponse


class MotcuaAdminSite(admin.AdminSite):
    site_header = "MotCua"
    site_title = "MotCua"

    def has_permission(self, request: HttpRequest) -> bool:
        from motcua.desk.access import needs_code

        return super().has_permission(request) and not needs_code(request.user)

    def login(
        self, request: HttpRequest, extra_context: dict[str, object] | None = None
    ) -> HttpResponse:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.GET.get("next") or request.get_full_path())


class MotcuaAdminConfig(AdminConfig):
    """``django.contrib.admin`` with the site above (listed in ``INSTALLED_APPS``)."""

    default_site = "motcua.core.admin_site.MotcuaAdminSite"
