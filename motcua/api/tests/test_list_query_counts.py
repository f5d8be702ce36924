"""A list page costs the same few queries for 5 rows as for 60, and never a COUNT(*)."""

from __future__ import annotations

import pytest

from motcua.catalog.services import catalog_import
from motcua.catalog.tests.factories import document, procedure
from motcua.org.models import Agency, AgencyKind
from motcua.org.tests.factories import make_agency, make_province

pytestmark = pytest.mark.django_db

MAX_QUERIES = 1


def load_procedures(start: int, stop: int) -> None:
    catalog_import(
        document(
            *(procedure(code=f"1.{i:06d}", name=f"Thủ tục số {i}") for i in range(start, stop))
        )
    )


def load_agencies(start: int, stop: int) -> None:
    """Communes ``start`` to ``stop - 1`` (the province first, when starting at 0)."""
    province = make_province() if start == 0 else Agency.objects.get(parent=None)
    for i in range(max(start, 1), stop):
        make_agency(f"UBND xã số {i}", kind=AgencyKind.COMMUNE, parent=province)


def queries_for(client, url, assert_max):
    with assert_max(MAX_QUERIES) as captured:
        response = client.get(url)
    assert response.status_code == 200
    sql = [q["sql"].upper() for q in captured.captured_queries]
    assert not any("COUNT(" in s for s in sql), sql
    return len(sql), response.json()


@pytest.mark.parametrize(
    ("load", "url"),
    [
        (load_procedures, "/api/v1/procedures/"),
        (load_procedures, "/api/v1/procedures/?order=-name&field=HT&level=commune"),
        (load_agencies, "/api/v1/agencies/"),
        (load_agencies, "/api/v1/agencies/?kind=commune&order=-identifier&q=xa"),
    ],
)
def test_a_page_of_5_and_a_page_of_60_cost_the_same(
    client, django_assert_max_num_queries, load, url
):
    load(0, 5)
    small, body = queries_for(client, url, django_assert_max_num_queries)
    assert len(body["items"]) in (4, 5) and body["next"] is None
    load(5, 60)
    large, body = queries_for(client, url, django_assert_max_num_queries)
    assert len(body["items"]) == 50 and body["next"]
    assert small == large


def test_the_next_page_costs_the_same(client, django_assert_max_num_queries):
    load_agencies(0, 60)
    _count, body = queries_for(client, "/api/v1/agencies/", django_assert_max_num_queries)
    _count, body = queries_for(
        client, f"/api/v1/agencies/?cursor={body['next']}", django_assert_max_num_queries
    )
    assert len(body["items"]) == 10 and body["next"] is None


def test_search_and_detail_are_bounded(client, django_assert_max_num_queries):
    load_procedures(1, 61)
    with django_assert_max_num_queries(2):
        assert client.get("/api/v1/procedures/search/?q=thu+tuc").status_code == 200
    with django_assert_max_num_queries(4):
        assert client.get("/api/v1/procedures/1.000007/").status_code == 200
