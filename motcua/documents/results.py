"""Signing results: the leader's signature in the ledger and the agency's PAdES seal on
every electronic result, in one transaction."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.errors import DomainError, InvalidInput
from motcua.documents.certificates import NoSigningCertificate, load_signer
from motcua.documents.models import DocumentForm, GeneratedDocument
from motcua.documents.signing import sign_pdf
from motcua.dossiers import services
from motcua.dossiers.actors import Actor
from motcua.dossiers.models import Dossier, DossierEvent, Result, ResultKind
from motcua.dossiers.services import SealedFile
from motcua.dossiers.storage import store_bytes
from motcua.org.models import Agency

PDF = "application/pdf"


def _stored_bytes(result: Result) -> bytes:
    """The result's stored file, checked against its recorded SHA-256."""
    with result.file.open("rb") as f:
        data = bytes(f.read())
    if hashlib.sha256(data).hexdigest() != result.sha256:
        raise DomainError(
            _(
                "The stored file of result %(code)s does not match its recorded fingerprint; "
                "it was not signed. Attach the result again."
            )
            % {"code": result.code},
            code="result_file_damaged",
        )
    return data


def _location(agency: Agency) -> str:
    return agency.address or agency.name


def _sealer(actor: Actor, signed_docs: dict[int, SealedFile]) -> services.Sealer:
    def seal(d: Dossier, results: Sequence[Result], when: dt.datetime) -> dict[int, SealedFile]:
        electronic = [r for r in results if r.kind == ResultKind.ELECTRONIC and r.file]
        if not electronic:
            return {}
        not_pdf = [r.code for r in electronic if r.content_type != PDF]
        if not_pdf:
            raise InvalidInput(
                _("Only PDF results can be signed: %(codes)s is not a PDF. Attach it as PDF.")
                % {"codes": ", ".join(not_pdf)},
                code="result_not_signable",
                details={"errors": {"file": _("An electronic result must be a PDF file.")}},
            )
        agency = d.competent_agency
        if agency is None:  # pragma: no cover - every signable dossier has one
            raise NoSigningCertificate(_("The dossier has no competent agency to sign it."))
        signer = load_signer(agency, at=when)
        for r in electronic:
            signed = sign_pdf(
                _stored_bytes(r),
                signer=signer,
                agency_name=agency.name,
                signer_name=actor.label,
                # Words of the signed document itself (Vietnamese, like its stamp).
                reason=f"Ký kết quả giải quyết hồ sơ {d.code}",
                location=_location(agency),
                when=when,
            )
            name, digest, size = store_bytes(signed, ".pdf")
            signed_docs[r.pk] = SealedFile(
                name=name, sha256=digest, size=size, unsigned_sha256=r.sha256
            )
        return signed_docs

    return seal


@transaction.atomic
def dossier_sign_and_seal(
    *,
    dossier: Dossier | int,
    actor: Actor,
    expected_version: int | None = None,
    at: dt.datetime | None = None,
) -> Dossier:
    """The competent leader signs: each unsigned electronic result is sealed with the
    competent agency's certificate (PAdES, visible stamp), its file replaced by the signed
    copy, and the dossier is finished (status 9) with an event recording the signed
    SHA-256 (and the unsigned one). Every sealed result gets a ``GeneratedDocument``
    (form ``SIGNED_RESULT``) linked to the signature event.

    Refused, with nothing changed, when the actor may not sign, the dossier cannot be
    signed now, the competent agency has no valid certificate (``no_signing_certificate``)
    or a result's file cannot be signed.
    """
    now = at or timezone.now()
    sealed: dict[int, SealedFile] = {}
    d = services.dossier_sign_result(
        dossier=dossier,
        actor=actor,
        expected_version=expected_version,
        at=now,
        seal=_sealer(actor, sealed),
    )
    if sealed:
        event = DossierEvent.objects.get(dossier=d, seq=d.event_count)
        results = {r.pk: r for r in Result.objects.filter(pk__in=sealed)}
        GeneratedDocument.objects.bulk_create(
            [
                GeneratedDocument(
                    form=DocumentForm.SIGNED_RESULT,
                    dossier=d,
                    event=event,
                    result=results[pk],
                    agency=d.competent_agency,
                    file=s.name,
                    file_name=f"{results[pk].code}.pdf",
                    sha256=s.sha256,
                    size=s.size,
                    content_type=PDF,
                    created_at=now,
                    created_by=actor.user,
                )
                for pk, s in sealed.items()
            ]
        )
    return d
