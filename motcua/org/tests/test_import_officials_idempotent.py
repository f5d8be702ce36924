"""Importing the same file again changes nothing: no INSERT, no UPDATE, nothing counted."""

from __future__ import annotations

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from motcua.org.models import Role, RoleAssignment, User
from motcua.org.onboarding import import_officials
from motcua.org.tests.factories import (
    make_commune,
    make_commune_center,
    make_province,
    make_user,
    official_row,
    officials_workbook,
)

pytestmark = pytest.mark.django_db

WRITES = ("INSERT", "UPDATE", "DELETE")


@pytest.fixture
def commune():
    return make_commune("UBND xã Tân Trào", make_province())


def _file(commune, center) -> bytes:
    return officials_workbook(
        [
            official_row(
                commune.identifier,
                "Nguyễn Thị Hoa",
                "hoant",
                "Lãnh đạo, Chuyên viên",
                email="HoaNT@TanTrao.gov.vn",
                phone="0912 345 678",
                job_title="Chủ tịch UBND xã",
            ),
            official_row(
                center.identifier, "Trần Văn Bình", "binhtv", "reception_officer", phone=912345679
            ),
            official_row(center.identifier, "Lý Mùi", "muily", "auditor"),
        ]
    )


def _state():
    users = list(User.objects.order_by("pk").values_list(*[f.attname for f in User._meta.fields]))
    roles = list(
        RoleAssignment.objects.order_by("pk").values_list(
            "user_id", "role", "agency_id", "granted_at"
        )
    )
    return users, roles


def test_second_import_of_the_same_file_writes_nothing(commune):
    center = make_commune_center(commune)
    data = _file(commune, center)
    first = import_officials(io.BytesIO(data))
    assert (first.created, first.updated) == (3, 0)
    before = _state()

    with CaptureQueriesContext(connection) as queries:
        second = import_officials(io.BytesIO(data))

    assert second.ok
    assert (second.created, second.updated, second.unchanged) == (0, 0, 3)
    assert second.credentials == []
    statements = [q["sql"].lstrip().upper() for q in queries.captured_queries]
    assert statements, "the import must at least read"
    assert [s for s in statements if s.startswith(WRITES) or "SAVEPOINT" in s] == []
    assert _state() == before


def test_blank_optional_cells_and_dropped_roles_change_nothing(commune):
    hoa = make_user(
        "hoant",
        agency=commune,
        roles=[Role.LEADER, Role.AUDITOR],
        first_name="Hoa",
        last_name="Nguyễn Thị",
        email="hoant@tantrao.gov.vn",
        phone="0912345678",
        job_title="Chủ tịch UBND xã",
    )
    before = _state()
    # The sender left e-mail, phone and job title blank and listed one of two roles.
    data = officials_workbook(
        [official_row(commune.identifier, "Nguyễn Thị Hoa", "hoant", "leader")]
    )

    with CaptureQueriesContext(connection) as queries:
        report = import_officials(io.BytesIO(data))

    assert (report.created, report.updated, report.unchanged) == (0, 0, 1)
    assert not any(q["sql"].lstrip().upper().startswith(WRITES) for q in queries.captured_queries)
    assert _state() == before
    assert set(hoa.role_assignments.values_list("role", flat=True)) == {"leader", "auditor"}


def test_validation_reads_do_not_grow_with_the_number_of_rows(commune):
    small = officials_workbook(
        [
            official_row(commune.identifier, f"Cán Bộ {i}", f"canbo{i}", "specialist")
            for i in range(3)
        ]
    )
    large = officials_workbook(
        [
            official_row(commune.identifier, f"Cán Bộ {i}", f"canbo{i}", "specialist")
            for i in range(60)
        ]
    )

    with CaptureQueriesContext(connection) as few:
        assert import_officials(io.BytesIO(small), dry_run=True).created == 3
    with CaptureQueriesContext(connection) as many:
        assert import_officials(io.BytesIO(large), dry_run=True).created == 60

    assert len(many.captured_queries) == len(few.captured_queries) <= 5
