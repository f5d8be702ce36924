"""Domain errors: what a service refuses, with a stable code and a translated message.

Services raise these; the API turns them into RFC 9457 problem details, the pages into
messages next to the form. ``code`` is stable for machine clients; ``message`` is already
translated into the active language when the error is raised.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A business rule refused the request; nothing was changed."""

    code = "invalid_request"
    status = 400

    def __init__(
        self, message: str, *, code: str | None = None, details: dict[str, Any] | None = None
    ) -> None:
        super().__init__(message)
        self.message = str(message)
        if code is not None:
            self.code = code
        self.details = details or {}


class NotFound(DomainError):
    code = "not_found"
    status = 404


class Forbidden(DomainError):
    """The actor's role or agency does not allow this action."""

    code = "forbidden"
    status = 403


class InvalidInput(DomainError):
    """Input failed validation; ``details["errors"]`` maps each field to its message."""

    code = "invalid_input"
    status = 422


class IllegalTransition(DomainError):
    """The dossier's state does not allow this action now."""

    code = "illegal_transition"
    status = 409


class ConcurrentChange(DomainError):
    """Someone else changed the dossier since the caller read it (optimistic concurrency)."""

    code = "concurrent_change"
    status = 409
