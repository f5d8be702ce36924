"""Every API error is an RFC 9457 problem details document.

Body (media type ``application/problem+json``)::

    {"type": "https://motcua.example/problems/not_found", "title": "Không tìm thấy",
     "status": 404, "detail": "…", "code": "not_found"}

* ``code`` is stable: clients branch on it, never on ``title`` or ``detail``.
* ``type`` is ``PROBLEM_TYPE_BASE + code``; the URI identifies the kind of problem and is
  not promised to be dereferenceable.
* ``title`` and ``detail`` are translated into the request's language (``Accept-Language``;
  Vietnamese by default, English with ``en``).
* ``invalid_input`` problems carry ``errors``: ``[{"field", "message", "code"}]``.
* A ``DomainError`` may add extension members from its ``details`` (a ``details["errors"]``
  mapping of field → message becomes ``errors``).

Codes and where they come from:

===================  ======  ======================================================
code                 status  raised by
===================  ======  ======================================================
bad_request          400     a request Django refuses (``SuspiciousOperation``)
malformed_json       400     a body that is not JSON
invalid_cursor       400     a pagination cursor that was edited or is for another list
invalid_request      400     ``DomainError`` (the default code of a business refusal)
not_authenticated    401     an operation that needs a user, called without one
invalid_token        401     a bearer token that is unknown, revoked or expired
forbidden            403     ``PermissionDenied``, ``core.errors.Forbidden``
csrf_failed          403     a session request with an unsafe method and no CSRF token
not_found            404     ``Http404``, ``core.errors.NotFound``, an unknown URL
method_not_allowed   405     a method the URL does not have
illegal_transition   409     ``core.errors.IllegalTransition``
concurrent_change    409     ``core.errors.ConcurrentChange``
payload_too_large    413     a body over ``DATA_UPLOAD_MAX_MEMORY_SIZE``
invalid_input        422     schema validation, Django ``ValidationError``,
                             ``core.errors.InvalidInput``
throttled            429     a throttle
server_error         500     anything unexpected (logged; nothing internal is shown)
===================  ======  ======================================================

Other code raises ``ApiError(status, code, detail)`` for a problem of its own, or (better,
from services) a ``motcua.core.errors.DomainError`` subclass.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Iterable, Mapping
from functools import wraps
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

from django.core import signals
from django.core.exceptions import (
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousOperation,
)
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext
from ninja.errors import (
    AuthenticationError,
    AuthorizationError,
    HttpError,
    Throttled,
)
from ninja.errors import ValidationError as NinjaValidationError

from motcua.core.errors import DomainError

if TYPE_CHECKING:
    from ninja import NinjaAPI

logger = logging.getLogger("motcua.api")

PROBLEM_TYPE_BASE = "https://motcua.example/problems/"
PROBLEM_CONTENT_TYPE = "application/problem+json"
# The realm named in WWW-Authenticate on every 401.
REALM = "motcua"

# Every code the API itself uses: its usual status and its title (translated when sent).
PROBLEMS: dict[str, tuple[int, str]] = {
    "bad_request": (400, gettext_noop("Bad request")),
    "malformed_json": (400, gettext_noop("Malformed JSON")),
    "invalid_cursor": (400, gettext_noop("Invalid cursor")),
    "invalid_request": (400, gettext_noop("Request refused")),
    "not_authenticated": (401, gettext_noop("Authentication required")),
    "invalid_token": (401, gettext_noop("Invalid token")),
    "forbidden": (403, gettext_noop("Forbidden")),
    "csrf_failed": (403, gettext_noop("CSRF check failed")),
    "not_found": (404, gettext_noop("Not found")),
    "method_not_allowed": (405, gettext_noop("Method not allowed")),
    "illegal_transition": (409, gettext_noop("Not allowed in the current state")),
    "concurrent_change": (409, gettext_noop("Changed by someone else")),
    "conflict": (409, gettext_noop("Conflict")),
    "payload_too_large": (413, gettext_noop("Request body too large")),
    "invalid_input": (422, gettext_noop("Invalid input")),
    "unknown_procedure": (422, gettext_noop("Unknown procedure")),
    "competent_agency_required": (422, gettext_noop("Competent agency required")),
    "no_competent_agency": (422, gettext_noop("No competent agency")),
    "wrong_competent_agency": (422, gettext_noop("Wrong competent agency")),
    "code_format": (422, gettext_noop("No dossier code can be issued")),
    "idempotency_key_reused": (422, gettext_noop("Idempotency-Key reused")),
    "upload_rejected": (422, gettext_noop("File refused")),
    "upload_empty": (422, gettext_noop("Empty file")),
    "upload_too_large": (422, gettext_noop("File too large")),
    "upload_type_not_allowed": (422, gettext_noop("File type not allowed")),
    "upload_corrupt": (422, gettext_noop("Damaged file")),
    "upload_encrypted": (422, gettext_noop("Encrypted file")),
    "upload_image_too_large": (422, gettext_noop("Image too large")),
    "payment_already_recorded": (409, gettext_noop("Payment already recorded")),
    "no_appointment": (409, gettext_noop("No appointment")),
    "no_signing_certificate": (409, gettext_noop("No signing certificate")),
    "throttled": (429, gettext_noop("Too many requests")),
    "server_error": (500, gettext_noop("Internal server error")),
}

# The code of an error that only says its HTTP status.
STATUS_CODES: dict[int, str] = {
    400: "bad_request",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    422: "invalid_input",
    429: "throttled",
    500: "server_error",
}

# Members of the body that DomainError.details may not overwrite.
_RESERVED = frozenset({"type", "title", "status", "detail", "code", "errors", "instance"})


class _ProblemEncoder(DjangoJSONEncoder):
    """Dates, decimals and lazy text as Django encodes them; anything else as its text, so
    an odd value in ``DomainError.details`` cannot turn a problem into a crash."""

    def default(self, o: Any) -> Any:
        try:
            return super().default(o)
        except TypeError:
            return str(o)


class ApiError(HttpError):
    """An error the API layer itself raises, as a problem with a stable ``code``."""

    def __init__(
        self,
        status: int,
        code: str,
        detail: str,
        *,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(status, str(detail))
        self.code = code
        self.headers = dict(headers or {})


def problem_type(code: str) -> str:
    return PROBLEM_TYPE_BASE + code


def problem_title(code: str, status: int) -> str:
    if code in PROBLEMS:
        return _(PROBLEMS[code][1])
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return str(status)


def problem_response(
    *,
    status: int,
    code: str | None = None,
    detail: str | Promise | None = None,
    errors: list[dict[str, Any]] | None = None,
    headers: Mapping[str, str] | None = None,
    extensions: Mapping[str, Any] | None = None,
) -> HttpResponse:
    """The ``application/problem+json`` response for one problem."""
    code = code or STATUS_CODES.get(status, f"http_{status}")
    body: dict[str, Any] = {
        "type": problem_type(code),
        "title": problem_title(code, status),
        "status": status,
        "detail": str(detail) if detail is not None else _default_detail(code, status),
        "code": code,
    }
    for key, value in (extensions or {}).items():
        if key not in _RESERVED:
            body[key] = value
    if errors is not None:
        body["errors"] = errors
    response = HttpResponse(
        json.dumps(body, cls=_ProblemEncoder, ensure_ascii=False),
        status=status,
        content_type=f"{PROBLEM_CONTENT_TYPE}; charset=utf-8",
    )
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def is_problem(response: HttpResponse) -> bool:
    return str(response.get("Content-Type", "")).startswith(PROBLEM_CONTENT_TYPE)


def _default_detail(code: str, status: int) -> str:
    details = {
        "bad_request": _("The request could not be understood."),
        "not_authenticated": _("Sign in, or send a bearer token in the Authorization header."),
        "forbidden": _("You are not allowed to do this."),
        "not_found": _("There is nothing at this address."),
        "method_not_allowed": _("This address does not accept that method."),
        "invalid_input": _("Some fields are not valid; see “errors”."),
        "throttled": _("Too many requests; try again later."),
        "server_error": _(
            "Something went wrong on our side. The error has been logged; please try again later."
        ),
    }
    return details.get(code) or problem_title(code, status)


def not_authenticated_headers() -> dict[str, str]:
    return {"WWW-Authenticate": f'Bearer realm="{REALM}"'}


# --- validation errors -------------------------------------------------------------------


class NullCharacter(ValueError):
    """A NUL character in a request's text (PostgreSQL cannot store it): a 422, not a 500."""

    def __init__(self, field: str | None) -> None:
        super().__init__(field)
        self.field = field


def null_character_field(value: Any, path: tuple[Any, ...] = ()) -> str | None:
    """The dotted path of the first string holding a NUL inside parsed JSON, else None."""
    if isinstance(value, str):
        return (field_path(path) or "") if "\x00" in value else None
    if isinstance(value, dict):
        for key, item in value.items():
            if "\x00" in key:
                return field_path((*path, key))
            found = null_character_field(item, (*path, key))
            if found is not None:
                return found
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found = null_character_field(item, (*path, index))
            if found is not None:
                return found
    return None


def null_character_error(field: str | None) -> dict[str, Any]:
    return {
        "field": field or None,
        "message": _("This value contains a NUL character, which is not allowed."),
        "code": "null_character",
    }


def reject_null_characters(view: Callable[..., Any]) -> Callable[..., Any]:
    """Decorator: a NUL in the query string or the path is a 422 before anything runs."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        errors = [
            null_character_error(key)
            for key, values in request.GET.lists()
            if "\x00" in key or any("\x00" in v for v in values)
        ]
        errors += [
            null_character_error(name)
            for name, value in kwargs.items()
            if isinstance(value, str) and "\x00" in value
        ]
        if errors:
            return problem_response(status=422, code="invalid_input", errors=errors)
        return view(request, *args, **kwargs)

    return wrapper


def _choices(expected: str) -> str:
    """pydantic says "'a', 'b' or 'c'"; give the values without the English "or"."""
    values = re.findall(r"'([^']*)'", expected)
    return ", ".join(values) if values else expected


def validation_message(error: Mapping[str, Any]) -> str:
    """The translated message for one pydantic error (its ``type`` and ``ctx``)."""
    kind = str(error.get("type", ""))
    ctx: Mapping[str, Any] = error.get("ctx") or {}
    if kind == "missing":
        return _("This field is required.")
    if kind == "extra_forbidden":
        return _("This field is not allowed.")
    if kind in {"int_type", "int_parsing", "int_from_float", "int_parsing_size"}:
        return _("Enter a whole number.")
    if kind in {"float_type", "float_parsing", "decimal_type", "decimal_parsing"}:
        return _("Enter a number.")
    if kind in {"bool_type", "bool_parsing"}:
        return _("Enter true or false.")
    if kind in {"string_type", "string_unicode", "string_sub_type"}:
        return _("Enter text.")
    if kind in {"enum", "literal_error"}:
        return _("Choose one of: %(choices)s.") % {
            "choices": _choices(str(ctx.get("expected", "")))
        }
    if kind == "string_too_short":
        n = int(ctx.get("min_length", 0))
        return ngettext(
            "Enter at least %(n)d character.", "Enter at least %(n)d characters.", n
        ) % {"n": n}
    if kind == "string_too_long":
        n = int(ctx.get("max_length", 0))
        return ngettext("Enter at most %(n)d character.", "Enter at most %(n)d characters.", n) % {
            "n": n
        }
    if kind == "too_short":
        n = int(ctx.get("min_length", 0))
        return ngettext("Give at least %(n)d item.", "Give at least %(n)d items.", n) % {"n": n}
    if kind == "too_long":
        n = int(ctx.get("max_length", 0))
        return ngettext("Give at most %(n)d item.", "Give at most %(n)d items.", n) % {"n": n}
    if kind == "greater_than_equal":
        return _("Enter a value of at least %(limit)s.") % {"limit": ctx.get("ge")}
    if kind == "greater_than":
        return _("Enter a value greater than %(limit)s.") % {"limit": ctx.get("gt")}
    if kind == "less_than_equal":
        return _("Enter a value of at most %(limit)s.") % {"limit": ctx.get("le")}
    if kind == "less_than":
        return _("Enter a value less than %(limit)s.") % {"limit": ctx.get("lt")}
    if kind.startswith("date_") and "datetime" not in kind:
        return _("Enter a date as YYYY-MM-DD.")
    if kind.startswith("datetime_") or kind.startswith("timezone_"):
        return _("Enter a date and time in ISO 8601, e.g. 2026-03-01T08:30:00+07:00.")
    if kind.startswith("time_"):
        return _("Enter a time as HH:MM.")
    if kind.startswith("uuid_"):
        return _("Enter a valid UUID.")
    if kind in {"model_type", "model_attributes_type", "dict_type", "mapping_type"}:
        return _("Send a JSON object.")
    if kind in {"list_type", "tuple_type", "set_type", "iterable_type"}:
        return _("Send a JSON list.")
    if kind == "string_pattern_mismatch":
        return _("This value does not have the expected form.")
    if kind == "json_invalid":
        return _("This is not valid JSON.")
    if kind in {"value_error", "assertion_error"} and ctx.get("error"):
        # Raised by a validator of ours, with a message already translated.
        message = str(ctx["error"])
        return message.removeprefix("Assertion failed, ")
    return _("This value is not valid.")


def field_path(parts: Iterable[Any]) -> str | None:
    path = ".".join(str(p) for p in parts)
    return path or None


def _ninja_validation_errors(exc: NinjaValidationError) -> list[dict[str, Any]]:
    result = []
    for error in exc.errors:
        # "field" is set by MotcuaAPI.validation_error_from_error_contexts.
        field = error["field"] if "field" in error else field_path(list(error.get("loc", ()))[1:])
        result.append(
            {"field": field, "message": validation_message(error), "code": error.get("type")}
        )
    return result


def _django_validation_errors(exc: DjangoValidationError) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = []
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            for error in errors:
                result.append(
                    {
                        "field": None if name == "__all__" else name,
                        "message": next(iter(error)),
                        "code": error.code or "invalid",
                    }
                )
    else:
        for error in exc.error_list:
            result.append(
                {"field": None, "message": next(iter(error)), "code": error.code or "invalid"}
            )
    return result


def _domain_errors(value: Any) -> list[dict[str, Any]]:
    """``details["errors"]`` of an ``InvalidInput``: {field: message(s)} or a list."""
    result: list[dict[str, Any]] = []
    if isinstance(value, Mapping):
        for name, messages in value.items():
            if isinstance(messages, (str, Promise)):
                messages = [messages]
            for message in messages:
                result.append(
                    {
                        "field": None if name in ("", "__all__") else str(name),
                        "message": str(message),
                        "code": "invalid",
                    }
                )
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, Mapping):
                result.append(
                    {
                        "field": item.get("field"),
                        "message": str(item.get("message", "")),
                        "code": str(item.get("code", "invalid")),
                    }
                )
            else:
                result.append({"field": None, "message": str(item), "code": "invalid"})
    return result


# --- handlers ----------------------------------------------------------------------------


def handle_ninja_validation(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    return problem_response(status=422, code="invalid_input", errors=_ninja_validation_errors(exc))


def handle_django_validation(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    return problem_response(status=422, code="invalid_input", errors=_django_validation_errors(exc))


def handle_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    details = dict(exc.details)
    errors = _domain_errors(details.pop("errors")) if "errors" in details else None
    if exc.code == "invalid_input" and errors is None:
        errors = []
    return problem_response(
        status=exc.status, code=exc.code, detail=exc.message, errors=errors, extensions=details
    )


def handle_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    status = exc.status_code
    if isinstance(exc, ApiError):
        return problem_response(
            status=status, code=exc.code, detail=exc.message, headers=exc.headers
        )
    if isinstance(exc, AuthenticationError):
        return problem_response(
            status=401, code="not_authenticated", headers=not_authenticated_headers()
        )
    if isinstance(exc, AuthorizationError):
        return problem_response(status=403, code="forbidden")
    if isinstance(exc, Throttled):
        return problem_response(status=429, code="throttled")
    if isinstance(exc.__cause__, NullCharacter):  # found by the body parser
        return problem_response(
            status=422, code="invalid_input", errors=[null_character_error(exc.__cause__.field)]
        )
    if status == 400 and exc.__cause__ is not None and str(exc).startswith("Cannot parse"):
        # ninja could not parse the body (json.loads failed).
        return problem_response(
            status=400, code="malformed_json", detail=_("The request body is not valid JSON.")
        )
    if status == 403 and str(exc) == "CSRF check Failed":  # ninja's own cookie auth
        return problem_response(status=403, code="csrf_failed", detail=csrf_failed_detail())
    return problem_response(status=status, detail=exc.message)


def csrf_failed_detail() -> str:
    return _(
        "The CSRF token is missing or wrong: send the csrftoken cookie's value in the "
        "X-CSRFToken header."
    )


def handle_404(request: HttpRequest, exc: Http404) -> HttpResponse:
    return problem_response(status=404, code="not_found")


def handle_permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return problem_response(status=403, code="forbidden")


def handle_too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    from django.conf import settings

    logging.getLogger("django.security.RequestDataTooBig").warning("%s: %s", request.path, exc)
    return problem_response(
        status=413,
        code="payload_too_large",
        detail=_("The request body is larger than the limit of %(limit)s bytes.")
        % {"limit": settings.DATA_UPLOAD_MAX_MEMORY_SIZE},
    )


def handle_suspicious(request: HttpRequest, exc: SuspiciousOperation) -> HttpResponse:
    logging.getLogger(f"django.security.{exc.__class__.__name__}").error(
        "%s: %s", request.path, exc
    )
    return problem_response(status=400, code="bad_request")


def handle_unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.error("Unhandled error in %s %s", request.method, request.path, exc_info=exc)
    # Error reporters (and Django's test client) listen to this signal.
    signals.got_request_exception.send(sender=None, request=request)
    return problem_response(status=500, code="server_error")


_HANDLERS: list[tuple[type[Exception], Callable[[HttpRequest, Any], HttpResponse]]] = [
    (NinjaValidationError, handle_ninja_validation),
    (HttpError, handle_http_error),
    (DomainError, handle_domain_error),
    (DjangoValidationError, handle_django_validation),
    (Http404, handle_404),
    (PermissionDenied, handle_permission_denied),
    (RequestDataTooBig, handle_too_big),
    (SuspiciousOperation, handle_suspicious),
    (Exception, handle_unexpected),
]


def install_exception_handlers(api: NinjaAPI) -> None:
    """Map every exception to a problem (ninja picks the handler of the nearest class)."""
    for exc_class, handler in _HANDLERS:
        api.add_exception_handler(exc_class, handler)
