"""``rating_submit``: once, only after the result is returned, answers validated, and the
facts the 766 index needs queryable (``ratings_for_period``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from motcua.core.errors import IllegalTransition, InvalidInput
from motcua.dossiers.tests.factories import World
from motcua.portal.tests.follow_steps import returned
from motcua.quality.models import DossierRating
from motcua.quality.selectors import disliked_dossier_ids, ratings_for_period
from motcua.quality.services import rating_submit


def answers(**over: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "satisfied": True,
        "total_time": 2,
        "agency_time": 2,
        "contacts": 1,
        "agencies_contacted": 2,
        "attitude": 2,
        "publicity": 1,
        "comment": "Tốt",
    }
    values.update(over)
    return values


def test_a_returned_dossier_is_rated_once(world: World, caplog: Any) -> None:
    d = returned(world)
    with caplog.at_level("INFO", logger="motcua.audit"):
        rating = rating_submit(dossier=d, user=None, answers=answers(), channel="tracking")
    assert rating.total_score == 10 and rating.satisfied
    assert any(d.code in r.getMessage() for r in caplog.records if r.name == "motcua.audit")
    with pytest.raises(IllegalTransition, match="already been rated"):
        rating_submit(dossier=d, user=None, answers=answers(satisfied=False))
    assert DossierRating.objects.get(dossier=d).satisfied is True


def test_the_unique_dossier_column_stops_a_concurrent_second_rating(world: World) -> None:
    d = returned(world)
    rating_submit(dossier=d, user=None, answers=answers())
    with pytest.raises(IntegrityError), transaction.atomic():
        DossierRating.objects.create(
            dossier=d,
            agency=d.competent_agency,
            satisfied=False,
            channel="portal",
            rated_at=timezone.now(),
            **{k: 0 for k in ("total_time", "agency_time", "contacts")},
            agencies_contacted=0,
            attitude=0,
            publicity=0,
        )


def test_refused_before_the_result_is_returned(world: World) -> None:
    d = world.accepted_birth()
    with pytest.raises(IllegalTransition, match="once its result has been returned"):
        rating_submit(dossier=d, user=None, answers=answers())
    assert not DossierRating.objects.exists()


def test_answers_are_validated(world: World) -> None:
    d = returned(world)
    with pytest.raises(InvalidInput) as caught:
        rating_submit(
            dossier=d, user=None, answers=answers(attitude=3, satisfied=None, comment="x" * 1001)
        )
    errors = caught.value.details["errors"]
    assert set(errors) == {"attitude", "satisfied", "comment"}
    assert not DossierRating.objects.exists()


def test_ratings_for_period_counts_dislikes_and_means(world: World) -> None:
    now = timezone.now()
    first, second, third = returned(world), returned(world), returned(world)
    rating_submit(dossier=first, user=None, answers=answers(), at=now)
    rating_submit(dossier=second, user=None, answers=answers(satisfied=False, attitude=0), at=now)
    # Outside the period.
    rating_submit(dossier=third, user=None, answers=answers(), at=now - dt.timedelta(days=40))
    start, end = now - dt.timedelta(days=1), now + dt.timedelta(days=1)
    summary = ratings_for_period([world.commune_a.pk], start, end)
    assert summary.rated == 2 and summary.disliked == 1
    assert summary.means["attitude"] == 1.0 and summary.means["total_time"] == 2.0
    assert disliked_dossier_ids([world.commune_a.pk], start, end) == [second.pk]
    empty = ratings_for_period([world.commune_b.pk], start, end)
    assert empty.rated == 0 and empty.means["attitude"] is None


def test_the_admin_lists_ratings_read_only(world: World, admin_client: Any) -> None:
    d = returned(world)
    rating = rating_submit(dossier=d, user=None, answers=answers(satisfied=False))
    listing = admin_client.get("/admin/quality/dossierrating/")
    assert listing.status_code == 200 and d.code in listing.content.decode()
    detail = admin_client.get(f"/admin/quality/dossierrating/{rating.pk}/change/")
    assert detail.status_code == 200
    assert 'name="satisfied"' not in detail.content.decode()  # nothing editable
    assert admin_client.get("/admin/quality/dossierrating/add/").status_code == 403
