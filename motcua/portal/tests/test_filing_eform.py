"""The e-form is drawn on the server from the procedure's JSON Schema, with the schema's
constraints as HTML attributes so the browser checks too."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms
from django.urls import reverse

from motcua.catalog.eforms import eform_fields, eform_values
from motcua.citizens.tests.helpers import make_citizen, sign_in_citizen
from motcua.dossiers.tests.factories import BIRTH, World
from motcua.portal.models import Draft

EVERY_TYPE: dict[str, Any] = {
    "type": "object",
    "properties": {
        "ten": {"type": "string", "title": "Tên", "maxLength": 50, "minLength": 2},
        "ngay": {
            "type": "string",
            "title": "Ngày",
            "format": "date",
            "formatMinimum": "2000-01-01",
            "formatMaximum": "2030-12-31",
        },
        "thu": {"type": "string", "title": "Thư điện tử", "format": "email"},
        "mo_ta": {"type": "string", "title": "Mô tả", "maxLength": 2000},
        "ma": {"type": "string", "title": "Mã", "pattern": "^\\d{6}$"},
        "gioi_tinh": {"type": "string", "title": "Giới tính", "enum": ["Nam", "Nữ"]},
        "so_con": {"type": "integer", "title": "Số con", "minimum": 0, "maximum": 20},
        "dien_tich": {"type": "number", "title": "Diện tích", "minimum": 1},
        "dong_y": {"type": "boolean", "title": "Đồng ý"},
        "ds": {"type": "array", "title": "Danh sách"},
    },
    "required": ["ten", "ngay"],
}


def html(field: forms.Field, name: str) -> str:
    form = forms.Form()
    form.fields[name] = field
    return str(form[name])


def test_every_field_type_has_its_widget_and_browser_checks() -> None:
    fields = eform_fields(EVERY_TYPE)
    assert list(fields) == list(EVERY_TYPE["properties"])
    assert {n: str(f.label) for n, f in fields.items()}["gioi_tinh"] == "Giới tính"
    ten = html(fields["ten"], "ten")
    assert 'maxlength="50"' in ten and 'minlength="2"' in ten and "required" in ten
    ngay = html(fields["ngay"], "ngay")
    assert 'type="date"' in ngay and 'min="2000-01-01"' in ngay and 'max="2030-12-31"' in ngay
    assert 'type="email"' in html(fields["thu"], "thu")
    assert "<textarea" in html(fields["mo_ta"], "mo_ta")
    assert 'pattern="\\d{6}"' in html(fields["ma"], "ma")
    assert "required" not in html(fields["ma"], "ma")
    assert '<option value="Nữ">Nữ</option>' in html(fields["gioi_tinh"], "gioi_tinh")
    so_con = html(fields["so_con"], "so_con")
    assert 'type="number"' in so_con and 'min="0"' in so_con and 'max="20"' in so_con
    assert 'type="checkbox"' in html(fields["dong_y"], "dong_y")
    assert "<textarea" in html(fields["ds"], "ds")


def test_values_are_typed_and_nfc() -> None:
    values = eform_values(
        EVERY_TYPE,
        {
            "ten": "Hoa\u0300",
            "ngay": "2026-01-02",
            "so_con": 2,
            "dien_tich": 12.0,
            "dong_y": False,
            "ds": '["a"]',
            "ma": "",
        },
    )
    assert values == {
        "ten": "Hoà",
        "ngay": "2026-01-02",
        "so_con": 2,
        "dien_tich": 12,
        "dong_y": False,
        "ds": ["a"],
    }


@pytest.mark.django_db
def test_the_draft_page_shows_the_birth_form_with_labels(client: Any, world: World) -> None:
    citizen = make_citizen()
    sign_in_citizen(client, citizen)
    client.post(reverse("portal:file_start", args=[BIRTH]))
    draft = Draft.objects.get(owner=citizen.user)
    page = client.get(reverse("portal:draft", args=[draft.pk])).content.decode()
    for name, label in [
        ("ho_ten_tre", "Họ, chữ đệm và tên của trẻ"),
        ("ngay_sinh", "Ngày sinh"),
        ("so_dinh_danh_me", "Số định danh của mẹ"),
    ]:
        assert f'<label for="id_eform__{name}">{label}' in page
    assert 'type="date" name="eform__ngay_sinh"' in page
    assert 'maxlength="100"' in page and 'pattern="\\d{12}"' in page
    # Each paper has its own small upload form, labelled.
    for paper in draft.procedure_version.documents.all():
        assert f'<label for="file_{paper.pk}">' in page
    assert page.count('enctype="multipart/form-data"') == 2
    assert page.count("<script") == 1 and 'filing.js" defer></script>' in page
    assert len(page.encode()) < 30_000
