"""Helpers for tests that read generated PDFs: text, QR codes, embedded fonts.

Shared by the slip, register, signing and browser tests::

    from motcua.documents.tests.pdftools import decode_qr, flat_text, pdf_text
"""

from __future__ import annotations

import io
import subprocess
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pypdfium2
import zxingcpp
from fontTools.ttLib import TTFont
from pypdf import PdfReader
from pypdf.generic import DictionaryObject


def pdf_text(pdf: bytes, *, layout: bool = False) -> str:
    """The text of ``pdf`` as poppler's ``pdftotext`` extracts it, in NFC."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "doc.pdf"
        path.write_bytes(pdf)
        args = ["pdftotext", "-enc", "UTF-8", *(["-layout"] if layout else []), str(path), "-"]
        done = subprocess.run(args, capture_output=True, check=True, timeout=60)
    return unicodedata.normalize("NFC", done.stdout.decode("utf-8"))


def flat_text(pdf: bytes, *, layout: bool = False) -> str:
    """:func:`pdf_text` with every run of whitespace made one space (lines joined), so a
    phrase that wrapped onto the next line still matches. ``layout=True`` keeps the cells
    of a table row together (in reading order a row's cells may come apart)."""
    return " ".join(pdf_text(pdf, layout=layout).split())


def page_count(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


def decode_qr(pdf: bytes, page: int = 0, *, dpi: int = 200) -> list[str]:
    """The texts of the QR codes on page ``page`` (0-based), read from the rendered image."""
    document = pypdfium2.PdfDocument(pdf)
    try:
        image = document[page].render(scale=dpi / 72).to_pil()
    finally:
        document.close()
    return [
        result.text
        for result in zxingcpp.read_barcodes(image)
        if result.format == zxingcpp.BarcodeFormat.QRCode
    ]


@dataclass(frozen=True)
class EmbeddedFont:
    base_font: str  # the PDF name, e.g. "ABCDEF+Source-Serif-Pro-Bold"
    family: str  # name ID 1 of the embedded font program, e.g. "Source Serif Pro"
    full_name: str  # name ID 4, e.g. "Source Serif Pro Bold"
    embedded: bool


def _descriptor(font: DictionaryObject) -> DictionaryObject | None:
    if "/FontDescriptor" in font:
        return font["/FontDescriptor"].get_object()  # type: ignore[no-any-return]
    if "/DescendantFonts" in font:
        descendant = font["/DescendantFonts"][0].get_object()
        return descendant["/FontDescriptor"].get_object()  # type: ignore[no-any-return]
    return None


def embedded_fonts(pdf: bytes) -> list[EmbeddedFont]:
    """Every font the pages use, with the names inside its embedded program (if any)."""
    reader = PdfReader(io.BytesIO(pdf))
    seen: dict[str, EmbeddedFont] = {}
    for page in reader.pages:
        resources = page.get("/Resources")
        fonts = resources.get_object().get("/Font") if resources is not None else None
        if fonts is None:
            continue
        for ref in fonts.get_object().values():
            font = ref.get_object()
            base = str(font.get("/BaseFont", ""))
            descriptor = _descriptor(font)
            program = None
            if descriptor is not None:
                for key in ("/FontFile2", "/FontFile3", "/FontFile"):
                    if key in descriptor:
                        program = descriptor[key].get_object().get_data()
                        break
            family = full = ""
            if program is not None:
                try:
                    names = TTFont(io.BytesIO(program))["name"]
                    family = str(names.getDebugName(1) or "")
                    full = str(names.getDebugName(4) or "")
                except Exception:  # a CFF or Type 1 program: no name table
                    family = full = ""
            seen[base] = EmbeddedFont(base, family, full, program is not None)
    return list(seen.values())


def characters_missing_from(text: str, font_file: Path) -> set[str]:
    """The non-space characters of ``text`` that ``font_file`` has no glyph for."""
    cmap = TTFont(str(font_file)).getBestCmap()
    return {c for c in text if not c.isspace() and ord(c) not in cmap}


OUR_FONT_FAMILY = "Source Serif Pro"


def font_problems(pdf: bytes, *, family: str = OUR_FONT_FAMILY) -> list[str]:
    """Why ``pdf``'s text might not show as intended; empty when every font is ``family``,
    embedded, and has a glyph for every character of the text (no fallback to a system
    font, no missing-glyph box or "?" in place of a Vietnamese letter)."""
    from motcua.documents.render import FONT_FILES

    problems: list[str] = []
    fonts = embedded_fonts(pdf)
    if not fonts:
        problems.append("the PDF uses no font")
    for font in fonts:
        if not font.embedded:
            problems.append(f"{font.base_font} is not embedded")
        if font.family != family:
            problems.append(f"{font.base_font} is {font.family!r}, not {family!r}")
    text = pdf_text(pdf)
    if "\ufffd" in text:
        problems.append("the text holds U+FFFD replacement characters")
    for face in FONT_FILES.values():
        missing = characters_missing_from(text, face)
        if missing:
            problems.append(f"{face.name} lacks {''.join(sorted(missing))!r}")
    return problems
