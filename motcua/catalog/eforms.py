"""E-form (biểu mẫu điện tử) fields from a procedure's JSON Schema, drawn on the server.

The same builder serves the officials' walk-in reception and the citizen portal: every
property of the schema becomes a Django form field whose widget carries the schema's own
constraints as HTML attributes (``required``, ``maxlength``, ``pattern``, ``type=date``,
``min``/``max``), so the browser checks too, without JavaScript. The server checks again
with :func:`motcua.catalog.schemas.eform_data_errors`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy

from motcua.core.text import nfc


def eform_properties(schema: Mapping[str, Any] | None) -> dict[str, dict[str, Any]]:
    """The schema's properties that describe a field (name → property), in order."""
    properties = (schema or {}).get("properties") or {}
    return {name: prop for name, prop in properties.items() if isinstance(prop, dict)}


def eform_field(prop: Mapping[str, Any], required: bool) -> forms.Field:
    """A form field for one e-form property of the procedure's JSON Schema."""
    label = str(prop.get("title") or "")
    help_text = str(prop.get("description") or "")
    kind = prop.get("type")
    common: dict[str, Any] = {"label": label, "required": required, "help_text": help_text}
    if kind == "string" and isinstance(prop.get("enum"), list):
        choices = [("", "—")] + [(str(v), str(v)) for v in prop["enum"]]
        return forms.ChoiceField(choices=choices, **common)
    if kind == "string":
        fmt = prop.get("format")
        attrs: dict[str, Any] = {}
        if fmt == "date":
            for key, attr in (("formatMinimum", "min"), ("formatMaximum", "max")):
                if isinstance(prop.get(key), str):
                    attrs[attr] = prop[key]
            return forms.CharField(
                widget=forms.DateInput(attrs={"type": "date", **attrs}), **common
            )
        if fmt == "email":
            return forms.CharField(widget=forms.EmailInput(), **common)
        max_length = prop.get("maxLength")
        if isinstance(max_length, int):
            attrs["maxlength"] = max_length
        if isinstance(prop.get("minLength"), int) and prop["minLength"] > 0:
            attrs["minlength"] = prop["minLength"]
        if isinstance(max_length, int) and max_length > 300:
            return forms.CharField(widget=forms.Textarea(attrs={"rows": 3, **attrs}), **common)
        if isinstance(prop.get("pattern"), str):
            attrs["pattern"] = prop["pattern"].removeprefix("^").removesuffix("$")
        return forms.CharField(widget=forms.TextInput(attrs=attrs), **common)
    if kind == "integer":
        return forms.IntegerField(
            min_value=prop.get("minimum"), max_value=prop.get("maximum"), **common
        )
    if kind == "number":
        return forms.DecimalField(
            min_value=prop.get("minimum"), max_value=prop.get("maximum"), **common
        )
    if kind == "boolean":
        return forms.BooleanField(label=label, required=False, help_text=help_text)
    # Lists and groups of fields: typed as JSON (rare in the catalogue).
    return forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        **{**common, "help_text": help_text or gettext_lazy("Enter the value as JSON.")},
    )


def eform_value(prop: Mapping[str, Any], value: Any) -> tuple[bool, Any]:
    """(present, JSON value) of a cleaned e-form field; empty fields are left out.

    Raises ``ValueError`` when a list or group typed as JSON is not valid JSON.
    """
    kind = prop.get("type")
    if kind == "boolean":
        return True, bool(value)
    if value is None or value == "":
        return False, None
    if kind == "number":
        number = float(value)
        return True, int(number) if number.is_integer() else number
    if kind in {"array", "object"}:
        return True, json.loads(value)
    if isinstance(value, str):
        return True, nfc(value)
    return True, value


def eform_fields(schema: Mapping[str, Any] | None) -> dict[str, forms.Field]:
    """One form field per property of ``schema``, keyed by the property's name."""
    required = set((schema or {}).get("required") or [])
    return {
        name: eform_field(prop, name in required) for name, prop in eform_properties(schema).items()
    }


def eform_values(schema: Mapping[str, Any] | None, cleaned: Mapping[str, Any]) -> dict[str, Any]:
    """The e-form data (JSON) from cleaned field values keyed by property name; empty
    fields are left out. Raises ``ValueError`` for a JSON field that is not JSON."""
    data: dict[str, Any] = {}
    for name, prop in eform_properties(schema).items():
        if name not in cleaned:
            continue
        present, value = eform_value(prop, cleaned[name])
        if present:
            data[name] = value
    return data
