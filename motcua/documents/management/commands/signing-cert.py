"""`motcua signing-cert import|list`: agencies' signing certificates (chứng thư số).

``import --agency <identifier|id> --file bundle.p12 [--label L] [--inactive]`` stores the
agency's PKCS#12 bundle (``certificates.import_pkcs12``). The passphrase is read from the
environment variable ``MOTCUA_P12_PASSPHRASE`` or asked for at the terminal, never taken
from the command line (where other users and the shell history would see it).

``list [--agency …] [--all]`` prints the active certificates (``--all``: every one).

Exit status 2, with the reason on standard error, when the input is refused.
"""

from __future__ import annotations

import getpass
import os
import sys
from pathlib import Path
from typing import Any, NoReturn

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.errors import InvalidInput
from motcua.documents.certificates import MAX_PKCS12_BYTES, import_pkcs12
from motcua.documents.models import SigningCertificate
from motcua.org.models import Agency

PASSPHRASE_VARIABLE = "MOTCUA_P12_PASSPHRASE"


class Command(BaseCommand):
    help = _("Import or list the agencies' signing certificates (PKCS#12).")

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help=_("store an agency's PKCS#12 bundle"))
        imp.add_argument(
            "--agency", required=True, help=_("the agency's identifier (e.g. 000.01.30.H60) or id")
        )
        imp.add_argument("--file", required=True, type=Path, help=_("the .p12 or .pfx file"))
        imp.add_argument("--label", default="", help=_("a label for the certificate"))
        imp.add_argument(
            "--inactive",
            action="store_true",
            help=_("store it without making it the agency's active certificate"),
        )
        listing = sub.add_parser("list", help=_("list the certificates"))
        listing.add_argument("--agency", help=_("only this agency (identifier or id)"))
        listing.add_argument("--all", action="store_true", help=_("inactive certificates too"))

    def fail(self, message: str) -> NoReturn:
        self.stderr.write(message)
        sys.exit(2)

    def agency(self, value: str) -> Agency:
        value = value.strip()
        found = Agency.objects.filter(identifier=value).first()
        if found is None and value.isdigit():
            found = Agency.objects.filter(pk=int(value)).first()
        if found is None:
            self.fail(_("There is no agency “%(agency)s”.") % {"agency": value})
        return found

    def passphrase(self) -> str:
        value = os.environ.get(PASSPHRASE_VARIABLE)
        if value is not None:
            return value
        if not sys.stdin.isatty():
            self.fail(
                _("Set %(variable)s, or run the command at a terminal to type the passphrase.")
                % {"variable": PASSPHRASE_VARIABLE}
            )
        return getpass.getpass(_("Passphrase of the PKCS#12 file: "))

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "import":
            self.import_bundle(options)
        else:
            self.list_certificates(options)

    def import_bundle(self, options: dict[str, Any]) -> None:
        agency = self.agency(options["agency"])
        path: Path = options["file"]
        try:
            with path.open("rb") as f:
                data = f.read(MAX_PKCS12_BYTES + 1)
        except OSError as exc:
            self.fail(_("Cannot read %(file)s: %(error)s") % {"file": path, "error": exc.strerror})
        try:
            certificate = import_pkcs12(
                agency=agency,
                data=data,
                passphrase=self.passphrase(),
                label=options["label"],
                activate=not options["inactive"],
            )
        except InvalidInput as exc:
            fields = exc.details.get("errors") or {}
            self.fail("\n".join([exc.message, *(str(m) for m in fields.values())]))
        self.stdout.write(
            _("Stored for %(agency)s: %(subject)s, valid until %(until)s%(state)s.")
            % {
                "agency": agency.name,
                "subject": certificate.subject,
                "until": timezone.localtime(certificate.not_after).strftime("%Y-%m-%d"),
                "state": _(" (active)") if certificate.active else _(" (inactive)"),
            }
        )

    def list_certificates(self, options: dict[str, Any]) -> None:
        rows = SigningCertificate.objects.select_related("agency").order_by(
            "agency__name", "-not_after"
        )
        if options["agency"]:
            rows = rows.filter(agency=self.agency(options["agency"]))
        if not options["all"]:
            rows = rows.filter(active=True)
        now = timezone.now()
        for c in rows:
            # A stable word for scripts, not a translated one.
            state = "active" if c.active else "inactive"
            if c.not_after < now:
                state = "expired"
            self.stdout.write(
                "\t".join(
                    [
                        c.agency.identifier or str(c.agency_id),
                        c.agency.name,
                        c.subject,
                        timezone.localtime(c.not_before).strftime("%Y-%m-%d"),
                        timezone.localtime(c.not_after).strftime("%Y-%m-%d"),
                        state,
                        c.fingerprint_sha256,
                    ]
                )
            )
