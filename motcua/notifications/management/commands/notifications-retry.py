"""``motcua notifications-retry``: queue the sending of every due notification (cron)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from motcua.notifications.services import retry_due


class Command(BaseCommand):
    help = "Queue the sending of queued notifications whose next attempt is due."

    def handle(self, *args: Any, **options: Any) -> None:
        count = retry_due()
        if options["verbosity"]:
            self.stdout.write(f"{count} notification(s) queued for sending.")
