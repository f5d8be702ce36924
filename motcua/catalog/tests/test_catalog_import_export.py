import json

import pytest

from motcua.catalog.models import Procedure, ProcedureVersion, VersionStatus
from motcua.catalog.services import CatalogError, catalog_export, catalog_import
from motcua.catalog.tests.factories import document, procedure

pytestmark = pytest.mark.django_db


def test_import_creates_a_published_version_with_documents_and_fees():
    result = catalog_import(document())
    assert result.created == ["1.001193"]
    version = Procedure.objects.get(code="1.001193").current_version
    assert version is not None
    assert version.name == "Đăng ký khai sinh"
    assert version.status == VersionStatus.PUBLISHED
    assert [d.name for d in version.documents.all()] == [
        "Tờ khai đăng ký khai sinh",
        "Giấy chứng sinh",
    ]
    assert [d.reusable for d in version.documents.all()] == [False, True]
    assert version.cutoff_time.strftime("%H:%M") == "15:00"
    assert [(f.name, f.amount) for f in version.fees.all()] == [("Lệ phí đăng ký khai sinh", 0)]


def test_reimporting_the_same_document_changes_nothing():
    catalog_import(document())
    before = list(ProcedureVersion.objects.values_list("pk", "number", "status"))
    result = catalog_import(document())
    assert result.unchanged == ["1.001193"]
    assert result.created == result.updated == result.new_versions == []
    assert list(ProcedureVersion.objects.values_list("pk", "number", "status")) == before


def test_export_then_import_round_trips(tmp_path):
    catalog_import(
        document(procedure(), procedure(code="2.000908", name="Cấp bản sao từ sổ gốc", field="CT"))
    )
    exported = catalog_export()
    path = tmp_path / "catalog.json"
    path.write_text(json.dumps(exported, ensure_ascii=False), encoding="utf-8")
    assert [p["code"] for p in exported["procedures"]] == ["1.001193", "2.000908"]
    again = catalog_import(json.loads(path.read_text(encoding="utf-8")))
    assert again.unchanged == ["1.001193", "2.000908"]


def test_a_bad_entry_imports_nothing_and_names_every_problem():
    bad = document(
        procedure(),
        procedure(code="1.23", name="Sai mã"),
        procedure(code="2.000908", time_unit="fortnights", field="XX"),
    )
    with pytest.raises(CatalogError) as info:
        catalog_import(bad)
    text = " | ".join(info.value.messages)
    assert "1.23" in text
    assert "fortnights" in text
    assert "XX" in text
    assert not Procedure.objects.exists()


def test_a_broken_eform_schema_is_refused():
    broken = procedure(eform_schema={"type": "object", "properties": {"x": {"type": "string"}}})
    with pytest.raises(CatalogError) as info:
        catalog_import(document(broken))
    assert any("title" in m for m in info.value.messages)
    assert not Procedure.objects.exists()


def test_department_procedure_needs_a_sector():
    dept = procedure(code="1.000001", competent_agency_kind="department", level="province")
    with pytest.raises(CatalogError) as info:
        catalog_import(document(dept))
    assert any("competent_sector" in m for m in info.value.messages)


def test_groups_are_imported_with_their_members_in_order():
    groups = [
        {
            "code": "lien-thong-khai-sinh",
            "name": "Liên thông khai sinh",
            "time_limit": 3,
            "time_unit": "working_days",
            "cutoff_time": "15:00",
            "members": ["2.000908", "1.001193"],
        }
    ]
    catalog_import(
        document(procedure(), procedure(code="2.000908", name="B", field="CT"), groups=groups)
    )
    exported = catalog_export()
    assert exported["groups"][0]["members"] == ["2.000908", "1.001193"]


def test_group_with_unknown_member_imports_nothing():
    groups = [
        {
            "code": "g",
            "name": "G",
            "time_limit": 3,
            "time_unit": "working_days",
            "members": ["1.999999"],
        }
    ]
    with pytest.raises(CatalogError) as info:
        catalog_import(document(groups=groups))
    assert any("1.999999" in m for m in info.value.messages)
    assert not Procedure.objects.exists()


def test_a_procedure_without_a_legal_time_limit_keeps_none():
    catalog_import(document(procedure(time_limit=None, time_unit="working_days")))
    version = Procedure.objects.get(code="1.001193").current_version
    assert version.time_limit is None
    assert catalog_export()["procedures"][0]["time_limit"] is None
