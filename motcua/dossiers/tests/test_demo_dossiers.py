"""The demo dossiers: a few hundred filings in every state, made through the services.

The demo province, catalogue and officials are loaded once for the module, as
``motcua demo`` does, and rolled back at the end; every test reads the same dossiers.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from django.test import override_settings

from motcua.catalog.schemas import eform_data_errors
from motcua.core.management.commands.demo import CATALOG_DATA
from motcua.dossiers import ledger
from motcua.dossiers.demo import (
    DemoSummary,
    demo_pdf,
    load_demo_dossiers,
    personal_id_for,
    tax_code,
)
from motcua.dossiers.lifecycle import OPEN_ACCEPTED, State
from motcua.dossiers.models import (
    Channel,
    Document,
    Dossier,
    DossierEvent,
    DossierState,
    Payment,
    PaymentMethod,
    SupplementRequest,
)
from motcua.dossiers.uploads import check_upload
from motcua.org.models import ADMIN_UNIT_KINDS, PHONE_RE, AgencyKind
from motcua.org.personal_id import Sex, personal_id_problems, tax_code_problems
from motcua.worktime.calendar import VN_TZ, to_local
from motcua.worktime.deadlines import elapsed_working_time
from motcua.worktime.selectors import work_calendar

# pytest-django creates the test database only for tests that ask for it.
pytestmark = pytest.mark.django_db

COUNT = 120
NOW = dt.datetime(2026, 11, 25, 10, 0, tzinfo=VN_TZ)  # a Wednesday morning


@pytest.fixture(scope="module")
def demo(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[DemoSummary]:
    """The demo province with COUNT demo dossiers, loaded once and rolled back after."""
    import json

    from django.conf import settings

    from motcua.catalog.services import catalog_import
    from motcua.documents.certificates import ensure_demo_certificates
    from motcua.org.demo import load_demo_officials, load_province

    files = tmp_path_factory.mktemp("demo-files")
    storages = {
        **settings.STORAGES,
        "dossier_files": {
            "BACKEND": "motcua.dossiers.storage.ContentAddressedStorage",
            "OPTIONS": {"location": str(files)},
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
        # The demo seals electronic results with each agency's demo certificate.
        ensure_demo_certificates(directory=tmp_path_factory.mktemp("demo-ca"), now=NOW)
        yield load_demo_dossiers(count=COUNT, now=NOW)
        transaction.set_rollback(True)


def _events(d: Dossier) -> list[ledger.EventRow]:
    return [
        ledger.EventRow(
            seq=e.seq,
            action=e.action,
            actor_id=e.actor_id,
            actor_label=e.actor_label,
            at=e.at,
            from_state=e.from_state,
            to_state=e.to_state,
            reason=e.reason,
            data=e.data,
            prev_hash=e.prev_hash,
            hash=e.hash,
        )
        for e in d.events.order_by("seq")
    ]


# --- pure helpers ----------------------------------------------------------------------


def test_personal_ids_match_birth_date_and_sex() -> None:
    import random

    rng = random.Random(1)
    cases: list[tuple[dt.date, Sex]] = [
        (dt.date(1962, 3, 1), "male"),
        (dt.date(1999, 12, 31), "female"),
        (dt.date(2026, 1, 2), "male"),
        (dt.date(2004, 6, 6), "female"),
    ]
    for birth, sex in cases:
        number = personal_id_for(rng, birth, sex, "008")
        assert re.fullmatch(r"[0-9]{12}", number)
        assert personal_id_problems(
            number, birth_date=birth, sex=sex, today=dt.date(2026, 12, 31)
        ) == []  # fmt: skip


def test_tax_codes_have_a_valid_check_digit() -> None:
    import random

    rng = random.Random(7)
    codes = [tax_code(rng) for _ in range(200)]
    assert all(tax_code_problems(code) == [] for code in codes)
    assert all(code.startswith("50") and len(code) == 10 for code in codes)


def test_the_demo_pdf_is_a_real_pdf() -> None:
    content = demo_pdf()
    upload = check_upload(content, filename="a.pdf", max_bytes=len(content) + 1)
    assert upload.content_type == "application/pdf"
    assert len(content) < 2000


# --- the demo dossiers -----------------------------------------------------------------


def test_count_and_every_state(demo: DemoSummary) -> None:
    assert demo.created == COUNT
    assert Dossier.objects.filter(parent__isnull=True).count() == COUNT
    states = set(Dossier.objects.values_list("state", flat=True))
    assert states == set(DossierState.values)
    assert demo.by_state == dict(Counter(Dossier.objects.values_list("state", flat=True)))
    # Sensible proportions: most are finished and returned, every state a few at most.
    by_state = Counter(Dossier.objects.filter(parent__isnull=True).values_list("state", flat=True))
    assert by_state[State.RETURNED] == max(by_state.values())
    assert by_state[State.RETURNED] < COUNT // 2


def test_overdue_late_supplemented_extended_and_paid(demo: DemoSummary) -> None:
    waiting = [s for s in OPEN_ACCEPTED if s != State.SUPPLEMENT_REQUESTED]
    overdue = Dossier.objects.filter(state__in=waiting, due_at__lt=NOW).count()
    assert demo.overdue_open == overdue > 0
    in_time = Dossier.objects.filter(state__in=waiting, due_at__gt=NOW).count()
    assert in_time > 0
    assert demo.late > 0
    assert demo.supplemented == (
        SupplementRequest.objects.filter(at_intake=False, completed_at__isnull=False)
        .values("dossier")
        .distinct()
        .count()
    )
    assert demo.supplemented > 0
    assert SupplementRequest.objects.filter(at_intake=True).exists()
    assert demo.extended == Dossier.objects.filter(extensions=1).count() > 0
    for d in Dossier.objects.filter(extensions=1):
        assert d.due_at is not None and d.original_due_at is not None
        assert d.due_at > d.original_due_at
    assert demo.paid_at_counter > 0
    assert Payment.objects.exclude(method=PaymentMethod.COUNTER).exists()


def test_processing_at_different_steps(demo: DemoSummary) -> None:
    steps = set(
        Dossier.objects.filter(
            state=State.PROCESSING, parent__isnull=True, procedure_group=None
        ).values_list("current_step", flat=True)
    )
    assert {1, 2} <= steps
    assert DossierEvent.objects.filter(action="return_to_previous").exists()
    assert DossierEvent.objects.filter(action="refuse", from_state=State.PROCESSING).exists()
    assert DossierEvent.objects.filter(action="refuse", from_state__in=["received", "submitted"])


def test_interconnected_groups_are_processed_by_their_parts(demo: DemoSummary) -> None:
    groups = Dossier.objects.filter(procedure_group__code="lien-thong-khai-sinh")
    assert demo.interconnected == groups.count() >= 2
    assert demo.parts == Dossier.objects.filter(parent__isnull=False).count() > 0
    assert groups.filter(state=State.RETURNED).exists()
    assert groups.filter(state=State.PROCESSING).exists()
    for group in groups.exclude(accepted_at=None):
        parts = list(group.children.select_related("competent_agency"))
        kinds = {p.competent_agency.kind for p in parts}
        assert AgencyKind.CENTRAL_LOCAL in kinds  # the police
        commune_parts = [p for p in parts if p.competent_agency.kind in ADMIN_UNIT_KINDS]
        assert [p.competent_agency_id for p in commune_parts] == [group.competent_agency_id]
        if group.state == State.RETURNED:
            assert {p.state for p in parts} == {State.RETURNED}


def test_every_chain_verifies_and_time_moves_forward(demo: DemoSummary) -> None:
    cal = work_calendar(NOW.year - 1, NOW.year + 1)
    start = NOW - dt.timedelta(days=61)
    for d in Dossier.objects.all():
        events = _events(d)
        report = ledger.verify_chain(
            dossier_id=d.pk,
            code=d.code,
            state=d.state,
            event_count=d.event_count,
            last_event_hash=d.last_event_hash,
            events=events,
        )
        assert report.ok, (d.code, report.problems)
        times = [e.at for e in events]
        assert times == sorted(times) and len(set(times)) == len(times), d.code
        assert start <= times[0] and times[-1] < NOW, d.code
        for at in times:
            local = to_local(at)
            assert any(a <= local < b for a, b in cal.periods(local.date())), (d.code, local)


def test_second_call_creates_nothing_and_is_fast(demo: DemoSummary) -> None:
    dossiers, events = Dossier.objects.count(), DossierEvent.objects.count()
    started = time.monotonic()
    again = load_demo_dossiers(count=COUNT, now=NOW)
    assert time.monotonic() - started < 2
    assert again.created == 0
    assert (Dossier.objects.count(), DossierEvent.objects.count()) == (dossiers, events)
    assert again.by_state == demo.by_state
    assert again.overdue_open == demo.overdue_open


def test_applicants_look_real(demo: DemoSummary) -> None:
    top = list(Dossier.objects.filter(parent__isnull=True))
    names = [d.applicant_name for d in top]
    assert sum(not n.isascii() for n in names) >= 0.9 * len(names)
    assert any(d.applicant_kind == "organisation" for d in top)
    for d in top:
        if d.applicant_kind == "person":
            assert personal_id_problems(
                d.applicant_personal_id, birth_date=d.applicant_birth_date, today=NOW.date()
            ) == [], d.code  # fmt: skip
        else:
            assert tax_code_problems(d.applicant_org_code) == [], d.code
        assert re.match(PHONE_RE, d.applicant_phone), d.code
        assert "tỉnh Tuyên Quang" in d.applicant_address


def test_eforms_are_valid_and_papers_attached(demo: DemoSummary) -> None:
    singles = Dossier.objects.filter(procedure_group=None, parent=None).select_related(
        "procedure_version"
    )
    for d in singles:
        version = d.procedure_version
        assert version is not None
        assert eform_data_errors(version.eform_schema, d.eform_data) == {}, d.code
        if d.channel in {Channel.ONLINE, Channel.VNEID}:
            mandatory = set(version.documents.filter(mandatory=True).values_list("pk", flat=True))
            given = set(d.documents.values_list("required_document_id", flat=True))
            assert mandatory <= given, d.code
    sizes = set(Document.objects.values_list("sha256", flat=True))
    assert len(sizes) == 1  # one shared PDF, stored once


def test_channels_reception_and_waiting_online_filings(demo: DemoSummary) -> None:
    top = Dossier.objects.filter(parent__isnull=True).select_related(
        "receiving_agency__parent", "competent_agency"
    )
    assert set(top.values_list("channel", flat=True)) == set(Channel.values)
    assert all(top.filter(channel=Channel.VNEID).values_list("identity_verified_vneid", flat=True))
    # Received at another commune's centre than the commune that decides.
    assert any(
        d.competent_agency.kind in ADMIN_UNIT_KINDS
        and d.receiving_agency.parent_id != d.competent_agency_id
        for d in top
    )
    assert top.filter(receiving_agency__kind=AgencyKind.PROVINCE_CENTER).exists()
    # Some online filings have waited for intake more than eight working hours.
    cal = work_calendar(NOW.year - 1, NOW.year + 1)
    waited = [
        elapsed_working_time(cal, d.received_at, NOW) for d in top.filter(state=State.SUBMITTED)
    ]
    assert any(w > dt.timedelta(hours=8) for w in waited)
    assert any(w < dt.timedelta(hours=8) for w in waited)
