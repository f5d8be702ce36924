"""The PDF renderer: our font only, nothing fetched from elsewhere, NFC, QR codes."""

from __future__ import annotations

import unicodedata
from typing import Any

import pytest
from weasyprint import HTML

from motcua.documents.render import (
    FONT_FILES,
    FetchRefused,
    LocalOnlyFetcher,
    normalise,
    qr_svg,
    render_html,
    render_pdf,
)
from motcua.documents.tests.pdftools import decode_qr, flat_text, font_problems

REGISTER = "documents/register_07.html"


def register_context(**over: Any) -> dict[str, Any]:
    context: dict[str, Any] = {
        "form_number": "07",
        "title": "SỔ THEO DÕI HỒ SƠ",
        "document_title": "Mẫu số 07",
        "issuer": {"superior": "UBND XÃ LÂM BÌNH", "name": "TRUNG TÂM", "date_line": "x"},
        "period": "Từ ngày 01/11/2026 đến ngày 30/11/2026",
        "rows": [],
    }
    context.update(over)
    return context


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com/logo.png",
        "https://127.0.0.1:8000/static/x.css",
        "ftp://example.com/f",
        "file:///etc/passwd",
        FONT_FILES["regular"].parent.joinpath("SourceSerifPro-It.ttf").as_uri(),
    ],
)
def test_the_fetcher_refuses_anything_but_our_fonts(url: str) -> None:
    with pytest.raises((FetchRefused, ValueError)):
        LocalOnlyFetcher().fetch(url)


def test_the_fetcher_gives_our_fonts_and_data_uris() -> None:
    font = LocalOnlyFetcher().fetch(FONT_FILES["bold"].as_uri())
    assert font.read() == FONT_FILES["bold"].read_bytes()
    data = LocalOnlyFetcher().fetch("data:text/plain;base64,eGluIGNow6Bv")
    assert data.read() == "xin chào".encode()


def test_a_remote_image_in_a_document_is_never_fetched(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    asked: list[str] = []
    real = LocalOnlyFetcher.fetch

    def spy(self: LocalOnlyFetcher, url: str, headers: Any = None) -> Any:
        asked.append(url)
        return real(self, url, headers)

    def no_network(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the renderer opened a network connection")

    monkeypatch.setattr(LocalOnlyFetcher, "fetch", spy)
    monkeypatch.setattr("urllib.request.OpenerDirector.open", no_network)
    html = (
        '<html><body><img src="http://198.51.100.7/pixel.png">'
        '<link rel="stylesheet" href="https://198.51.100.7/x.css"></body></html>'
    )
    pdf = HTML(string=html, url_fetcher=LocalOnlyFetcher()).write_pdf()

    assert pdf is not None and pdf.startswith(b"%PDF")
    assert "http://198.51.100.7/pixel.png" in asked  # asked for, and refused


def test_strings_are_normalised_to_nfc() -> None:
    decomposed = unicodedata.normalize("NFD", "Nguyễn Thị Hằng")
    assert normalise({"a": [decomposed, {"b": (decomposed,)}], "n": 3}) == {
        "a": ["Nguyễn Thị Hằng", {"b": ["Nguyễn Thị Hằng"]}],
        "n": 3,
    }
    row = {
        "number": 1,
        "code": "X",
        "procedure": decomposed,
        "sets": 1,
        "applicant": decomposed,
        "address_phone": "",
        "competent_agency": "",
        "when": [],
        "notes": "",
    }
    html = render_html(REGISTER, register_context(rows=[row]))
    assert decomposed not in html
    assert "Nguyễn Thị Hằng" in html


def test_the_same_input_renders_the_same_bytes() -> None:
    first = render_pdf(REGISTER, register_context(), orientation="landscape")
    again = render_pdf(REGISTER, register_context(), orientation="landscape")
    assert first == again
    assert font_problems(first) == []
    assert "SỔ THEO DÕI HỒ SƠ" in flat_text(first)


def test_the_documents_are_vietnamese_whatever_the_users_language(settings: Any) -> None:
    from django.utils import translation

    with translation.override("en"):
        html = render_html(REGISTER, register_context())
    assert '<html lang="vi">' in html


def test_qr_codes_are_svg_data_uris_that_decode() -> None:
    url = "https://dichvucong.tuyenquang.gov.vn/track/?code=001.01.30.H60-261125-0001&k=a_b-C9"
    uri = qr_svg(url)
    assert uri.startswith("data:image/svg+xml")
    html = f'<html><body><img src="{uri}" style="width: 4cm"></body></html>'
    pdf = HTML(string=html, url_fetcher=LocalOnlyFetcher()).write_pdf()
    assert pdf is not None
    assert decode_qr(pdf) == [url]
