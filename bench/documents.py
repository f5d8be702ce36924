"""Documents benchmark: rendering a slip (Mẫu 01), sealing a result, verifying a seal.

Runs in one process on a scratch SQLite database (the test province of
``motcua.dossiers.tests.factories``), warm: the first call of each kind is not counted.

    MOTCUA_DATA_DIR=var/bench-docs DATABASE_URL=sqlite:///var/bench-docs/db.sqlite3 \\
        .venv/bin/python -m bench.documents [N]
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")


def timed(label: str, n: int, call: Callable[[], Any]) -> None:
    call()  # warm
    runs = []
    for _ in range(n):
        started = time.perf_counter()
        call()
        runs.append((time.perf_counter() - started) * 1000)
    print(
        f"{label:<34} n={n:<3} min {min(runs):7.1f} ms  median {statistics.median(runs):7.1f} ms"
        f"  max {max(runs):7.1f} ms"
    )


def main() -> None:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.utils import timezone

    from motcua.documents.certificates import ensure_demo_certificates, load_signer
    from motcua.documents.render import render_pdf
    from motcua.documents.signing import sign_pdf, verify_pdf
    from motcua.documents.slips import SLIPS
    from motcua.dossiers.tests.factories import build_world, pdf_bytes

    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    world = build_world()
    dossier = world.accepted_birth()
    event = dossier.events.get(action="accept")
    kind = SLIPS["accept"]
    timed("Mẫu 01: context", n, lambda: kind.build(event))
    timed("Mẫu 01: context + PDF", n, lambda: render_pdf(kind.template, kind.build(event)))
    ensure_demo_certificates()
    signer = load_signer(dossier.competent_agency)
    result = pdf_bytes("Giấy khai sinh")
    now = timezone.now()

    def seal() -> bytes:
        return sign_pdf(
            result,
            signer=signer,
            agency_name=dossier.competent_agency.name,
            signer_name="Nguyễn Thị Hằng",
            reason="Ký kết quả giải quyết hồ sơ",
            location="Tuyên Quang",
            when=now,
        )

    timed("PAdES seal with visible stamp", n, seal)
    sealed = seal()
    timed("verify (pyHanko, trusted roots)", n, lambda: verify_pdf(sealed))


if __name__ == "__main__":
    main()
