"""`motcua import-officials FILE.xlsx [--dry-run] [--passwords-out F.csv]`.

Exit status: 0 imported (or, with --dry-run, the file is valid); 1 the file has
problems, listed one a line as "Dòng 7: …", and nothing was imported; 2 the file cannot
be read as an .xlsx workbook, or the command was misused.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path
from typing import IO, Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from motcua.org.onboarding import Credential, ImportReport, OfficialsFileError, import_officials

CREDENTIAL_HEADER = (
    "Dòng",
    "Mã định danh cơ quan",
    "Họ và tên",
    "Tên đăng nhập",
    "Thư điện tử",
    "Mật khẩu ban đầu",
)


class Command(BaseCommand):
    help = (
        "Import officials and their roles from an Excel workbook made from the template: "
        "the whole file or nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the filled-in workbook (.xlsx)")
        parser.add_argument(
            "--dry-run", action="store_true", help="check the file and report; write nothing"
        )
        parser.add_argument(
            "--passwords-out",
            metavar="FILE.csv",
            help="write the initial passwords of created accounts to this new CSV file",
        )
        parser.add_argument(
            "--print-passwords",
            action="store_true",
            help="print the initial passwords of created accounts",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        dry_run: bool = options["dry_run"]
        passwords_out: str | None = options["passwords_out"]
        if not dry_run and not passwords_out and not options["print_passwords"]:
            raise CommandError(
                _(
                    "Give --passwords-out FILE.csv (or --print-passwords) to receive the "
                    "initial passwords of the new accounts."
                ),
                returncode=2,
            )
        try:
            source = path.open("rb")
        except OSError as exc:
            raise CommandError(
                _("Cannot read %(path)s: %(error)s") % {"path": path, "error": exc.strerror},
                returncode=2,
            ) from exc
        out_path = Path(passwords_out) if passwords_out and not dry_run else None
        # Made before the import, so a bad or taken path fails before anything is written.
        try:
            out = _create_private(out_path) if out_path else None
        except CommandError:
            source.close()
            raise
        report: ImportReport | None = None
        try:
            with source:
                report = import_officials(source, dry_run=dry_run)
        except OfficialsFileError as exc:
            raise CommandError(f"{path}: {exc}", returncode=2) from exc
        finally:
            if out is not None and out_path is not None:
                if report is not None and report.ok:
                    _write_credentials(out, report.credentials)
                    out.close()
                else:  # nothing was created: leave no credentials file behind
                    out.close()
                    out_path.unlink(missing_ok=True)

        if report.problems:
            for problem in report.problems:
                self.stderr.write(str(problem))
            raise CommandError(
                _("%(path)s has %(count)d problem(s); nothing was imported.")
                % {"path": path, "count": len(report.problems)},
                returncode=1,
            )
        if options["print_passwords"] and not dry_run:
            for credential in report.credentials:
                self.stdout.write(f"{credential.username}\t{credential.password}")
        self.stdout.write(report.summary())
        if out_path and report.credentials:
            self.stdout.write(_("Initial passwords written to %(path)s.") % {"path": out_path})


def _create_private(path: Path) -> IO[str]:
    """A new file only its owner can read; never overwrite an earlier credentials file."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError as exc:
        raise CommandError(
            _("%(path)s already exists; give a new file for the passwords.") % {"path": path},
            returncode=2,
        ) from exc
    except OSError as exc:
        raise CommandError(
            _("Cannot write %(path)s: %(error)s") % {"path": path, "error": exc.strerror},
            returncode=2,
        ) from exc
    # utf-8-sig: Excel opens the Vietnamese names correctly.
    return os.fdopen(fd, "w", encoding="utf-8-sig", newline="")


def _write_credentials(out: IO[str], credentials: list[Credential]) -> None:
    writer = csv.writer(out)
    writer.writerow(CREDENTIAL_HEADER)
    for c in credentials:
        writer.writerow((c.row, c.agency, c.full_name, c.username, c.email, c.password))
