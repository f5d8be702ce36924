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


def _error_message(error: Any) -> str:
    """A translated message for one JSON Schema error, about the field it concerns."""
    validator, value = error.validator, error.validator_value
    if validator == "type":
        kinds = {
            "string": _("Enter text."),
            "integer": _("Enter a whole number."),
            "number": _("Enter a number."),
            "boolean": _("Answer yes or no."),
            "array": _("Give a list."),
            "object": _("Fill in this group of fields."),
        }
        return kinds.get(
            value if isinstance(value, str) else "", _("This value has the wrong type.")
        )
    if validator == "maxLength":
        return _("At most %(n)d characters.") % {"n": value}
    if validator == "minLength":
        return (
            _("Fill in this field.")
            if value == 1
            else _("At least %(n)d characters.") % {"n": value}
        )
    if validator == "pattern":
        return _("This value does not have the expected form.")
    if validator == "enum":
        return _("Choose one of: %(values)s.") % {"values": ", ".join(map(str, value))}
    if validator == "format":
        formats = {
            "date": _("Enter a date as YYYY-MM-DD."),
            "date-time": _("Enter a date and time."),
            "email": _("Enter a valid e-mail address."),
        }
        return formats.get(value, _("This value does not have the expected form."))
    if validator == "minimum":
        return _("Enter %(n)s or more.") % {"n": value}
    if validator == "maximum":
        return _("Enter %(n)s or less.") % {"n": value}
    if validator == "additionalProperties":
        return _("This form has no such field.")
    return _("This value is not valid.")


def eform_data_errors(schema: dict[str, Any], data: Any) -> dict[str, str]:
    """Validate filled-in e-form data; map each field path to its first error message.

    Messages are translated; a missing required field is reported on the field itself.
    """
    errors: dict[str, str] = {}
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    for error in validator.iter_errors(data):
        path = [str(p) for p in error.absolute_path]
        if error.validator == "required" and isinstance(error.instance, dict):
            for name in error.validator_value:
                if name not in error.instance:
                    errors.setdefault(".".join([*path, name]), _("This field is required."))
            continue
        errors.setdefault(".".join(path) or "__all__", _error_message(error))
    return errors
