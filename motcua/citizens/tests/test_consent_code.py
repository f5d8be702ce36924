"""Consent by a one-time code: sent through the notification outbox, checked in constant
time, 5 attempts, 10 minutes, once, only by the member who asked for it."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from django.utils import timezone

from motcua.citizens.consent import (
    MAX_ATTEMPTS,
    consent_check_usable,
    consent_confirm_code,
    consent_problem,
    consent_request_code,
    consent_resend_code,
)
from motcua.citizens.models import AssistanceConsent
from motcua.citizens.tests.teams_factories import (
    MAI,
    MEMBER_OTHER,
    make_member,
    make_team,
    sent_code,
)
from motcua.core.errors import Forbidden, InvalidInput
from motcua.notifications.models import Notification
from motcua.org.models import User

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

T0 = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def setup(world):
    team = make_team(world.commune_a)
    member = make_member(team)
    return team, member.user


def _request(team, user, at=T0, **over):
    return consent_request_code(member_user=user, team=team, **{**MAI, **over}, at=at)


def test_code_is_sent_hashed_and_grants_consent(setup, caplog) -> None:
    team, user = setup
    caplog.set_level(logging.INFO, logger="motcua.audit")
    consent = _request(team, user)
    sms = Notification.objects.get(purpose="consent_code")
    assert sms.channel == "sms" and sms.recipient == MAI["phone"]
    assert "Hoàng Văn Pá" in sms.body and team.name in sms.body
    code = sent_code(MAI["phone"])
    assert code not in consent.code_hash and len(consent.code_hash) > 64
    assert consent.code_expires_at == T0 + dt.timedelta(minutes=10)
    assert consent.granted_at is None

    granted = consent_confirm_code(
        consent=consent, member_user=user, code=code, at=T0 + dt.timedelta(minutes=3)
    )
    assert granted.granted_at == T0 + dt.timedelta(minutes=3)
    assert consent_problem(granted, member_user=user, at=T0 + dt.timedelta(hours=1)) is None
    assert "code_sent" in caplog.text and "granted" in caplog.text
    assert code not in caplog.text


def test_wrong_code_counts_attempts_until_locked(setup) -> None:
    team, user = setup
    consent = _request(team, user)
    code = sent_code(MAI["phone"])
    wrong = "000000" if code != "000000" else "111111"
    for attempt in range(1, MAX_ATTEMPTS + 1):
        with pytest.raises(InvalidInput) as exc:
            consent_confirm_code(consent=consent, member_user=user, code=wrong, at=T0)
        assert AssistanceConsent.objects.get(pk=consent.pk).attempts == attempt
        assert "code" in exc.value.details["errors"]
    # The right code no longer works after 5 wrong ones.
    with pytest.raises(InvalidInput) as exc:
        consent_confirm_code(consent=consent, member_user=user, code=code, at=T0)
    assert exc.value.code == "consent_code_locked"
    assert AssistanceConsent.objects.get(pk=consent.pk).granted_at is None


def test_expired_code_is_refused(setup) -> None:
    team, user = setup
    consent = _request(team, user)
    code = sent_code(MAI["phone"])
    with pytest.raises(InvalidInput) as exc:
        consent_confirm_code(
            consent=consent, member_user=user, code=code, at=T0 + dt.timedelta(minutes=10)
        )
    assert exc.value.code == "consent_code_expired"
    assert AssistanceConsent.objects.get(pk=consent.pk).granted_at is None


def test_code_works_once(setup) -> None:
    team, user = setup
    consent = _request(team, user)
    code = sent_code(MAI["phone"])
    consent_confirm_code(consent=consent, member_user=user, code=code, at=T0)
    with pytest.raises(InvalidInput) as exc:
        consent_confirm_code(consent=consent, member_user=user, code=code, at=T0)
    assert exc.value.code == "consent_code_used"


def test_resend_waits_a_minute_and_replaces_the_code(setup) -> None:
    team, user = setup
    consent = _request(team, user)
    first = sent_code(MAI["phone"])
    with pytest.raises(InvalidInput) as exc:
        _request(team, user, at=T0 + dt.timedelta(seconds=30))
    assert exc.value.code == "consent_code_too_soon"
    with pytest.raises(InvalidInput):
        consent_resend_code(consent=consent, member_user=user, at=T0 + dt.timedelta(seconds=59))
    assert Notification.objects.filter(purpose="consent_code").count() == 1

    again = consent_resend_code(consent=consent, member_user=user, at=T0 + dt.timedelta(seconds=61))
    assert again.pk == consent.pk
    assert Notification.objects.filter(purpose="consent_code").count() == 2
    second = sent_code(MAI["phone"])
    if second != first:
        with pytest.raises(InvalidInput):
            consent_confirm_code(
                consent=again, member_user=user, code=first, at=T0 + dt.timedelta(seconds=62)
            )
    consent_confirm_code(
        consent=again, member_user=user, code=second, at=T0 + dt.timedelta(seconds=63)
    )
    # Asking again for the same citizen reuses the pending consent instead of a new row.
    assert AssistanceConsent.objects.count() == 1


def test_another_member_cannot_confirm_or_use(setup, world) -> None:
    team, user = setup
    other = make_member(team, **MEMBER_OTHER).user
    consent = _request(team, user)
    code = sent_code(MAI["phone"])
    with pytest.raises(Forbidden):
        consent_confirm_code(consent=consent, member_user=other, code=code, at=T0)
    granted = consent_confirm_code(consent=consent, member_user=user, code=code, at=T0)
    with pytest.raises(Forbidden):
        consent_check_usable(consent=granted, member_user=other, at=T0)
    consent_check_usable(consent=granted, member_user=user, at=T0)


def test_consent_is_usable_24_hours(setup) -> None:
    team, user = setup
    consent = _request(team, user)
    granted = consent_confirm_code(
        consent=consent, member_user=user, code=sent_code(MAI["phone"]), at=T0
    )
    consent_check_usable(consent=granted, member_user=user, at=T0 + dt.timedelta(hours=24))
    with pytest.raises(InvalidInput) as exc:
        consent_check_usable(
            consent=granted, member_user=user, at=T0 + dt.timedelta(hours=24, seconds=1)
        )
    assert "24" in exc.value.message


def test_only_members_of_the_team_may_ask(world) -> None:
    team = make_team(world.commune_a)
    outsider = User.objects.create_user(username="citizen-008090123456")
    with pytest.raises(Forbidden):
        consent_request_code(member_user=outsider, team=team, **MAI)
    assert not AssistanceConsent.objects.exists()
    assert not Notification.objects.exists()


def test_bad_details_are_refused_field_by_field(setup) -> None:
    team, user = setup
    with pytest.raises(InvalidInput) as exc:
        consent_request_code(
            member_user=user, team=team, citizen_name=" ", personal_id="12345", phone="12"
        )
    errors = exc.value.details["errors"]
    assert set(errors) == {"citizen_name", "personal_id", "phone"}
    assert "12" in errors["personal_id"]
    assert not AssistanceConsent.objects.exists()


def test_name_is_normalised_to_nfc(setup) -> None:
    import unicodedata

    team, user = setup
    decomposed = unicodedata.normalize("NFD", "Lý  Thị Mai")
    consent = _request(team, user, citizen_name=decomposed, at=timezone.now())
    assert consent.citizen_name == "Lý Thị Mai"
