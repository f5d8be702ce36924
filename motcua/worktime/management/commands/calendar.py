"""``motcua calendar``: a year's working calendar (lịch làm việc): days off and days worked."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import CommandParser
from django.utils.translation import gettext as _

from motcua.worktime.management.commands._base import InputError, WorktimeCommand
from motcua.worktime.selectors import work_calendar, year_calendar


class Command(WorktimeCommand):
    help = (
        "List a year's non-working weekdays and working weekend days, one per line "
        "(date, kind, reason, source, tab-separated), after a line saying whether the "
        "year is official or provisional. --json prints JSON. Errors: one line on "
        "stderr, exit status 2; --lang en for English messages."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("year")
        parser.add_argument("--json", action="store_true", help="Print JSON.")

    def handle(self, *args: Any, **options: Any) -> None:
        text: str = options["year"]
        try:
            year = int(text.strip())
        except ValueError:
            raise InputError(_("Invalid year: %(value)s.") % {"value": text}) from None
        try:
            cal = work_calendar(year, year)
        # Years without rules (UnsupportedYearError) and years no date can hold alike.
        except ValueError:
            raise InputError(_("No working calendar for year %(year)s.") % {"year": year}) from None
        days = cal.exceptions(year)
        provisional = cal.is_provisional(year)
        if options["json"]:
            payload = {
                "year": year,
                "provisional": provisional,
                "decision": year_calendar(year).decision,
                "days": [
                    {
                        "date": d.date.isoformat(),
                        "kind": d.kind.value,
                        "working": d.kind.is_working,
                        "reason": d.reason,
                        "source": d.source,
                    }
                    for d in days
                ],
            }
            self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2))
            return
        if provisional:
            status = _(
                "Year %(year)s: provisional, computed from the Labour Code; no official "
                "decision is recorded."
            )
        else:
            status = _("Year %(year)s: official.")
        self.stdout.write(status % {"year": year})
        for d in days:
            self.stdout.write(f"{d.date.isoformat()}\t{d.kind.value}\t{d.reason}\t{d.source}")
