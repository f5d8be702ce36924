"""The development SMS gateway: a brandname-style JSON API and a page of what it received.

``POST /dev/sms/api/send`` with ``Authorization: Bearer <key>`` and a JSON body
``{"to": "0912345678", "text": "...", "sender": "MOTCUA"}`` answers ``{"id": "<n>"}``
(401 bad key, 400 invalid). With ``settings.MOTCUA_DEV_SMS_FAIL`` set to an HTTP status
(e.g. 503) every send answers that status, so retries are exercised for real.
"""

from __future__ import annotations

import hmac
import json
import re

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from motcua.devpeers.sms.models import FakeSms
from motcua.org.models import PHONE_RE

MAX_TEXT = 1000  # a long concatenated SMS; providers cut or refuse beyond


def _error(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse({"error": code, "message": message}, status=status)


@csrf_exempt
@require_POST
def send(request: HttpRequest) -> HttpResponse:
    failing = int(getattr(settings, "MOTCUA_DEV_SMS_FAIL", 0) or 0)
    if failing:
        return _error(failing, "unavailable", "the gateway is switched to fail")
    expected = str(getattr(settings, "MOTCUA_DEV_SMS_API_KEY", ""))
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if not expected or not hmac.compare_digest(given.encode(), expected.encode()):
        return _error(401, "unauthorized", "missing or wrong API key")
    try:
        payload = json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        return _error(400, "bad_json", "the body is not JSON")
    if not isinstance(payload, dict):
        return _error(400, "bad_json", "the body is not a JSON object")
    to = str(payload.get("to", "")).strip()
    text = str(payload.get("text", "")).strip()
    sender = str(payload.get("sender", "")).strip()[:32]
    if not re.fullmatch(PHONE_RE, to):
        return _error(400, "bad_phone", "not a Vietnamese phone number")
    if not text:
        return _error(400, "empty_text", "the text is empty")
    if len(text) > MAX_TEXT:
        return _error(400, "too_long", f"the text is longer than {MAX_TEXT} characters")
    sms = FakeSms.objects.create(to=to, text=text, sender=sender)
    return JsonResponse({"id": str(sms.pk)})


@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    messages = FakeSms.objects.all()[:50]
    return render(request, "devsms/inbox.html", {"messages": messages})
