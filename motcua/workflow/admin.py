"""Admin for workflows: steps edited inline, shares checked against the legal time."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from motcua.workflow import allotment
from motcua.workflow.models import HandOver, Workflow, WorkflowStep
from motcua.workflow.services import share_messages


class StepFormSet(forms.BaseInlineFormSet):  # type: ignore[type-arg]
    def clean(self) -> None:
        super().clean()
        shares: list[Decimal] = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE"):
                continue
            share = data.get("share")
            if isinstance(share, Decimal):
                shares.append(share)
        problems = allotment.share_problems(shares)
        if problems:
            raise ValidationError(share_messages(problems))


class StepInline(admin.TabularInline[WorkflowStep, Workflow]):
    model = WorkflowStep
    formset = StepFormSet
    extra = 0
    fields = ["position", "name", "role", "agency_rule", "agency", "share"]
    autocomplete_fields = ["agency"]


@admin.register(Workflow)
class WorkflowAdmin(admin.ModelAdmin[Workflow]):
    list_display = ["name", "procedure", "competent_agency", "active"]
    list_filter = ["active"]
    search_fields = ["name", "procedure__code", "competent_agency__name"]
    autocomplete_fields = ["procedure", "competent_agency"]
    inlines = [StepInline]


@admin.register(HandOver)
class HandOverAdmin(admin.ModelAdmin[HandOver]):
    """The control sheet is written by the dossier services only: read-only here."""

    list_display = ["dossier", "step_name", "from_agency", "to_agency", "handed_over_at", "outcome"]
    list_filter = ["outcome"]
    search_fields = ["dossier__code"]
    list_select_related = ["dossier", "from_agency", "to_agency"]

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False
