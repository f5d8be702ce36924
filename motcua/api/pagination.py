"""Keyset pagination: ``{"items": [...], "next": "<cursor>" | null}``, never a COUNT(*).

A list is ordered by one or two columns and then ``id`` (the tie-breaker, so the order is
total). A page is one query for ``limit + 1`` rows: the extra row only says whether there
is a next page. The cursor is the last row's sort values and id, JSON in base64url, signed
with ``django.core.signing`` (salted with the model and the ordering): a client can read it
but cannot forge or edit it, nor carry it to another list or ordering. A bad cursor is a 400
``invalid_cursor`` problem.

NULLs sort last by default (``Keyset(..., nulls="first")`` puts them first), in both
directions, on every database.

Usage in a router::

    ORDERINGS = {"name": Keyset("name"), "-name": Keyset("-name")}

    @router.get("/", response=page_of(ThingOut))
    def thing_list(request, filters: Query[ThingFilters], page: Query[PageParams]):
        return paginate(selectors.things(...), ORDERINGS[filters.order], page)
"""

from __future__ import annotations

import datetime as dt
import decimal
import functools
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any, Generic, Literal, TypeVar

from django.core import signing
from django.core.exceptions import FieldDoesNotExist
from django.db.models import F, Model, Q, QuerySet
from django.db.models.expressions import OrderBy
from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import Field

from motcua.core.errors import DomainError

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
MAX_CURSOR_LENGTH = 4096

T = TypeVar("T")
M = TypeVar("M", bound=Model)


class InvalidCursor(DomainError):
    code = "invalid_cursor"
    status = 400


class PageParams(Schema):
    """The query parameters of every paginated list."""

    cursor: str | None = Field(
        default=None,
        max_length=MAX_CURSOR_LENGTH,
        description="The `next` value of the previous page; omit for the first page.",
    )
    limit: int = Field(
        default=DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="How many items per page."
    )


class Page(Schema, Generic[T]):
    items: list[T]
    next: str | None = Field(
        description="Pass as `cursor` to get the next page; null on the last page."
    )


@functools.cache
def page_of(item: type[Schema]) -> type[Schema]:
    """The response schema of a page of ``item``, named ``<Item>Page`` in OpenAPI."""
    return type(f"{item.__name__}Page", (Page[item],), {"__module__": item.__module__})  # type: ignore[valid-type]


@dataclass(frozen=True)
class SortKey:
    field: str  # a field or a related lookup ("procedure__code")
    descending: bool
    nulls_first: bool


class Keyset:
    """An order a list can be paged by: one or two columns, then ``id``.

    ``Keyset("-received_at", "code")``: a leading ``-`` sorts that column descending. The
    ``id`` tie-breaker follows the direction of the last column. ``nulls`` says where NULL
    values go, in either direction.
    """

    def __init__(self, *columns: str, nulls: Literal["first", "last"] = "last") -> None:
        if not 1 <= len(columns) <= 2:
            raise ValueError("A keyset orders by one or two columns, then id.")
        nulls_first = nulls == "first"
        keys = [
            SortKey(c.lstrip("-"), descending=c.startswith("-"), nulls_first=nulls_first)
            for c in columns
        ]
        if any(k.field in ("id", "pk") for k in keys):
            raise ValueError("id is the tie-breaker; do not name it.")
        self.columns: tuple[SortKey, ...] = tuple(keys)
        self._fitted = False
        self.id_descending = keys[-1].descending
        self.signature = ",".join(columns) + f",{'-' if self.id_descending else ''}id;{nulls}"

    def __repr__(self) -> str:
        return f"Keyset({self.signature})"

    @staticmethod
    def alias(position: int) -> str:
        return f"keyset_{position}"

    def order_by(self) -> list[OrderBy]:
        result = []
        for i, key in enumerate(self.columns):
            expr = F(self.alias(i))
            nulls = {"nulls_first": True} if key.nulls_first else {"nulls_last": True}
            result.append(expr.desc(**nulls) if key.descending else expr.asc(**nulls))
        result.append(F("pk").desc() if self.id_descending else F("pk").asc())
        return result

    def after(self, values: Sequence[Any], pk: Any) -> Q:
        """Rows that come after the row whose sort values are ``values`` and id ``pk``."""
        condition = Q(pk__lt=pk) if self.id_descending else Q(pk__gt=pk)
        # Built from the last column back: after_i | (equal_i & rest).
        for i in reversed(range(len(self.columns))):
            key, value, name = self.columns[i], values[i], self.alias(i)
            equal = Q(**{f"{name}__isnull": True}) if value is None else Q(**{name: value})
            beyond = self._beyond(key, name, value)
            condition = equal & condition if beyond is None else beyond | (equal & condition)
        return condition

    @staticmethod
    def _beyond(key: SortKey, name: str, value: Any) -> Q | None:
        """Rows strictly after ``value`` in this column alone (None: no such rows)."""
        if value is None:
            # NULLs first: every non-NULL value comes after; NULLs last: nothing does.
            return Q(**{f"{name}__isnull": False}) if key.nulls_first else None
        strictly = Q(**{f"{name}__lt" if key.descending else f"{name}__gt": value})
        if key.nulls_first:
            return strictly
        return strictly | Q(**{f"{name}__isnull": True})

    def _fit(self, model: type[Model]) -> None:
        """A NOT NULL column takes the NULLS placement that is the database's default for
        its direction (ASC NULLS LAST, DESC NULLS FIRST): the order is the same, and an
        index can serve it; ``DESC NULLS LAST`` on ``received_at`` made every page a full
        scan and sort (bench/README.md)."""
        if self._fitted:
            return
        keys = []
        for key in self.columns:
            try:
                not_null = not getattr(model._meta.get_field(key.field), "null", True)
            except FieldDoesNotExist:
                not_null = False  # a related lookup: keep the declared placement
            keys.append(replace(key, nulls_first=key.descending) if not_null else key)
        self.columns = tuple(keys)
        self._fitted = True

    def apply(self, queryset: QuerySet[M]) -> QuerySet[M]:
        self._fit(queryset.model)
        annotations = {self.alias(i): F(k.field) for i, k in enumerate(self.columns)}
        ordered: QuerySet[M] = queryset.annotate(**annotations).order_by(*self.order_by())
        return ordered

    def row_values(self, row: Model) -> list[Any]:
        return [getattr(row, self.alias(i)) for i in range(len(self.columns))]


@dataclass
class KeysetPage(Generic[T]):
    items: list[T]
    next: str | None


# --- the cursor --------------------------------------------------------------------------


def _encode_value(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, dt.datetime):
        return {"dt": value.isoformat()}
    if isinstance(value, dt.date):
        return {"d": value.isoformat()}
    if isinstance(value, dt.time):
        return {"t": value.isoformat()}
    if isinstance(value, decimal.Decimal):
        return {"dec": str(value)}
    if isinstance(value, uuid.UUID):
        return {"uuid": str(value)}
    raise TypeError(f"Cannot page by a value of type {type(value).__name__}.")


_DECODERS: dict[str, Callable[[str], Any]] = {
    "dt": dt.datetime.fromisoformat,
    "d": dt.date.fromisoformat,
    "t": dt.time.fromisoformat,
    "dec": decimal.Decimal,
    "uuid": uuid.UUID,
}


def _decode_value(value: Any) -> Any:
    if isinstance(value, dict):
        if len(value) != 1:
            raise ValueError(value)
        ((tag, text),) = value.items()
        if tag not in _DECODERS or not isinstance(text, str):
            raise ValueError(value)
        return _DECODERS[tag](text)
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    raise ValueError(value)


def _salt(model: type[Model], ordering: Keyset, scope: str) -> str:
    return f"motcua.api.cursor:{model._meta.label}:{ordering.signature}:{scope}"


def encode_cursor(
    model: type[Model], ordering: Keyset, values: Sequence[Any], pk: Any, scope: str = ""
) -> str:
    payload = [*(_encode_value(v) for v in values), _encode_value(pk)]
    signer = signing.Signer(salt=_salt(model, ordering, scope))
    return signer.sign_object(payload, compress=True)


def decode_cursor(
    model: type[Model], ordering: Keyset, cursor: str, scope: str = ""
) -> tuple[list[Any], Any]:
    """The sort values and id of the row a cursor points after, or ``InvalidCursor``."""
    try:
        payload = signing.Signer(salt=_salt(model, ordering, scope)).unsign_object(cursor)
        if not isinstance(payload, list) or len(payload) != len(ordering.columns) + 1:
            raise ValueError(payload)
        decoded = [_decode_value(v) for v in payload]
        if decoded[-1] is None:
            raise ValueError(payload)
    except (signing.BadSignature, ValueError, TypeError, decimal.InvalidOperation) as exc:
        raise InvalidCursor(
            _("The cursor is not valid for this list; start again without a cursor.")
        ) from exc
    return decoded[:-1], decoded[-1]


def paginate(
    queryset: QuerySet[M],
    ordering: Keyset,
    page: PageParams | None = None,
    *,
    scope: str = "",
) -> KeysetPage[M]:
    """One page of ``queryset`` in ``ordering``, after ``page.cursor``: a single query.

    ``scope`` narrows where a cursor is valid beyond the model and the ordering (e.g. the
    id of a parent object whose children are listed).
    """
    page = page or PageParams()
    model = queryset.model
    ordered = ordering.apply(queryset)
    if page.cursor:
        values, pk = decode_cursor(model, ordering, page.cursor, scope)
        ordered = ordered.filter(ordering.after(values, pk))
    rows = list(ordered[: page.limit + 1])
    items = rows[: page.limit]
    next_cursor = None
    if len(rows) > page.limit:
        last = items[-1]
        next_cursor = encode_cursor(model, ordering, ordering.row_values(last), last.pk, scope)
    return KeysetPage(items=items, next=next_cursor)
