"""``motcua deadline``: the appointment time (ngày hẹn trả) for a received dossier."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import CommandParser
from django.utils.translation import gettext as _

from motcua.org.models import Agency
from motcua.worktime.calendar import VN_TZ, CalendarRangeError
from motcua.worktime.deadlines import Unit
from motcua.worktime.holidays import UnsupportedYearError
from motcua.worktime.management.commands._base import InputError, WorktimeCommand
from motcua.worktime.services import compute_due


def parse_received(text: str) -> dt.datetime:
    """ISO 8601 date-time; without an offset it is Vietnam time."""
    try:
        value = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise InputError(
            _(
                "Invalid date and time: %(value)s. Use YYYY-MM-DDTHH:MM, optionally with an "
                "offset such as +07:00."
            )
            % {"value": text}
        ) from None
    return value if value.tzinfo is not None else value.replace(tzinfo=VN_TZ)


def parse_cutoff(text: str) -> dt.time:
    try:
        value = dt.time.fromisoformat(text.strip())
    except ValueError:
        value = None
    if value is None or value.tzinfo is not None:
        raise InputError(_("Invalid time: %(value)s. Use HH:MM.") % {"value": text})
    return value


def parse_limit(text: str) -> int:
    try:
        value = int(text.strip())
    except ValueError:
        value = -1
    if value < 0:
        raise InputError(
            _("The limit must be a whole number, zero or more: %(value)s.") % {"value": text}
        )
    return value


class Command(WorktimeCommand):
    help = (
        "Print the due time of a dossier as one ISO 8601 line with its offset. Times "
        "without an offset are Vietnam time (UTC+7). Errors: one line on stderr, exit "
        "status 2; --lang en for English messages."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--received", required=True, help="e.g. 2025-04-29T16:10")
        parser.add_argument("--limit", required=True, help="Whole number, zero or more.")
        parser.add_argument(
            "--unit",
            default=Unit.WORKING_DAYS.value,
            help="working_hours, working_days (default), days or months.",
        )
        parser.add_argument("--cutoff", help="Same-day intake cut-off, e.g. 15:00.")
        parser.add_argument("--agency", help="Identifier of the agency whose hours apply.")

    def handle(self, *args: Any, **options: Any) -> None:
        received = parse_received(options["received"])
        limit = parse_limit(options["limit"])
        unit: str = options["unit"]
        if unit not in {u.value for u in Unit}:
            raise InputError(
                _("Unknown unit: %(value)s. Use working_hours, working_days, days or months.")
                % {"value": unit}
            )
        cutoff = parse_cutoff(options["cutoff"]) if options["cutoff"] is not None else None
        agency = None
        if options["agency"] is not None:
            agency = Agency.objects.filter(identifier=options["agency"].strip()).first()
            if agency is None:
                raise InputError(_("Unknown agency: %(value)s.") % {"value": options["agency"]})
        try:
            due = compute_due(
                received_at=received, limit=limit, unit=unit, cutoff=cutoff, agency=agency
            )
        except (CalendarRangeError, UnsupportedYearError) as exc:
            raise InputError(
                _("No working calendar for year %(year)s.") % {"year": exc.year}
            ) from None
        self.stdout.write(due.isoformat())
