"""Consent by code, hardened: the code goes only to the phone on the citizen's verified
account; wrong codes count over the consent's life and resends are capped; a member who is
no longer active cannot confirm or use a consent; only a code to the verified phone opens
the citizen's data store."""

from __future__ import annotations

import datetime as dt

import pytest

from motcua.citizens.consent import (
    MAX_ATTEMPTS,
    MAX_RESENDS,
    RESTART_AFTER,
    consent_check_usable,
    consent_confirm_code,
    consent_from_document,
    consent_opens_data_store,
    consent_problem,
    consent_request_code,
    consent_resend_code,
)
from motcua.citizens.models import AssistanceConsent, DigitalTeamMember
from motcua.citizens.tests.helpers import make_citizen
from motcua.citizens.tests.teams_factories import (
    MAI,
    make_member,
    make_team,
    sent_code,
)
from motcua.core.errors import Forbidden, InvalidInput
from motcua.dossiers.tests.factories import pdf_bytes
from motcua.notifications.models import Notification

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

T0 = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)
MINUTE = dt.timedelta(minutes=1)
NOT_VERIFIED = (
    "This is not the phone on the citizen's verified account; the code can only be sent to "
    "that phone."
)
MAI_VERIFIED_PHONE = "0988777666"


@pytest.fixture
def setup(world):
    team = make_team(world.commune_a)
    member = make_member(team)
    return team, member.user


@pytest.fixture
def mai_account():
    """Lý Thị Mai signed in once: the identity provider vouched for her phone."""
    return make_citizen(
        personal_id=MAI["personal_id"], full_name=MAI["citizen_name"], phone=MAI_VERIFIED_PHONE
    )


def _request(team, user, at=T0, **over):
    return consent_request_code(member_user=user, team=team, **{**MAI, **over}, at=at)


def _wrong(phone: str = MAI["phone"]) -> str:
    return "000000" if sent_code(phone) != "000000" else "111111"


# --- the verified phone --------------------------------------------------------------------


def test_code_is_refused_for_another_phone_than_the_verified_one(setup, mai_account) -> None:
    team, user = setup
    # The member types Mai's personal ID and their own phone.
    with pytest.raises(InvalidInput) as exc:
        _request(team, user, phone="0987654321")
    assert exc.value.code == "consent_phone_not_verified"
    assert exc.value.details["errors"]["phone"] == NOT_VERIFIED
    assert not AssistanceConsent.objects.exists()
    assert not Notification.objects.filter(purpose="consent_code").exists()


def test_code_goes_to_the_verified_phone_and_opens_the_data_store(setup, mai_account) -> None:
    team, user = setup
    consent = _request(team, user, phone="+84 988 777 666")  # the same phone, another form
    assert consent.phone == MAI_VERIFIED_PHONE
    sms = Notification.objects.get(purpose="consent_code")
    assert sms.recipient == MAI_VERIFIED_PHONE
    assert not consent_opens_data_store(consent)  # not given yet
    granted = consent_confirm_code(
        consent=consent, member_user=user, code=sent_code(MAI_VERIFIED_PHONE), at=T0
    )
    assert consent_opens_data_store(granted)


def test_a_code_to_an_unverified_phone_does_not_open_the_data_store(setup) -> None:
    team, user = setup
    # Mai has no account: the typed phone is used, but nobody vouched for it.
    consent = _request(team, user)
    granted = consent_confirm_code(
        consent=consent, member_user=user, code=sent_code(MAI["phone"]), at=T0
    )
    consent_check_usable(consent=granted, member_user=user, at=T0)
    assert not consent_opens_data_store(granted)


def test_a_signed_form_does_not_open_the_data_store(setup, mai_account) -> None:
    team, user = setup
    consent = consent_from_document(
        member_user=user,
        team=team,
        **{**MAI, "phone": MAI_VERIFIED_PHONE},
        upload=pdf_bytes("dong y"),
        filename="dong-y.pdf",
    )
    assert consent.granted_at is not None
    assert not consent_opens_data_store(consent)


def test_resend_is_refused_once_the_citizen_has_a_verified_phone(setup) -> None:
    team, user = setup
    consent = _request(team, user)
    # Mai signs in meanwhile, with another phone than the one typed.
    make_citizen(
        personal_id=MAI["personal_id"], full_name=MAI["citizen_name"], phone=MAI_VERIFIED_PHONE
    )
    with pytest.raises(InvalidInput) as exc:
        consent_resend_code(consent=consent, member_user=user, at=T0 + 2 * MINUTE)
    assert exc.value.code == "consent_phone_not_verified"
    assert Notification.objects.filter(purpose="consent_code").count() == 1


# --- attempts and resends ------------------------------------------------------------------


def test_resending_does_not_reset_the_wrong_attempts(setup) -> None:
    team, user = setup
    consent = _request(team, user)
    for _n in range(MAX_ATTEMPTS - 1):
        with pytest.raises(InvalidInput):
            consent_confirm_code(consent=consent, member_user=user, code=_wrong(), at=T0)
    consent = consent_resend_code(consent=consent, member_user=user, at=T0 + 2 * MINUTE)
    assert AssistanceConsent.objects.get(pk=consent.pk).attempts == MAX_ATTEMPTS - 1
    with pytest.raises(InvalidInput) as exc:
        consent_confirm_code(consent=consent, member_user=user, code=_wrong(), at=T0 + 3 * MINUTE)
    assert "Start again in" in exc.value.message
    # Locked: the right code no longer works, and no new code is sent.
    with pytest.raises(InvalidInput) as exc:
        consent_confirm_code(
            consent=consent, member_user=user, code=sent_code(MAI["phone"]), at=T0 + 3 * MINUTE
        )
    assert exc.value.code == "consent_code_locked"
    with pytest.raises(InvalidInput) as exc:
        consent_resend_code(consent=consent, member_user=user, at=T0 + 5 * MINUTE)
    assert exc.value.code == "consent_code_locked"
    with pytest.raises(InvalidInput) as exc:
        _request(team, user, at=T0 + 5 * MINUTE)
    assert exc.value.code == "consent_code_locked"
    assert Notification.objects.filter(purpose="consent_code").count() == 2
    assert AssistanceConsent.objects.get(pk=consent.pk).granted_at is None


def test_resends_are_capped_then_start_again_later(setup) -> None:
    team, user = setup
    consent = _request(team, user)
    at = T0
    for n in range(MAX_RESENDS):
        at += 2 * MINUTE
        consent = consent_resend_code(consent=consent, member_user=user, at=at)
        assert consent.codes_sent == n + 2
    at += 2 * MINUTE
    with pytest.raises(InvalidInput) as exc:
        consent_resend_code(consent=consent, member_user=user, at=at)
    assert exc.value.code == "consent_too_many_codes"
    assert "Start again in 58 minutes" in exc.value.message  # an hour after the last
    # Asking again from the start page does not get round the cap.
    with pytest.raises(InvalidInput) as exc:
        _request(team, user, at=at)
    assert exc.value.code == "consent_too_many_codes"
    assert exc.value.details["errors"]["phone"]
    assert Notification.objects.filter(purpose="consent_code").count() == 1 + MAX_RESENDS
    # The last code still works while valid.
    consent_confirm_code(consent=consent, member_user=user, code=sent_code(MAI["phone"]), at=at)


def test_an_hour_after_the_last_code_a_new_consent_can_be_asked(setup) -> None:
    team, user = setup
    consent = _request(team, user)
    for _n in range(MAX_ATTEMPTS):
        with pytest.raises(InvalidInput):
            consent_confirm_code(consent=consent, member_user=user, code=_wrong(), at=T0)
    fresh = _request(team, user, at=T0 + RESTART_AFTER + MINUTE)
    assert fresh.pk != consent.pk and fresh.attempts == 0 and fresh.codes_sent == 1


# --- membership ----------------------------------------------------------------------------


def test_a_deactivated_member_cannot_confirm(setup) -> None:
    team, user = setup
    consent = _request(team, user)
    DigitalTeamMember.objects.filter(user=user).update(active=False)
    with pytest.raises(Forbidden):
        consent_confirm_code(consent=consent, member_user=user, code=sent_code(MAI["phone"]), at=T0)
    assert AssistanceConsent.objects.get(pk=consent.pk).granted_at is None


@pytest.mark.parametrize("what", ["member", "team"])
def test_a_granted_consent_is_not_usable_once_deactivated(setup, what) -> None:
    team, user = setup
    consent = _request(team, user)
    granted = consent_confirm_code(
        consent=consent, member_user=user, code=sent_code(MAI["phone"]), at=T0
    )
    if what == "member":
        DigitalTeamMember.objects.filter(user=user).update(active=False)
    else:
        team.active = False
        team.save(update_fields=["active"])
    granted = AssistanceConsent.objects.get(pk=granted.pk)
    assert consent_problem(granted, member_user=user, at=T0) is not None
    with pytest.raises(Forbidden):
        consent_check_usable(consent=granted, member_user=user, at=T0)
