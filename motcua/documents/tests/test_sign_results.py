"""A leader signs a dossier's results: each electronic PDF result is sealed (PAdES) with the
competent agency's certificate, checked here by poppler's ``pdfsig`` and by pyHanko."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone
from pyhanko.sign.signers import SimpleSigner
from pypdf import PdfReader

from motcua.core.errors import Forbidden, InvalidInput
from motcua.documents.certificates import (
    DemoCertificates,
    NoSigningCertificate,
    ensure_demo_authority,
    ensure_demo_certificates,
    issue_certificate,
    pkcs12_bundle,
)
from motcua.documents.models import DocumentForm, GeneratedDocument, SigningCertificate
from motcua.documents.results import dossier_sign_and_seal
from motcua.documents.signing import sign_pdf, stamp_text, verify_pdf
from motcua.documents.tests.pdftools import flat_text
from motcua.dossiers import services as svc
from motcua.dossiers.actors import Actor
from motcua.dossiers.audit import verify_all
from motcua.dossiers.models import Dossier, DossierEvent, Result
from motcua.dossiers.tests.factories import World, dossier_row, pdf_bytes, pdf_upload, store_counts
from motcua.worktime.calendar import to_local

COMMUNE_A = "Ủy ban nhân dân xã Lâm Bình"


@pytest.fixture
def certificates(world: World, tmp_path: Path) -> DemoCertificates:
    """A demo CA in a temporary directory, trusted, and a certificate for every agency."""
    return ensure_demo_certificates(directory=tmp_path / "demo-ca")


def approved_birth(world: World) -> Dossier:
    """A birth registration at commune A, approved by its leader (times: now)."""
    d = world.accepted_birth()
    for _ in range(2):
        svc.dossier_forward(dossier=d.pk, actor=Actor.official(world.specialist_a))
    return svc.dossier_approve(dossier=d.pk, actor=Actor.official(world.leader_a))


def attach(
    world: World, d: Dossier, text: str = "Giấy khai sinh", kind: str = "electronic"
) -> Result:
    return svc.dossier_attach_result(
        dossier=d.pk,
        actor=Actor.official(world.leader_a),
        name=text,
        kind=kind,
        upload=pdf_upload(text) if kind == "electronic" else None,
    )


def stored(result: Result) -> bytes:
    result.refresh_from_db()
    with result.file.open("rb") as f:
        return bytes(f.read())


def pdfsig(data: bytes, *options: str) -> str:
    """poppler's report on ``data``; it exits 0 even when a digest does not match."""
    assert shutil.which("pdfsig"), "poppler-utils (pdfsig) must be installed for these tests"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "signed.pdf"
        path.write_bytes(data)
        done = subprocess.run(
            ["pdfsig", *options, str(path)], capture_output=True, timeout=60, check=False
        )
    return done.stdout.decode("utf-8", "replace") + done.stderr.decode("utf-8", "replace")


def signature_validation(report: str) -> str:
    lines = [line.strip() for line in report.splitlines() if "Signature Validation:" in line]
    assert len(lines) == 1, report
    return lines[0].split(":", 1)[1].strip()


def tampered(data: bytes) -> bytes:
    """``data`` with one byte changed inside the signed range (the original's producer)."""
    at = data.index(b"/Producer (pypdf)") + len(b"/Producer (pyp")
    changed = bytearray(data)
    changed[at] = ord("x")  # pypdf → pypxf
    assert changed != data and len(changed) == len(data)
    return bytes(changed)


@pytest.fixture
def sealed(world: World, certificates: DemoCertificates) -> tuple[Dossier, Result, bytes]:
    d = approved_birth(world)
    result = attach(world, d)
    unsigned = stored(result)
    d = dossier_sign_and_seal(dossier=d.pk, actor=Actor.official(world.leader_a))
    return d, Result.objects.get(pk=result.pk), unsigned


def test_the_signed_result_validates_with_pdfsig(sealed: tuple[Dossier, Result, bytes]) -> None:
    _, result, unsigned = sealed
    signed = stored(result)
    assert signed.startswith(unsigned)  # an incremental update: the original bytes stay
    report = pdfsig(signed, "-nocert")
    assert signature_validation(report) == "Signature is Valid.", report
    assert f"Signer Certificate Common Name: {COMMUNE_A}" in report
    assert "Signature Type: ETSI.CAdES.detached" in report
    assert "Signing Hash Algorithm: SHA-256" in report
    assert "Total document signed" in report


def test_the_signed_result_validates_with_pyhanko_against_the_demo_ca(
    sealed: tuple[Dossier, Result, bytes],
) -> None:
    d, result, _ = sealed
    check = verify_pdf(stored(result))
    assert check.ok, check.errors
    assert (check.signed, check.intact, check.valid, check.trusted) == (True, True, True, True)
    assert check.covers_whole_document and check.signatures == 1
    assert f"Common Name: {COMMUNE_A}" in check.signer_subject
    active = SigningCertificate.objects.get(agency__name=COMMUNE_A, active=True)
    assert check.signer_fingerprint == active.fingerprint_sha256
    event = d.events.get(action="sign_result")
    assert check.signing_time is not None
    assert abs(check.signing_time - event.at) < dt.timedelta(seconds=1)
    assert check.errors == []


def test_one_altered_byte_breaks_both_validators(sealed: tuple[Dossier, Result, bytes]) -> None:
    _, result, _ = sealed
    broken = tampered(stored(result))
    report = pdfsig(broken, "-nocert")
    assert signature_validation(report) == "Digest Mismatch.", report
    check = verify_pdf(broken)
    assert check.signed and not check.intact and not check.ok
    assert len(check.errors) == 1


def test_the_stamp_reads_in_vietnamese_on_the_last_page(
    world: World, sealed: tuple[Dossier, Result, bytes]
) -> None:
    d, result, _ = sealed
    signed = stored(result)
    text = flat_text(signed)
    event = d.events.get(action="sign_result")
    when = to_local(event.at).strftime("%H:%M %d/%m/%Y")
    assert f"Ký bởi: {COMMUNE_A}" in text
    assert f"Người ký: {world.leader_a.get_full_name()}" in text
    assert f"Thời gian ký: {when}" in text
    assert f"Lý do: Ký kết quả giải quyết hồ sơ {d.code}" in text
    # The stamp is a widget of the last page.
    page = PdfReader(io.BytesIO(signed)).pages[-1]
    widgets = [a.get_object() for a in page.get("/Annots", [])]
    assert [w["/FT"] for w in widgets] == ["/Sig"]
    x1, y1, x2, y2 = (float(v) for v in widgets[0]["/Rect"])
    assert x2 - x1 > 200 and y2 - y1 > 50 and x2 <= 595 and y1 >= 0
    # Its text is set in the embedded Source Serif Pro, not in a font the reader may lack.
    appearance = widgets[0]["/AP"]["/N"].get_object()
    fonts = [f.get_object() for f in appearance["/Resources"]["/Font"].values()]
    assert [f["/BaseFont"].split("+", 1)[1] for f in fonts] == ["SourceSerifPro-Regular"]
    descendant = fonts[0]["/DescendantFonts"][0].get_object()
    assert "/FontFile2" in descendant["/FontDescriptor"].get_object()


def test_the_result_holds_the_signed_file_and_the_ledger_its_hash(
    world: World, sealed: tuple[Dossier, Result, bytes]
) -> None:
    d, result, unsigned = sealed
    signed = stored(result)
    signed_sha = hashlib.sha256(signed).hexdigest()
    assert (result.sha256, result.size) == (signed_sha, len(signed))
    assert result.signed_at is not None and result.signed_by == world.leader_a
    assert d.state == "resolved"
    event = d.events.get(action="sign_result")
    assert event.data == {
        "results": [
            {
                "code": result.code,
                "sha256": signed_sha,
                "unsigned_sha256": hashlib.sha256(unsigned).hexdigest(),
            }
        ]
    }
    document = GeneratedDocument.objects.get(result=result)
    assert (document.form, document.event, document.dossier) == (
        DocumentForm.SIGNED_RESULT,
        event,
        d,
    )
    assert (document.sha256, document.size, document.content_type) == (
        signed_sha,
        len(signed),
        "application/pdf",
    )
    assert document.file.name == result.file.name and document.file_name == f"{result.code}.pdf"
    assert document.agency == world.commune_a and document.created_by == world.leader_a
    assert all(report.ok for report in verify_all())
    call_command("audit", "verify", "--quiet")  # exits 1 if any history was altered


def test_every_electronic_result_is_sealed_and_paper_ones_are_left(
    world: World, certificates: DemoCertificates
) -> None:
    d = approved_birth(world)
    first = attach(world, d, "Giấy khai sinh")
    second = attach(world, d, "Trích lục khai sinh")
    paper = attach(world, d, "Giấy khai sinh (bản giấy)", kind="paper")
    d = dossier_sign_and_seal(dossier=d.pk, actor=Actor.official(world.leader_a))
    for result in (first, second):
        assert verify_pdf(stored(result)).ok
    paper.refresh_from_db()
    assert not paper.file and paper.sha256 == "" and paper.signed_at is not None
    assert GeneratedDocument.objects.filter(dossier=d).count() == 2
    entries = d.events.get(action="sign_result").data["results"]
    assert [("unsigned_sha256" in e) for e in entries] == [True, True, False]


def test_without_a_certificate_nothing_changes(world: World) -> None:
    d = approved_birth(world)
    result = attach(world, d)
    before, row, file_name = store_counts(), dossier_row(d), result.file.name
    with pytest.raises(NoSigningCertificate) as refused:
        dossier_sign_and_seal(dossier=d.pk, actor=Actor.official(world.leader_a))
    assert refused.value.code == "no_signing_certificate"
    assert COMMUNE_A in refused.value.message
    assert store_counts() == before and dossier_row(d) == row
    result.refresh_from_db()
    assert (result.file.name, result.signed_at) == (file_name, None)
    assert not GeneratedDocument.objects.exists()


def test_an_expired_certificate_is_refused_too(
    world: World, certificates: DemoCertificates
) -> None:
    d = approved_birth(world)
    attach(world, d)
    SigningCertificate.objects.filter(agency=world.commune_a).update(
        not_after=timezone.now() - dt.timedelta(days=1)
    )
    events = DossierEvent.objects.count()
    with pytest.raises(NoSigningCertificate) as refused:
        dossier_sign_and_seal(dossier=d.pk, actor=Actor.official(world.leader_a))
    assert refused.value.code == "no_signing_certificate"
    assert COMMUNE_A in refused.value.message
    assert DossierEvent.objects.count() == events
    assert Dossier.objects.get(pk=d.pk).state == "approved"


def test_only_paper_results_need_no_certificate(world: World) -> None:
    d = approved_birth(world)
    attach(world, d, kind="paper")
    d = dossier_sign_and_seal(dossier=d.pk, actor=Actor.official(world.leader_a))
    assert d.state == "resolved" and not GeneratedDocument.objects.exists()


def test_the_right_to_sign_is_checked_before_the_certificate(world: World) -> None:
    d = approved_birth(world)
    attach(world, d)
    with pytest.raises(Forbidden):
        dossier_sign_and_seal(dossier=d.pk, actor=Actor.official(world.specialist_a))


def test_an_electronic_result_must_be_a_pdf(world: World) -> None:
    from PIL import Image

    from motcua.dossiers.uploads import check_upload

    d = approved_birth(world)
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), "white").save(buffer, format="PNG")
    png = check_upload(buffer.getvalue(), filename="ket-qua.png", max_bytes=1 << 20)
    before = store_counts()
    with pytest.raises(InvalidInput) as refused:
        svc.dossier_attach_result(
            dossier=d.pk,
            actor=Actor.official(world.leader_a),
            name="Giấy khai sinh",
            kind="electronic",
            upload=png,
        )
    assert "file" in refused.value.details["errors"]
    assert store_counts() == before


def test_a_pdf_signed_under_an_unknown_ca_is_valid_but_not_trusted(
    world: World, certificates: DemoCertificates, tmp_path: Path
) -> None:
    other_ca, other_key = ensure_demo_authority(tmp_path / "other-ca")
    now = timezone.now()
    cert, key = issue_certificate(
        ca_cert=other_ca,
        ca_key=other_key,
        common_name="Cơ quan lạ",
        organisation="Nơi khác",
        not_before=now - dt.timedelta(days=1),
    )
    signer = SimpleSigner.load_pkcs12_data(
        pkcs12_bundle(key, cert, "mật khẩu", [other_ca]),
        other_certs=[],
        passphrase="mật khẩu".encode(),
    )
    signed = sign_pdf(
        pdf_bytes("Văn bản"),
        signer=signer,
        agency_name="Cơ quan lạ",
        signer_name="Người lạ",
        reason="Thử",
        location="",
        when=now,
    )
    check = verify_pdf(signed)
    assert (check.signed, check.intact, check.valid, check.trusted) == (True, True, True, False)
    assert not check.ok and len(check.errors) == 1
    assert signature_validation(pdfsig(signed, "-nocert")) == "Signature is Valid."


def test_an_unsigned_or_damaged_file_is_reported_not_crashed() -> None:
    plain = verify_pdf(pdf_bytes("chưa ký"))
    assert (plain.signed, plain.ok, plain.signatures) == (False, False, 0)
    assert plain.errors
    garbage = verify_pdf(b"not a pdf at all")
    assert not garbage.signed and garbage.errors


def test_a_long_agency_name_wraps_and_keeps_every_letter() -> None:
    name = "Ban Quản lý các khu công nghiệp và khu kinh tế cửa khẩu tỉnh Tuyên Quang"
    text = stamp_text(agency_name=name, signer_name="Lê Thị Hằng", reason="Ký", when=timezone.now())
    lines = text.splitlines()
    assert lines[0].startswith("Ký bởi: ") and len(lines) == 5
    assert " ".join(line.strip() for line in lines[:2]) == f"Ký bởi: {name}"


def test_the_api_sign_endpoint_seals_or_refuses_with_a_problem(
    world: World, tmp_path: Path
) -> None:
    from motcua.api.tests.dossier_support import DOSSIERS, Api

    d = approved_birth(world)
    result = attach(world, d)
    leader = Api(world.leader_a)
    before = store_counts()
    refused = leader.post(f"{DOSSIERS}{d.pk}/sign/", {"version": d.version + 1})
    assert refused.status_code == 409
    assert refused.json()["code"] == "no_signing_certificate"
    assert COMMUNE_A in refused.json()["detail"]
    assert store_counts() == before

    ensure_demo_certificates(directory=tmp_path / "demo-ca")
    body = leader.ok(leader.post(f"{DOSSIERS}{d.pk}/sign/", {"version": d.version + 1}))
    signed = stored(result)
    assert body["state"] == "resolved"
    assert body["results"][0]["sha256"] == hashlib.sha256(signed).hexdigest()
    assert verify_pdf(signed).ok


def test_the_stamp_goes_on_the_last_page_inside_its_box(
    world: World, certificates: DemoCertificates
) -> None:
    from pypdf import PdfWriter

    from motcua.documents.certificates import load_signer

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_blank_page(width=420, height=298)  # A5 landscape
    buffer = io.BytesIO()
    writer.write(buffer)
    signed = sign_pdf(
        buffer.getvalue(),
        signer=load_signer(world.commune_a),
        agency_name=COMMUNE_A,
        signer_name="Trần Lan",
        reason="Thử",
        location="Lâm Bình",
        when=timezone.now(),
    )
    pages = PdfReader(io.BytesIO(signed)).pages
    assert "/Annots" not in pages[0]
    (widget,) = [a.get_object() for a in pages[1]["/Annots"]]
    x1, y1, x2, y2 = (float(v) for v in widget["/Rect"])
    assert 0 <= x1 < x2 <= 420 and 0 <= y1 < y2 <= 298
    assert verify_pdf(signed).ok
