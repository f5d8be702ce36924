"""`motcua demo`: migrate and load the demo province, catalogue and officials (idempotent)."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from motcua.catalog.services import catalog_import
from motcua.citizens.demo import ensure_demo_teams
from motcua.desk.auth_services import DEMO_TOTP_KEY_BASE32, demo_devices
from motcua.documents.certificates import ensure_demo_certificates
from motcua.dossiers.demo import load_demo_dossiers
from motcua.org.demo import DEMO_PASSWORD, load_demo_officials, load_province
from motcua.payments.demo import ensure_demo_accounts

CATALOG_DATA = Path(__file__).resolve().parents[3] / "catalog" / "data" / "procedures"


class Command(BaseCommand):
    help = _("Prepare the demo: migrate, load the demo province, catalogue and officials.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--province", type=int, default=settings.MOTCUA_PROVINCE_CODE)
        parser.add_argument("--level1", help=_("Level-1 agency identifier, e.g. H60"))
        parser.add_argument(
            "--force", action="store_true", help=_("Run even with DEBUG off (never in production).")
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["force"]:
            raise CommandError(_("The demo creates accounts with a known password: DEBUG is off."))
        started = time.monotonic()
        settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
        call_command("migrate", interactive=False, verbosity=0)
        loaded = load_province(options["province"], level1=options["level1"])
        for path in sorted(CATALOG_DATA.glob("*.json")):
            with path.open(encoding="utf-8") as f:
                catalog_import(json.load(f))
        accounts = load_demo_officials(loaded.province)
        # Before the dossiers: their results are signed with these certificates.
        signing = ensure_demo_certificates()
        dossiers = load_demo_dossiers(count=300)
        # Each agency's receiving account for online fees, and the community digital teams.
        payment_accounts = ensure_demo_accounts()
        teams = ensure_demo_teams()
        peers = self._dev_peers()
        all_accounts = [*accounts, *dossiers.accounts]
        with_code = {d.user.username for d in demo_devices([a.username for a in all_accounts])}

        out = self.stdout
        out.write(
            _("Demo province: %(name)s — %(agencies)d agencies, %(communes)d communes and wards.")
            % {
                "name": loaded.province.name,
                "agencies": loaded.agencies,
                "communes": loaded.communes,
            }
        )
        out.write(_("Demo accounts (password for all: %(pw)s):") % {"pw": DEMO_PASSWORD})
        for account in all_accounts:
            mark = "*" if account.username in with_code else " "
            out.write(f" {mark}{account.username:<18} {account.role:<18} {account.agency.name}")
        out.write(
            _(
                "* signs in with a one-time code too: add the demo key %(key)s to an "
                "authenticator app, or run `motcua otp-code <username>` for the current code."
            )
            % {"key": DEMO_TOTP_KEY_BASE32}
        )
        out.write(dossiers.line())
        out.write(signing.line())
        out.write(
            _("%(accounts)d agencies take fees online; %(teams)d community digital teams.")
            % {"accounts": len(payment_accounts), "teams": len(teams.teams)}
        )
        for line in peers:
            out.write(line)
        out.write(_("Ready in %(s).1f s.") % {"s": time.monotonic() - started})

    def _dev_peers(self) -> list[str]:
        """The local OpenID provider, payment gateway and SMS gateway (development only)."""
        if not settings.MOTCUA_DEV_PEERS:
            return [_("Development peers are off (MOTCUA_DEV_PEERS): citizens cannot sign in.")]
        from motcua.citizens.demo_history import GIANG, ensure_demo_citizen_history
        from motcua.devpeers.gateway.demo import ensure_demo_gateway
        from motcua.devpeers.idp.demo import ensure_demo_idp

        people = ensure_demo_idp()
        history = ensure_demo_citizen_history()
        ensure_demo_gateway()
        base = settings.MOTCUA_PUBLIC_URL
        lines = [
            _(
                "Citizens sign in at %(url)s through the local OpenID provider (personal ID "
                "and password %(pw)s):"
            )
            % {"url": f"{base}/dang-nhap/", "pw": DEMO_PASSWORD}
        ]
        lines += [f"  {p.personal_id}  {p.full_name}" for p in people]
        lines.append(
            _(
                "%(name)s has %(count)d dossiers: one returned with a signed result, one "
                "waiting for papers."
            )
            % {"name": GIANG.full_name, "count": len(history)}
        )
        lines.append(
            _("Text messages (consent codes) of the local SMS gateway: %(url)s")
            % {"url": f"{base}/dev/sms/"}
        )
        return lines
