"""State changes of the catalogue: versioning, publication, JSON import and export."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.catalog.models import (
    CopyKind,
    Fee,
    Field,
    GroupMember,
    Level,
    LifeEvent,
    OnlineLevel,
    Procedure,
    ProcedureGroup,
    ProcedureVersion,
    RequiredDocument,
    ResultType,
    TimeUnit,
    VersionStatus,
)
from motcua.catalog.schemas import eform_schema_problems
from motcua.core.text import nfc
from motcua.org.models import AgencyKind

CATALOG_FORMAT = "motcua-catalog/1"
PROCEDURE_CODE_RE = re.compile(r"^\d\.\d{6}$")

# The content of a version: what is copied into a new version and compared on import.
VERSION_FIELDS = (
    "name",
    "level",
    "competent_agency_kind",
    "competent_sector",
    "time_limit",
    "time_unit",
    "time_limit_note",
    "cutoff_time",
    "result_type",
    "result_name",
    "online_level",
    "eligible_full_online",
    "eform_schema",
    "legal_basis",
    "steps",
    "applicant_types",
    "max_upload_mb",
    "keywords",
    "source",
    "unverified",
)
DOCUMENT_FIELDS = ("name", "copies", "kind", "mandatory", "reusable", "template_name")
FEE_FIELDS = ("name", "amount", "note")


class CatalogError(ValidationError):
    """The catalogue refused a change; ``messages`` say why, one per problem."""


# --- versioning -------------------------------------------------------------------------


@transaction.atomic
def procedure_version_new_draft(*, version: ProcedureVersion) -> ProcedureVersion:
    """Copy ``version`` (with documents, fees and life events) into the next draft version.

    This is how a frozen version is edited: the copy is edited and published instead.
    """
    procedure = Procedure.objects.select_for_update().get(pk=version.procedure_id)
    last = procedure.versions.order_by("-number").values_list("number", flat=True).first() or 0
    draft = ProcedureVersion(
        procedure=procedure,
        number=last + 1,
        status=VersionStatus.DRAFT,
        field=version.field,
        **{name: getattr(version, name) for name in VERSION_FIELDS},
    )
    draft.refresh_search_key()
    draft.save()
    RequiredDocument.objects.bulk_create(
        RequiredDocument(
            version=draft, position=d.position, **{f: getattr(d, f) for f in DOCUMENT_FIELDS}
        )
        for d in version.documents.all()
    )
    Fee.objects.bulk_create(
        Fee(version=draft, position=f.position, **{n: getattr(f, n) for n in FEE_FIELDS})
        for f in version.fees.all()
    )
    draft.life_events.set(version.life_events.all())
    return draft


@transaction.atomic
def procedure_version_publish(*, version: ProcedureVersion) -> ProcedureVersion:
    """Publish ``version``; the previously published version of the procedure retires."""
    version = ProcedureVersion.objects.select_for_update().get(pk=version.pk)
    problems = eform_schema_problems(version.eform_schema)
    if problems:
        raise CatalogError(problems)
    if version.status == VersionStatus.PUBLISHED:
        return version
    ProcedureVersion.objects.filter(
        procedure_id=version.procedure_id, status=VersionStatus.PUBLISHED
    ).update(status=VersionStatus.RETIRED)
    version.status = VersionStatus.PUBLISHED
    version.published_at = timezone.now()
    version.save(update_fields=["status", "published_at"])
    return version


def procedure_version_freeze(*, version: ProcedureVersion) -> None:
    """Mark ``version`` as used by a dossier: from now on it never changes."""
    if version.frozen_at is None:
        ProcedureVersion.objects.filter(pk=version.pk, frozen_at__isnull=True).update(
            frozen_at=timezone.now()
        )
        version.refresh_from_db(fields=["frozen_at"])


# --- import -----------------------------------------------------------------------------


@dataclass
class ImportResult:
    created: list[str] = field(default_factory=list)
    new_versions: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    groups: int = 0


def _choice(value: Any, choices: type, where: str, problems: list[str]) -> str:
    if value not in choices.values:  # type: ignore[attr-defined]
        problems.append(
            _("%(where)s: “%(value)s” is not one of %(allowed)s.")
            % {"where": where, "value": value, "allowed": ", ".join(choices.values)}  # type: ignore[attr-defined]
        )
    return str(value)


def _parse_time(value: Any, where: str, problems: list[str]) -> dt.time | None:
    if value in (None, ""):
        return None
    try:
        return dt.time.fromisoformat(str(value))
    except ValueError:
        problems.append(_("%(where)s: “%(value)s” is not a time (HH:MM).") % locals())
        return None


def _text(value: Any) -> str:
    return nfc(str(value)) if value is not None else ""


def _version_content(data: dict[str, Any], where: str, problems: list[str]) -> dict[str, Any]:
    """Translate one procedure of the JSON document into version field values."""
    content: dict[str, Any] = {
        "name": _text(data.get("name")),
        "level": _choice(data.get("level"), Level, where, problems),
        "competent_agency_kind": _choice(
            data.get("competent_agency_kind"), AgencyKind, where, problems
        ),
        "competent_sector": _text(data.get("competent_sector")),
        "time_unit": _choice(data.get("time_unit"), TimeUnit, where, problems),
        "time_limit_note": _text(data.get("time_limit_note")),
        "cutoff_time": _parse_time(data.get("cutoff_time"), where, problems),
        "result_type": _choice(data.get("result_type"), ResultType, where, problems),
        "result_name": _text(data.get("result_name")),
        "online_level": _choice(data.get("online_level"), OnlineLevel, where, problems),
        "eligible_full_online": bool(data.get("eligible_full_online", False)),
        "eform_schema": data.get("eform_schema") or {},
        "legal_basis": _text(data.get("legal_basis")),
        "steps": _text(data.get("steps")),
        "applicant_types": _text(data.get("applicant_types")),
        "max_upload_mb": int(data.get("max_upload_mb", 10)),
        "keywords": [_text(k) for k in data.get("keywords", [])],
        "source": _text(data.get("source"))[:500],
        "unverified": [str(u) for u in data.get("unverified", [])],
    }
    if not content["name"]:
        problems.append(_("%(where)s: the name is missing.") % {"where": where})
    limit = data.get("time_limit")
    if limit is not None and (not isinstance(limit, int) or isinstance(limit, bool) or limit < 0):
        problems.append(
            _(
                "%(where)s: the time limit must be a whole number ≥ 0, "
                "or null when the law sets none."
            )
            % {"where": where}
        )
        limit = 0
    content["time_limit"] = limit
    if content["competent_agency_kind"] in {AgencyKind.DEPARTMENT, AgencyKind.CENTRAL_LOCAL} and (
        not content["competent_sector"]
    ):
        problems.append(
            _("%(where)s: a department or central-agency procedure needs competent_sector.")
            % {"where": where}
        )
    for problem in eform_schema_problems(content["eform_schema"]):
        problems.append(f"{where}: {problem}")
    return content


def _documents(data: dict[str, Any], where: str, problems: list[str]) -> list[dict[str, Any]]:
    docs = []
    for i, d in enumerate(data.get("documents", []), start=1):
        docs.append(
            {
                "name": _text(d.get("name")),
                "copies": int(d.get("copies", 1)),
                "kind": _choice(d.get("kind"), CopyKind, f"{where} #{i}", problems),
                "mandatory": bool(d.get("mandatory", True)),
                "reusable": bool(d.get("reusable", False)),
                "template_name": _text(d.get("template_name")),
            }
        )
    return docs


def _fees(data: dict[str, Any], where: str, problems: list[str]) -> list[dict[str, Any]]:
    fees = []
    for f in data.get("fees", []):
        amount = f.get("amount")
        if not isinstance(amount, int) or isinstance(amount, bool) or amount < 0:
            problems.append(
                _("%(where)s: fee “%(name)s” must be a whole number of đồng ≥ 0.")
                % {"where": where, "name": f.get("name")}
            )
            amount = 0
        fees.append({"name": _text(f.get("name")), "amount": amount, "note": _text(f.get("note"))})
    return fees


def _same(
    version: ProcedureVersion,
    content: dict[str, Any],
    field_obj: Field,
    docs: list[dict[str, Any]],
    fees: list[dict[str, Any]],
    events: set[str],
) -> bool:
    if version.field_id != field_obj.pk:
        return False
    if any(getattr(version, k) != v for k, v in content.items()):
        return False
    have_docs = [{f: getattr(d, f) for f in DOCUMENT_FIELDS} for d in version.documents.all()]
    have_fees = [{f: getattr(x, f) for f in FEE_FIELDS} for x in version.fees.all()]
    have_events = {e.slug for e in version.life_events.all()}
    return have_docs == docs and have_fees == fees and have_events == events


def _write_version(
    version: ProcedureVersion,
    content: dict[str, Any],
    field_obj: Field,
    docs: list[dict[str, Any]],
    fees: list[dict[str, Any]],
    events: list[LifeEvent],
) -> None:
    for key, value in content.items():
        setattr(version, key, value)
    version.field = field_obj
    version.refresh_search_key()
    version.save()
    version.documents.all().delete()
    version.fees.all().delete()
    RequiredDocument.objects.bulk_create(
        RequiredDocument(version=version, position=i, **d) for i, d in enumerate(docs)
    )
    Fee.objects.bulk_create(Fee(version=version, position=i, **f) for i, f in enumerate(fees))
    version.life_events.set(events)


@transaction.atomic
def catalog_import(data: Any) -> ImportResult:
    """Import a ``motcua-catalog/1`` document: all of it, or nothing with every problem named.

    A procedure whose published content is unchanged is left alone; a changed one gets a new
    published version (the old one retires) unless its current version was never used by a
    dossier, in which case that version is updated in place.
    """
    problems: list[str] = []
    if not isinstance(data, dict) or data.get("format") != CATALOG_FORMAT:
        raise CatalogError([_("Not a MotCua catalogue (format %(f)s).") % {"f": CATALOG_FORMAT}])

    fields: dict[str, Field] = {}
    for f in data.get("fields", []):
        field_obj, _created = Field.objects.get_or_create(
            code=_text(f["code"]), defaults={"name": _text(f["name"])}
        )
        if field_obj.name != _text(f["name"]):
            field_obj.name = _text(f["name"])
            field_obj.save()
        fields[field_obj.code] = field_obj
    events: dict[str, LifeEvent] = {}
    for e in data.get("life_events", []):
        event, _created = LifeEvent.objects.update_or_create(
            slug=e["slug"], defaults={"name": _text(e["name"])}
        )
        events[event.slug] = event

    result = ImportResult()
    seen: set[str] = set()
    prepared = []
    for index, p in enumerate(data.get("procedures", []), start=1):
        code = str(p.get("code", ""))
        where = code or f"#{index}"
        if not PROCEDURE_CODE_RE.match(code):
            problems.append(_("%(where)s: the national code must look like 1.001193.") % locals())
        if code in seen:
            problems.append(_("%(where)s: the code appears twice.") % {"where": where})
        seen.add(code)
        field_or_none = (
            fields.get(str(p.get("field")))
            or Field.objects.filter(code=str(p.get("field"))).first()
        )
        if field_or_none is None:
            problems.append(
                _("%(where)s: unknown field “%(field)s”.")
                % {"where": where, "field": p.get("field")}
            )
        unknown_events = [s for s in p.get("life_events", []) if s not in events]
        unknown_events = [
            s for s in unknown_events if not LifeEvent.objects.filter(slug=s).exists()
        ]
        if unknown_events:
            problems.append(
                _("%(where)s: unknown life event %(events)s.")
                % {"where": where, "events": ", ".join(unknown_events)}
            )
        content = _version_content(p, where, problems)
        docs = _documents(p, where, problems)
        fees = _fees(p, where, problems)
        prepared.append((code, field_or_none, content, docs, fees, p.get("life_events", [])))
    if problems:
        raise CatalogError(problems)

    for code, found_field, content, docs, fees, event_slugs in prepared:
        assert found_field is not None  # unknown fields were reported above
        field_obj = found_field
        event_objs = list(LifeEvent.objects.filter(slug__in=event_slugs))
        procedure, created = Procedure.objects.get_or_create(code=code)
        current = procedure.current_version
        if current is not None and _same(current, content, field_obj, docs, fees, set(event_slugs)):
            result.unchanged.append(code)
            continue
        if current is not None and not current.is_frozen:
            _write_version(current, content, field_obj, docs, fees, event_objs)
            result.updated.append(code)
            continue
        last = procedure.versions.order_by("-number").values_list("number", flat=True).first()
        version = ProcedureVersion(procedure=procedure, number=(last or 0) + 1)
        _write_version(version, content, field_obj, docs, fees, event_objs)
        procedure_version_publish(version=version)
        (result.created if created or current is None else result.new_versions).append(code)

    for g in data.get("groups", []):
        group, _created = ProcedureGroup.objects.update_or_create(
            code=g["code"],
            defaults={
                "name": _text(g["name"]),
                "legal_basis": _text(g.get("legal_basis")),
                "time_limit": int(g["time_limit"]),
                "time_unit": g["time_unit"],
                "cutoff_time": _parse_time(g.get("cutoff_time"), g["code"], problems),
            },
        )
        members = []
        for position, member_code in enumerate(g.get("members", [])):
            member = Procedure.objects.filter(code=member_code).first()
            if member is None:
                problems.append(
                    _("Group %(group)s: unknown procedure %(code)s.")
                    % {"group": g["code"], "code": member_code}
                )
                continue
            members.append((member, position))
        if not problems:
            current_members = list(group.members.values_list("procedure_id", "position"))
            if current_members != [(p.pk, pos) for p, pos in members]:
                group.members.all().delete()
                GroupMember.objects.bulk_create(
                    GroupMember(group=group, procedure=p, position=pos) for p, pos in members
                )
        result.groups += 1
    if problems:
        raise CatalogError(problems)
    return result


# --- export -----------------------------------------------------------------------------


def _version_export(version: ProcedureVersion) -> dict[str, Any]:
    data: dict[str, Any] = {"code": version.procedure.code, "field": version.field.code}
    for name in VERSION_FIELDS:
        value = getattr(version, name)
        if isinstance(value, dt.time):
            value = value.strftime("%H:%M")
        data[name] = value
    data["documents"] = [
        {f: getattr(d, f) for f in DOCUMENT_FIELDS} for d in version.documents.all()
    ]
    data["fees"] = [{f: getattr(x, f) for f in FEE_FIELDS} for x in version.fees.all()]
    data["life_events"] = sorted(e.slug for e in version.life_events.all())
    return data


def catalog_export() -> dict[str, Any]:
    """The published catalogue as a ``motcua-catalog/1`` document."""
    versions = (
        ProcedureVersion.objects.filter(status=VersionStatus.PUBLISHED)
        .select_related("procedure", "field")
        .prefetch_related("documents", "fees", "life_events")
        .order_by("procedure__code")
    )
    groups = ProcedureGroup.objects.prefetch_related("members__procedure").order_by("code")
    return {
        "format": CATALOG_FORMAT,
        "fields": [{"code": f.code, "name": f.name} for f in Field.objects.order_by("code")],
        "life_events": [
            {"slug": e.slug, "name": e.name} for e in LifeEvent.objects.order_by("slug")
        ],
        "procedures": [_version_export(v) for v in versions],
        "groups": [
            {
                "code": g.code,
                "name": g.name,
                "legal_basis": g.legal_basis,
                "time_limit": g.time_limit,
                "time_unit": g.time_unit,
                "cutoff_time": g.cutoff_time.strftime("%H:%M") if g.cutoff_time else None,
                "members": [m.procedure.code for m in g.members.all()],
            }
            for g in groups
        ],
    }
