"""The org admin: agencies searchable without diacritics, officials with agency and roles."""

from __future__ import annotations

import pytest
from django.urls import reverse

from motcua.desk.tests.signin import sign_in
from motcua.org.models import Role, User
from motcua.org.tests.factories import make_commune, make_province, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    sign_in(client, make_user("root", is_superuser=True, is_staff=True))
    return client


def test_agency_search_ignores_diacritics(admin_client):
    province = make_province()
    make_commune("UBND xã Tân Trào", province)
    make_commune("UBND phường Minh Xuân", province)

    response = admin_client.get(reverse("admin:org_agency_changelist"), {"q": "tan trao"})

    names = [a.name for a in response.context["cl"].result_list]
    assert names == ["UBND xã Tân Trào"]


def test_official_change_page_has_official_fields_and_role_inline(admin_client):
    commune = make_commune("UBND xã Tân Trào", make_province())
    hoa = make_user("hoant", agency=commune, roles=[Role.LEADER], job_title="Chủ tịch")

    response = admin_client.get(reverse("admin:org_user_change", args=[hoa.pk]))

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert {"phone", "agency", "job_title"} <= set(form.fields)
    assert form.initial["job_title"] == "Chủ tịch"
    inline = response.context["inline_admin_formsets"][0]
    assert [f.instance.role for f in inline.formset.forms if f.instance.pk] == [Role.LEADER]


def test_official_can_be_added_with_an_agency(admin_client):
    commune = make_commune("UBND xã Tân Trào", make_province())

    response = admin_client.post(
        reverse("admin:org_user_add"),
        {
            "username": "binhtv",
            "agency": commune.pk,
            "usable_password": "true",
            "password1": "Mot-Cua-2025-an-toan",
            "password2": "Mot-Cua-2025-an-toan",
            "role_assignments-TOTAL_FORMS": "0",
            "role_assignments-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    binh = User.objects.get(username="binhtv")
    assert binh.agency == commune
    assert binh.check_password("Mot-Cua-2025-an-toan")
