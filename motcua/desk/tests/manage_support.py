"""Helpers for the operator pages' tests (test_manage_*.py)."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse
from django.utils import translation
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from motcua.org.models import User


def sign_in(client: Client, user: User) -> Client:
    """Signed in with password and a confirmed second factor (as the sign-in pages leave a
    session whose roles require one)."""
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def url(name: str, *args: Any) -> str:
    """The English page (``/en/…``), so assertions read the msgids."""
    with translation.override("en"):
        return reverse(name, args=args)


def text(response: Any) -> str:
    return response.content.decode()
