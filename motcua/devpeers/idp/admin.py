"""Admin for the development provider's demo people."""

from __future__ import annotations

from django.contrib import admin

from motcua.devpeers.idp.models import DemoIdentity


@admin.register(DemoIdentity)
class DemoIdentityAdmin(admin.ModelAdmin[DemoIdentity]):
    list_display = ["personal_id", "full_name", "phone", "email"]
    search_fields = ["personal_id", "full_name"]
    exclude = ["password"]
    readonly_fields = ["user"]
