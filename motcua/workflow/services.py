"""Configuring workflows (quy trình): steps with roles, agencies and shares of the legal time."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from enum import StrEnum

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from motcua.catalog.models import Procedure, ProcedureVersion
from motcua.core.errors import Forbidden, InvalidInput
from motcua.org.models import Agency, AgencyKind, Role, User
from motcua.org.selectors import is_province_admin
from motcua.org.services import can_administer, managed_agencies
from motcua.workflow import allotment
from motcua.workflow.models import StepAgency, Workflow, WorkflowStep
from motcua.worktime.calendar import to_local
from motcua.worktime.deadlines import elapsed_working_time

audit = logging.getLogger("motcua.audit")


def share_messages(codes: Sequence[str]) -> list[str]:
    texts = {
        allotment.NO_STEPS: _("A workflow needs at least one step."),
        allotment.SHARE_NOT_POSITIVE: _("Every step needs a share of the legal time above 0%."),
        allotment.SHARES_EXCEED_LIMIT: _(
            "The steps' shares add up to more than the whole legal time (100%)."
        ),
        allotment.TOO_PRECISE: _("Give shares with at most two decimals."),
    }
    return [texts[c] for c in codes]


@dataclass(frozen=True)
class StepInput:
    name: str
    role: str
    share: Decimal
    agency_rule: str = StepAgency.COMPETENT
    agency: Agency | None = None


def validate_steps(steps: Sequence[StepInput]) -> None:
    errors: dict[str, str] = {}
    problems = allotment.share_problems([s.share for s in steps])
    if problems:
        errors["steps"] = " ".join(share_messages(problems))
    for i, step in enumerate(steps):
        if not step.name.strip():
            errors[f"steps.{i}.name"] = _("Name the step.")
        if step.role not in Role.values:
            errors[f"steps.{i}.role"] = _("Unknown role.")
        if step.agency_rule not in StepAgency.values:
            errors[f"steps.{i}.agency_rule"] = _("Unknown agency rule.")
        elif (step.agency_rule == StepAgency.FIXED) != (step.agency is not None):
            errors[f"steps.{i}.agency"] = _(
                "Name an agency exactly when the step's agency is a named one."
            )
    if errors:
        raise InvalidInput(_("The workflow has errors."), details={"errors": errors})


@transaction.atomic
def workflow_define(
    *,
    procedure: Procedure,
    competent_agency: Agency | None,
    name: str,
    steps: Sequence[StepInput],
) -> Workflow:
    """Replace the active workflow of (procedure, competent agency) with a new one.

    The old one is kept, inactive, because accepted dossiers name the steps they copied.
    """
    validate_steps(steps)
    Workflow.objects.select_for_update().filter(
        procedure=procedure, competent_agency=competent_agency, active=True
    ).update(active=False)
    workflow = Workflow.objects.create(
        procedure=procedure, competent_agency=competent_agency, name=name.strip()
    )
    WorkflowStep.objects.bulk_create(
        WorkflowStep(
            workflow=workflow,
            position=i,
            name=s.name.strip(),
            role=s.role,
            share=s.share,
            agency_rule=s.agency_rule,
            agency=s.agency,
        )
        for i, s in enumerate(steps, start=1)
    )
    return workflow


# --- the operator pages (/desk/manage/workflows/): reads, authorised saves, previews -------

COMMUNE_KINDS = frozenset({AgencyKind.COMMUNE, AgencyKind.WARD, AgencyKind.SPECIAL_ZONE})
SECTOR_KINDS = frozenset({AgencyKind.DEPARTMENT, AgencyKind.CENTRAL_LOCAL})
# Procedures of these competent kinds are not decided by the commune the applicant names.
NOT_COMMUNE_DECIDED = sorted({*SECTOR_KINDS, AgencyKind.PROVINCE_COMMITTEE})
# Roles that do a workflow step (auditors only read; the province administrator configures).
STEP_ROLES: tuple[str, ...] = (
    Role.RECEPTION_OFFICER,
    Role.SPECIALIST,
    Role.LEADER,
    Role.CENTER_MANAGER,
)


class Source(StrEnum):
    """Where the steps a dossier accepted now would copy come from."""

    OWN = "own"  # the agency's own workflow
    DEFAULT = "default"  # the procedure's province-wide default workflow
    BUILT_IN = "built_in"  # MotCua's two steps (specialist 60%, leader 30%)


def competent_for(version: ProcedureVersion, agency: Agency) -> bool:
    """Can ``agency`` be the competent agency of ``version`` (as the dossier engine picks it)?"""
    kind = version.competent_agency_kind
    if kind in SECTOR_KINDS:
        return agency.kind == kind and agency.sector == version.competent_sector
    if kind == AgencyKind.PROVINCE_COMMITTEE:
        return agency.kind == kind and agency.parent_id is None
    return agency.kind in COMMUNE_KINDS


def decidable_by(agencies: Iterable[Agency]) -> Q:
    """Versions that one of ``agencies`` can decide (a filter on ProcedureVersion)."""
    condition = Q(pk__in=[])
    sectors: dict[str, set[str]] = {}
    for agency in agencies:
        if agency.kind in COMMUNE_KINDS:
            condition |= ~Q(
                competent_agency_kind__in=[*SECTOR_KINDS, AgencyKind.PROVINCE_COMMITTEE]
            )
        elif agency.kind in SECTOR_KINDS and agency.sector:
            sectors.setdefault(agency.kind, set()).add(agency.sector)
        elif agency.kind == AgencyKind.PROVINCE_COMMITTEE and agency.parent_id is None:
            condition |= Q(competent_agency_kind=AgencyKind.PROVINCE_COMMITTEE)
    for kind, names in sectors.items():
        condition |= Q(competent_agency_kind=kind, competent_sector__in=sorted(names))
    return condition


def builtin_steps() -> list[StepInput]:
    from motcua.dossiers.services import DEFAULT_STEPS

    return [StepInput(name=n, role=r, share=s) for n, r, s in DEFAULT_STEPS]


def steps_of(workflow: Workflow) -> list[StepInput]:
    return [
        StepInput(
            name=s.name, role=s.role, share=s.share, agency_rule=s.agency_rule, agency=s.agency
        )
        for s in workflow.steps.select_related("agency").order_by("position")
    ]


@dataclass(frozen=True)
class EffectiveWorkflow:
    source: Source
    workflow: Workflow | None
    steps: list[StepInput]


def effective_workflow(procedure: Procedure, agency: Agency | None) -> EffectiveWorkflow:
    """The steps a dossier of ``procedure`` decided by ``agency`` copies when accepted now
    (``agency`` None: what an agency without its own workflow gets)."""
    if agency is not None:
        own = Workflow.objects.filter(
            procedure=procedure, competent_agency=agency, active=True
        ).first()
        if own is not None:
            return EffectiveWorkflow(Source.OWN, own, steps_of(own))
    default = Workflow.objects.filter(
        procedure=procedure, competent_agency__isnull=True, active=True
    ).first()
    if default is not None:
        source = Source.OWN if agency is None else Source.DEFAULT
        return EffectiveWorkflow(source, default, steps_of(default))
    return EffectiveWorkflow(Source.BUILT_IN, None, builtin_steps())


@dataclass(frozen=True)
class WorkflowRow:
    agency: Agency | None  # None: the province-wide default of the procedure
    workflow: Workflow | None  # the pair's own active workflow
    source: Source


@dataclass(frozen=True)
class ProcedureWorkflows:
    version: ProcedureVersion
    rows: list[WorkflowRow]
    hidden: int  # competent agencies in scope not listed (they use the default)


def workflow_overview(
    versions: Sequence[ProcedureVersion],
    agencies: Sequence[Agency],
    *,
    include_default: bool,
    max_agencies: int = 12,
) -> list[ProcedureWorkflows]:
    """For each version, its workflows at ``agencies`` (those in the viewer's scope).

    A procedure every commune decides would list more than ``max_agencies`` rows; then only
    agencies with a workflow of their own are listed and the others are counted in
    ``hidden``. Three queries, whatever the number of versions.
    """
    procedure_ids = [v.procedure_id for v in versions]
    active = (
        Workflow.objects.filter(procedure_id__in=procedure_ids, active=True)
        .select_related("competent_agency")
        .prefetch_related("steps")
    )
    own: dict[tuple[int, int | None], Workflow] = {
        (w.procedure_id, w.competent_agency_id): w for w in active
    }
    result: list[ProcedureWorkflows] = []
    for version in versions:
        default = own.get((version.procedure_id, None))
        fallback = Source.DEFAULT if default is not None else Source.BUILT_IN
        rows: list[WorkflowRow] = []
        if include_default:
            rows.append(
                WorkflowRow(None, default, Source.OWN if default is not None else Source.BUILT_IN)
            )
        candidates = [a for a in agencies if competent_for(version, a)]
        listed = candidates
        if len(candidates) > max_agencies:
            listed = [a for a in candidates if (version.procedure_id, a.pk) in own]
        for agency in listed:
            workflow = own.get((version.procedure_id, agency.pk))
            rows.append(
                WorkflowRow(agency, workflow, Source.OWN if workflow is not None else fallback)
            )
        result.append(ProcedureWorkflows(version, rows, len(candidates) - len(listed)))
    return result


def _authorise(by: User, competent_agency: Agency | None, steps: Sequence[StepInput]) -> None:
    if not can_administer(by):
        raise Forbidden(_("You do not administer workflows."))
    if competent_agency is None:
        if not is_province_admin(by):
            raise Forbidden(_("Only a province administrator changes the default workflow."))
        return
    scope = managed_agencies(by)
    if not scope.filter(pk=competent_agency.pk).exists():
        raise Forbidden(_("You do not manage this agency."))
    named = {s.agency.pk for s in steps if s.agency is not None}
    allowed = set(scope.filter(pk__in=named).values_list("pk", flat=True))
    errors = {
        f"steps.{i}.agency": _("Choose an agency you manage.")
        for i, s in enumerate(steps)
        if s.agency is not None and s.agency.pk not in allowed
    }
    if errors:
        raise InvalidInput(_("The workflow has errors."), details={"errors": errors})


@transaction.atomic
def workflow_save(
    *,
    by: User,
    procedure: Procedure,
    competent_agency: Agency | None,
    name: str,
    steps: Sequence[StepInput],
) -> Workflow:
    """:func:`workflow_define` for an operator: checks that ``by`` administers the agency
    (the default workflow: the province administrator only) and every named step agency,
    and writes the change to the audit log. Dossiers already accepted keep their steps."""
    _authorise(by, competent_agency, steps)
    workflow = workflow_define(
        procedure=procedure, competent_agency=competent_agency, name=name, steps=steps
    )
    audit.info(
        "workflow_save by=%s#%s procedure=%s agency=%s workflow=%s steps=%s",
        by.username,
        by.pk,
        procedure.code,
        competent_agency.identifier if competent_agency else "default",
        workflow.pk,
        ";".join(f"{s.role}:{s.agency_rule}:{s.share}" for s in steps),
    )
    return workflow


@transaction.atomic
def workflow_reset(*, by: User, procedure: Procedure, competent_agency: Agency | None) -> bool:
    """Retire the pair's own workflow: the agency falls back to the procedure's default
    (the default falls back to the built-in steps). False if there was none."""
    _authorise(by, competent_agency, [])
    retired = Workflow.objects.filter(
        procedure=procedure, competent_agency=competent_agency, active=True
    ).update(active=False)
    if retired:
        audit.info(
            "workflow_reset by=%s#%s procedure=%s agency=%s",
            by.username,
            by.pk,
            procedure.code,
            competent_agency.identifier if competent_agency else "default",
        )
    return bool(retired)


@dataclass(frozen=True)
class AllotmentPreview:
    """The allotted working time of each step for one dossier accepted at ``accepted_at``."""

    accepted_at: datetime
    due_at: datetime | None
    total: timedelta | None
    allotted: list[timedelta | None]


def allotment_preview(
    *,
    version: ProcedureVersion,
    agency: Agency | None,
    shares: Sequence[Decimal],
    now: datetime,
) -> AllotmentPreview | None:
    """What ``shares`` give for ``version``'s legal time limit, for a dossier accepted at the
    opening of the next working day after ``now`` at ``agency`` (its calendar and office
    hours). None when the shares are invalid."""
    from motcua.worktime.selectors import work_calendar
    from motcua.worktime.services import compute_due

    if allotment.share_problems(list(shares)):
        return None
    today = to_local(now).date()
    cal = work_calendar(today.year, today.year + 1, agency)
    accepted = cal.opening(cal.next_working_day(today))
    if version.time_limit is None:
        return AllotmentPreview(accepted, None, None, [None for _ in shares])
    due = compute_due(
        received_at=accepted,
        limit=version.time_limit,
        unit=version.time_unit,
        cutoff=version.cutoff_time,
        agency=agency,
    )
    cal = work_calendar(accepted.year, due.year + 1, agency)
    times = allotment.allotted_times(cal, accepted_at=accepted, due_at=due, shares=list(shares))
    total = elapsed_working_time(cal, accepted, due)
    return AllotmentPreview(accepted, due, total, list(times))
