"""`motcua officials-template [OUTPUT.xlsx]`: write the Excel template for officials."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from motcua.org.onboarding import TEMPLATE_FILENAME, build_officials_template


class Command(BaseCommand):
    help = "Write the Excel template in which agencies list their officials and roles."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "output",
            nargs="?",
            default=TEMPLATE_FILENAME,
            help=f"where to write the workbook (default {TEMPLATE_FILENAME})",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        output = Path(options["output"])
        try:
            output.write_bytes(build_officials_template())
        except OSError as exc:
            raise CommandError(
                _("Cannot write %(path)s: %(error)s") % {"path": output, "error": exc.strerror},
                returncode=2,
            ) from exc
        self.stdout.write(_("Template written to %(path)s.") % {"path": output})
