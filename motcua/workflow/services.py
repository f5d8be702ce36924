"""Configuring workflows (quy trình): steps with roles, agencies and shares of the legal time."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from motcua.catalog.models import Procedure
from motcua.core.errors import InvalidInput
from motcua.org.models import Agency, Role
from motcua.workflow import allotment
from motcua.workflow.models import StepAgency, Workflow, WorkflowStep


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
