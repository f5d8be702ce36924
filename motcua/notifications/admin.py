from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from motcua.core.admin import ReadOnlyAdmin
from motcua.notifications.models import Notification, Purpose


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    """The outbox, read-only: what was sent to whom, and what failed."""

    list_display = ["created_at", "channel", "recipient", "purpose", "status", "attempts"]
    list_filter = ["status", "channel", "purpose"]
    search_fields = ["recipient", "dossier__code"]
    raw_id_fields = ["dossier", "event"]
    date_hierarchy = "created_at"

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name if f.name != "body" else "message" for f in Notification._meta.fields]

    @admin.display(description=_("message"))
    def message(self, obj: Notification) -> str:
        # A consent code is the citizen's consent: nobody reads it here, even while queued.
        if obj.purpose == Purpose.CONSENT_CODE:
            return str(_("(one-time code, not shown)"))
        return obj.body
