"""Filing online (nộp hồ sơ trực tuyến): drafts saved as the citizen goes, papers uploaded
one at a time or taken from the data store, and the submission itself.

A draft belongs to the account that started it; its applicant is the signed-in citizen,
or, for assisted filing, the citizen whose consent the team member collected. Submission
goes through the engine's ``dossier_submit`` in the same transaction that marks the draft
submitted, so a double submit yields one dossier.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.catalog.eforms import eform_fields, eform_values
from motcua.catalog.models import ProcedureVersion, RequiredDocument, ResultType
from motcua.catalog.schemas import eform_data_errors
from motcua.citizens.consent import consent_check_usable, consent_opens_data_store
from motcua.citizens.models import AssistanceConsent, Citizen, DataStoreItem
from motcua.citizens.services import store_items_for
from motcua.core.errors import ConcurrentChange, Forbidden, IllegalTransition, InvalidInput
from motcua.core.text import fold, nfc
from motcua.dossiers.actors import Actor
from motcua.dossiers.models import Channel, Dossier, ReturnMethod, UploadedFile
from motcua.dossiers.services import ApplicantInput, DocumentInput, NewDossier, dossier_submit
from motcua.dossiers.storage import store_checked
from motcua.dossiers.uploads import CheckedUpload, check_upload
from motcua.org.models import ADMIN_UNIT_KINDS, PHONE_RE, Agency, AgencyKind, User
from motcua.portal.models import Draft

EFORM_PREFIX = "eform__"
# Procedures decided above the commune: the citizen does not choose who decides.
_ABOVE_COMMUNE = {
    AgencyKind.DEPARTMENT,
    AgencyKind.CENTRAL_LOCAL,
    AgencyKind.PROVINCE_COMMITTEE,
}
_COMMITTEE_PREFIXES = ("uy ban nhan dan ", "ubnd ")


# --- reads the pages and the services share ----------------------------------------------


@dataclass(frozen=True)
class Applicant:
    """Who the dossier is for, as verified (never typed in the form)."""

    name: str
    personal_id: str
    birth_date: dt.date | None
    phone: str = ""


def draft_applicant(draft: Draft) -> Applicant:
    consent = draft.consent
    if consent is not None:
        return Applicant(consent.citizen_name, consent.personal_id, None, consent.phone)
    citizen = Citizen.objects.filter(user_id=draft.owner_id).first()
    if citizen is None:
        return Applicant("", "", None)
    return Applicant(citizen.full_name, citizen.personal_id, citizen.birth_date, citizen.phone)


def is_commune_level(version: ProcedureVersion) -> bool:
    return version.competent_agency_kind not in _ABOVE_COMMUNE


def communes() -> QuerySet[Agency]:
    """The communes, wards and special zones a commune-level procedure may be filed with."""
    return Agency.objects.filter(kind__in=list(ADMIN_UNIT_KINDS), active=True).order_by("name")


def return_points() -> QuerySet[Agency]:
    """Every active one-stop reception point: commune centers and the provincial center."""
    return Agency.objects.filter(is_reception_point=True, active=True).order_by("path")


def return_methods(version: ProcedureVersion) -> list[str]:
    """How the result may come back: at a counter, by post, or online (electronic results)."""
    methods = [ReturnMethod.COUNTER.value, ReturnMethod.POST.value]
    if version.result_type in {ResultType.ELECTRONIC, ResultType.BOTH}:
        methods.append(ReturnMethod.ONLINE.value)
    return methods


def _words(text: str) -> str:
    return " ".join(re.sub(r"[^0-9a-z]+", " ", fold(text)).split())


def _commune_core(name: str) -> str:
    key = _words(name)
    for prefix in _COMMITTEE_PREFIXES:
        key = key.removeprefix(prefix)
    return key


def default_commune(address: str) -> Agency | None:
    """The commune named in ``address`` ("…, xã Lâm Bình, …"), when exactly one matches."""
    folded = f" {_words(address)} "
    found = [c for c in communes() if f" {_commune_core(c.name)} " in folded]
    return found[0] if len(found) == 1 else None


def receiving_agency_for(version: ProcedureVersion, commune: Agency | None) -> Agency | None:
    """The reception point that receives the dossier: the chosen commune's center for a
    commune-level procedure, otherwise the provincial center."""
    points = Agency.objects.filter(is_reception_point=True, active=True)
    if is_commune_level(version):
        if commune is None:
            return None
        return points.filter(parent=commune).order_by("pk").first()
    return points.filter(kind=AgencyKind.PROVINCE_CENTER).order_by("pk").first()


def required_documents(version: ProcedureVersion) -> list[RequiredDocument]:
    return list(version.documents.order_by("position", "pk"))


def eform_check(
    schema: Mapping[str, Any] | None, raw: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, str]]:
    """(JSON data, errors by property name) of e-form values as typed."""
    form = forms.Form(data=dict(raw))
    form.fields.update(eform_fields(schema))
    form.is_valid()
    errors = {name: str(messages[0]) for name, messages in form.errors.items()}
    cleaned = {k: v for k, v in form.cleaned_data.items() if k not in errors}
    values: dict[str, Any] = {}
    for name, value in cleaned.items():
        try:
            values.update(eform_values(schema, {name: value}))
        except ValueError:
            errors[name] = _("Enter the value as JSON.")
    if schema:
        for key, message in eform_data_errors(dict(schema), values).items():
            if key in form.fields:
                errors.setdefault(key, message)
    return values, errors


# --- starting and saving ---------------------------------------------------------------


@transaction.atomic
def draft_start(
    *, user: User, version: ProcedureVersion, consent: AssistanceConsent | None = None
) -> Draft:
    """Start filing ``version`` online. With a ``consent`` (granted, unused, collected by
    ``user``) the applicant is the consenting citizen; otherwise the signed-in citizen."""
    if not version.is_published:
        raise InvalidInput(_("This procedure cannot be filed online now."))
    draft = Draft(owner=user, procedure_version=version, consent=consent)
    if consent is not None:
        consent_check_usable(consent=consent, member_user=user)
        draft.phone = consent.phone
    else:
        citizen = Citizen.objects.filter(user=user).first()
        if citizen is None:
            raise Forbidden(_("Sign in with your citizen account to file online."))
        draft.phone, draft.email, draft.address = citizen.phone, citizen.email, citizen.address
    if is_commune_level(version):
        draft.competent_agency = default_commune(draft.address)
    draft.receiving_agency = receiving_agency_for(version, draft.competent_agency)
    methods = return_methods(version)
    draft.return_method = ReturnMethod.ONLINE if ReturnMethod.ONLINE in methods else ""
    draft.save()
    return draft


@dataclass(frozen=True)
class DraftChanges:
    """What the citizen typed in the form, kept even when it does not validate."""

    eform_data: Mapping[str, str]
    phone: str = ""
    email: str = ""
    address: str = ""
    competent_agency: Agency | None = None
    return_method: str = ""
    return_agency: Agency | None = None


def _lock(draft: Draft, expected_version: int | None) -> Draft:
    locked = Draft.objects.select_for_update().get(pk=draft.pk)
    if locked.dossier_id is not None:
        raise IllegalTransition(
            _("This dossier was already submitted."), details={"dossier": locked.dossier_id}
        )
    if expected_version is not None and locked.version != expected_version:
        raise ConcurrentChange(
            _(
                "This draft was saved meanwhile from another page or tab. Your changes here "
                "were not saved: reload the draft and enter them again."
            ),
            details={"version": locked.version},
        )
    return locked


@transaction.atomic
def draft_save(*, draft: Draft, expected_version: int, changes: DraftChanges) -> Draft:
    """Save what was typed (valid or not) and move the draft to its next version."""
    locked = _lock(draft, expected_version)
    version = locked.procedure_version
    names = set((version.eform_schema or {}).get("properties") or {})
    locked.eform_data = {
        k: nfc(str(v))[:10000] for k, v in changes.eform_data.items() if k in names
    }
    locked.phone = nfc(changes.phone)[:20]
    locked.email = nfc(changes.email)[:254]
    locked.address = nfc(changes.address)[:500]
    if is_commune_level(version):
        commune = changes.competent_agency
        ok = commune is not None and communes().filter(pk=commune.pk).exists()
        locked.competent_agency = commune if ok else None
    locked.receiving_agency = receiving_agency_for(version, locked.competent_agency)
    methods = return_methods(version)
    locked.return_method = changes.return_method if changes.return_method in methods else ""
    point = changes.return_agency
    ok = point is not None and return_points().filter(pk=point.pk).exists()
    locked.return_agency = point if ok else None
    locked.version += 1
    locked.save()
    return locked


def _required(draft: Draft, required_document_id: int) -> RequiredDocument:
    paper = draft.procedure_version.documents.filter(pk=required_document_id).first()
    if paper is None:
        raise InvalidInput(_("This procedure does not ask for this paper."))
    return paper


@transaction.atomic
def draft_attach_upload(
    *, draft: Draft, user: User, required_document_id: int, upload: CheckedUpload
) -> UploadedFile:
    """Keep a checked upload as the paper ``required_document_id`` of the draft."""
    locked = _lock(draft, None)
    _required(locked, required_document_id)
    stored = UploadedFile.objects.create(
        owner=user,
        file=store_checked(upload),
        sha256=upload.sha256,
        size=upload.size,
        content_type=upload.content_type,
        original_name=upload.original_name,
    )
    locked.documents = {**locked.documents, str(required_document_id): {"upload": stored.pk}}
    locked.save(update_fields=["documents", "updated_at"])
    return stored


def data_store_open(draft: Draft) -> bool:
    """Whether the applicant's data store may be used in ``draft``: always for the citizen's
    own draft; for an assisted draft only when the consent came by a code sent to the
    phone on the citizen's verified account (``consent_opens_data_store``)."""
    return draft.consent is None or consent_opens_data_store(draft.consent)


def draft_store_items(draft: Draft, paper: RequiredDocument) -> list[DataStoreItem]:
    """The items of the applicant's data store offered for ``paper`` in ``draft`` (none
    when the store is not open to this draft)."""
    if not data_store_open(draft):
        return []
    return store_items_for(draft_applicant(draft).personal_id, paper)


@transaction.atomic
def draft_use_stored(*, draft: Draft, required_document_id: int, item_id: int) -> DataStoreItem:
    """Answer the paper ``required_document_id`` with an item of the applicant's store."""
    locked = _lock(draft, None)
    paper = _required(locked, required_document_id)
    if not data_store_open(locked):
        raise Forbidden(
            _(
                "The citizen's data store can only be used when they consented by a code "
                "sent to the phone on their verified account."
            )
        )
    item = next((i for i in draft_store_items(locked, paper) if i.pk == item_id), None)
    if item is None:
        raise InvalidInput(
            _("This paper is not in your data store."),
            details={"errors": {f"doc_{paper.pk}": _("Choose a paper from your data store.")}},
        )
    locked.documents = {**locked.documents, str(required_document_id): {"store": item.pk}}
    locked.save(update_fields=["documents", "updated_at"])
    return item


# --- submission ------------------------------------------------------------------------


def attached(draft: Draft) -> dict[int, UploadedFile | DataStoreItem]:
    """The paper given for each required document id (uploads only the owner's own)."""
    uploads = [v["upload"] for v in draft.documents.values() if "upload" in v]
    stored = [v["store"] for v in draft.documents.values() if "store" in v]
    files = {u.pk: u for u in UploadedFile.objects.filter(owner_id=draft.owner_id, pk__in=uploads)}
    items = {i.pk: i for i in DataStoreItem.objects.filter(pk__in=stored)}
    found: dict[int, UploadedFile | DataStoreItem] = {}
    for key, value in draft.documents.items():
        thing = files.get(value.get("upload")) or items.get(value.get("store"))
        if thing is not None and key.isdigit():
            found[int(key)] = thing
    return found


def draft_problems(draft: Draft) -> dict[str, str]:
    """Everything that keeps the draft from being submitted, by form field name."""
    version = draft.procedure_version
    _values, eform_errors = eform_check(version.eform_schema, draft.eform_data)
    problems = {EFORM_PREFIX + k: v for k, v in eform_errors.items()}
    if draft.phone and not re.match(PHONE_RE, draft.phone):
        problems["phone"] = _("Enter a Vietnamese phone number, e.g. 0912345678 or +84912345678.")
    if draft.email:
        try:
            validate_email(draft.email)
        except forms.ValidationError:
            problems["email"] = _("Enter a valid e-mail address.")
    if is_commune_level(version) and draft.competent_agency is None:
        problems["competent_agency"] = _("Choose the commune or ward you file with.")
    elif draft.receiving_agency is None:
        problems["competent_agency"] = _("No one-stop desk receives this procedure online yet.")
    if draft.return_method not in return_methods(version):
        problems["return_method"] = _("Choose how you will receive the result.")
    elif draft.return_method == ReturnMethod.COUNTER and draft.return_agency is None:
        problems["return_agency"] = _("Choose where you will collect the result.")
    elif draft.return_method == ReturnMethod.POST and not draft.address:
        problems["address"] = _("Enter the address the result is posted to.")
    given = attached(draft)
    for paper in required_documents(version):
        if paper.mandatory and paper.pk not in given:
            problems[f"doc_{paper.pk}"] = _("Attach “%(name)s”.") % {"name": paper.name}
    return problems


def _checked(thing: UploadedFile | DataStoreItem, limit: int) -> CheckedUpload:
    with thing.file.open("rb") as f:
        content = f.read()
    name = thing.original_name if isinstance(thing, UploadedFile) else thing.name
    if isinstance(thing, DataStoreItem):
        name += "." + thing.file.name.rsplit(".", 1)[-1] if "." in thing.file.name else ""
    return check_upload(content, filename=name, max_bytes=limit)


# Engine error keys → the draft form's field names.
def _field_of(key: str) -> str:
    if key.startswith("eform."):
        return EFORM_PREFIX + key.removeprefix("eform.")
    if key.startswith("documents.required."):
        return "doc_" + key.rsplit(".", 1)[-1]
    if key.startswith("applicant."):
        return key.removeprefix("applicant.")
    return {"receiving_agency": "competent_agency"}.get(key, key)


@transaction.atomic
def draft_submit(
    *,
    draft: Draft,
    user: User,
    expected_version: int,
    identity: Mapping[str, Any] | None = None,
) -> Dossier:
    """File the draft: the dossier is created (status: submitted) and the draft marked
    submitted in one transaction. Submitting a submitted draft again returns its dossier.

    ``identity`` is how the signed-in citizen's identity was verified (recorded in the
    creation event); by default, the OpenID issuer of their account.
    """
    current = Draft.objects.select_for_update().get(pk=draft.pk)
    if current.owner_id != user.pk:
        raise Forbidden(_("This draft is not yours."))
    if current.dossier_id is not None:
        return Dossier.objects.get(pk=current.dossier_id)
    locked = _lock(current, expected_version)
    problems = draft_problems(locked)
    if problems:
        raise InvalidInput(_("The dossier is not complete yet."), details={"errors": problems})
    version = locked.procedure_version
    applicant = draft_applicant(locked)
    values, _errors = eform_check(version.eform_schema, locked.eform_data)
    limit = version.max_upload_mb * 1024 * 1024
    papers = {p.pk: p for p in required_documents(version)}
    documents = [
        DocumentInput(
            upload=_checked(thing, limit),
            name=papers[pk].name,
            required_document_id=pk,
            from_data_store=isinstance(thing, DataStoreItem),
        )
        for pk, thing in attached(locked).items()
        if pk in papers
    ]
    consent = locked.consent
    event_data: dict[str, Any]
    if consent is not None:
        consent = AssistanceConsent.objects.select_for_update().get(pk=consent.pk)
        consent_check_usable(consent=consent, member_user=user)
        helped = Citizen.objects.filter(personal_id=consent.personal_id).first()
        owner = helped.user if helped is not None else None
        event_data = {
            "assisted_by": {
                "name": user.get_full_name() or user.get_username(),
                "user_id": user.pk,
                "team_id": consent.team_id,
                "team": consent.team.name,
            },
            "consent": {"id": consent.pk, "method": consent.method},
        }
    else:
        owner = user
        citizen = Citizen.objects.filter(user=user).first()
        issuer = citizen.issuer if citizen is not None else ""
        event_data = {"identity": dict(identity or {"method": "oidc", "issuer": issuer})}
    assert locked.receiving_agency is not None  # checked by draft_problems
    spec = NewDossier(
        applicant=ApplicantInput(
            kind="person",
            name=applicant.name,
            personal_id=applicant.personal_id,
            birth_date=applicant.birth_date,
            address=locked.address,
            phone=locked.phone,
            email=locked.email,
        ),
        receiving_agency=locked.receiving_agency,
        channel=Channel.ONLINE,
        procedure_code=version.procedure.code,
        competent_agency=locked.competent_agency if is_commune_level(version) else None,
        return_method=locked.return_method,
        return_agency=locked.return_agency,
        eform_data=values,
        documents=documents,
        identity_verified_vneid=consent is None,
        owner=owner,
        event_data=event_data,
    )
    try:
        dossier = dossier_submit(spec=spec, actor=Actor.applicant(applicant.name, user))
    except InvalidInput as exc:
        errors = exc.details.get("errors")
        mapped = {_field_of(str(k)): str(v) for k, v in (errors or {}).items()}
        raise InvalidInput(exc.message, code=exc.code, details={"errors": mapped}) from exc
    locked.dossier = dossier
    locked.submitted_at = timezone.now()
    locked.version += 1
    locked.save(update_fields=["dossier", "submitted_at", "version", "updated_at"])
    if consent is not None:
        consent.dossier = dossier
        consent.save(update_fields=["dossier"])
    return dossier
