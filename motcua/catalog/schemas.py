"""E-form schemas (biểu mẫu điện tử): JSON Schema documents checked when saved."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError

# Field types the server-side form renderer knows how to draw.
RENDERABLE_TYPES = frozenset({"string", "integer", "number", "boolean", "array", "object"})


def eform_schema_problems(schema: Any) -> list[str]:
    """Every reason ``schema`` is not a usable e-form schema (empty list if it is)."""
    if not isinstance(schema, dict):
        return [_("The e-form schema must be a JSON object.")]
    if not schema:
        return []  # a procedure may have no e-form yet
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as exc:
        return [_("Not a valid JSON Schema: %(error)s") % {"error": exc.message}]
    problems: list[str] = []
    if schema.get("type") != "object":
        problems.append(_('The top level must have "type": "object".'))
    properties = schema.get("properties")
    if not isinstance(properties, dict) or not properties:
        problems.append(_("The e-form needs at least one field under properties."))
        return problems
    for name, prop in properties.items():
        if not isinstance(prop, dict) or not prop.get("title"):
            problems.append(_('Field "%(name)s" needs a title (its label).') % {"name": name})
            continue
        if prop.get("type") not in RENDERABLE_TYPES:
            problems.append(_('Field "%(name)s" has no supported type.') % {"name": name})
    for name in schema.get("required", []):
        if name not in properties:
            problems.append(_('Required field "%(name)s" is not defined.') % {"name": name})
    return problems


def validate_eform_schema(schema: Any) -> None:
    problems = eform_schema_problems(schema)
    if problems:
        raise ValidationError(problems)


def eform_data_errors(schema: dict[str, Any], data: Any) -> dict[str, str]:
    """Validate filled-in e-form data; map each field path to its first error message."""
    errors: dict[str, str] = {}
    for error in Draft202012Validator(schema).iter_errors(data):
        key = ".".join(str(p) for p in error.absolute_path) or "__all__"
        errors.setdefault(key, error.message)
    return errors
