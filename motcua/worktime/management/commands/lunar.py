"""``motcua lunar``: convert between solar dates and Vietnamese lunar dates (âm lịch)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import CommandParser
from django.utils.translation import gettext as _

from motcua.worktime.lunar import format_lunar, lunar_to_solar, parse_lunar, solar_to_lunar
from motcua.worktime.management.commands._base import InputError, WorktimeCommand


class Command(WorktimeCommand):
    help = (
        "Print the Vietnamese lunar date (YYYY-MM-DD, L after a leap month) of a solar "
        "date, or with --to-solar the solar date of a lunar date. Errors: one line on "
        "stderr, exit status 2; --lang en for English messages."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("date", help="YYYY-MM-DD (solar), or lunar with --to-solar")
        parser.add_argument(
            "--to-solar", action="store_true", help="Read DATE as a lunar date (e.g. 2025-06-01L)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        text: str = options["date"]
        if options["to_solar"]:
            try:
                solar = lunar_to_solar(parse_lunar(text))
            except ValueError:
                raise InputError(
                    _(
                        "Invalid lunar date: %(value)s. Use YYYY-MM-DD, with L after a leap "
                        "month, for a day that exists."
                    )
                    % {"value": text}
                ) from None
            self.stdout.write(solar.isoformat())
            return
        try:
            lunar = solar_to_lunar(dt.date.fromisoformat(text.strip()))
        except ValueError:
            raise InputError(
                _("Invalid date: %(value)s. Use YYYY-MM-DD between 1900-01-01 and 2100-12-31.")
                % {"value": text}
            ) from None
        self.stdout.write(format_lunar(lunar))
