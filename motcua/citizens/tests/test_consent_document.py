"""Consent by the signed form: a checked PDF, JPEG or PNG, stored; given at once."""

from __future__ import annotations

import hashlib
import io

import pytest

from motcua.citizens.consent import consent_from_document
from motcua.citizens.models import AssistanceConsent, ConsentMethod
from motcua.citizens.tests.teams_factories import (
    MAI,
    make_member,
    make_team,
)
from motcua.core.errors import InvalidInput
from motcua.dossiers.tests.factories import pdf_bytes

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def test_signed_form_grants_consent(world) -> None:
    team = make_team(world.commune_a)
    user = make_member(team).user
    content = pdf_bytes("Giấy đồng ý")
    upload = io.BytesIO(content)
    upload.name = "dong-y.pdf"  # type: ignore[attr-defined]
    consent = consent_from_document(member_user=user, team=team, **MAI, upload=upload)
    assert consent.method == ConsentMethod.SIGNED_DOCUMENT
    assert consent.granted_at is not None
    assert consent.document_sha256 == hashlib.sha256(content).hexdigest()
    with consent.document.open("rb") as stored:
        assert stored.read() == content


def test_other_file_types_are_refused(world) -> None:
    team = make_team(world.commune_a)
    user = make_member(team).user
    upload = io.BytesIO(b"PK\x03\x04 this is a zip, not a signed form")
    upload.name = "dong-y.pdf"  # type: ignore[attr-defined]
    with pytest.raises(InvalidInput) as exc:
        consent_from_document(member_user=user, team=team, **MAI, upload=upload)
    assert "document" in exc.value.details["errors"]
    assert not AssistanceConsent.objects.exists()
