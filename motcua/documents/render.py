"""PDF rendering of slips and registers: Django templates through WeasyPrint, QR codes.

Every PDF uses one face only, Source Serif Pro from the ``font-source-serif-pro`` wheel
(full Vietnamese coverage, installed with the application, never a system font). The
fetcher WeasyPrint gets refuses everything but those font files and ``data:`` URIs, so a
template (or a value put into one) can never make the server fetch from the network or
read another local file.
"""

from __future__ import annotations

import logging
import threading
import unicodedata
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

import font_source_serif_pro
import segno
from django.template.loader import render_to_string
from django.utils import translation
from PIL import ImageFile
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from motcua.core.text import nfc

# Importing WeasyPrint makes Pillow accept truncated images process-wide; slips embed no
# raster image, and the upload checks must keep refusing truncated scans.
ImageFile.LOAD_TRUNCATED_IMAGES = False

FONT_FAMILY = "Source Serif Pro"
_FONT_DIR = Path(font_source_serif_pro.__file__).resolve().parent / "files"
# The italic file of the wheel lacks the Vietnamese letters: italic uses the Regular file.
FONT_FILES: dict[str, Path] = {
    "regular": _FONT_DIR / "SourceSerifPro-Regular.ttf",
    "bold": _FONT_DIR / "SourceSerifPro-Bold.ttf",
}
_ALLOWED_FILES: dict[str, Path] = {path.as_uri(): path for path in FONT_FILES.values()}
# Slips are Vietnamese legal documents whatever language the official's pages use.
DOCUMENT_LANGUAGE = "vi"

Orientation = Literal["portrait", "landscape"]

# WeasyPrint reports each rendering step at INFO: noise in the server's log.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


class FetchRefused(ValueError):
    """A template asked for a resource other than our fonts or a data: URI."""


class LocalOnlyFetcher(URLFetcher):  # type: ignore[misc]
    """Fetch only our own font files and ``data:`` URIs; refuse anything else."""

    def __init__(self) -> None:
        super().__init__(allowed_protocols=("file", "data"), allow_redirects=False)

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        if url.startswith("data:"):
            return super().fetch(url, headers)
        path = _ALLOWED_FILES.get(url)
        if path is not None:
            return URLFetcherResponse(
                url, body=path.read_bytes(), headers={"Content-Type": "font/ttf"}
            )
        raise FetchRefused(f"refused to fetch {url[:200]!r}: only MotCua's fonts are allowed")


def font_face_css() -> str:
    """The @font-face rules of our single face (regular, bold; italic → the regular file)."""
    regular, bold = FONT_FILES["regular"].as_uri(), FONT_FILES["bold"].as_uri()
    faces = [
        (regular, "normal", "normal"),
        (bold, "bold", "normal"),
        (regular, "normal", "italic"),
        (bold, "bold", "italic"),
    ]
    return "\n".join(
        f'@font-face {{ font-family: "{FONT_FAMILY}"; src: url("{url}"); '
        f"font-weight: {weight}; font-style: {style}; }}"
        for url, weight, style in faces
    )


_local = threading.local()


def _font_config() -> FontConfiguration:
    """One FontConfiguration per process (per thread: fontconfig state is not shared
    between threads), so the faces are loaded once, not on every PDF."""
    config: FontConfiguration | None = getattr(_local, "font_config", None)
    if config is None:
        config = FontConfiguration()
        _local.font_config = config
    return config


def normalise(value: Any) -> Any:
    """Every string of a template context in NFC (containers walked; other objects kept)."""
    if isinstance(value, str):
        return nfc(value)
    if isinstance(value, Mapping):
        return {k: normalise(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [normalise(v) for v in value]
    return value


def render_html(
    template_name: str, context: Mapping[str, Any], *, orientation: Orientation = "portrait"
) -> str:
    """The HTML of a document: the template rendered in Vietnamese, strings in NFC."""
    full = {
        **normalise(context),
        "font_face_css": font_face_css(),
        "font_family": FONT_FAMILY,
        "page_orientation": orientation,
    }
    with translation.override(DOCUMENT_LANGUAGE):
        html = render_to_string(template_name, full)
    return unicodedata.normalize("NFC", html)


def render_pdf(
    template_name: str, context: Mapping[str, Any], *, orientation: Orientation = "portrait"
) -> bytes:
    """Render a Django template to A4 PDF bytes (deterministic for the same input)."""
    html = render_html(template_name, context, orientation=orientation)
    document = HTML(string=html, url_fetcher=LocalOnlyFetcher(), base_url=None)
    pdf = document.write_pdf(font_config=_font_config())
    assert pdf is not None
    return bytes(pdf)


def qr_svg(url: str) -> str:
    """A QR code (error correction level M) of ``url`` as an SVG ``data:`` URI for <img>."""
    qr = segno.make_qr(url, error="m", boost_error=False)
    return str(qr.svg_data_uri(scale=4, border=4, dark="#000", light="#fff"))
