"""Forms of the online filing pages: the draft (contact, e-form, return point) and the upload
of one paper. They translate what was typed; the rules live in ``motcua.portal.services``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy

from motcua.catalog.eforms import eform_fields, eform_values
from motcua.catalog.schemas import eform_data_errors
from motcua.core.text import nfc
from motcua.dossiers.models import ReturnMethod
from motcua.portal import services
from motcua.portal.models import Draft
from motcua.portal.services import EFORM_PREFIX

ACCEPT = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"


class AccessibleForm(forms.Form):
    """Ties every field's error message to its input (``aria-describedby``)."""

    def describe_errors(self) -> None:
        for name in self.errors:
            if name not in self.fields:
                continue
            bound = self[name]
            ids = [f"{bound.auto_id}_error"]
            if self.fields[name].help_text:
                ids.append(f"{bound.auto_id}_helptext")
            self.fields[name].widget.attrs["aria-describedby"] = " ".join(ids)

    def summary(self) -> list[tuple[str, str, str]]:
        """(anchor, label, message) of each error, for the summary at the top."""
        rows = []
        for name, messages in self.errors.items():
            if name in self.fields:
                bound = self[name]
                rows.append((f"#{bound.auto_id}", str(bound.label), str(messages[0])))
            else:
                rows.extend(("#draft-form", "", str(m)) for m in messages)
        return rows


class DraftForm(AccessibleForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    phone = forms.CharField(
        label=gettext_lazy("Phone"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    email = forms.EmailField(
        label=gettext_lazy("E-mail"),
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    address = forms.CharField(
        label=gettext_lazy("Address"),
        required=False,
        max_length=500,
        help_text=gettext_lazy("Needed when the result is sent by post."),
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )
    competent_agency = forms.ModelChoiceField(
        label=gettext_lazy("Commune or ward you file with"),
        queryset=services.communes(),
        required=False,
        empty_label=gettext_lazy("Choose the commune or ward"),
    )
    return_method = forms.ChoiceField(
        label=gettext_lazy("How do you want to receive the result?"),
        choices=ReturnMethod.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    return_agency = forms.ModelChoiceField(
        label=gettext_lazy("Return point (to collect the result at a counter)"),
        queryset=services.return_points(),
        required=False,
        empty_label=gettext_lazy("Choose a one-stop center"),
    )

    def __init__(self, *args: Any, draft: Draft, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.draft = draft
        version = draft.procedure_version
        self.schema = version.eform_schema or {}
        if not services.is_commune_level(version):
            del self.fields["competent_agency"]
        else:
            commune: Any = self.fields["competent_agency"]
            commune.queryset = services.communes()
        methods: Any = self.fields["return_method"]
        allowed = services.return_methods(version)
        methods.choices = [(v, label) for v, label in ReturnMethod.choices if v in allowed]
        points: Any = self.fields["return_agency"]
        points.queryset = services.return_points()
        for name, field in eform_fields(self.schema).items():
            self.fields[EFORM_PREFIX + name] = field

    @classmethod
    def initial_of(cls, draft: Draft) -> dict[str, Any]:
        """The form's values from the saved draft."""
        data: dict[str, Any] = {
            "version": draft.version,
            "phone": draft.phone,
            "email": draft.email,
            "address": draft.address,
            "competent_agency": draft.competent_agency_id or "",
            "return_method": draft.return_method,
            "return_agency": draft.return_agency_id or "",
        }
        for name, value in draft.eform_data.items():
            data[EFORM_PREFIX + name] = value
        return data

    def eform_bound_fields(self) -> list[forms.BoundField]:
        return [self[n] for n in self.fields if n.startswith(EFORM_PREFIX)]

    def contact_fields(self) -> list[forms.BoundField]:
        return [self[n] for n in ("phone", "email", "address")]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        # The schema's own checks (patterns, lengths, formats), next to each field.
        values: dict[str, Any] = {}
        for name in self.schema.get("properties") or {}:
            key = EFORM_PREFIX + name
            if key in data and key not in self.errors:
                try:
                    values.update(eform_values(self.schema, {name: data[key]}))
                except ValueError:
                    self.add_error(key, gettext_lazy("Enter the value as JSON."))
        if self.schema:
            for name, message in eform_data_errors(self.schema, values).items():
                key = EFORM_PREFIX + name
                if key in self.fields and key not in self.errors:
                    self.add_error(key, message)
        return data

    def changes(self) -> services.DraftChanges:
        """What was typed, valid or not (so nothing typed is lost)."""
        raw = self.data
        eform = {
            name: raw.get(EFORM_PREFIX + name, "") for name in (self.schema.get("properties") or {})
        }
        cleaned = getattr(self, "cleaned_data", {})
        return services.DraftChanges(
            eform_data={k: nfc(str(v)) for k, v in eform.items()},
            phone=raw.get("phone", ""),
            email=raw.get("email", ""),
            address=raw.get("address", ""),
            competent_agency=cleaned.get("competent_agency"),
            return_method=str(raw.get("return_method", "")),
            return_agency=cleaned.get("return_agency"),
        )

    def put_problems(self, problems: dict[str, str]) -> dict[str, str]:
        """Show the submission's problems next to their fields; return the others."""
        rest = {}
        for key, message in problems.items():
            if key in self.fields:
                if key not in self.errors:
                    self.add_error(key, message)
            else:
                rest[key] = message
        return rest
