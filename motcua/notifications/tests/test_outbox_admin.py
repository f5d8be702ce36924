"""Officials with admin access can read the outbox, not change it; the SMS check warns
when SMS is on but goes nowhere."""

from __future__ import annotations

from typing import Any

from django.test import Client

from motcua.notifications.checks import sms_configured
from motcua.notifications.services import send_code


def test_the_outbox_is_listed_read_only(admin_client: Client) -> None:
    row = send_code(phone="0912345678", text="Mã: 111222", purpose="consent_code")
    listing = admin_client.get("/admin/notifications/notification/")
    assert listing.status_code == 200
    assert "0912345678" in listing.content.decode()
    assert admin_client.get("/admin/notifications/notification/add/").status_code == 403
    detail = admin_client.get(f"/admin/notifications/notification/{row.pk}/change/")
    assert "Mã: 111222" in detail.content.decode()
    assert 'name="body"' not in detail.content.decode()  # no editable field


def test_sms_without_a_gateway_is_reported(settings: Any) -> None:
    settings.MOTCUA_NOTIFICATION_CHANNELS = ["email", "sms"]
    settings.MOTCUA_SMS_URL = ""
    settings.MOTCUA_DEV_PEERS = False
    assert [m.id for m in sms_configured()] == ["motcua_notifications.W001"]
    settings.MOTCUA_SMS_URL = "https://sms.example.vn/api/send"
    assert sms_configured() == []
