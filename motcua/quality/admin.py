"""Ratings in the admin: read-only (they are the citizens' own facts)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from motcua.core.admin import ReadOnlyAdmin
from motcua.quality.models import DossierRating


@admin.register(DossierRating)
class DossierRatingAdmin(ReadOnlyAdmin):
    list_display = ("dossier", "agency", "satisfied", "rated_at", "channel")
    list_filter = ("satisfied", "channel")
    search_fields = ("dossier__code",)
    list_select_related = ("dossier", "agency")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in DossierRating._meta.fields]
