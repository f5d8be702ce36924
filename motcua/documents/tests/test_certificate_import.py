"""Importing an agency's PKCS#12 bundle: what is refused, what is stored, how it is used."""

from __future__ import annotations

import base64
import datetime as dt
import io
import re
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from motcua.core.errors import InvalidInput
from motcua.desk.tests.signin import sign_in
from motcua.documents import certificates
from motcua.documents.certificates import (
    NoSigningCertificate,
    decrypt_passphrase,
    ensure_demo_authority,
    import_pkcs12,
    issue_certificate,
    load_signer,
    pkcs12_bundle,
)
from motcua.documents.models import SigningCertificate
from motcua.dossiers.tests.factories import World

PASSPHRASE = "Mật-khẩu chứng thư 2026"


@pytest.fixture
def authority(tmp_path: Path) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    return ensure_demo_authority(tmp_path / "ca")


def bundle(
    authority: tuple[x509.Certificate, ec.EllipticCurvePrivateKey],
    *,
    name: str = "Ủy ban nhân dân xã Lâm Bình",
    not_before: dt.datetime | None = None,
    days: int = 730,
    key_usage: bool = True,
    passphrase: str = PASSPHRASE,
    other_key: bool = False,
) -> bytes:
    ca_cert, ca_key = authority
    cert, key = issue_certificate(
        ca_cert=ca_cert,
        ca_key=ca_key,
        common_name=name,
        organisation="Tỉnh Tuyên Quang",
        not_before=not_before or timezone.now() - dt.timedelta(days=1),
        days=days,
        key_usage=key_usage,
    )
    if other_key:
        key = ec.generate_private_key(ec.SECP256R1())
    return _serialise(key, cert, passphrase, ca_cert, other_key)


def _serialise(key: Any, cert: x509.Certificate, passphrase: str, ca: Any, raw: bool) -> bytes:
    if not raw:
        return pkcs12_bundle(key, cert, passphrase, [ca])
    # A key with a certificate that is not its own: the bundle has no pair of them.
    return pkcs12.serialize_key_and_certificates(
        None, key, None, [cert, ca], serialization.BestAvailableEncryption(passphrase.encode())
    )


def field_errors(refused: pytest.ExceptionInfo[InvalidInput]) -> dict[str, str]:
    errors: dict[str, str] = refused.value.details["errors"]
    return errors


def test_a_valid_bundle_is_stored_re_encrypted_and_active(world: World, authority: Any) -> None:
    data = bundle(authority)
    stored = import_pkcs12(
        agency=world.commune_a, data=data, passphrase=PASSPHRASE, label="  Chứng thư  2026 "
    )
    stored.refresh_from_db()
    assert stored.active and stored.agency == world.commune_a and stored.label == "Chứng thư 2026"
    assert "CN=Ủy ban nhân dân xã Lâm Bình" in stored.subject
    assert "CN=MotCua Demo Root CA" in stored.issuer
    assert re.fullmatch(r"[0-9a-f]{64}", stored.fingerprint_sha256)
    assert stored.not_after - stored.not_before == dt.timedelta(days=730)
    assert stored.certificate_pem.startswith("-----BEGIN CERTIFICATE-----")
    assert stored.chain_pem.count("BEGIN CERTIFICATE") == 1
    # Neither the operator's passphrase nor their file is kept.
    assert PASSPHRASE.encode() not in bytes(stored.passphrase_encrypted)
    assert bytes(stored.pkcs12) != data
    own = decrypt_passphrase(stored.passphrase_encrypted)
    assert own != PASSPHRASE and len(own) >= 40
    signer = load_signer(world.commune_a)
    assert signer.signing_cert.subject.native["common_name"] == "Ủy ban nhân dân xã Lâm Bình"


def test_a_wrong_passphrase_is_a_field_error(world: World, authority: Any) -> None:
    with pytest.raises(InvalidInput) as refused:
        import_pkcs12(agency=world.commune_a, data=bundle(authority), passphrase="sai mật khẩu")
    assert list(field_errors(refused)) == ["passphrase"]
    assert not SigningCertificate.objects.exists()


def test_a_file_that_is_no_bundle_is_a_file_error(world: World) -> None:
    for junk in (b"", b"%PDF-1.4 not a certificate", b"\x30\x03\x02\x01\x03"):
        with pytest.raises(InvalidInput) as refused:
            import_pkcs12(agency=world.commune_a, data=junk, passphrase=PASSPHRASE)
        assert list(field_errors(refused)) == ["file"]
    assert not SigningCertificate.objects.exists()


@pytest.mark.parametrize(
    ("kwargs", "what"),
    [
        ({"not_before": timezone.now() - dt.timedelta(days=800), "days": 730}, "expired"),
        ({"not_before": timezone.now() + dt.timedelta(days=3)}, "not yet valid"),
        ({"other_key": True}, "mismatched key"),
        ({"key_usage": False}, "fine without a key usage extension"),
    ],
)
def test_certificates_that_cannot_sign_are_refused(
    world: World, authority: Any, kwargs: dict[str, Any], what: str
) -> None:
    data = bundle(authority, **kwargs)
    if what.startswith("fine"):
        assert import_pkcs12(agency=world.commune_a, data=data, passphrase=PASSPHRASE).active
        return
    with pytest.raises(InvalidInput) as refused:
        import_pkcs12(agency=world.commune_a, data=data, passphrase=PASSPHRASE)
    assert list(field_errors(refused)) == ["file"], what
    assert not SigningCertificate.objects.exists()


def test_a_certificate_for_encryption_only_is_refused(world: World, authority: Any) -> None:
    from cryptography.hazmat.primitives import hashes

    ca_cert, ca_key = authority
    key = ec.generate_private_key(ec.SECP256R1())
    now = timezone.now()
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(x509.NameOID.COMMON_NAME, "Mã hóa")]))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=True,
                data_encipherment=False,
                key_agreement=True,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(ca_key, hashes.SHA256())
    )
    with pytest.raises(InvalidInput) as refused:
        import_pkcs12(
            agency=world.commune_a,
            data=pkcs12_bundle(key, cert, PASSPHRASE, [ca_cert]),
            passphrase=PASSPHRASE,
        )
    assert list(field_errors(refused)) == ["file"]


def test_the_same_certificate_twice_is_refused(world: World, authority: Any) -> None:
    data = bundle(authority)
    import_pkcs12(agency=world.commune_a, data=data, passphrase=PASSPHRASE)
    with pytest.raises(InvalidInput) as refused:
        import_pkcs12(agency=world.commune_b, data=data, passphrase=PASSPHRASE)
    assert list(field_errors(refused)) == ["file"]
    assert world.commune_a.name in refused.value.message
    assert SigningCertificate.objects.count() == 1


def test_activating_a_new_certificate_retires_the_previous_one(
    world: World, authority: Any
) -> None:
    first = import_pkcs12(agency=world.commune_a, data=bundle(authority), passphrase=PASSPHRASE)
    spare = import_pkcs12(
        agency=world.commune_a, data=bundle(authority), passphrase=PASSPHRASE, activate=False
    )
    assert (first.active, spare.active) == (True, False)
    other = import_pkcs12(agency=world.commune_b, data=bundle(authority), passphrase=PASSPHRASE)
    second = import_pkcs12(agency=world.commune_a, data=bundle(authority), passphrase=PASSPHRASE)
    active = {c.pk for c in SigningCertificate.objects.filter(active=True)}
    assert active == {second.pk, other.pk}
    certificates.activate_certificate(first)
    active = {c.pk for c in SigningCertificate.objects.filter(active=True)}
    assert active == {first.pk, other.pk}


def test_no_certificate_means_no_signer(world: World) -> None:
    with pytest.raises(NoSigningCertificate) as refused:
        load_signer(world.commune_a)
    assert refused.value.code == "no_signing_certificate" and refused.value.status == 409
    assert world.commune_a.name in refused.value.message


def test_an_expired_or_future_certificate_gives_no_signer(world: World, authority: Any) -> None:
    stored = import_pkcs12(agency=world.commune_a, data=bundle(authority), passphrase=PASSPHRASE)
    with pytest.raises(NoSigningCertificate):
        load_signer(world.commune_a, at=stored.not_after + dt.timedelta(seconds=1))
    with pytest.raises(NoSigningCertificate):
        load_signer(world.commune_a, at=stored.not_before - dt.timedelta(seconds=1))
    assert load_signer(world.commune_a, at=stored.not_before + dt.timedelta(hours=1))


def test_the_passphrase_key_follows_the_installation_secret(
    world: World, authority: Any, settings: Any
) -> None:
    settings.MOTCUA_SIGNING_KEY_SECRET = "khóa-riêng-của-tỉnh"
    import_pkcs12(agency=world.commune_a, data=bundle(authority), passphrase=PASSPHRASE)
    assert load_signer(world.commune_a)
    settings.SECRET_KEY = "another-django-secret-changes-nothing-here"
    assert load_signer(world.commune_a)
    settings.MOTCUA_SIGNING_KEY_SECRET = "a-different-secret"
    with pytest.raises(NoSigningCertificate) as refused:
        load_signer(world.commune_a)
    assert refused.value.code == "no_signing_certificate"


# --- the command ----------------------------------------------------------------------


def test_the_command_imports_with_the_passphrase_from_the_environment(
    world: World, authority: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "xa-lam-binh.p12"
    path.write_bytes(bundle(authority))
    monkeypatch.setenv("MOTCUA_P12_PASSPHRASE", PASSPHRASE)
    out = io.StringIO()
    call_command(
        "signing-cert",
        "import",
        "--agency",
        world.commune_a.identifier,
        "--file",
        str(path),
        stdout=out,
    )
    stored = SigningCertificate.objects.get()
    assert stored.agency == world.commune_a and stored.active
    assert world.commune_a.name in out.getvalue()
    listing = io.StringIO()
    call_command("signing-cert", "list", stdout=listing)
    rows = [line.split("\t") for line in listing.getvalue().splitlines()]
    assert [(r[0], r[1], r[5], r[6]) for r in rows] == [
        (world.commune_a.identifier, world.commune_a.name, "active", stored.fingerprint_sha256)
    ]


def test_the_command_refuses_a_wrong_passphrase_and_stores_nothing(
    world: World,
    authority: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = tmp_path / "b.p12"
    path.write_bytes(bundle(authority))
    monkeypatch.setenv("MOTCUA_P12_PASSPHRASE", "sai")
    with pytest.raises(SystemExit) as exited:
        call_command(
            "signing-cert", "import", "--agency", str(world.commune_a.pk), "--file", str(path)
        )
    assert exited.value.code == 2
    assert not SigningCertificate.objects.exists()


def test_the_command_never_takes_the_passphrase_from_its_arguments(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MOTCUA_P12_PASSPHRASE", raising=False)
    monkeypatch.setattr("sys.stdin", io.StringIO(""))  # not a terminal
    path = tmp_path / "c.p12"
    path.write_bytes(b"x")
    with pytest.raises(SystemExit) as exited:
        call_command("signing-cert", "import", "--agency", "000.01.30.H60", "--file", str(path))
    assert exited.value.code == 2
    with pytest.raises(SystemExit):
        call_command("signing-cert", "import", "--agency", "nowhere", "--file", str(path))


# --- the admin -----------------------------------------------------------------------


@pytest.fixture
def admin_client(world: World) -> Client:
    world.admin.is_staff = world.admin.is_superuser = True
    world.admin.save()
    client = Client()
    sign_in(client, world.admin)
    return client


def test_the_admin_uploads_a_bundle_and_never_shows_the_key(
    world: World, authority: Any, admin_client: Client
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    url = reverse("admin:documents_signingcertificate_add")
    page = admin_client.get(url)
    assert page.status_code == 200 and b'type="password"' in page.content
    wrong = admin_client.post(
        url,
        {
            "agency": world.commune_a.pk,
            "label": "Chứng thư",
            "file": SimpleUploadedFile("xa.p12", bundle(authority)),
            "passphrase": "sai",
            "activate": "on",
        },
    )
    assert wrong.status_code == 200 and not SigningCertificate.objects.exists()
    assert "passphrase" in wrong.context["adminform"].form.errors
    done = admin_client.post(
        url,
        {
            "agency": world.commune_a.pk,
            "label": "Chứng thư",
            "file": SimpleUploadedFile("xa.p12", bundle(authority)),
            "passphrase": PASSPHRASE,
            "activate": "on",
        },
    )
    assert done.status_code == 302, done.content[:2000]
    stored = SigningCertificate.objects.get()
    assert stored.uploaded_by == world.admin and stored.active
    listing = admin_client.get(reverse("admin:documents_signingcertificate_changelist"))
    assert world.commune_a.name in listing.content.decode()
    detail = admin_client.get(
        reverse("admin:documents_signingcertificate_change", args=[stored.pk])
    ).content.decode()
    assert stored.fingerprint_sha256 in detail
    inputs = re.findall(r'name="([^"]+)"', detail)
    assert "pkcs12" not in inputs and "passphrase_encrypted" not in inputs
    key_material = bytes(stored.pkcs12)
    assert base64.b64encode(key_material)[:40].decode() not in detail
    assert key_material.hex()[:40] not in detail
