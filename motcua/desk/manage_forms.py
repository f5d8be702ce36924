"""Forms of the operator pages (/desk/manage/): they parse input; the services decide.

A service refuses with ``InvalidInput`` whose ``details["errors"]`` maps fields to
messages; :func:`attach_errors` puts each message next to its field.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.forms import BaseFormSet, formset_factory
from django.utils.translation import gettext_lazy as _

from motcua.core.text import nfc
from motcua.org.models import Agency, Role
from motcua.workflow.models import StepAgency
from motcua.workflow.services import STEP_ROLES
from motcua.worktime.holidays import FIRST_STATUTORY_YEAR, LAST_STATUTORY_YEAR
from motcua.worktime.models import CalendarDayKind

# PKCS#12 bundles of one key and a short chain are a few kilobytes.
MAX_PKCS12_BYTES = 64 * 1024


class AgencyChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """Agencies as "name (identifier)", indented by depth so the tree shows in a select."""

    def label_from_instance(self, obj: Any) -> str:
        depth = max(obj.path.count("/") - 2, 0)
        return f"{'— ' * depth}{obj.name} ({obj.identifier})"


def attach_errors(form: forms.BaseForm, errors: Mapping[str, str], *, prefix: str = "") -> None:
    """Put a service's field errors on ``form`` (unknown fields: the form's own errors)."""
    for key, message in errors.items():
        name = key[len(prefix) :] if prefix and key.startswith(prefix) else key
        form.add_error(name if name in form.fields else None, message)


def role_choices(roles: list[str] | tuple[str, ...]) -> list[tuple[str, str]]:
    labels = dict(Role.choices)
    return [(r, str(labels[r])) for r in roles]


# --- workflows --------------------------------------------------------------------------


class WorkflowSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Procedure: name or code"),
        required=False,
        max_length=200,
        help_text=_("With or without diacritics, e.g. “khai sinh”."),
    )
    agency = AgencyChoiceField(
        label=_("Competent agency"),
        queryset=Agency.objects.none(),
        required=False,
        empty_label=_("All agencies I manage"),
    )

    def __init__(self, *args: Any, agencies: QuerySet[Agency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies  # type: ignore[attr-defined]


class WorkflowForm(forms.Form):
    name = forms.CharField(label=_("Workflow name"), max_length=255)

    def clean_name(self) -> str:
        return nfc(self.cleaned_data["name"])


class StepForm(forms.Form):
    name = forms.CharField(label=_("Step"), max_length=255)
    # The initial values are what a blank new row shows, so an untouched row is unchanged.
    role = forms.ChoiceField(label=_("Role"), choices=(), initial=Role.SPECIALIST.value)
    agency_rule = forms.ChoiceField(
        label=_("Agency"), choices=StepAgency.choices, initial=StepAgency.COMPETENT.value
    )
    agency = AgencyChoiceField(
        label=_("Named agency"),
        queryset=Agency.objects.none(),
        required=False,
        empty_label=_("(none)"),
    )
    share = forms.DecimalField(
        label=_("Share (%)"),
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0.01", "max": "100"}),
    )

    def __init__(self, *args: Any, agencies: QuerySet[Agency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = role_choices(STEP_ROLES)  # type: ignore[attr-defined]
        self.fields["agency"].queryset = agencies  # type: ignore[attr-defined]

    def clean_name(self) -> str:
        return nfc(self.cleaned_data["name"])


class BaseStepFormSet(BaseFormSet):  # type: ignore[type-arg]
    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        if "ORDER" in form.fields:
            form.fields["ORDER"].label = _("Order")
            form.fields["ORDER"].widget.attrs.update({"min": "1", "class": "order"})
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = _("Remove")

    def live_forms(self) -> list[forms.Form]:
        """The steps to save, in the order asked for (blank new rows and removed ones left out).
        Call after ``is_valid()``."""
        return list(self.ordered_forms)


StepFormSet = formset_factory(
    StepForm,
    formset=BaseStepFormSet,
    extra=1,
    can_order=True,
    can_delete=True,
    max_num=30,
    validate_max=True,
)


# --- officials --------------------------------------------------------------------------


class OfficialFilterForm(forms.Form):
    STATUS_CHOICES = (
        ("", _("Any")),
        ("active", _("Active")),
        ("inactive", _("Deactivated")),
        ("no_second_factor", _("Active, no second factor")),
    )
    q = forms.CharField(label=_("Name, username or e-mail"), required=False, max_length=150)
    agency = AgencyChoiceField(
        label=_("Agency"),
        queryset=Agency.objects.none(),
        required=False,
        empty_label=_("All agencies I manage"),
    )
    role = forms.ChoiceField(label=_("Role"), required=False, choices=())
    status = forms.ChoiceField(label=_("Status"), required=False, choices=STATUS_CHOICES)

    def __init__(self, *args: Any, agencies: QuerySet[Agency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies  # type: ignore[attr-defined]
        self.fields["role"].choices = [("", _("Any")), *Role.choices]  # type: ignore[attr-defined]


class OfficialForm(forms.Form):
    """A new official (``creating``) or the profile of an existing one."""

    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        help_text=_("Letters, digits and @ . + - _ only; cannot be changed later."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none"}),
    )
    full_name = forms.CharField(
        label=_("Full name"),
        max_length=300,
        help_text=_("With diacritics, family name first, e.g. Nguyễn Thị Hoa."),
    )
    email = forms.EmailField(label=_("E-mail"), required=False, max_length=254)
    phone = forms.CharField(
        label=_("Phone"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    job_title = forms.CharField(label=_("Job title"), required=False, max_length=150)
    agency = AgencyChoiceField(label=_("Agency"), queryset=Agency.objects.none())
    roles = forms.MultipleChoiceField(
        label=_("Roles at this agency"),
        required=False,
        choices=(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(
        self,
        *args: Any,
        agencies: QuerySet[Agency],
        roles: list[str],
        creating: bool,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies  # type: ignore[attr-defined]
        if creating:
            self.fields["roles"].choices = role_choices(roles)  # type: ignore[attr-defined]
        else:
            del self.fields["username"]
            del self.fields["roles"]


class RoleGrantForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=())
    agency = AgencyChoiceField(label=_("At agency"), queryset=Agency.objects.none())

    def __init__(
        self, *args: Any, agencies: QuerySet[Agency], roles: list[str], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = role_choices(roles)  # type: ignore[attr-defined]
        self.fields["agency"].queryset = agencies  # type: ignore[attr-defined]


# --- certificates -----------------------------------------------------------------------


class CertificateFilterForm(forms.Form):
    STATUS_CHOICES = (
        ("", _("Any")),
        ("missing", _("No active certificate")),
        ("expiring", _("Expires within 30 days or expired")),
    )
    q = forms.CharField(label=_("Agency"), required=False, max_length=150)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=STATUS_CHOICES)


class CertificateUploadForm(forms.Form):
    agency = AgencyChoiceField(label=_("Agency"), queryset=Agency.objects.none())
    file = forms.FileField(
        label=_("PKCS#12 file (.p12, .pfx)"),
        help_text=_("The agency's key and certificate in one file, at most 64 KB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".p12,.pfx,application/x-pkcs12"}),
    )
    passphrase = forms.CharField(
        label=_("Passphrase of the file"),
        strip=False,
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
    )
    label = forms.CharField(
        label=_("Label"),
        required=False,
        max_length=255,
        help_text=_("Optional, e.g. the certificate's provider and year."),
    )

    def __init__(self, *args: Any, agencies: QuerySet[Agency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies  # type: ignore[attr-defined]

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size is not None and upload.size > MAX_PKCS12_BYTES:
            raise forms.ValidationError(
                _("The file is larger than 64 KB: it is not a PKCS#12 signing certificate.")
            )
        return upload


# --- calendar ---------------------------------------------------------------------------


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class CalendarDecisionForm(forms.Form):
    first = forms.DateField(label=_("Date (first day)"), widget=DateInput())
    last = forms.DateField(
        label=_("Last day"),
        required=False,
        widget=DateInput(),
        help_text=_("For several days in a row; Saturdays and Sundays are skipped for days off."),
    )
    kind = forms.ChoiceField(label=_("Kind of day"), choices=CalendarDayKind.choices)
    reason = forms.CharField(
        label=_("Reason"), max_length=255, help_text=_("e.g. Tết Nguyên đán, Quốc khánh.")
    )
    source = forms.CharField(
        label=_("Decision: number and title"),
        max_length=500,
        help_text=_("e.g. Thông báo 6150/TB-LĐTBXH về lịch nghỉ Tết Âm lịch."),
    )

    def clean_first(self) -> dt.date:
        first: dt.date = self.cleaned_data["first"]
        if not FIRST_STATUTORY_YEAR <= first.year <= LAST_STATUTORY_YEAR:
            raise forms.ValidationError(
                _("Choose a date between %(first)d and %(last)d.")
                % {"first": FIRST_STATUTORY_YEAR, "last": LAST_STATUTORY_YEAR}
            )
        return first


class CalendarYearForm(forms.Form):
    decision = forms.CharField(
        label=_("The year's decisions"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Numbers and titles of the documents that fixed this year's days off."),
    )
    provisional = forms.BooleanField(
        label=_("Still provisional (the official decision is not published yet)"),
        required=False,
    )
