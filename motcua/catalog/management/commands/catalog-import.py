import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from motcua.catalog.services import CatalogError, catalog_import


class Command(BaseCommand):
    help = _("Import a catalogue JSON file: all of it, or nothing if any entry is wrong.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+")

    def handle(self, *args: Any, **options: Any) -> None:
        for path in options["files"]:
            try:
                with open(path, encoding="utf-8") as f:
                    data = json.load(f)
                result = catalog_import(data)
            except (OSError, json.JSONDecodeError) as exc:
                self.stderr.write(
                    _("Cannot read %(path)s: %(error)s") % {"path": path, "error": exc}
                )
                sys.exit(2)
            except CatalogError as exc:
                for message in exc.messages:
                    self.stderr.write(f"{path}: {message}")
                self.stderr.write(_("Nothing was imported from %(path)s.") % {"path": path})
                sys.exit(1)
            self.stdout.write(
                _(
                    "%(path)s: %(created)d new, %(versions)d new versions, %(updated)d updated, "
                    "%(unchanged)d unchanged, %(groups)d groups."
                )
                % {
                    "path": path,
                    "created": len(result.created),
                    "versions": len(result.new_versions),
                    "updated": len(result.updated),
                    "unchanged": len(result.unchanged),
                    "groups": result.groups,
                }
            )
