"""Dossiers of the test province at the stage the citizen's follow/verify/rate tests need,
brought there through the services (helpers for ``test_follow_*``, ``test_track_*``,
``test_verify_*`` and ``test_rating_*``)."""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

from motcua.citizens.models import Citizen
from motcua.citizens.tests.helpers import make_citizen
from motcua.desk.tests.steps import at_step, resolved_a
from motcua.documents.certificates import DemoCertificates, ensure_demo_certificates
from motcua.documents.results import dossier_sign_and_seal
from motcua.dossiers import services as svc
from motcua.dossiers.actors import Actor
from motcua.dossiers.models import Dossier, Result
from motcua.dossiers.tests.factories import VALID_PERSONAL_ID, World, pdf_upload

PAPER = "Bản sao giấy chứng sinh"


def applicant_citizen(**over: Any) -> Citizen:
    """The citizen whose personal ID is the test dossiers' applicant's."""
    return make_citizen(**{"personal_id": VALID_PERSONAL_ID, **over})


def stranger() -> Citizen:
    return make_citizen(personal_id="008190009999", full_name="Lê Văn Khác")


def supplement_requested(world: World) -> Dossier:
    """A birth registration at the specialist's step, with a supplement request (the clock
    paused)."""
    d = at_step(world, 1)
    return svc.dossier_request_supplement(
        dossier=d.pk,
        actor=Actor.official(world.specialist_a),
        items=[PAPER],
        reason="Thiếu bản sao giấy chứng sinh",
    )


def intake_incomplete(world: World) -> Dossier:
    """A birth registration handed in and sent back to be completed before acceptance."""
    d = world.receive_birth()
    return svc.dossier_ask_to_complete(
        dossier=d.pk, actor=Actor.official(world.reception_a), items=[PAPER]
    )


def returned(world: World) -> Dossier:
    """A birth registration whose (paper) result was handed over."""
    d = resolved_a(world)
    return svc.dossier_return_result(dossier=d.pk, actor=Actor.official(world.reception_a))


def certificates(tmp_path: Path) -> DemoCertificates:
    return ensure_demo_certificates(directory=tmp_path / "demo-ca")


def sealed_result(world: World) -> tuple[Dossier, Result]:
    """A birth registration with an electronic PDF result sealed through the real signing
    path (the demo certificates must exist)."""
    d = at_step(world, 1)
    svc.dossier_forward(dossier=d.pk, actor=Actor.official(world.specialist_a))
    svc.dossier_approve(dossier=d.pk, actor=Actor.official(world.leader_a))
    result = svc.dossier_attach_result(
        dossier=d.pk,
        actor=Actor.official(world.leader_a),
        name="Giấy khai sinh",
        kind="electronic",
        upload=pdf_upload("Giấy khai sinh"),
    )
    d = dossier_sign_and_seal(dossier=d.pk, actor=Actor.official(world.leader_a))
    return d, Result.objects.get(pk=result.pk)


def stored(result: Result) -> bytes:
    with result.file.open("rb") as f:
        return bytes(f.read())


def tampered(data: bytes) -> bytes:
    """``data`` with one byte changed inside the signed range (the original's producer)."""
    at = data.index(b"/Producer (pypdf)") + len(b"/Producer (pyp")
    changed = bytearray(data)
    changed[at] = ord("x")
    return bytes(changed)


def text(response: Any) -> str:
    """The page's visible text, tags removed and whitespace collapsed."""
    body = response.content.decode()
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())
