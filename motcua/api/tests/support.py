"""Helpers shared by the API tests."""

from __future__ import annotations

from typing import Any

from django.test import Client


def get_json(client: Client, url: str, **kwargs: Any) -> Any:
    response = client.get(url, **kwargs)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("application/json")
    return response.json()


def assert_problem(response: Any, status: int, code: str) -> dict[str, Any]:
    """The response is an RFC 9457 problem with this status and code; returns its body."""
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/problem+json")
    body = response.json()
    assert body["type"] == f"https://motcua.example/problems/{code}"
    assert body["status"] == status
    assert body["code"] == code
    assert isinstance(body["title"], str) and body["title"]
    assert isinstance(body["detail"], str) and body["detail"]
    return body


def walk(client: Client, url: str, **params: Any) -> tuple[list[dict[str, Any]], int]:
    """Every item of a paginated list, following ``next``; and how many pages it took."""
    items: list[dict[str, Any]] = []
    pages = 0
    cursor = None
    while True:
        query = dict(params)
        if cursor:
            query["cursor"] = cursor
        body = get_json(client, url, query_params=query)
        items.extend(body["items"])
        pages += 1
        cursor = body["next"]
        if cursor is None:
            return items, pages
        assert pages < 1000
