"""Base schemas every router reuses: strict input, and the problem-details body.

* ``InputSchema`` — the base of every request body: unknown fields are an error (422, not
  silently dropped) and text is normalised to NFC, so "Đăng ký" typed on any keyboard is
  stored the same way.
* ``Problem`` / ``FieldError`` — the RFC 9457 body of every error (see ``errors.py``); the
  OpenAPI document lists it as each operation's ``default`` response.
"""

from __future__ import annotations

import unicodedata
from typing import Annotated, Any

from ninja import Path, Schema
from pydantic import ConfigDict, Field, field_validator

# The largest primary key the databases store (a signed 64-bit integer): a bigger id in a
# request is a 422, never an overflow deep in the database driver.
MAX_ID = 2**63 - 1
# An id in a query string or a body.
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
# An id in the path: ``def agency_detail(request, agency_id: PathId)``.
PathId = Annotated[int, Path(ge=1, le=MAX_ID)]


class InputSchema(Schema):
    """A request body: extra fields are rejected; top-level text is normalised to NFC."""

    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="after")
    @classmethod
    def _nfc(cls, value: Any) -> Any:
        if isinstance(value, str):
            return unicodedata.normalize("NFC", value)
        return value


class FieldError(Schema):
    field: str | None = Field(
        description="Dotted path of the field in the request (body, query or path); "
        "null when the error is about the request as a whole."
    )
    message: str = Field(description="What is wrong, in the language of the response.")
    code: str = Field(description="Stable machine-readable kind of error, e.g. `missing`.")


class Problem(Schema):
    """RFC 9457 problem details (media type ``application/problem+json``)."""

    type: str = Field(
        description="`https://motcua.example/problems/<code>`: identifies the kind of problem."
    )
    title: str = Field(description="Short summary of the kind of problem (translated).")
    status: int = Field(description="The HTTP status code.")
    detail: str = Field(description="What went wrong this time (translated).")
    code: str = Field(description="Stable machine-readable code; the last part of `type`.")
    errors: list[FieldError] | None = Field(
        default=None, description="For `invalid_input`: one entry per invalid field."
    )
