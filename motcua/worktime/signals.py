"""Any saved or deleted row of the working calendar (lịch làm việc) makes cached calendars stale."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save

from motcua.worktime.models import CalendarDay, CalendarYear, OfficeHours
from motcua.worktime.services import bump_revision


def _calendar_changed(sender: type, **kwargs: Any) -> None:
    bump_revision()


def connect() -> None:
    for model in (CalendarYear, CalendarDay, OfficeHours):
        post_save.connect(
            _calendar_changed, sender=model, dispatch_uid=f"worktime-{model.__name__}-save"
        )
        post_delete.connect(
            _calendar_changed, sender=model, dispatch_uid=f"worktime-{model.__name__}-delete"
        )
