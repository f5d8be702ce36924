"""Admin for the working calendar (lịch làm việc): yearly decisions, dated days, office hours."""

from __future__ import annotations

from django.contrib import admin
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from motcua.worktime.models import CalendarDay, CalendarYear, OfficeHours


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin[CalendarYear]):
    list_display = ["year", "provisional", "decision", "updated_at"]
    list_filter = ["provisional"]
    search_fields = ["decision", "notes"]


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin[CalendarDay]):
    list_display = ["date", "weekday", "kind", "reason", "source"]
    list_filter = ["kind"]
    search_fields = ["reason", "source"]
    date_hierarchy = "date"

    @admin.display(description=_("weekday"))
    def weekday(self, obj: CalendarDay) -> str:
        return date_format(obj.date, "l") if obj.date else ""


@admin.register(OfficeHours)
class OfficeHoursAdmin(admin.ModelAdmin[OfficeHours]):
    list_display = [
        "__str__",
        "morning_start",
        "morning_end",
        "afternoon_start",
        "afternoon_end",
    ]
    list_select_related = ["agency"]
    raw_id_fields = ["agency"]
