"""Checks on the documents a citizen uploads with a dossier (hồ sơ).

``check_upload`` reads at most one byte more than the procedure's size limit, identifies the
type by content (magic bytes; the file's name is never trusted), opens the file with a real
parser to prove it is well-formed and complete, and hashes it. Anything wrong raises
``UploadRejected`` — an ``InvalidInput`` with a stable ``code`` and a translated message
that tells the citizen what to do — before anything is stored.

Storing is separate (``motcua.dossiers.storage.store_checked``), so a rejected upload
changes nothing.
"""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import IO, Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from PIL import Image, ImageFile
from pypdf import PdfReader

from motcua.core.errors import InvalidInput
from motcua.core.text import nfc

# Read size while streaming an upload; the last read is shortened so that no more than
# ``max_bytes + 1`` bytes are ever read.
CHUNK_SIZE = 64 * 1024
# Images with more pixels are refused before they are decoded: decoding allocates about
# three bytes a pixel. 50 megapixels holds an A3 page scanned at 500 dpi or any phone photo
# at its usual resolution. Pillow's own decompression-bomb limit (MAX_IMAGE_PIXELS) is
# higher; it is checked as well.
MAX_IMAGE_PIXELS = 50_000_000
# Acrobat looks for %%EOF within the last 1024 bytes; without it the file was cut short.
_PDF_EOF_WINDOW = 1024
# The IEND chunk closes every complete PNG: zero length, type, CRC.
_PNG_IEND = b"\x00\x00\x00\x00IEND\xaeB\x60\x82"
MAX_NAME_LENGTH = 255
_NAME_EXTENSION = re.compile(r"\.[^.\s]{1,16}$")


class UploadRejected(InvalidInput):
    """The uploaded file is refused; nothing was stored.

    ``code`` is one of ``upload_empty``, ``upload_too_large``, ``upload_type_not_allowed``,
    ``upload_corrupt``, ``upload_encrypted``, ``upload_image_too_large``;
    ``details["errors"]["file"]`` repeats the message for forms and problem details.
    """

    code = "upload_rejected"

    def __init__(self, message: str, *, code: str, **details: Any) -> None:
        super().__init__(message, code=code, details={"errors": {"file": message}, **details})


@dataclass(frozen=True)
class CheckedUpload:
    """An upload that passed every check, ready to store."""

    content: bytes = field(repr=False)
    sha256: str
    size: int
    content_type: str
    extension: str
    original_name: str


@dataclass(frozen=True)
class FileType:
    """A type dossier documents may have: how to recognise it and how to prove it sound."""

    content_type: str
    extension: str
    label: str
    magic: tuple[bytes, ...]
    verify: Callable[[bytes, FileType], None] = field(repr=False)
    # Formats Pillow may report for this type (images only).
    pillow_formats: tuple[str, ...] = ()

    def matches(self, head: bytes) -> bool:
        return head.startswith(self.magic)


# --- rejections -------------------------------------------------------------------------


def _human_size(n: int) -> str:
    mib = 1024 * 1024
    if n >= mib:
        value = n / mib
        decimals = 0 if value == int(value) else 1
        return f"{number_format(round(value, decimals), decimal_pos=decimals)} MB"
    if n >= 1024:
        value = n / 1024
        decimals = 0 if value == int(value) else 1
        return f"{number_format(round(value, decimals), decimal_pos=decimals)} KB"
    return _("%(count)s bytes") % {"count": n}


def _too_large(max_bytes: int) -> UploadRejected:
    return UploadRejected(
        _(
            "The file is larger than %(limit)s, the limit for this procedure. Reduce its "
            "size (scan at a lower resolution or compress the PDF) and upload it again."
        )
        % {"limit": _human_size(max_bytes)},
        code="upload_too_large",
        max_bytes=max_bytes,
    )


def _empty() -> UploadRejected:
    return UploadRejected(
        _("The file is empty. Check that you chose the right file and upload it again."),
        code="upload_empty",
    )


def _not_allowed(allowed: Collection[str]) -> UploadRejected:
    labels = ", ".join(t.label for ct, t in ALLOWED_TYPES.items() if ct in allowed)
    return UploadRejected(
        _(
            "This type of file is not accepted, whatever its name says. Save or scan the "
            "document as one of these types and upload it again: %(types)s."
        )
        % {"types": labels},
        code="upload_type_not_allowed",
        allowed=sorted(allowed),
    )


def _corrupt(file_type: FileType) -> UploadRejected:
    return UploadRejected(
        _(
            "This %(type)s file is damaged or incomplete and cannot be opened. Check that it "
            "opens on your computer, save or scan it again if not, and upload it again."
        )
        % {"type": file_type.label},
        code="upload_corrupt",
    )


# --- verifiers ----------------------------------------------------------------------------


def _verify_image(content: bytes, file_type: FileType) -> None:
    formats = list(file_type.pillow_formats)
    try:
        with Image.open(io.BytesIO(content), formats=formats) as image:
            if image.format not in file_type.pillow_formats:
                raise _corrupt(file_type)
            width, height = image.size
            if width * height > MAX_IMAGE_PIXELS:
                raise _image_too_large()
            image.verify()
        # verify() leaves the image unusable; decoding every pixel is what finds a file that
        # was cut short. Pillow raises only while ImageFile.LOAD_TRUNCATED_IMAGES is off, and
        # importing WeasyPrint turns it on for the whole process: turn it off again here.
        ImageFile.LOAD_TRUNCATED_IMAGES = False
        with Image.open(io.BytesIO(content), formats=formats) as image:
            image.load()
    except UploadRejected:
        raise
    except Image.DecompressionBombError:
        raise _image_too_large() from None
    except Exception:  # any failure of the parser on hostile input means "cannot be opened"
        raise _corrupt(file_type) from None
    if file_type.content_type == "image/png" and _PNG_IEND not in content:
        raise _corrupt(file_type)


def _image_too_large() -> UploadRejected:
    return UploadRejected(
        _(
            "The image has too many pixels (at most %(limit)s megapixels). Scan or save it at "
            "a lower resolution and upload it again."
        )
        % {"limit": MAX_IMAGE_PIXELS // 1_000_000},
        code="upload_image_too_large",
    )


def _encrypted() -> UploadRejected:
    return UploadRejected(
        _(
            "The PDF file is protected with a password or encryption, so it cannot be checked "
            "or viewed. Save a copy without protection and upload that copy."
        ),
        code="upload_encrypted",
    )


def _verify_pdf(content: bytes, file_type: FileType) -> None:
    if b"%%EOF" not in content[-_PDF_EOF_WINDOW:]:
        raise _corrupt(file_type)
    try:
        reader = PdfReader(io.BytesIO(content), strict=False)
        if reader.is_encrypted:
            raise _encrypted()
        pages = reader.pages
        if len(pages) == 0:
            raise UploadRejected(
                _(
                    "The PDF file has no pages. Check that you chose the right file and "
                    "upload it again."
                ),
                code="upload_empty",
            )
        for page in pages:
            page.mediabox  # noqa: B018 — every page must resolve to a real page object
    except UploadRejected:
        raise
    except Exception:  # any failure of the parser on hostile input means "cannot be opened"
        # pypdf fails while opening some encrypted files (AES needs the cryptography
        # package); the trailer's /Encrypt entry is in plain text even then.
        if b"/Encrypt" in content:
            raise _encrypted() from None
        raise _corrupt(file_type) from None


# --- the allowed types --------------------------------------------------------------------

_PDF = FileType("application/pdf", ".pdf", "PDF", (b"%PDF-",), _verify_pdf)
_JPEG = FileType("image/jpeg", ".jpg", "JPEG", (b"\xff\xd8\xff",), _verify_image, ("JPEG", "MPO"))
_PNG = FileType("image/png", ".png", "PNG", (b"\x89PNG\r\n\x1a\n",), _verify_image, ("PNG",))

# Content type → how it is recognised and verified. A new type needs its magic bytes and a
# verifier that opens it with a real parser.
ALLOWED_TYPES: Mapping[str, FileType] = MappingProxyType(
    {t.content_type: t for t in (_PDF, _JPEG, _PNG)}
)


# --- the check ----------------------------------------------------------------------------


def _read_limited(source: bytes | IO[bytes], max_bytes: int) -> bytes:
    if isinstance(source, bytes | bytearray | memoryview):
        if len(source) > max_bytes:
            raise _too_large(max_bytes)
        return bytes(source)
    buffer = bytearray()
    while True:
        # Never ask for more than one byte past the limit: that byte proves "too large".
        chunk = source.read(min(CHUNK_SIZE, max_bytes + 1 - len(buffer)))
        if not chunk:
            return bytes(buffer)
        buffer += chunk
        if len(buffer) > max_bytes:
            raise _too_large(max_bytes)


def clean_filename(filename: str, *, extension: str = "") -> str:
    """The citizen's file name, safe to show and store as text (never used as a path).

    Path components are dropped, control and formatting characters (including bidi
    overrides) removed, the result NFC-normalised and cut to 255 characters, keeping the
    extension. An empty result becomes ``"file" + extension``.
    """
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    # Tabs and line breaks become spaces; other control and format characters go.
    name = "".join(
        (" " if c.isspace() else "") if unicodedata.category(c).startswith("C") else c for c in name
    )
    name = nfc(name).strip(". ")
    if len(name) > MAX_NAME_LENGTH:
        match = _NAME_EXTENSION.search(name)
        suffix = match.group() if match else ""
        name = name[: MAX_NAME_LENGTH - len(suffix)].rstrip(". ") + suffix
    return name or f"file{extension}"


def sniff(head: bytes) -> FileType | None:
    """The known type whose magic bytes start ``head``, if any."""
    return next((t for t in ALLOWED_TYPES.values() if t.matches(head)), None)


def check_upload(
    source: bytes | IO[bytes],
    *,
    filename: str,
    max_bytes: int,
    allowed: Collection[str] = ALLOWED_TYPES,
) -> CheckedUpload:
    """Read, identify, verify and hash an upload, or raise ``UploadRejected``.

    ``source`` is the content or a binary file-like object (e.g. Django's ``UploadedFile``)
    read from its current position. ``max_bytes`` is the procedure's limit; at most
    ``max_bytes + 1`` bytes are read. ``allowed`` narrows the content types accepted (keys
    of ``ALLOWED_TYPES``). The file's name is kept for display only: it never decides the
    type.
    """
    if max_bytes <= 0:
        raise ValueError("max_bytes must be positive")
    unknown = set(allowed) - set(ALLOWED_TYPES)
    if unknown:
        raise ValueError(f"no checks for content types {sorted(unknown)}")

    content = _read_limited(source, max_bytes)
    if not content:
        raise _empty()
    file_type = sniff(content[:16])
    if file_type is None or file_type.content_type not in allowed:
        raise _not_allowed(allowed)
    file_type.verify(content, file_type)
    return CheckedUpload(
        content=content,
        sha256=hashlib.sha256(content).hexdigest(),
        size=len(content),
        content_type=file_type.content_type,
        extension=file_type.extension,
        original_name=clean_filename(filename, extension=file_type.extension),
    )
