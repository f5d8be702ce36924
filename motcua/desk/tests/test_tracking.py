"""The public tracking page: with the code and the lookup key of the receipt the citizen
sees the status, the appointment and the public history, never officials' internal notes;
a wrong code or key gets the same "not found" answer."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from motcua.desk.tests.signin import desk_language, text_of  # noqa: F401 (fixture)
from motcua.dossiers.actors import Actor
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import dossier_forward
from motcua.dossiers.tests.factories import World

NOT_FOUND = "No dossier matches this code and lookup key. Check both on your receipt."


def track(client: Client, code: str, key: str) -> Any:
    return client.get(reverse("portal:track"), {"code": code, "k": key})


def test_status_appointment_and_public_history(client: Client, world: World) -> None:
    d = world.accepted_birth()
    dossier_forward(
        dossier=d.pk,
        actor=Actor.official(world.reception_a),
        note="Ghi chú nội bộ: kiểm tra lại chữ ký",
    )
    d = Dossier.objects.get(pk=d.pk)
    response = track(client, d.code, d.lookup_secret)
    html = response.content.decode()
    assert response.status_code == 200
    assert d.code in html
    assert "Đăng ký khai sinh" in html
    assert str(d.get_state_display()) in html
    assert timezone.localtime(d.due_at).strftime("%H:%M %d/%m/%Y") in html
    assert text_of("Handed in at the one-stop desk") in html
    assert text_of("Accepted; appointment issued") in html
    # The hand-over and its note are internal.
    assert "Ghi chú nội bộ" not in html
    assert text_of("Forwarded") not in html
    # Nor who handled it, nor the applicant's personal data.
    assert world.reception_a.username not in html
    assert "008090123456" not in html
    assert d.applicant_name not in html


def test_wrong_key_and_wrong_code_get_the_same_answer(client: Client, world: World) -> None:
    d = world.receive_birth()
    wrong_key = track(client, d.code, "not-the-key")
    wrong_code = track(client, "000.01.30.H60-991231-9999", d.lookup_secret)
    for response in (wrong_key, wrong_code):
        assert response.status_code == 404
        assert text_of(NOT_FOUND) in response.content.decode()
        assert str(d.get_state_display()) not in response.content.decode()

    def main(response: Any, *typed: str) -> str:
        html = response.content.decode()
        html = html[html.index("<main") : html.index("</main>")]
        for text in typed:
            html = html.replace(text, "X")
        return html

    assert main(wrong_key, d.code, "not-the-key") == main(
        wrong_code, "000.01.30.H60-991231-9999", d.lookup_secret
    )


def test_without_a_code_the_page_asks_for_one(client: Client, world: World) -> None:
    response = client.get(reverse("portal:track"))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'for="track-code"' in html and 'for="track-k"' in html
    assert text_of(NOT_FOUND) not in html


def test_the_page_is_light_and_mobile_ready(client: Client, world: World) -> None:
    d = world.receive_birth()
    html = track(client, d.code, d.lookup_secret).content.decode()
    assert 'name="viewport"' in html
    assert "<script" not in html
    assert len(html.encode()) < 20_000
