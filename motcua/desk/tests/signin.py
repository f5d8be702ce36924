"""Signing a test client in as an official without the sign-in pages.

``client.force_login`` alone is not enough for an official whose role requires a second
factor (leaders, center managers, the province administrator): the desk sends them to the
one-time-code step. ``sign_in`` also marks the session as verified with a confirmed TOTP
device, as the code step does.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from motcua.desk.auth_services import confirmed_device, current_code


def device_for(user: Any) -> TOTPDevice:
    """The user's confirmed authenticator (made if they have none)."""
    device = confirmed_device(user)
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Test", confirmed=True)
    return device


def sign_in(client: Client, user: Any) -> Client:
    """Sign ``client`` in as ``user``, with the second factor confirmed."""
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device_for(user).persistent_id
    session.save()
    return client


def code_now(device: TOTPDevice) -> str:
    return current_code(device)


def text_of(msgid: str, **values: Any) -> str:
    """``msgid`` as the pages show it: translated to the desk's language (Vietnamese unless
    the catalogue lacks it yet) and HTML-escaped."""
    from django.conf import settings
    from django.utils.html import escape
    from django.utils.translation import gettext, override

    with override(settings.LANGUAGE_CODE):
        text = gettext(msgid)
    return str(escape(text % values if values else text))


def shows(response: Any, msgid: str, **values: Any) -> bool:
    """Whether the page shows ``msgid`` (see :func:`text_of`)."""
    return text_of(msgid, **values) in response.content.decode()


@pytest.fixture(autouse=True)
def desk_language() -> Iterator[None]:
    """Tests run in the desk's default language, whatever an earlier test left active
    (a request to an /en/ page leaves English active in the thread): import it into a test
    module to use it there."""
    from django.conf import settings
    from django.utils import translation

    with translation.override(settings.LANGUAGE_CODE):
        yield
