"""The quick search box: a code opens the dossier; a scanned receipt QR (the tracking URL
typed by the reader) opens it ready for the return step; another agency's dossier is
"not found" exactly like a missing one; other text lists matches."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from motcua.desk.selectors import parse_quick_query
from motcua.desk.tests.signin import desk_language, sign_in, text_of  # noqa: F401 (fixture)
from motcua.desk.tests.steps import at_step, named, received_b, resolved_a
from motcua.dossiers.tests.factories import World

CODE = "000.00.20.H60-261124-0001"


def search(client: Client, q: str) -> object:
    return client.get(reverse("desk:search"), {"q": q})


@pytest.mark.parametrize(
    ("typed", "code", "from_receipt"),
    [
        (CODE, CODE, False),
        (f"  {CODE} ", CODE, False),
        (CODE.lower(), CODE, False),
        (f"http://127.0.0.1:8000/track/?code={CODE}&k=AbC-123_x", CODE, True),
        (f"https://dichvucong.example.vn/vi/track/?k=zz&code={CODE}", CODE, True),
        (f"Mã hồ sơ: {CODE}", CODE, True),
        ("Nguyễn Văn Ánh", "", False),
        ("000.00.20.H60-2611", "", False),
        ("http://127.0.0.1:8000/track/?code=khong-phai-ma&k=x", "", False),
    ],
)
def test_parse_quick_query(typed: str, code: str, from_receipt: bool) -> None:
    parsed = parse_quick_query(typed)
    assert (parsed.code, parsed.from_receipt) == (code, from_receipt)


def test_exact_code_opens_the_dossier(client: Client, world: World) -> None:
    d = world.receive_birth()
    sign_in(client, world.reception_a)
    response = search(client, d.code)
    assert response.status_code == 302
    assert response["Location"] == reverse("desk:dossier", args=[d.pk])


def test_a_scanned_receipt_opens_the_dossier_for_the_return_step(
    client: Client, world: World, settings: object
) -> None:
    d = resolved_a(world)
    sign_in(client, world.reception_a)
    scanned = f"http://127.0.0.1:8000{reverse('portal:track')}?code={d.code}&k={d.lookup_secret}"
    response = search(client, scanned)
    assert response.status_code == 302
    assert response["Location"] == reverse("desk:dossier", args=[d.pk]) + "?return=1"


def test_another_communes_dossier_is_not_found_like_a_missing_one(
    client: Client, world: World
) -> None:
    theirs = received_b(world)
    sign_in(client, world.reception_a)
    hidden = search(client, theirs.code)
    missing = search(client, "000.01.30.H60-991231-9999")
    assert hidden.status_code == missing.status_code == 404
    assert text_of("Dossier not found") in hidden.content.decode()

    # The same page apart from the code typed (and the CSRF token of the sign-out forms).
    def main(response: object, code: str) -> str:
        html = response.content.decode()  # type: ignore[attr-defined]
        return html[html.index("<main") : html.index("</main>")].replace(code, "X")

    assert main(hidden, theirs.code) == main(missing, "000.01.30.H60-991231-9999")
    scanned = search(client, f"http://x/track/?code={theirs.code}&k={theirs.lookup_secret}")
    assert scanned.status_code == 404


def test_a_name_without_diacritics_lists_the_matches(client: Client, world: World) -> None:
    anh = at_step(world, 1, **named("Nguyễn Văn Ánh"))
    dung = world.receive_birth(**named("Đặng Thị Dung"))
    other = received_b(world, **named("Nguyễn Văn Ánh"))
    sign_in(client, world.reception_a)
    response = search(client, "nguyen van anh")
    html = response.content.decode()
    assert response.status_code == 200
    assert re.findall(r'class="code">([^<]+)</a>', html) == [anh.code]
    assert dung.code not in html
    assert other.code not in html  # commune B's, same name
    assert 'value="nguyen van anh"' in html  # kept in the box

    by_id = search(client, "008090123456").content.decode()
    assert anh.code in by_id and dung.code in by_id


def test_nothing_found(client: Client, world: World) -> None:
    sign_in(client, world.reception_a)
    response = search(client, "khong co ai")
    assert response.status_code == 200
    assert text_of("No dossier you may see matches this search.") in response.content.decode()


def test_an_empty_search_explains_the_box(client: Client, world: World) -> None:
    sign_in(client, world.reception_a)
    response = search(client, "")
    assert response.status_code == 200
    assert "<table" not in response.content.decode()
