from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from motcua.catalog import services
from motcua.catalog.models import (
    Fee,
    Field,
    GroupMember,
    LifeEvent,
    Procedure,
    ProcedureGroup,
    ProcedureVersion,
    RequiredDocument,
)


@admin.register(Field)
class FieldAdmin(admin.ModelAdmin[Field]):
    list_display = ["code", "name"]
    search_fields = ["code", "name", "search_key"]


@admin.register(LifeEvent)
class LifeEventAdmin(admin.ModelAdmin[LifeEvent]):
    list_display = ["slug", "name"]
    search_fields = ["slug", "name"]


class _FrozenInline:
    """Inlines of a frozen version are read-only: the version may not change."""

    def _frozen(self, obj: ProcedureVersion | None) -> bool:
        return obj is not None and obj.is_frozen

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not self._frozen(obj) and super().has_add_permission(request, obj)  # type: ignore[misc]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not self._frozen(obj) and super().has_change_permission(request, obj)  # type: ignore[misc]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not self._frozen(obj) and super().has_delete_permission(request, obj)  # type: ignore[misc]


class RequiredDocumentInline(
    _FrozenInline, admin.TabularInline[RequiredDocument, ProcedureVersion]
):
    model = RequiredDocument
    extra = 0


class FeeInline(_FrozenInline, admin.TabularInline[Fee, ProcedureVersion]):
    model = Fee
    extra = 0


class VersionInline(admin.TabularInline[ProcedureVersion, Procedure]):
    model = ProcedureVersion
    fields = ["number", "name", "status", "published_at", "frozen_at"]
    readonly_fields = ["number", "name", "status", "published_at", "frozen_at"]
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Procedure)
class ProcedureAdmin(admin.ModelAdmin[Procedure]):
    list_display = ["code", "__str__"]
    search_fields = ["code", "versions__search_key"]
    inlines = [VersionInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["code"] if obj else []


@admin.register(ProcedureVersion)
class ProcedureVersionAdmin(admin.ModelAdmin[ProcedureVersion]):
    list_display = ["procedure", "number", "name", "field", "level", "status", "frozen_at"]
    list_filter = ["status", "level", "online_level", "field"]
    search_fields = ["search_key", "procedure__code"]
    autocomplete_fields = ["field"]
    filter_horizontal = ["life_events"]
    readonly_fields = ["status", "published_at", "frozen_at"]
    inlines = [RequiredDocumentInline, FeeInline]
    actions = ["publish", "new_draft"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is not None and obj.is_frozen:
            return [f.name for f in obj._meta.fields] + ["life_events"]
        return list(self.readonly_fields)

    def save_model(
        self, request: HttpRequest, obj: ProcedureVersion, form: Any, change: bool
    ) -> None:
        obj.refresh_search_key()
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Publish the selected versions"))
    def publish(self, request: HttpRequest, queryset: QuerySet[ProcedureVersion]) -> None:
        for version in queryset:
            try:
                services.procedure_version_publish(version=version)
            except services.CatalogError as exc:
                self.message_user(request, f"{version}: {'; '.join(exc.messages)}", messages.ERROR)
            else:
                self.message_user(request, _("Published: %s") % version, messages.SUCCESS)

    @admin.action(description=_("Create a new draft version to edit"))
    def new_draft(self, request: HttpRequest, queryset: QuerySet[ProcedureVersion]) -> None:
        for version in queryset:
            draft = services.procedure_version_new_draft(version=version)
            self.message_user(request, _("Created draft: %s") % draft, messages.SUCCESS)


class GroupMemberInline(admin.TabularInline[GroupMember, ProcedureGroup]):
    model = GroupMember
    autocomplete_fields = ["procedure"]
    extra = 0


@admin.register(ProcedureGroup)
class ProcedureGroupAdmin(admin.ModelAdmin[ProcedureGroup]):
    list_display = ["code", "name", "time_limit", "time_unit", "published"]
    inlines = [GroupMemberInline]
