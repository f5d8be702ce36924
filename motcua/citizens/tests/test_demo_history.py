"""The demo citizen's history: two dossiers of Đặng Thị Hương Giang, made through the
services on the demo province (without the 300 demo dossiers)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import transaction
from django.test import TestCase, override_settings

from motcua.catalog.models import RequiredDocument
from motcua.citizens.demo_history import (
    GIANG,
    RESULT_NAME,
    SUPPLEMENT_ITEM,
    ensure_demo_citizen_history,
)
from motcua.citizens.models import DataStoreItem, StoreItemKind
from motcua.citizens.services import citizen_sign_in, store_items_for, store_key, store_keys_match
from motcua.core.management.commands.demo import CATALOG_DATA
from motcua.dossiers.audit import verify_all
from motcua.dossiers.lifecycle import State
from motcua.dossiers.models import Channel, Dossier, DossierEvent, ResultKind
from motcua.notifications.models import Notification
from motcua.portal.selectors_follow import citizen_dossiers
from motcua.worktime.calendar import VN_TZ, to_local
from motcua.worktime.selectors import work_calendar

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 25, 10, 0, tzinfo=VN_TZ)  # a Wednesday morning
# What the history queued to run after commit (notifications, sync): nothing.
QUEUED: list[Any] = []


@pytest.fixture(scope="module")
def history(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[list[Dossier]]:
    """The demo province, catalogue, officials and certificates, then Giang's history;
    loaded once for the module and rolled back after."""
    from motcua.catalog.services import catalog_import
    from motcua.documents.certificates import ensure_demo_certificates
    from motcua.org.demo import load_demo_officials, load_province

    storages = {
        **settings.STORAGES,
        "dossier_files": {
            "BACKEND": "motcua.dossiers.storage.ContentAddressedStorage",
            "OPTIONS": {"location": str(tmp_path_factory.mktemp("demo-files"))},
        },
    }
    hashers = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with (
        django_db_blocker.unblock(),
        override_settings(STORAGES=storages, PASSWORD_HASHERS=hashers),
        transaction.atomic(),
    ):
        loaded = load_province(8)
        for path in sorted(Path(CATALOG_DATA).glob("*.json")):
            with path.open(encoding="utf-8") as f:
                catalog_import(json.load(f))
        load_demo_officials(loaded.province)
        ensure_demo_certificates(directory=tmp_path_factory.mktemp("demo-ca"), now=NOW)
        with TestCase.captureOnCommitCallbacks() as callbacks:
            dossiers = ensure_demo_citizen_history(now=NOW)
        QUEUED.extend(callbacks)
        yield dossiers
        transaction.set_rollback(True)


def test_two_online_dossiers_verified_by_the_identity_provider(history: list[Dossier]) -> None:
    assert len(history) == 2
    issuer = f"{settings.MOTCUA_PUBLIC_URL}/dev/idp/o"
    for d in history:
        assert d.applicant_personal_id == GIANG.personal_id
        assert d.applicant_name == GIANG.full_name
        assert d.channel == Channel.ONLINE
        assert d.identity_verified_vneid
        first = d.events.get(seq=1)
        assert first.data["identity"] == {"method": "oidc", "issuer": issuer}
        assert d.receiving_agency.parent_id == d.competent_agency_id


def test_birth_registration_returned_with_a_signed_result(history: list[Dossier]) -> None:
    birth = history[0]
    assert birth.procedure_version is not None
    assert birth.procedure_version.procedure.code == "1.001193"
    assert birth.state == State.RETURNED
    result = birth.results.get()
    assert result.name == RESULT_NAME
    assert result.kind == ResultKind.ELECTRONIC
    assert result.signed_at is not None and result.signed_by is not None
    assert len(result.sha256) == 64
    signed = birth.events.get(action="sign_result")
    entry = signed.data["results"][0]
    assert entry["sha256"] == result.sha256
    assert entry["unsigned_sha256"] != result.sha256  # the file was sealed


def test_second_dossier_waits_for_a_supplement(history: list[Dossier]) -> None:
    change = history[1]
    assert change.state == State.SUPPLEMENT_REQUESTED
    request = change.supplements.get()
    assert request.items == [SUPPLEMENT_ITEM]
    assert not request.at_intake and request.completed_at is None
    assert request.requested_by is not None
    assert change.current_step == 1


def test_backdated_in_office_hours_and_in_order(history: list[Dossier]) -> None:
    cal = work_calendar(NOW.year - 1, NOW.year + 1)
    birth, change = history
    assert NOW - dt.timedelta(days=25) < birth.received_at < NOW - dt.timedelta(days=19)
    assert NOW - dt.timedelta(days=9) < change.received_at < NOW - dt.timedelta(days=4)
    for d in history:
        times = list(d.events.order_by("seq").values_list("at", flat=True))
        assert times == sorted(times) and times[-1] < NOW
        for at in times:
            local = to_local(at)
            assert cal.is_working_day(local.date())
            assert any(o <= at < c for o, c in cal.periods(local.date())), at


def test_no_side_effect_queued_for_history(history: list[Dossier]) -> None:
    assert QUEUED == []
    assert not Notification.objects.filter(dossier__in=history).exists()


def test_data_store_holds_her_papers_and_result(history: list[Dossier]) -> None:
    items = DataStoreItem.objects.filter(personal_id=GIANG.personal_id)
    results = [i for i in items if i.kind == StoreItemKind.RESULT]
    assert len(results) == 1
    assert results[0].key == store_key(RESULT_NAME)
    assert results[0].sha256 == history[0].results.get().sha256
    assert items.filter(kind=StoreItemKind.PAPER).count() == 3
    # A later procedure asking for a copy of the birth certificate finds the result.
    copy = RequiredDocument.objects.filter(
        version__procedure__code="1.004884", name__startswith="Bản sao Giấy khai sinh"
    ).first()
    assert copy is not None
    assert store_keys_match(results[0].key, store_key(copy.name))
    assert results[0] in store_items_for(GIANG.personal_id, copy)


def test_her_portal_lists_both_once_she_signs_in(history: list[Dossier]) -> None:
    citizen = citizen_sign_in(
        {
            "sub": "giang",
            settings.MOTCUA_OIDC_PERSONAL_ID_CLAIM: GIANG.personal_id,
            "name": GIANG.full_name,
        },
        f"{settings.MOTCUA_PUBLIC_URL}/dev/idp/o",
    )
    assert {d.pk for d in citizen_dossiers(citizen)} == {d.pk for d in history}


def test_again_creates_nothing(history: list[Dossier]) -> None:
    dossiers, events = Dossier.objects.count(), DossierEvent.objects.count()
    items = DataStoreItem.objects.count()
    again = ensure_demo_citizen_history(now=NOW)
    assert [d.pk for d in again] == [d.pk for d in history]
    assert (Dossier.objects.count(), DossierEvent.objects.count()) == (dossiers, events)
    assert DataStoreItem.objects.count() == items


def test_ledger_chain_intact(history: list[Dossier]) -> None:
    reports = list(verify_all())
    assert reports and all(r.ok for r in reports), [r for r in reports if not r.ok]
