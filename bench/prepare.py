"""Prepare a loaded bench database for the HTTP benchmarks.

    DATABASE_URL=... .venv/bin/python bench/prepare.py OUT_DIR [--bodies 2000]

Writes to OUT_DIR (under var/bench/, which git ignores):

* ``tokens.json``: bearer tokens (valid one day) for a machine client of the national
  portal (``bench.portal``, no role: it submits as a client), a specialist of the busiest
  commune, a specialist of the Department of Agriculture and Environment, and the province
  administrator; with the ids the list benchmark filters on.
* ``bodies.jsonl``: one ``POST /api/v1/dossiers/`` body a line: online submissions of
  commune procedures at the busiest commune centers, e-forms filled from the procedures'
  schemas (``motcua.dossiers.bulk.eform_plan``), and the procedure's mandatory papers as one
  uploaded PDF (uploaded once through ``POST /api/v1/uploads/`` by the portal client).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")

import django

django.setup()

from django.db.models import Count  # noqa: E402

from motcua.api.services import api_token_issue  # noqa: E402
from motcua.catalog.models import ProcedureVersion  # noqa: E402
from motcua.dossiers import bulk  # noqa: E402
from motcua.dossiers.models import Dossier  # noqa: E402
from motcua.org.models import Agency, AgencyKind, User  # noqa: E402

PORTAL = "bench.portal"


def token(username: str) -> str:
    user = User.objects.get(username=username)
    _t, plaintext = api_token_issue(user=user, name="bench", days=1)
    return plaintext


def busiest_centers(n: int) -> list[Agency]:
    """The commune centers that received the most dossiers (a sample of 200k rows)."""
    top_ids = [
        row["receiving_agency_id"]
        for row in Dossier.objects.filter(pk__lte=200_000)
        .values("receiving_agency_id")
        .annotate(n=Count("id"))
        .order_by("-n")[: n + 1]
    ]
    centers = Agency.objects.filter(pk__in=top_ids, kind=AgencyKind.COMMUNE_CENTER)
    by_id = {a.pk: a for a in centers.select_related("parent")}
    return [by_id[i] for i in top_ids if i in by_id][:n]


def upload_pdf(base_url: str, portal_token: str) -> int:
    import http.client
    import urllib.parse
    import uuid

    pdf = bulk.shared_pdf_bytes()
    boundary = uuid.uuid4().hex
    head = (
        f"--{boundary}\r\n"
        'Content-Disposition: form-data; name="file"; filename="giay-to.pdf"\r\n'
        "Content-Type: application/pdf\r\n\r\n"
    )
    body = head.encode() + pdf + f"\r\n--{boundary}--\r\n".encode()
    url = urllib.parse.urlsplit(base_url)
    conn = http.client.HTTPConnection(url.hostname, url.port or 80, timeout=30)
    conn.request(
        "POST",
        "/api/v1/uploads/",
        body=body,
        headers={
            "Authorization": f"Bearer {portal_token}",
            "Content-Type": f"multipart/form-data; boundary={boundary}",
        },
    )
    response = conn.getresponse()
    data = response.read()
    if response.status != 201:
        raise SystemExit(f"upload failed: {response.status} {data[:500]!r}")
    return int(json.loads(data)["id"])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("out", type=Path)
    parser.add_argument("--bodies", type=int, default=2000)
    parser.add_argument("--base-url", default="", help="Server to upload the PDF to.")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)

    bulk.ensure_reference_data()
    portal, _created = User.objects.get_or_create(username=PORTAL, defaults={"first_name": "DVCQG"})
    portal.set_unusable_password()
    portal.save()
    centers = busiest_centers(12)
    commune = centers[0].parent
    assert commune is not None
    department = Agency.objects.get(kind=AgencyKind.DEPARTMENT, sector="agriculture-environment")
    tokens = {
        "portal": token(PORTAL),
        "commune": token(f"bench.{commune.identifier}.cv1"),
        "department": token(f"bench.{department.identifier}.cv1"),
        "admin": token("bench.admin"),
        "commune_id": commune.pk,
        "commune_name": commune.name,
        "department_id": department.pk,
        "department_name": department.name,
    }
    (args.out / "tokens.json").write_text(json.dumps(tokens, ensure_ascii=False, indent=1))

    if args.base_url:
        upload_id = upload_pdf(args.base_url, tokens["portal"])
        rng = random.Random(42)
        versions = [
            v
            for v in ProcedureVersion.objects.filter(
                status="published", competent_agency_kind=AgencyKind.COMMUNE
            ).prefetch_related("documents")
        ]
        plans = {v.pk: bulk.eform_plan(v.eform_schema or {}) for v in versions}
        weights = [bulk.PROCEDURE_WEIGHTS.get(v.procedure.code, 1.0) for v in versions]
        with (args.out / "bodies.jsonl").open("w", encoding="utf-8") as f:
            for _ in range(args.bodies):
                v = rng.choices(versions, weights)[0]
                center = rng.choice(centers)
                applicant = bulk.sample_applicant(rng, center)
                ctx = {
                    "address": applicant["address"],
                    "phone": applicant["phone"],
                    "email": applicant["email"],
                }
                body = {
                    "procedure_code": v.procedure.code,
                    "applicant": applicant,
                    "receiving_agency_id": center.pk,
                    "channel": "online",
                    "return_method": "counter",
                    "eform_data": {key: make(rng, ctx) for key, make in plans[v.pk]},
                    "documents": [
                        {"upload_id": upload_id, "required_document_id": d.pk}
                        for d in v.documents.all()
                        if d.mandatory
                    ],
                }
                f.write(json.dumps(body, ensure_ascii=False) + "\n")
    print(json.dumps({k: v for k, v in tokens.items() if not isinstance(v, str) or "_" in k}))


if __name__ == "__main__":
    main()
