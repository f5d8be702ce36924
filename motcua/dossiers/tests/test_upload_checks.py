"""Uploads are checked by content: type sniffed, size limited, empty or damaged files refused."""

from __future__ import annotations

import contextlib
import hashlib
import io
import struct
import unicodedata
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image
from pypdf import PdfWriter

from motcua.core.errors import InvalidInput
from motcua.dossiers.uploads import (
    ALLOWED_TYPES,
    MAX_IMAGE_PIXELS,
    UploadRejected,
    check_upload,
    clean_filename,
)

MB = 1024 * 1024


# --- real files, made here --------------------------------------------------------------


def make_jpeg(size: tuple[int, int] = (64, 48)) -> bytes:
    out = io.BytesIO()
    Image.linear_gradient("L").resize(size).convert("RGB").save(out, "JPEG", quality=90)
    return out.getvalue()


def make_png(size: tuple[int, int] = (64, 48)) -> bytes:
    out = io.BytesIO()
    Image.radial_gradient("L").resize(size).save(out, "PNG")
    return out.getvalue()


def make_pdf(pages: int = 1, *, user_password: str | None = None, owner: str = "") -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)  # A4 in points
    if user_password is not None:
        writer.encrypt(user_password, owner or None, algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def build_pdf(objects: list[bytes], trailer: bytes = b"") -> bytes:
    """A PDF written by hand (for what pypdf cannot write here, e.g. AES encryption)."""
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R %s >>\n" % (len(objects) + 1, trailer))
    out.write(b"startxref\n%d\n%%%%EOF\n" % xref)
    return out.getvalue()


PAGES = [
    b"<< /Type /Catalog /Pages 2 0 R >>",
    b"<< /Type /Pages /Count 1 /Kids [3 0 R] >>",
    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
]


def make_aes256_pdf() -> bytes:
    encrypt = (
        b"<< /Filter /Standard /V 5 /R 6 /Length 256 /P -4"
        b" /O <" + b"00" * 48 + b"> /U <" + b"00" * 48 + b">"
        b" /OE <" + b"00" * 32 + b"> /UE <" + b"00" * 32 + b"> /Perms <" + b"00" * 16 + b">"
        b" /CF << /StdCF << /CFM /AESV3 /AuthEvent /DocOpen /Length 32 >> >>"
        b" /StmF /StdCF /StrF /StdCF >>"
    )
    file_id = b"<00112233445566778899aabbccddeeff>"
    return build_pdf([*PAGES, encrypt], b"/Encrypt 4 0 R /ID [%s %s]" % (file_id, file_id))


def png_header_only(width: int, height: int) -> bytes:
    """A PNG announcing huge dimensions with almost no data: a decompression bomb's shape."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data)
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 1024))
        + chunk(b"IEND", b"")
    )


def rejected(data: bytes | io.IOBase, *, filename: str = "giay-to.pdf", max_bytes: int = MB):
    with pytest.raises(UploadRejected) as caught:
        check_upload(data, filename=filename, max_bytes=max_bytes)
    error = caught.value
    assert isinstance(error, InvalidInput)
    assert error.status == 422
    assert error.details["errors"]["file"] == error.message
    return error


# --- accepted files ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "content_type", "extension"),
    [
        (make_pdf, "application/pdf", ".pdf"),
        (make_jpeg, "image/jpeg", ".jpg"),
        (make_png, "image/png", ".png"),
    ],
)
def test_well_formed_files_are_accepted_and_hashed(make, content_type, extension):
    data = make()
    checked = check_upload(data, filename="Giấy khai sinh" + extension, max_bytes=MB)
    assert checked.content == data
    assert checked.size == len(data)
    assert checked.sha256 == hashlib.sha256(data).hexdigest()
    assert checked.content_type == content_type
    assert checked.extension == extension
    assert checked.original_name == "Giấy khai sinh" + extension


def test_a_django_uploaded_file_is_read_as_a_stream():
    data = make_pdf(pages=3)
    upload = SimpleUploadedFile("to-khai.pdf", data, content_type="application/pdf")
    checked = check_upload(upload, filename=upload.name, max_bytes=MB)
    assert checked.content == data
    assert checked.content_type == "application/pdf"


def test_allowed_types_are_pdf_jpeg_and_png():
    assert {t: ALLOWED_TYPES[t].extension for t in ALLOWED_TYPES} == {
        "application/pdf": ".pdf",
        "image/jpeg": ".jpg",
        "image/png": ".png",
    }


def test_the_content_not_the_name_decides_the_type():
    checked = check_upload(make_png(), filename="scan.pdf", max_bytes=MB)
    assert (checked.content_type, checked.extension) == ("image/png", ".png")
    assert checked.original_name == "scan.pdf"  # kept for display only

    checked = check_upload(make_jpeg(), filename="anh-the.PNG", max_bytes=MB)
    assert (checked.content_type, checked.extension) == ("image/jpeg", ".jpg")


# --- type ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "filename"),
    [
        ("Đơn đề nghị cấp bản sao\n".encode(), "don-de-nghi.pdf"),
        (b"<!DOCTYPE html><html><script>alert(1)</script></html>", "anh-the.jpg"),
        (b"PK\x03\x04" + b"\x00" * 200, "to-khai.pdf"),  # a zip / .docx
        (b"GIF89a" + b"\x00" * 200, "anh.png"),
        (b"MZ\x90\x00" + b"\x00" * 200, "giay-to.pdf"),  # a Windows program
    ],
)
def test_other_content_is_refused_whatever_its_name(data, filename):
    error = rejected(data, filename=filename)
    assert error.code == "upload_type_not_allowed"
    for label in ("PDF", "JPEG", "PNG"):
        assert label in error.message


def test_a_procedure_may_accept_fewer_types():
    with pytest.raises(UploadRejected) as caught:
        check_upload(make_png(), filename="x.png", max_bytes=MB, allowed={"application/pdf"})
    assert caught.value.code == "upload_type_not_allowed"
    assert "PDF" in caught.value.message
    assert "PNG" not in caught.value.message

    checked = check_upload(make_pdf(), filename="x.pdf", max_bytes=MB, allowed={"application/pdf"})
    assert checked.content_type == "application/pdf"


def test_a_type_without_checks_cannot_be_allowed():
    with pytest.raises(ValueError, match="image/gif"):
        check_upload(make_png(), filename="x.png", max_bytes=MB, allowed={"image/gif"})


# --- size ------------------------------------------------------------------------------


def test_empty_file_is_refused():
    error = rejected(b"", filename="giay-to.pdf")
    assert error.code == "upload_empty"
    with translation.override("en"):
        assert "empty" in rejected(io.BytesIO(b"")).message


def test_exactly_at_the_limit_is_accepted_one_byte_over_is_refused():
    data = make_png()
    for source in (data, io.BytesIO(data)):
        assert check_upload(source, filename="x.png", max_bytes=len(data)).size == len(data)
    for source in (data, io.BytesIO(data)):
        error = rejected(source, max_bytes=len(data) - 1)
        assert error.code == "upload_too_large"
        assert error.details["max_bytes"] == len(data) - 1


def test_too_large_message_gives_the_limit_in_mb():
    data = b"%PDF-" + b"0" * (2 * MB)
    error = rejected(data, max_bytes=2 * MB)
    assert error.code == "upload_too_large"
    assert "2 MB" in error.message  # the same in every language
    with translation.override("en"):
        error = rejected(data, max_bytes=2 * MB)
    assert "larger than 2 MB" in error.message
    assert "upload it again" in error.message


class CountingStream(io.RawIOBase):
    """A 5 GB upload that is never materialised; counts what is read from it."""

    def __init__(self, size: int, head: bytes = b"") -> None:
        self.size = size
        self.head = head
        self.position = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        n = min(len(buffer), self.size - self.position)
        for i in range(n):
            offset = self.position + i
            buffer[i] = self.head[offset] if offset < len(self.head) else 0
        self.position += n
        return n


def test_a_huge_stream_is_not_read_past_the_limit():
    stream = CountingStream(5 * 1024**3, head=make_png())
    error = rejected(stream, max_bytes=100_000)
    assert error.code == "upload_too_large"
    assert stream.position == 100_001


# --- damaged files -----------------------------------------------------------------------


def _cut(data: bytes, fraction: float = 0.5) -> bytes:
    return data[: int(len(data) * fraction)]


@pytest.mark.parametrize(
    ("data", "label"),
    [
        (_cut(make_jpeg()), "JPEG"),
        (make_jpeg()[:-2], "JPEG"),  # no end-of-image marker
        (_cut(make_png()), "PNG"),
        (make_png()[:-1], "PNG"),  # IEND chunk cut
        (_cut(make_pdf()), "PDF"),
        (make_pdf().replace(b"%%EOF", b""), "PDF"),  # missing its end
        (make_pdf()[: make_pdf().rindex(b"xref")], "PDF"),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 300, "JPEG"),  # magic bytes, then nothing sensible
        (b"\x89PNG\r\n\x1a\n" + b"garbage" * 40, "PNG"),
        (b"%PDF-1.7\n" + b"garbage\n" * 40 + b"%%EOF\n", "PDF"),
    ],
)
def test_truncated_or_damaged_files_are_refused(data, label):
    error = rejected(data)
    assert error.code == "upload_corrupt"
    assert label in error.message
    with translation.override("en"):
        assert "damaged or incomplete" in rejected(data).message


def test_pdf_without_pages_is_refused():
    error = rejected(make_pdf(pages=0))
    assert error.code == "upload_empty"
    with translation.override("en"):
        assert "no pages" in rejected(make_pdf(pages=0)).message


@pytest.mark.parametrize(
    "data",
    [
        make_pdf(user_password="matkhau"),
        make_pdf(user_password="", owner="chu-so-huu"),  # opens without a password, still encrypted
        make_aes256_pdf(),
    ],
    ids=["user-password", "owner-password-only", "aes-256"],
)
def test_encrypted_pdf_is_refused_with_its_own_code(data):
    error = rejected(data)
    assert error.code == "upload_encrypted"
    with translation.override("en"):
        assert "password" in rejected(data).message


def test_the_hand_built_pdf_is_accepted_when_not_encrypted():
    # So that the AES case above is refused for its encryption, not for being hand-built.
    assert check_upload(build_pdf(PAGES), filename="x.pdf", max_bytes=MB).size > 0


@pytest.mark.parametrize("side", [8_000, 20_000])  # 64 and 400 megapixels
def test_images_with_too_many_pixels_are_refused_before_decoding(side):
    assert side * side > MAX_IMAGE_PIXELS
    error = rejected(png_header_only(side, side), filename="scan.png")
    assert error.code == "upload_image_too_large"
    assert str(MAX_IMAGE_PIXELS // 1_000_000) in error.message


# --- the citizen's file name -------------------------------------------------------------


@pytest.mark.parametrize(
    ("given_name", "kept"),
    [
        ("C:\\Users\\an\\Desktop\\Giấy khai sinh.pdf", "Giấy khai sinh.pdf"),
        ("../../etc/passwd", "passwd"),
        (unicodedata.normalize("NFD", "Sổ hộ khẩu.pdf"), "Sổ hộ khẩu.pdf"),
        ("hoa\x00don\x1b[31m.pdf", "hoadon[31m.pdf"),
        ("hoa-don-\u202efdp.exe", "hoa-don-fdp.exe"),  # no right-to-left override spoofing
        ("  Tờ   khai\tđăng ký .pdf ", "Tờ khai đăng ký .pdf"),
        ("..", "file.png"),
        ("", "file.png"),
    ],
)
def test_file_names_are_cleaned_for_display(given_name, kept):
    assert clean_filename(given_name, extension=".png") == kept
    assert check_upload(make_png(), filename=given_name, max_bytes=MB).original_name == kept


def test_long_file_names_are_cut_to_255_characters_keeping_the_extension():
    name = "Giấy chứng nhận quyền sử dụng đất " * 20 + ".pdf"
    cleaned = clean_filename(name)
    assert len(cleaned) == 255
    assert cleaned.endswith(".pdf")
    assert cleaned == unicodedata.normalize("NFC", cleaned)


# --- properties ---------------------------------------------------------------------------

MAGIC = [b"", b"%PDF-1.4\n", b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n"]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(head=st.sampled_from(MAGIC), body=st.binary(max_size=4096), eof=st.booleans())
def test_arbitrary_bytes_are_accepted_or_refused_never_crash(head, body, eof):
    data = head + body + (b"\n%%EOF\n" if eof else b"")
    try:
        checked = check_upload(data, filename="x", max_bytes=4096 + 32)
    except UploadRejected as error:
        assert error.code.startswith("upload_")
        assert error.message
    else:
        assert checked.content == data


VALID = {"jpeg": make_jpeg(), "png": make_png(), "pdf": make_pdf()}


@settings(max_examples=200, deadline=None)
@given(kind=st.sampled_from(sorted(VALID)), data=st.data())
def test_every_truncation_of_a_valid_file_is_refused(kind, data):
    whole = VALID[kind]
    # A PDF may lose the line break after %%EOF and stay complete.
    keep = data.draw(st.integers(min_value=0, max_value=len(whole) - (8 if kind == "pdf" else 1)))
    with pytest.raises(UploadRejected):
        check_upload(whole[:keep], filename="x", max_bytes=MB)


@settings(max_examples=200, deadline=None)
@given(kind=st.sampled_from(sorted(VALID)), data=st.data())
def test_damaged_bytes_in_a_valid_file_never_crash(kind, data):
    whole = bytearray(VALID[kind])
    for _ in range(data.draw(st.integers(min_value=1, max_value=8))):
        position = data.draw(st.integers(min_value=0, max_value=len(whole) - 1))
        whole[position] = data.draw(st.integers(min_value=0, max_value=255))
    with contextlib.suppress(UploadRejected):  # refusing is fine; any other error is not
        check_upload(bytes(whole), filename="x", max_bytes=MB)


def test_a_truncated_scan_is_refused_even_after_weasyprint_loosened_pillow():
    # WeasyPrint sets ImageFile.LOAD_TRUNCATED_IMAGES at import; a server that has rendered a
    # slip must still refuse a scan that was cut short.
    from PIL import ImageFile

    ImageFile.LOAD_TRUNCATED_IMAGES = True
    try:
        with pytest.raises(UploadRejected) as caught:
            check_upload(_cut(make_jpeg()), filename="scan.jpg", max_bytes=MB)
        assert caught.value.code == "upload_corrupt"
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = False
