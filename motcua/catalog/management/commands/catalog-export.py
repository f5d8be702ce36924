import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from motcua.catalog.services import catalog_export


class Command(BaseCommand):
    help = _("Write the published catalogue as JSON (to a file, or standard output with -).")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("output", nargs="?", default="-")

    def handle(self, *args: Any, **options: Any) -> None:
        text = json.dumps(catalog_export(), ensure_ascii=False, indent=1, sort_keys=True)
        if options["output"] == "-":
            self.stdout.write(text)
        else:
            with open(options["output"], "w", encoding="utf-8") as out:
                out.write(text + "\n")
