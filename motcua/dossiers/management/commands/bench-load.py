"""``motcua bench-load --dossiers N``: load synthetic but realistic dossiers for benchmarks.

Loads the province and the catalogue first if they are missing (like ``motcua demo``, but
without the demo accounts), plus ``bench.*`` officials without passwords. The generation
is in :mod:`motcua.dossiers.bulk`. Run it on a database of its own: nothing else may write
dossiers meanwhile.
"""

from __future__ import annotations

import sys
import time
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from motcua.dossiers import bulk
from motcua.dossiers.codes import CodeFormatError


class Command(BaseCommand):
    help = "Load N synthetic dossiers with their histories (benchmarks only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dossiers", type=int, required=True, help="How many to load.")
        parser.add_argument("--batch", type=int, default=10_000, help="Dossiers per transaction.")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--year", type=int, default=2025)
        parser.add_argument(
            "--no-documents",
            action="store_true",
            help="Leave out the document rows (saves about a third of the space).",
        )
        parser.add_argument(
            "--lean",
            action="store_true",
            help="Only the dossier rows, their events and the daily sequences (no documents, "
            "fees, payments, supplement requests, results or control-sheet rows): for 10 million "
            "dossiers on a small disk. Events still name the payments and results they made.",
        )
        parser.add_argument(
            "--replicas",
            type=int,
            default=1,
            help="With --lean: store each simulated history R times, for R applicants with "
            "their own ids and codes (chains hashed for each): R times faster, for 10 million.",
        )
        parser.add_argument(
            "--drop-indexes",
            action="store_true",
            help="PostgreSQL: drop the non-unique indexes of the loaded tables during the load "
            "and build them again at the end (faster for millions of dossiers). Their "
            "definitions are saved first to var/bench/dropped-indexes-<db>.sql.",
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=1,
            help="PostgreSQL: generate and copy in this many processes (each takes a run of "
            "days); 2 on a 2-core machine.",
        )
        parser.add_argument(
            "--no-fk-checks",
            action="store_true",
            help="PostgreSQL, as a superuser: skip the deferred foreign-key checks at each "
            "commit (session_replication_role=replica in the load's transactions).",
        )
        parser.add_argument("--no-migrate", action="store_true", help="Do not run migrate first.")

    def handle(self, *args: Any, **options: Any) -> None:
        total = options["dossiers"]
        if total < 1:
            raise CommandError("--dossiers must be at least 1")
        if options["batch"] < 1:
            raise CommandError("--batch must be at least 1")
        if not options["no_migrate"]:
            call_command("migrate", interactive=False, verbosity=0)
        bulk.ensure_reference_data(stdout=self.stdout)
        db_name = str(connection.settings_dict["NAME"]).rsplit("/", 1)[-1]
        index_file = settings.DATA_DIR / "bench" / f"dropped-indexes-{db_name}.sql"
        last = [0.0]

        def progress(report: bulk.LoadReport) -> None:
            now = time.monotonic()
            if now - last[0] < 5 and report.dossiers < total:
                return
            last[0] = now
            rate = report.dossiers / report.seconds if report.seconds else 0.0
            self.stdout.write(
                f"  {report.dossiers:>10,} dossiers  {report.rows['event']:>12,} events  "
                f"{report.seconds:7.1f} s  {rate:8,.0f} dossiers/s"
            )
            sys.stdout.flush()

        try:
            report = bulk.load(
                total,
                batch=options["batch"],
                seed=options["seed"],
                year=options["year"],
                documents=not options["no_documents"],
                side_rows=not options["lean"],
                replicas=options["replicas"],
                fk_checks=not options["no_fk_checks"],
                drop_indexes=options["drop_indexes"],
                workers=options["workers"],
                progress=progress,
                index_file=index_file,
            )
        except (ValueError, CodeFormatError) as exc:
            raise CommandError(str(exc)) from exc
        rows = ", ".join(f"{n} {name}" for name, n in report.rows.items())
        self.stdout.write(
            f"Loaded {report.dossiers:,} dossiers in {report.seconds:.1f} s "
            f"({report.dossiers / max(report.seconds, 1e-9):,.0f}/s; generating "
            f"{report.generate_seconds:.1f} s, writing {report.write_seconds:.1f} s, "
            f"indexes {report.index_seconds:.1f} s)."
        )
        self.stdout.write(f"Rows: {rows}.")
        states = ", ".join(
            f"{state} {n / report.dossiers:.1%}"
            for state, n in sorted(report.states.items(), key=lambda x: -x[1])
        )
        self.stdout.write(f"States: {states}.")
