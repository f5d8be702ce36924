import pytest
from django.core.exceptions import ValidationError

from motcua.catalog.models import Fee, Procedure, RequiredDocument, VersionStatus
from motcua.catalog.services import (
    catalog_import,
    procedure_version_freeze,
    procedure_version_new_draft,
    procedure_version_publish,
)
from motcua.catalog.tests.factories import document, procedure

pytestmark = pytest.mark.django_db


@pytest.fixture
def version():
    catalog_import(document())
    return Procedure.objects.get(code="1.001193").current_version


def test_an_unused_version_can_be_edited_in_place(version):
    version.result_name = "Giấy khai sinh (bản chính)"
    version.save()
    version.refresh_from_db()
    assert version.result_name == "Giấy khai sinh (bản chính)"


def test_a_frozen_version_refuses_any_change(version):
    procedure_version_freeze(version=version)
    version.name = "Tên khác"
    with pytest.raises(ValidationError):
        version.save()
    with pytest.raises(ValidationError):
        RequiredDocument.objects.create(version=version, name="Thêm", kind="copy")
    fee = version.fees.first()
    fee.amount = 5000
    with pytest.raises(ValidationError):
        fee.save()
    with pytest.raises(ValidationError):
        fee.delete()
    assert Fee.objects.get(pk=fee.pk).amount == 0


def test_editing_a_frozen_version_goes_through_a_new_version(version):
    procedure_version_freeze(version=version)
    draft = procedure_version_new_draft(version=version)
    assert draft.number == version.number + 1
    assert draft.status == VersionStatus.DRAFT
    assert [d.name for d in draft.documents.all()] == [d.name for d in version.documents.all()]
    assert {e.slug for e in draft.life_events.all()} == {"birth"}
    draft.name = "Đăng ký khai sinh (sửa đổi)"
    draft.save()
    procedure_version_publish(version=draft)
    version.refresh_from_db()
    assert version.status == VersionStatus.RETIRED
    assert version.name == "Đăng ký khai sinh"
    assert Procedure.objects.get(code="1.001193").current_version == draft


def test_importing_changed_content_over_a_frozen_version_makes_a_new_version(version):
    procedure_version_freeze(version=version)
    result = catalog_import(document(procedure(result_name="Giấy khai sinh điện tử")))
    assert result.new_versions == ["1.001193"]
    current = Procedure.objects.get(code="1.001193").current_version
    assert current.number == 2
    assert current.result_name == "Giấy khai sinh điện tử"
    version.refresh_from_db()
    assert version.result_name == "Giấy khai sinh"
    assert version.status == VersionStatus.RETIRED
