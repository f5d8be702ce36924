"""Admin for API tokens: see who has one and when it was last used; revoke it."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.api.models import ApiToken
from motcua.api.services import api_token_revoke


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin[ApiToken]):
    """Tokens are issued with ``motcua api-token`` (the plaintext is shown only there)."""

    list_display = ["name", "user", "created_at", "last_used_at", "expires_at", "revoked"]
    list_filter = ["revoked"]
    search_fields = ["name", "user__username"]
    list_select_related = ["user"]
    fields = ["user", "name", "created_at", "last_used_at", "expires_at", "revoked"]
    readonly_fields = ["user", "name", "created_at", "last_used_at", "expires_at", "revoked"]
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description=gettext_lazy("Revoke the selected tokens"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        count = 0
        for token in queryset:
            if not token.revoked:
                api_token_revoke(token=token)
                count += 1
        self.message_user(request, _("Revoked: %(count)d") % {"count": count})
