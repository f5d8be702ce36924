"""PAdES signatures of PDF results (chữ ký số trên kết quả giải quyết) and their verification.

``sign_pdf`` adds a PAdES baseline B-B signature (sub-filter ``ETSI.CAdES.detached``,
SHA-256) with pyHanko as an incremental update, so the original bytes stay as they were,
and draws a visible stamp in Vietnamese on the last page.

The stamp's text is set in Source Serif Pro (the ``font-source-serif-pro`` wheel, every
Vietnamese letter precomposed) through a small pyHanko font engine of our own
(:class:`TrueTypeFontEngine`): pyHanko's OpenType engine needs HarfBuzz (``uharfbuzz``),
which Vietnamese in NFC does not: each letter is one glyph of the font's ``cmap``. The font
is embedded as a subset with a ``ToUnicode`` map, so the stamp's text can be searched and
copied (``pdftotext`` finds it).

``verify_pdf`` validates the last signature of a PDF with pyHanko's validator against the
``TrustedRoot`` rows only (no operating-system trust list, no network).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import datetime as dt
import functools
import hashlib
import io
import logging
import secrets
import textwrap
import unicodedata
from collections.abc import Coroutine, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import font_source_serif_pro
from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from django.utils.translation import gettext as _
from fontTools import subset, ttLib
from pyhanko.pdf_utils import generic as _generic
from pyhanko.pdf_utils import layout
from pyhanko.pdf_utils.font.api import FontEngine, FontEngineFactory, ShapeResult
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.pdf_utils.writer import BasePdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko.sign.signers.pdf_signer import PdfSigningSession
from pyhanko.sign.validation import async_validate_pdf_signature
from pyhanko.sign.validation.settings import KeyUsageConstraints
from pyhanko.sign.validation.status import PdfSignatureStatus, SignatureCoverageLevel
from pyhanko.stamp import TextStampStyle
from pyhanko_certvalidator import ValidationContext

from motcua.core.errors import InvalidInput
from motcua.core.text import nfc
from motcua.worktime.calendar import to_local

# fontTools' subsetter reports every step at INFO level.
logging.getLogger("fontTools.subset").setLevel(logging.WARNING)

FONT_PATH = Path(font_source_serif_pro.font_directory) / "SourceSerifPro-Regular.ttf"

# The stamp: a box on the last page, bottom right, 36 pt (half an inch) from the edges.
STAMP_WIDTH = 270.0
STAMP_HEIGHT = 78.0
STAMP_MARGIN = 36.0
STAMP_FONT_SIZE = 9
# Characters per line of the stamp before a long agency name is wrapped.
STAMP_LINE_CHARS = 52
STAMP_TIME_FORMAT = "%H:%M %d/%m/%Y"

T = TypeVar("T")

# pyHanko's PDF object constructors are untyped.
generic: Any = _generic


def _run(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run one of pyHanko's coroutines to completion from synchronous code.

    ``asyncio.run`` refuses to start inside a running event loop (an async view, a test
    driving a browser): there the coroutine runs in a worker thread with its own loop.
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


# --- the stamp's font ---------------------------------------------------------------------


# Tables a stamp without shaping never uses; dropping them once, before any subsetting,
# spares fontTools decompiling them (most of the cost of a signature otherwise).
_UNUSED_TABLES = ("GPOS", "GSUB", "GDEF", "BASE", "kern", "DSIG")


@functools.cache
def _font_bytes(path: Path) -> bytes:
    """The font without its layout tables, read once per process."""
    font = ttLib.TTFont(str(path))
    for tag in _UNUSED_TABLES:
        if tag in font:
            del font[tag]
    buffer = io.BytesIO()
    font.save(buffer)
    return buffer.getvalue()


class TrueTypeFontEngine(FontEngine):
    """A pyHanko font engine for a TrueType font, without shaping.

    Each character maps to the glyph its ``cmap`` names (characters the font lacks as one
    glyph are decomposed, then drawn as ``.notdef`` if still missing); there is no kerning
    and no ligature. That is enough for Latin scripts in NFC, Vietnamese included. The font
    is embedded as a ``CIDFontType2`` subset (glyph ids kept) under ``Identity-H``, with
    widths and a ``ToUnicode`` map.
    """

    def __init__(
        self,
        writer: BasePdfFileWriter,
        font_file: Path,
        font_size: int = 10,
        obj_stream: Any = None,
    ) -> None:
        self.tt = ttLib.TTFont(io.BytesIO(_font_bytes(font_file)))
        if "glyf" not in self.tt:
            raise ValueError(f"{font_file} is not a TrueType (glyf) font")
        ps_name = self.tt["name"].getDebugName(6) or font_file.stem
        super().__init__(
            writer, ps_name, embedded_subset=True, obj_stream=obj_stream, font_size=font_size
        )
        self.ps_name = ps_name
        self._cmap: dict[int, str] = self.tt.getBestCmap()
        self._metrics = self.tt["hmtx"].metrics
        self._units_per_em: int = self.tt["head"].unitsPerEm
        # glyph id → (advance width in the font's units, the text it stands for)
        self._used: dict[int, tuple[int, str]] = {0: (self._advance(".notdef"), "")}
        self._ref = writer.allocate_placeholder()
        self._written = False

    @property
    def uses_complex_positioning(self) -> bool:
        return False

    def _advance(self, glyph_name: str) -> int:
        return int(self._metrics[glyph_name][0])

    def _glyphs(self, text: str) -> Iterable[tuple[int, str]]:
        for char in unicodedata.normalize("NFC", text):
            name = self._cmap.get(ord(char))
            if name is not None:
                yield self.tt.getGlyphID(name), char
                continue
            parts = unicodedata.normalize("NFD", char)
            for i, part in enumerate(parts):
                part_name = self._cmap.get(ord(part))
                # The whole character is the text of its first glyph.
                unicode_text = char if i == 0 else ""
                yield (self.tt.getGlyphID(part_name) if part_name else 0), unicode_text

    def shape(self, txt: str) -> ShapeResult:
        cids = bytearray()
        advance = 0
        for gid, text in self._glyphs(txt):
            name = self.tt.getGlyphName(gid)
            width = self._advance(name)
            if gid not in self._used or (text and not self._used[gid][1]):
                self._used[gid] = (width, text)
            cids += gid.to_bytes(2, "big")
            advance += width
        ops = b"<" + cids.hex().encode("ascii") + b"> Tj"
        return ShapeResult(graphics_ops=ops, x_advance=advance / self._units_per_em, y_advance=0)

    def as_resource(self) -> _generic.IndirectObject:
        return self._ref

    def _to_unicode(self) -> Any:
        entries = [
            f"<{gid:04x}> <{text.encode('utf-16-be').hex()}>"
            for gid, (_, text) in sorted(self._used.items())
            if text
        ]
        body = []
        for start in range(0, len(entries), 100):  # at most 100 entries per block
            chunk = entries[start : start + 100]
            body += [f"{len(chunk)} beginbfchar", *chunk, "endbfchar"]
        cmap = "\n".join(
            [
                "/CIDInit /ProcSet findresource begin",
                "12 dict begin",
                "begincmap",
                "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
                "/CMapName /Adobe-Identity-UCS def",
                "/CMapType 2 def",
                "1 begincodespacerange",
                "<0000> <FFFF>",
                "endcodespacerange",
                *body,
                "endcmap",
                "CMapName currentdict /CMap defineresource pop",
                "end",
                "end",
            ]
        )
        stream = generic.StreamObject(stream_data=cmap.encode("ascii"))
        stream.compress()
        return stream

    def _widths(self) -> Any:
        scale = 1000 / self._units_per_em
        widths = generic.ArrayObject()
        for gid, (width, _text) in sorted(self._used.items()):
            widths.append(generic.NumberObject(gid))
            widths.append(generic.ArrayObject([generic.NumberObject(round(width * scale))]))
        return widths

    def prepare_write(self) -> None:
        if self._written:
            return
        self._written = True
        options = subset.Options()
        options.retain_gids = True  # the content stream's codes are the glyph ids
        options.notdef_outline = True
        options.drop_tables += list(_UNUSED_TABLES)
        options.name_IDs = ["*"]
        subsetter = subset.Subsetter(options=options)
        subsetter.populate(gids=sorted(self._used))
        subsetter.subset(self.tt)
        buffer = io.BytesIO()
        self.tt.save(buffer)
        program = buffer.getvalue()

        writer = self.writer
        name = generic.NameObject(f"/{self.subset_prefix}+{self.ps_name}")
        font_file = generic.StreamObject(
            {generic.NameObject("/Length1"): generic.NumberObject(len(program))},
            stream_data=program,
        )
        font_file.compress()
        head, hhea, os2 = self.tt["head"], self.tt["hhea"], self.tt["OS/2"]
        scale = 1000 / self._units_per_em
        descriptor = generic.DictionaryObject(
            {
                generic.NameObject("/Type"): generic.NameObject("/FontDescriptor"),
                generic.NameObject("/FontName"): name,
                generic.NameObject("/Flags"): generic.NumberObject(0b100010),  # serif, nonsymbolic
                generic.NameObject("/FontBBox"): generic.ArrayObject(
                    generic.NumberObject(round(v * scale))
                    for v in (head.xMin, head.yMin, head.xMax, head.yMax)
                ),
                generic.NameObject("/ItalicAngle"): generic.NumberObject(0),
                generic.NameObject("/Ascent"): generic.NumberObject(round(hhea.ascent * scale)),
                generic.NameObject("/Descent"): generic.NumberObject(round(hhea.descent * scale)),
                generic.NameObject("/CapHeight"): generic.NumberObject(
                    round(getattr(os2, "sCapHeight", 700) * scale)
                ),
                generic.NameObject("/StemV"): generic.NumberObject(80),
                generic.NameObject("/FontFile2"): writer.add_object(font_file),
            }
        )
        cid_font = generic.DictionaryObject(
            {
                generic.NameObject("/Type"): generic.NameObject("/Font"),
                generic.NameObject("/Subtype"): generic.NameObject("/CIDFontType2"),
                generic.NameObject("/BaseFont"): name,
                generic.NameObject("/CIDSystemInfo"): generic.DictionaryObject(
                    {
                        generic.NameObject("/Registry"): generic.pdf_string("Adobe"),
                        generic.NameObject("/Ordering"): generic.pdf_string("Identity"),
                        generic.NameObject("/Supplement"): generic.NumberObject(0),
                    }
                ),
                generic.NameObject("/FontDescriptor"): writer.add_object(descriptor),
                generic.NameObject("/CIDToGIDMap"): generic.NameObject("/Identity"),
                generic.NameObject("/W"): self._widths(),
            }
        )
        type0 = generic.DictionaryObject(
            {
                generic.NameObject("/Type"): generic.NameObject("/Font"),
                generic.NameObject("/Subtype"): generic.NameObject("/Type0"),
                generic.NameObject("/BaseFont"): name,
                generic.NameObject("/Encoding"): generic.NameObject("/Identity-H"),
                generic.NameObject("/DescendantFonts"): generic.ArrayObject(
                    [writer.add_object(cid_font)]
                ),
                generic.NameObject("/ToUnicode"): writer.add_object(self._to_unicode()),
            }
        )
        writer.add_object(type0, idnum=self._ref.idnum)


@dataclass(frozen=True)
class TrueTypeFontEngineFactory(FontEngineFactory):
    font_file: Path = FONT_PATH
    font_size: int = STAMP_FONT_SIZE

    def create_font_engine(
        self, writer: BasePdfFileWriter, obj_stream: Any = None
    ) -> TrueTypeFontEngine:
        return TrueTypeFontEngine(writer, self.font_file, self.font_size, obj_stream)


STAMP_STYLE = TextStampStyle(
    stamp_text="%(stamp)s",
    text_box_style=TextBoxStyle(
        font=TrueTypeFontEngineFactory(),
        font_size=STAMP_FONT_SIZE,
        leading=STAMP_FONT_SIZE + 3,
        text_color=(0.6, 0.0, 0.0),
    ),
    border_width=1,
    background=None,
    inner_content_layout=layout.SimpleBoxLayoutRule(
        x_align=layout.AxisAlignment.ALIGN_MIN,
        y_align=layout.AxisAlignment.ALIGN_MID,
        margins=layout.Margins(left=6, right=6, top=4, bottom=4),
        inner_content_scaling=layout.InnerScaling.SHRINK_TO_FIT,
    ),
)


def stamp_text(*, agency_name: str, signer_name: str, reason: str, when: dt.datetime) -> str:
    """The stamp's lines (the agency's name wrapped when long).

    The labels are the fixed wording of a signed Vietnamese document, like the national
    motto on the slips: they stay Vietnamese whatever the language of the pages.
    """
    agency = textwrap.wrap(
        f"Ký bởi: {nfc(agency_name)}", STAMP_LINE_CHARS, subsequent_indent="    "
    )
    return "\n".join(
        [
            *agency,
            f"Người ký: {nfc(signer_name)}",
            f"Thời gian ký: {to_local(when).strftime(STAMP_TIME_FORMAT)}",
            *textwrap.wrap(f"Lý do: {nfc(reason)}", STAMP_LINE_CHARS, subsequent_indent="    "),
        ]
    )


# --- signing ----------------------------------------------------------------------------------


class _SignerAt(signers.PdfSigner):
    """pyHanko's signer with a given signing time (the ledger's) instead of the clock's."""

    def __init__(self, *args: Any, when: dt.datetime, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._when = when

    def init_signing_session(
        self, pdf_out: BasePdfFileWriter, existing_fields_only: bool = False
    ) -> PdfSigningSession:
        session = super().init_signing_session(pdf_out, existing_fields_only=existing_fields_only)
        session.system_time = self._when
        return session


def _page_box(writer: IncrementalPdfFileWriter, page_ix: int) -> tuple[float, float, float, float]:
    """The (inherited) media box of a page."""
    pdf: Any = writer
    page_ref, _resources = pdf.find_page_for_modification(page_ix)
    node: Any = page_ref.get_object()
    while node is not None:
        box = node.get("/MediaBox")
        if box is not None:
            x1, y1, x2, y2 = (float(v) for v in box)
            return min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2)
        parent = node.get("/Parent")
        node = parent.get_object() if parent is not None else None
    return 0.0, 0.0, 595.0, 842.0  # A4, the default of every form MotCua issues


def _cannot_sign(detail: str) -> InvalidInput:
    return InvalidInput(
        _("The result's PDF cannot be signed (%(detail)s). Produce the PDF again and attach it.")
        % {"detail": detail},
        code="result_not_signable",
        details={"errors": {"file": _("This PDF cannot be signed.")}},
    )


def sign_pdf(
    data: bytes,
    *,
    signer: signers.Signer,
    agency_name: str,
    signer_name: str,
    reason: str,
    location: str,
    when: dt.datetime,
) -> bytes:
    """Sign ``data`` (a PDF) with a PAdES B-B signature and a visible stamp on its last page.

    The signature is an incremental update: the bytes of ``data`` are the signed file's
    first bytes. ``when`` (timezone-aware) is the signing time written in the signature
    dictionary and on the stamp. Raises ``InvalidInput`` (code ``result_not_signable``)
    when the PDF cannot be parsed or is encrypted.
    """
    if when.tzinfo is None:
        raise ValueError("the signing time must be timezone-aware")
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
        if writer.prev.encrypted:
            raise _cannot_sign(_("the PDF is encrypted"))
        x1, y1, x2, _y2 = _page_box(writer, -1)
    except InvalidInput:
        raise
    except Exception as exc:  # any parser failure on a damaged file
        raise _cannot_sign(type(exc).__name__) from exc
    field_name = f"MotCua_{secrets.token_hex(4)}"
    right = x2 - STAMP_MARGIN
    left = max(x1 + STAMP_MARGIN, right - STAMP_WIDTH)
    bottom = y1 + STAMP_MARGIN
    box = (int(left), int(bottom), int(right), int(bottom + STAMP_HEIGHT))
    meta = signers.PdfSignatureMetadata(
        field_name=field_name,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=nfc(reason),
        location=nfc(location) or None,
        name=nfc(signer_name) or None,
    )
    pdf_signer = _SignerAt(
        meta,
        signer=signer,
        stamp_style=STAMP_STYLE,
        new_field_spec=fields.SigFieldSpec(sig_field_name=field_name, on_page=-1, box=box),
        when=when,
    )
    text = stamp_text(agency_name=agency_name, signer_name=signer_name, reason=reason, when=when)
    output = io.BytesIO()
    _run(pdf_signer.async_sign_pdf(writer, appearance_text_params={"stamp": text}, output=output))
    return output.getvalue()


# --- verification -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Verification:
    """What a PDF's last signature proves.

    ``intact``: the signed bytes hash to the digest the signature covers; ``valid``: the
    signature value verifies with the signer's key (cryptographically valid, whatever the
    bytes now hold); ``trusted``: the signer's certificate chains to
    a ``TrustedRoot``; ``covers_whole_document``: nothing was appended after signing.
    """

    signed: bool
    intact: bool = False
    valid: bool = False
    trusted: bool = False
    covers_whole_document: bool = False
    signer_subject: str = ""
    signer_fingerprint: str = ""
    signing_time: dt.datetime | None = None
    signatures: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return (
            self.signed
            and self.intact
            and self.valid
            and self.trusted
            and self.covers_whole_document
        )


def trusted_roots() -> list[asn1_x509.Certificate]:
    """The certificates of every ``TrustedRoot`` row."""
    from motcua.documents.models import TrustedRoot

    roots = []
    for text in TrustedRoot.objects.values_list("certificate_pem", flat=True):
        for _type, _headers, der in pem.unarmor(text.encode("ascii"), multiple=True):
            roots.append(asn1_x509.Certificate.load(der))
    return roots


def validation_context(roots: list[asn1_x509.Certificate] | None = None) -> ValidationContext:
    """Trust only ``roots`` (by default the ``TrustedRoot`` rows); never fetch anything."""
    return ValidationContext(
        trust_roots=trusted_roots() if roots is None else roots,
        allow_fetching=False,
        revocation_mode="soft-fail",
    )


# Results are signed with digitalSignature or nonRepudiation; either suffices.
_KEY_USAGE = KeyUsageConstraints(
    key_usage={"digital_signature", "non_repudiation"}, match_all_key_usages=False
)


def _problems(status: PdfSignatureStatus, whole: bool) -> list[str]:
    problems = []
    if not status.intact:
        problems.append(_("The document was changed after it was signed (digest mismatch)."))
    elif not status.valid:
        problems.append(_("The signature value does not match the signer's certificate."))
    if status.intact and status.valid and not status.trusted:
        problems.append(_("The signer's certificate does not chain to a trusted root certificate."))
    if not whole:
        problems.append(_("Content was added to the document after the signature."))
    return problems


def verify_pdf(data: bytes, *, roots: list[asn1_x509.Certificate] | None = None) -> Verification:
    """Validate the last signature of ``data`` (a PDF) with pyHanko, offline.

    ``roots`` defaults to the ``TrustedRoot`` rows. A file that cannot be read, or has no
    signature, comes back with ``signed=False`` and the reason in ``errors``.
    """
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        embedded = reader.embedded_regular_signatures
    except Exception as exc:  # a damaged file is "not verifiable", not a crash
        return Verification(
            signed=False,
            errors=[_("The file cannot be read as a PDF (%(e)s).") % {"e": type(exc).__name__}],
        )
    if not embedded:
        return Verification(signed=False, errors=[_("The document has no signature.")])
    last = embedded[-1]
    try:
        status = _run(
            async_validate_pdf_signature(
                last,
                signer_validation_context=validation_context(roots),
                key_usage_settings=_KEY_USAGE,
            )
        )
    except Exception as exc:  # malformed signature containers
        return Verification(
            signed=True,
            signatures=len(embedded),
            errors=[_("The signature cannot be validated (%(e)s).") % {"e": type(exc).__name__}],
        )
    whole = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    cert = status.signing_cert
    return Verification(
        signed=True,
        intact=bool(status.intact),
        valid=bool(status.valid),
        trusted=bool(status.trusted),
        covers_whole_document=whole,
        signer_subject=cert.subject.human_friendly,
        signer_fingerprint=hashlib.sha256(cert.dump()).hexdigest(),
        signing_time=status.signer_reported_dt,
        signatures=len(embedded),
        errors=_problems(status, whole),
    )
