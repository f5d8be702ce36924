"""The admin lists tokens (never their secret) and revokes them; it cannot create one."""

from __future__ import annotations

import pytest
from django.urls import reverse

from motcua.api.models import ApiToken
from motcua.desk.tests.signin import sign_in
from motcua.org.tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_the_admin_lists_and_revokes_tokens(client, official, token):
    admin = make_user("quantri", is_staff=True, is_superuser=True, password="x")
    sign_in(client, admin)
    changelist = reverse("admin:api_apitoken_changelist")
    page = client.get(changelist)
    assert page.status_code == 200
    assert "test client" in page.content.decode()
    assert token not in page.content.decode()
    assert client.get(reverse("admin:api_apitoken_add")).status_code == 403
    stored = ApiToken.objects.get()
    response = client.post(
        changelist, {"action": "revoke", "_selected_action": [stored.pk]}, follow=True
    )
    assert response.status_code == 200
    stored.refresh_from_db()
    assert stored.revoked
