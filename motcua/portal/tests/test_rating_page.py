"""Rating a returned dossier from the portal: fieldsets with the 2/1/0 answers in words,
like/dislike, once; refused before the result is returned; other citizens 404; the lookup
secret holder may rate too."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from motcua.citizens.tests.helpers import sign_in_citizen
from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.factories import World
from motcua.portal.tests.follow_steps import applicant_citizen, returned, stranger, text
from motcua.quality.models import DossierRating, RatingChannel

ANSWERS = {
    "satisfied": "0",
    "total_time": "2",
    "agency_time": "1",
    "contacts": "2",
    "agencies_contacted": "2",
    "attitude": "0",
    "publicity": "1",
    "comment": "Cán bộ chưa nhiệt tình",
}


def post(client: Any, d: Dossier, **over: str) -> Any:
    return client.post(reverse("portal:rate", args=[d.code]), {**ANSWERS, **over})


def test_the_form_asks_each_indicator_in_words(world: World, client: Any) -> None:
    d = returned(world)
    sign_in_citizen(client, applicant_citizen())
    response = client.get(reverse("portal:rate", args=[d.code]))
    body = response.content.decode()
    assert response.status_code == 200
    assert body.count("<fieldset") == 7 and body.count("<legend>") == 7
    assert "Less than the legal time" in text(response) and "Rude or unhelpful" in text(response)
    assert 'type="radio"' in body and "<script" not in body


def test_the_owner_rates_once(world: World, client: Any) -> None:
    citizen = applicant_citizen()
    d = returned(world)
    sign_in_citizen(client, citizen)
    response = post(client, d)
    assert response.status_code == 302
    rating = DossierRating.objects.get(dossier=d)
    assert rating.satisfied is False and rating.attitude == 0 and rating.agency_time == 1
    assert rating.comment == "Cán bộ chưa nhiệt tình"
    assert rating.rater == citizen.user and rating.channel == RatingChannel.PORTAL
    assert rating.agency == d.competent_agency
    assert "You have rated this dossier. Thank you." in text(
        client.get(reverse("portal:dossier", args=[d.code]))
    )

    again = post(client, d, satisfied="1")
    assert again.status_code == 409
    assert "already been rated" in text(again)
    assert DossierRating.objects.filter(dossier=d).count() == 1
    assert DossierRating.objects.get(dossier=d).satisfied is False


def test_missing_answers_are_shown_next_to_their_question(world: World, client: Any) -> None:
    d = returned(world)
    sign_in_citizen(client, applicant_citizen())
    response = post(client, d, attitude="", satisfied="")
    assert response.status_code == 422
    body = response.content.decode()
    assert 'aria-describedby="id_attitude_error"' in body
    assert "Choose whether you are satisfied or not." in text(response)
    assert not DossierRating.objects.exists()


def test_not_before_the_result_is_returned(world: World, client: Any) -> None:
    d = world.accepted_birth()
    sign_in_citizen(client, applicant_citizen())
    assert "can be rated once its result has been returned" in text(
        client.get(reverse("portal:rate", args=[d.code]))
    )
    response = post(client, d)
    assert response.status_code == 409
    assert not DossierRating.objects.exists()


def test_another_citizen_gets_404(world: World, client: Any) -> None:
    d = returned(world)
    sign_in_citizen(client, stranger())
    assert client.get(reverse("portal:rate", args=[d.code])).status_code == 404
    assert post(client, d).status_code == 404
    assert not DossierRating.objects.exists()


def test_the_secret_holder_rates_from_the_tracking_page(world: World, client: Any) -> None:
    d = returned(world)
    page = client.get(f"{reverse('portal:track')}?code={d.code}&k={d.lookup_secret}")
    assert f"{reverse('portal:rate', args=[d.code])}?k={d.lookup_secret}" in page.content.decode()
    response = post(client, d, k=d.lookup_secret)
    assert response.status_code == 302
    rating = DossierRating.objects.get(dossier=d)
    assert rating.rater is None and rating.channel == RatingChannel.TRACKING
