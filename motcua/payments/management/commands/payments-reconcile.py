"""``motcua payments-reconcile --date YYYY-MM-DD [--agency CODE]``: the day's reconciliation
of every active receiving account (or one agency's), mismatches flagged; exit status 1
when any is found."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from motcua.payments.models import PaymentAccount
from motcua.payments.reconcile import reconcile


class Command(BaseCommand):
    help = "Compare the gateway statements of a day with the payments MotCua recorded."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="the day (YYYY-MM-DD); default yesterday")
        parser.add_argument("--agency", help="only this agency (its identifier)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options.get("date"):
            try:
                day = dt.date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError("--date must be YYYY-MM-DD.") from None
        else:
            day = timezone.localdate() - dt.timedelta(days=1)
        accounts = PaymentAccount.objects.filter(active=True).select_related("agency")
        if options.get("agency"):
            accounts = accounts.filter(agency__identifier=options["agency"])
            if not accounts.exists():
                raise CommandError(f"No active payment account for agency {options['agency']}.")
        flagged = 0
        for account in accounts.order_by("agency__path"):
            report = reconcile(account, day)
            head = f"{account.agency.name} [{account.provider}:{account.merchant_code}] {day}"
            if report.error:
                flagged += 1
                self.stdout.write(f"{head}: ERROR {report.error}")
                continue
            self.stdout.write(
                f"{head}: {len(report.lines)} transactions, "
                f"gateway {report.gateway_total} đ, recorded {report.recorded_total} đ, "
                f"{len(report.mismatches)} mismatches"
            )
            for line in report.lines:
                if line.flagged:
                    flagged += 1
                    self.stdout.write(
                        f"  {line.match.value.upper()} {line.txn_ref} dossier={line.dossier_code} "
                        f"gateway={line.gateway_amount} recorded={line.recorded_amount}"
                    )
        if flagged:
            raise SystemExit(1)
