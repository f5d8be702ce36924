"""Downloading the signed result: the sealed PDF, as an attachment with its stored type and
``nosniff``, to the dossier's owner only."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.urls import reverse

from motcua.citizens.tests.helpers import sign_in_citizen
from motcua.documents.signing import verify_pdf
from motcua.dossiers.tests.factories import World
from motcua.portal.tests.follow_steps import (
    applicant_citizen,
    certificates,
    sealed_result,
    stored,
    stranger,
    text,
)


def test_the_owner_downloads_the_signed_result(world: World, client: Any, tmp_path: Path) -> None:
    certificates(tmp_path)
    d, result = sealed_result(world)
    sign_in_citizen(client, applicant_citizen())
    page = client.get(reverse("portal:dossier", args=[d.code]))
    url = reverse("portal:result_file", args=[d.code, result.number])
    assert url in page.content.decode()
    assert "Download the signed result" in text(page)

    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment")
    assert f"{result.code}.pdf" in response["Content-Disposition"]
    data = b"".join(response.streaming_content)
    assert data == stored(result)
    assert verify_pdf(data).ok


def test_another_citizen_and_anonymous_visitors_cannot(
    world: World, client: Any, tmp_path: Path
) -> None:
    certificates(tmp_path)
    d, result = sealed_result(world)
    url = reverse("portal:result_file", args=[d.code, result.number])
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and reverse("citizens:login") in anonymous["Location"]
    sign_in_citizen(client, stranger())
    assert client.get(url).status_code == 404


def test_an_unsigned_or_missing_result_is_404(world: World, client: Any) -> None:
    d = world.accepted_birth()
    sign_in_citizen(client, applicant_citizen())
    assert client.get(reverse("portal:result_file", args=[d.code, 1])).status_code == 404


def test_a_groups_results_are_its_parts(world: World, client: Any, tmp_path: Path) -> None:
    from django.utils import timezone

    from motcua.documents.results import dossier_sign_and_seal
    from motcua.dossiers import services as svc
    from motcua.dossiers.actors import Actor
    from motcua.dossiers.models import Result
    from motcua.dossiers.tests.factories import BIRTH, accepted_group, group_children, pdf_upload

    certificates(tmp_path)
    group = accepted_group(world, timezone.now())
    birth = group_children(group)[BIRTH]
    for _ in range(2):
        svc.dossier_forward(dossier=birth.pk, actor=Actor.official(world.specialist_a))
    svc.dossier_approve(dossier=birth.pk, actor=Actor.official(world.leader_a))
    svc.dossier_attach_result(
        dossier=birth.pk,
        actor=Actor.official(world.leader_a),
        name="Giấy khai sinh",
        kind="electronic",
        upload=pdf_upload("Giấy khai sinh"),
    )
    dossier_sign_and_seal(dossier=birth.pk, actor=Actor.official(world.leader_a))
    result = Result.objects.get(dossier=birth)

    sign_in_citizen(client, applicant_citizen())
    page = client.get(reverse("portal:dossier", args=[group.code]))
    url = reverse("portal:result_file", args=[birth.code, result.number])
    assert url in page.content.decode() and result.code in text(page)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == stored(result)
    # The part itself has no page of its own for the citizen.
    assert client.get(reverse("portal:dossier", args=[birth.code])).status_code == 404
    sign_in_citizen(client, stranger())
    assert client.get(url).status_code == 404
