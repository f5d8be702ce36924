"""Keyset pagination: every row exactly once, in order, in both directions, with ties and
NULLs; cursors cannot be forged, edited or carried to another list."""

from __future__ import annotations

import base64
import itertools
from typing import Any

import pytest
from django.core import signing

from motcua.api.pagination import (
    InvalidCursor,
    Keyset,
    PageParams,
    decode_cursor,
    encode_cursor,
    paginate,
)
from motcua.api.tests.support import assert_problem, get_json, walk
from motcua.org.models import Agency, AgencyKind
from motcua.org.tests.factories import make_agency, make_province

pytestmark = pytest.mark.django_db

SECTORS = ["", "beta", "alpha", "beta", "", "gamma", "alpha"]


@pytest.fixture
def agencies() -> list[Agency]:
    """23 agencies: names tie in fours, sectors tie, a third have no admin unit code."""
    province = make_province("a")
    made = [province]
    for i in range(22):
        made.append(
            make_agency(
                "abcdef"[i % 6],
                kind=AgencyKind.COMMUNE,
                parent=province,
                sector=SECTORS[i % len(SECTORS)],
                admin_unit_code=None if i % 3 == 0 else 1000 + (i * 7) % 50,
            )
        )
    return made


def expected_order(rows: list[Agency], columns: tuple[str, ...], nulls_first: bool) -> list[int]:
    """The order the keyset promises, computed in Python (stable sorts, last key first)."""
    ordered = sorted(rows, key=lambda a: a.pk, reverse=columns[-1].startswith("-"))
    for column in reversed(columns):
        name = column.lstrip("-")
        descending = column.startswith("-")
        present = [a for a in ordered if getattr(a, name) is not None]
        missing = [a for a in ordered if getattr(a, name) is None]
        present.sort(key=lambda a, n=name: getattr(a, n), reverse=descending)
        ordered = missing + present if nulls_first else present + missing
    return [a.pk for a in ordered]


def walk_helper(ordering: Keyset, limit: int) -> tuple[list[int], int]:
    seen: list[int] = []
    cursor = None
    pages = 0
    while True:
        page = paginate(Agency.objects.all(), ordering, PageParams(cursor=cursor, limit=limit))
        pages += 1
        assert len(page.items) <= limit
        seen.extend(a.pk for a in page.items)
        if page.next is None:
            return seen, pages
        assert len(page.items) == limit
        cursor = page.next


ORDERINGS = [
    ("name",),
    ("-name",),
    ("admin_unit_code",),
    ("-admin_unit_code",),
    ("sector", "name"),
    ("-sector", "-name"),
    ("sector", "-admin_unit_code"),
    ("-name", "admin_unit_code"),
]


@pytest.mark.parametrize("columns", ORDERINGS)
@pytest.mark.parametrize("nulls", ["last", "first"])
@pytest.mark.parametrize("limit", [1, 2, 5, 22, 23, 50])
def test_a_walk_returns_every_row_once_in_order(agencies, columns, nulls, limit):
    seen, pages = walk_helper(Keyset(*columns, nulls=nulls), limit)
    assert seen == expected_order(agencies, columns, nulls_first=nulls == "first")
    assert len(seen) == len(set(seen)) == 23
    assert pages == max(1, -(-23 // limit))


def test_the_walk_agrees_with_one_ordered_query(agencies):
    ordering = Keyset("-sector", "admin_unit_code")
    everything = [a.pk for a in ordering.apply(Agency.objects.all())]
    assert walk_helper(ordering, 4)[0] == everything


def test_an_empty_list_is_one_empty_page(db):
    page = paginate(Agency.objects.all(), Keyset("name"))
    assert page.items == [] and page.next is None


def test_a_page_exactly_full_has_no_next(agencies):
    page = paginate(Agency.objects.all(), Keyset("name"), PageParams(limit=23))
    assert len(page.items) == 23 and page.next is None


@pytest.mark.parametrize(
    "value",
    [None, 7, "Đăng ký", True, 1.5],
)
def test_cursor_values_round_trip(value):
    ordering = Keyset("name")
    cursor = encode_cursor(Agency, ordering, [value], 42)
    assert decode_cursor(Agency, ordering, cursor) == ([value], 42)


def test_dates_and_decimals_round_trip():
    import datetime as dt
    import decimal

    ordering = Keyset("a", "b")
    moment = dt.datetime(2026, 3, 1, 8, 30, 15, 123456, tzinfo=dt.UTC)
    cursor = encode_cursor(Agency, ordering, [moment, decimal.Decimal("1.50")], 3)
    assert decode_cursor(Agency, ordering, cursor) == ([moment, decimal.Decimal("1.50")], 3)


def test_a_keyset_orders_by_one_or_two_columns():
    with pytest.raises(ValueError):
        Keyset()
    with pytest.raises(ValueError):
        Keyset("a", "b", "c")
    with pytest.raises(ValueError):
        Keyset("name", "id")


# --- through the API ----------------------------------------------------------------------


@pytest.fixture
def many_agencies():
    province = make_province("UBND tỉnh Tuyên Quang")
    for i in range(13):
        # Names tie in threes: the id decides within a name.
        make_agency(f"UBND xã {'ABCDE'[i % 5]}", kind=AgencyKind.COMMUNE, parent=province)
    return Agency.objects.all()


@pytest.mark.parametrize("order", ["name", "-name", "identifier", "-identifier"])
@pytest.mark.parametrize("limit", [1, 3, 4, 50])
def test_the_api_walks_all_agencies_once_in_order(client, many_agencies, order, limit):
    items, pages = walk(client, "/api/v1/agencies/", order=order, limit=limit)
    field = order.lstrip("-")
    expected = sorted(
        many_agencies, key=lambda a: (getattr(a, field), a.pk), reverse=order.startswith("-")
    )
    assert [a["id"] for a in items] == [a.pk for a in expected]
    assert pages == -(-14 // limit)


def test_procedures_walk_with_ties_on_the_name(client):
    from motcua.catalog.services import catalog_import
    from motcua.catalog.tests.factories import document, procedure

    procedures = [
        procedure(code=f"1.{i:06d}", name=f"Thủ tục {'XYZ'[i % 3]}") for i in range(1, 11)
    ]
    catalog_import(document(*procedures))
    for order in ("name", "-name", "code", "-code"):
        items, _pages = walk(client, "/api/v1/procedures/", order=order, limit=3)
        assert len(items) == 10
        assert len({p["code"] for p in items}) == 10
        keys = [(p["name"] if "name" in order else p["code"]) for p in items]
        assert keys == sorted(keys, reverse=order.startswith("-"))


def _first_cursor(client: Any, url: str = "/api/v1/agencies/?limit=2") -> str:
    cursor = get_json(client, url)["next"]
    assert cursor
    return cursor


def _edit_payload(cursor: str) -> str:
    """Change the sort values inside a cursor, keeping its signature."""
    payload, _sep, signature = cursor.rpartition(":")
    compressed = payload.startswith(".")
    raw = base64.urlsafe_b64decode(payload.lstrip(".") + "=" * (-len(payload.lstrip(".")) % 4))
    if compressed:
        import zlib

        raw = zlib.decompress(raw)
    forged = raw.replace(b'"', b'"0', 1)
    encoded = base64.urlsafe_b64encode(forged).rstrip(b"=").decode()
    return f"{encoded}:{signature}"


def test_an_edited_cursor_is_a_400_problem(client, many_agencies):
    cursor = _first_cursor(client)
    for bad in [
        _edit_payload(cursor),
        cursor[:-1] + ("A" if cursor[-1] != "A" else "B"),  # signature changed
        cursor + "x",
        "abc",
        "",
        "e30:" + "x" * 27,
    ]:
        if not bad:
            continue
        response = client.get("/api/v1/agencies/", query_params={"limit": 2, "cursor": bad})
        body = assert_problem(response, 400, "invalid_cursor")
        assert "cursor" in body["detail"]


def test_a_cursor_signed_without_our_key_is_refused(client, many_agencies):
    salt = "motcua.api.cursor:org.Agency:name,id;last:"
    forged = signing.Signer(salt=salt).sign_object(["UBND xã A", 1])
    with_other_key = signing.Signer(key="not-our-secret", salt=salt).sign_object(["UBND xã A", 1])
    response = client.get("/api/v1/agencies/", query_params={"cursor": with_other_key})
    assert_problem(response, 400, "invalid_cursor")
    # A cursor made with the right key is accepted: the salt alone is no secret.
    assert client.get("/api/v1/agencies/", query_params={"cursor": forged}).status_code == 200


def test_a_cursor_is_only_good_for_its_list_and_order(client, many_agencies, catalog):
    cursor = _first_cursor(client, "/api/v1/agencies/?limit=2&order=name")
    assert client.get(f"/api/v1/agencies/?order=name&cursor={cursor}").status_code == 200
    for url in [
        "/api/v1/agencies/?order=-name",
        "/api/v1/agencies/?order=identifier",
        "/api/v1/procedures/?order=name",
    ]:
        response = client.get(f"{url}&cursor={cursor}")
        assert_problem(response, 400, "invalid_cursor")


def test_invalid_cursor_is_a_domain_error(many_agencies):
    with pytest.raises(InvalidCursor):
        decode_cursor(Agency, Keyset("name"), "garbage")


@pytest.mark.parametrize(("limit", "field"), [("0", "limit"), ("201", "limit"), ("x", "limit")])
def test_limit_must_be_1_to_200(client, many_agencies, limit, field):
    body = assert_problem(client.get(f"/api/v1/agencies/?limit={limit}"), 422, "invalid_input")
    assert [e["field"] for e in body["errors"]] == [field]


def test_the_default_limit_is_50(client):
    province = make_province()
    for i, name in zip(range(54), itertools.cycle("abc"), strict=False):
        make_agency(f"{name}{i}", parent=province)
    body = get_json(client, "/api/v1/agencies/")
    assert len(body["items"]) == 50 and body["next"]
    assert len(get_json(client, "/api/v1/agencies/?limit=200")["items"]) == 55
