"""Agency signing certificates: the list with expiry warnings, importing a PKCS#12 through
``motcua.documents.certificates.import_pkcs12``, its errors, deactivating."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from motcua.desk.tests.manage_support import sign_in, text, url
from motcua.documents.models import SigningCertificate
from motcua.dossiers.tests.factories import World

pytestmark = pytest.mark.django_db

PASSPHRASE = "Mật-khẩu-tệp-2025"


def make_p12(
    common_name: str = "UBND xã Lâm Bình",
    *,
    days: int = 365,
    passphrase: str = PASSPHRASE,
) -> bytes:
    """A self-signed EC P-256 signing certificate and its key, as PKCS#12."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Tỉnh Tuyên Quang"),
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
        ]
    )
    start = timezone.now() - dt.timedelta(days=1)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + dt.timedelta(days=days))
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    return pkcs12.serialize_key_and_certificates(
        b"test",
        key,
        cert,
        None,
        serialization.BestAvailableEncryption(passphrase.encode()),
    )


def upload(world: World, data: bytes, passphrase: str = PASSPHRASE) -> dict[str, object]:
    return {
        "agency": str(world.commune_a.pk),
        "file": SimpleUploadedFile("lam-binh.p12", data, "application/x-pkcs12"),
        "passphrase": passphrase,
        "label": "Ban Cơ yếu Chính phủ 2025",
    }


def test_the_list_shows_every_agency_and_those_without_a_certificate(
    client: Client, world: World
) -> None:
    body = text(sign_in(client, world.admin).get(url("desk:manage_certificates")))
    for agency in (world.province, world.commune_a, world.police, world.center_b):
        assert agency.name in body
    assert body.count("no active certificate") == 8
    assert 'enctype="multipart/form-data"' in body


def test_a_wrong_passphrase_shows_the_error_and_stores_nothing(
    client: Client, world: World
) -> None:
    sign_in(client, world.admin)
    page = client.post(url("desk:manage_certificates"), upload(world, make_p12(), "sai"))
    body = text(page)
    assert page.status_code == 200
    assert 'id="id_passphrase_error"' in body
    assert "Wrong passphrase." in body
    assert not SigningCertificate.objects.exists()


def test_an_expired_or_oversized_file_is_refused_next_to_the_file_field(
    client: Client, world: World
) -> None:
    sign_in(client, world.admin)
    expired = client.post(url("desk:manage_certificates"), upload(world, make_p12(days=0)))
    assert 'id="id_file_error"' in text(expired)
    assert "The certificate expired on" in text(expired)
    big = client.post(url("desk:manage_certificates"), upload(world, b"0" * (64 * 1024 + 1)))
    assert 'id="id_file_error"' in text(big)
    assert "larger than 64 KB" in text(big)
    assert not SigningCertificate.objects.exists()


def test_importing_activates_it_and_the_list_warns_before_expiry(
    client: Client, world: World, caplog: pytest.LogCaptureFixture
) -> None:
    sign_in(client, world.admin)
    with caplog.at_level(logging.INFO, logger="motcua.audit"):
        response = client.post(url("desk:manage_certificates"), upload(world, make_p12()))
    assert response.status_code == 302
    first = SigningCertificate.objects.get(agency=world.commune_a)
    assert first.active and first.uploaded_by == world.admin
    assert any("certificate_import by=quantri" in r.getMessage() for r in caplog.records)
    body = text(client.get(url("desk:manage_certificates")))
    assert "CN=UBND xã Lâm Bình" in body
    assert "Ban Cơ yếu Chính phủ 2025" in body
    assert body.count("no active certificate") == 7
    assert "expires in" not in body

    client.post(url("desk:manage_certificates"), upload(world, make_p12(days=20)))
    first.refresh_from_db()
    assert not first.active  # replaced
    expiring = text(client.get(url("desk:manage_certificates"), {"status": "expiring"}))
    assert "expires in 18 days" in expiring or "expires in 19 days" in expiring
    assert f'<th scope="row">{world.commune_a.name}' in expiring
    assert f'<th scope="row">{world.commune_b.name}' not in expiring


def test_deactivating_a_certificate(client: Client, world: World) -> None:
    sign_in(client, world.admin)
    client.post(url("desk:manage_certificates"), upload(world, make_p12()))
    cert = SigningCertificate.objects.get(agency=world.commune_a)
    response = client.post(url("desk:manage_certificate_deactivate", cert.pk))
    assert response.status_code == 302
    cert.refresh_from_db()
    assert not cert.active
    missing = text(client.get(url("desk:manage_certificates"), {"status": "missing"}))
    assert f'<th scope="row">{world.commune_a.name}' in missing


def test_agency_managers_cannot_touch_certificates(client: Client, world: World) -> None:
    sign_in(client, world.leader_a)
    assert client.get(url("desk:manage_certificates")).status_code == 403
    response = client.post(url("desk:manage_certificates"), upload(world, make_p12()))
    assert response.status_code == 403
    assert not SigningCertificate.objects.exists()
