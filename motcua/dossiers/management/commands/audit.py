"""``motcua audit verify``: check every dossier's history (the hash-chained event ledger).

Names each dossier whose history was altered (an edited, deleted or reordered event, or a
dossier row whose state no longer matches its history) and exits with status 1 if any
was, 0 otherwise.
"""

from __future__ import annotations

import sys
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from motcua.dossiers.audit import describe, missing_dossiers, verify_all


class Command(BaseCommand):
    help = _("Check the audit ledger of every dossier; exit status 1 if any was altered.")

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser("verify", help=_("Verify every dossier's event chain."))
        verify.add_argument("--quiet", action="store_true", help=_("Print only problems."))

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        checked = altered = 0
        for report in verify_all():
            checked += 1
            if not report.ok:
                altered += 1
                self.stdout.write(
                    _("ALTERED %(code)s (id %(id)d): %(problems)s")
                    % {
                        "code": report.code,
                        "id": report.dossier_id,
                        "problems": "; ".join(describe(p, seq) for p, seq in report.problems),
                    }
                )
        for code in missing_dossiers():
            altered += 1
            self.stdout.write(
                _("MISSING %(code)s: the code was issued but the dossier and its history are gone")
                % {"code": code}
            )
        if not options["quiet"] or altered:
            self.stdout.write(
                _("%(checked)d dossiers checked, %(altered)d altered or missing, in %(s).1f s.")
                % {"checked": checked, "altered": altered, "s": time.monotonic() - started}
            )
        if altered:
            sys.exit(1)
