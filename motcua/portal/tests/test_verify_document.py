"""The public "verify a document" page: a sealed result verifies as genuine; one changed
byte makes it "altered"; an unrelated PDF is not found; a result code shows the stored
fingerprint; an unknown code says so."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from motcua.dossiers.tests.factories import World, pdf_bytes
from motcua.portal.tests.follow_steps import (
    certificates,
    sealed_result,
    stored,
    tampered,
    text,
)


def upload(client: Any, data: bytes, name: str = "ket-qua.pdf") -> Any:
    return client.post(
        reverse("portal:verify"),
        {"file": SimpleUploadedFile(name, data, content_type="application/pdf"), "code": ""},
    )


def verdict(response: Any) -> str:
    body = response.content.decode()
    at = body.index('data-verdict="') + len('data-verdict="')
    return body[at : body.index('"', at)]


def test_the_page_offers_both_ways(client: Any, db: None) -> None:
    response = client.get(reverse("portal:verify"))
    body = response.content.decode()
    assert response.status_code == 200
    assert 'type="file"' in body and 'name="code"' in body
    assert 'enctype="multipart/form-data"' in body


def test_a_sealed_result_is_genuine(world: World, client: Any, tmp_path: Path) -> None:
    certificates(tmp_path)
    _, result = sealed_result(world)
    response = upload(client, stored(result))
    body = text(response)
    assert response.status_code == 200
    assert verdict(response) == "genuine"
    assert "Genuine result issued by MotCua" in body
    assert result.code in body and "Đăng ký khai sinh" in body
    assert "Ủy ban nhân dân xã Lâm Bình" in body  # issuing agency and signer
    assert result.sha256 in body and "matches" in body
    assert "N. V. Á." in body and "Nguyễn Văn Ánh" not in body


def test_one_changed_byte_is_altered(world: World, client: Any, tmp_path: Path) -> None:
    certificates(tmp_path)
    _, result = sealed_result(world)
    response = upload(client, tampered(stored(result)))
    assert verdict(response) == "altered"
    assert "Altered or not properly signed" in text(response)
    assert result.code not in text(response)


def test_an_unrelated_pdf_is_not_found(world: World, client: Any) -> None:
    response = upload(client, pdf_bytes("Một văn bản khác"))
    assert verdict(response) == "not_found"
    assert "Not found" in text(response)


def test_a_file_that_is_not_a_pdf_is_refused(client: Any, db: None) -> None:
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40
    response = upload(client, png, "anh.png")
    assert response.status_code == 422
    assert 'id="id_file_error"' in response.content.decode()


def test_a_result_code_shows_the_stored_fingerprint(
    world: World, client: Any, tmp_path: Path
) -> None:
    certificates(tmp_path)
    _, result = sealed_result(world)
    response = client.post(reverse("portal:verify"), {"code": result.code.lower()})
    body = text(response)
    assert response.status_code == 200
    assert result.code in body and result.sha256 in body and "Giấy khai sinh" in body
    assert "N. V. Á." in body and "Nguyễn Văn Ánh" not in body


def test_an_unknown_code_says_so(client: Any, db: None) -> None:
    response = client.post(reverse("portal:verify"), {"code": "000.01.30.H60-261120-0001-KQ9"})
    assert response.status_code == 404
    assert "No signed result has the code 000.01.30.H60-261120-0001-KQ9." in text(response)


def test_nothing_given_is_an_error(client: Any, db: None) -> None:
    response = client.post(reverse("portal:verify"), {"code": ""})
    assert response.status_code == 422
    assert "Upload the PDF or type the result code." in text(response)
