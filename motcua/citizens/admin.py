"""Admin for citizen accounts, the data store and the community digital teams.

Citizen accounts and data-store items come from the identity provider and from dossiers:
the admin only shows them (an account is disabled on its user, in the users' admin).
"""

from __future__ import annotations

from django.contrib import admin

from motcua.citizens.models import (
    AssistanceConsent,
    Citizen,
    DataStoreItem,
    DigitalTeam,
    DigitalTeamMember,
)
from motcua.core.admin import ReadOnlyAdmin


@admin.register(Citizen)
class CitizenAdmin(ReadOnlyAdmin):
    list_display = ["full_name", "personal_id", "phone", "issuer", "verified_at"]
    search_fields = ["full_name", "personal_id", "phone", "email"]
    list_filter = ["issuer"]
    list_select_related = ["user"]
    readonly_fields = [
        "user",
        "issuer",
        "subject",
        "personal_id",
        "full_name",
        "birth_date",
        "phone",
        "email",
        "address",
        "verified_at",
    ]


@admin.register(DataStoreItem)
class DataStoreItemAdmin(ReadOnlyAdmin):
    list_display = ["name", "personal_id", "kind", "created_at"]
    search_fields = ["name", "personal_id"]
    list_filter = ["kind"]


class DigitalTeamMemberInline(admin.TabularInline[DigitalTeamMember, DigitalTeam]):
    model = DigitalTeamMember
    extra = 1
    autocomplete_fields = ["user"]


@admin.register(DigitalTeam)
class DigitalTeamAdmin(admin.ModelAdmin[DigitalTeam]):
    list_display = ["name", "commune", "active"]
    list_filter = ["active"]
    search_fields = ["name", "commune__name"]
    autocomplete_fields = ["commune"]
    list_select_related = ["commune"]
    inlines = [DigitalTeamMemberInline]


@admin.register(AssistanceConsent)
class AssistanceConsentAdmin(ReadOnlyAdmin):
    list_display = ["citizen_name", "personal_id", "team", "method", "granted_at", "dossier"]
    list_filter = ["method"]
    search_fields = ["citizen_name", "personal_id"]
    list_select_related = ["team", "dossier"]
    exclude = ["code_hash"]
