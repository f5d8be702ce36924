"""Workflows (quy trình nội bộ) per procedure and competent agency, and the control sheet.

A workflow is an ordered list of steps, each done by a role at an agency with an allotted
share of the legal time. Dossiers copy their workflow's steps when they are accepted, so
editing a workflow never changes a dossier already under way.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.org.models import Role


class StepAgency(models.TextChoices):
    COMPETENT = "competent", _("The competent agency")
    RECEIVING = "receiving", _("The receiving one-stop desk")
    FIXED = "fixed", _("A named agency")


class Workflow(models.Model):
    """Workflow — quy trình: how one procedure is processed at one competent agency.

    ``competent_agency`` empty means every competent agency without a workflow of its own.
    """

    procedure = models.ForeignKey(
        "catalog.Procedure",
        verbose_name=_("procedure"),
        on_delete=models.PROTECT,
        related_name="workflows",
    )
    competent_agency = models.ForeignKey(
        "org.Agency",
        verbose_name=_("competent agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="workflows",
    )
    name = models.CharField(_("name"), max_length=255)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("workflow")
        verbose_name_plural = _("workflows")
        ordering = ["procedure__code", "competent_agency_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["procedure", "competent_agency"],
                condition=models.Q(active=True),
                name="one_active_workflow_per_agency",
            ),
            models.UniqueConstraint(
                fields=["procedure"],
                condition=models.Q(active=True, competent_agency__isnull=True),
                name="one_active_default_workflow",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class WorkflowStep(models.Model):
    """A step of a workflow: who does it and which share of the legal time it has."""

    workflow = models.ForeignKey(Workflow, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField(_("order"))
    name = models.CharField(_("name"), max_length=255)
    agency_rule = models.CharField(
        _("agency"), max_length=16, choices=StepAgency.choices, default=StepAgency.COMPETENT
    )
    agency = models.ForeignKey(
        "org.Agency",
        verbose_name=_("named agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    share = models.DecimalField(
        _("share of the legal time (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )

    class Meta:
        verbose_name = _("workflow step")
        verbose_name_plural = _("workflow steps")
        ordering = ["workflow", "position"]
        constraints = [
            models.UniqueConstraint(fields=["workflow", "position"], name="step_position_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.name}"

    def clean(self) -> None:
        if (self.agency_rule == StepAgency.FIXED) != (self.agency_id is not None):
            raise ValidationError(
                {"agency": _("Name an agency exactly when the step's agency is a named one.")}
            )


class StepOutcome(models.TextChoices):
    EARLY = "early", _("Early")
    ON_TIME = "on_time", _("On time")
    LATE = "late", _("Late")


class HandOver(models.Model):
    """A row of the control sheet (Mẫu 06 — phiếu kiểm soát quá trình giải quyết hồ sơ).

    Written by the dossier services in the same transaction as the event it belongs to.
    ``outcome`` compares the time the giving step took with its allotted time.
    """

    dossier = models.ForeignKey(
        "dossiers.Dossier", on_delete=models.PROTECT, related_name="handovers"
    )
    event = models.OneToOneField(
        "dossiers.DossierEvent", on_delete=models.PROTECT, related_name="handover"
    )
    from_step = models.PositiveSmallIntegerField(_("from step"), null=True, blank=True)
    to_step = models.PositiveSmallIntegerField(_("to step"), null=True, blank=True)
    step_name = models.CharField(_("step"), max_length=255, blank=True)
    from_agency = models.ForeignKey(
        "org.Agency", on_delete=models.PROTECT, related_name="+", verbose_name=_("from agency")
    )
    from_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("handed over by"),
    )
    to_agency = models.ForeignKey(
        "org.Agency",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("to agency"),
    )
    to_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("received by"),
    )
    step_started_at = models.DateTimeField(_("step started at"))
    handed_over_at = models.DateTimeField(_("handed over at"))
    allotted = models.DurationField(_("allotted working time"), null=True, blank=True)
    step_due_at = models.DateTimeField(_("step due at"), null=True, blank=True)
    outcome = models.CharField(_("result"), max_length=16, choices=StepOutcome.choices, blank=True)
    note = models.CharField(_("note"), max_length=1000, blank=True)

    class Meta:
        verbose_name = _("control sheet row")
        verbose_name_plural = _("control sheet rows")
        ordering = ["dossier", "handed_over_at", "id"]

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.from_agency_id} → {self.to_agency_id}"
