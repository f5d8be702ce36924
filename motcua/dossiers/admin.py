"""Admin views of dossiers: read-only. Dossiers change through the service functions only
(so every change leaves its event); events are never changed or deleted by anyone."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from motcua.core.admin import ReadOnlyAdmin
from motcua.dossiers.models import Dossier, DossierEvent


class EventInline(admin.TabularInline[DossierEvent, Dossier]):
    model = DossierEvent
    fields = ("seq", "action", "actor_label", "at", "from_state", "to_state", "reason", "hash")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Dossier)
class DossierAdmin(ReadOnlyAdmin):
    list_display = ["code", "applicant_name", "state", "receiving_agency", "due_at"]
    list_filter = ["state", "channel"]
    search_fields = ["code", "search_key"]
    list_select_related = ["receiving_agency"]
    show_full_result_count = False
    inlines = [EventInline]


@admin.register(DossierEvent)
class DossierEventAdmin(ReadOnlyAdmin):
    list_display = ["dossier", "seq", "action", "actor_label", "at", "to_state"]
    list_filter = ["action"]
    search_fields = ["dossier__code"]
    list_select_related = ["dossier"]
    show_full_result_count = False

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        # No bulk "delete selected" either.
        return {}
