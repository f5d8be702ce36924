"""The demo certificate authority and a demo certificate for every active agency."""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.x509.oid import NameOID

from motcua.documents.certificates import (
    DEMO_CA_NAME,
    demo_directory,
    ensure_demo_authority,
    ensure_demo_certificates,
    fit_name,
    load_signer,
)
from motcua.documents.models import SigningCertificate, TrustedRoot
from motcua.dossiers.tests.factories import World
from motcua.org.models import Agency
from motcua.org.tests.factories import make_agency


def test_the_authority_is_made_once_with_a_private_key_file(tmp_path: Path) -> None:
    directory = tmp_path / "demo-ca"
    cert, key = ensure_demo_authority(directory)
    key_file = directory / "ca-key.pem"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(directory.stat().st_mode) == 0o700
    assert cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == DEMO_CA_NAME
    assert cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    years = (cert.not_valid_after_utc - cert.not_valid_before_utc).days / 365
    assert 10 <= years < 10.1
    again, again_key = ensure_demo_authority(directory)
    assert again == cert
    assert again_key.private_numbers() == key.private_numbers()


def test_the_default_directory_is_under_the_data_directory(settings: Any, tmp_path: Path) -> None:
    settings.DATA_DIR = tmp_path / "data"
    assert demo_directory() == tmp_path / "data" / "demo-ca"
    assert not str(demo_directory()).startswith(str(Path(__file__).resolve().parents[3]))


def test_every_active_agency_gets_one_certificate_and_the_ca_is_trusted(
    world: World, tmp_path: Path
) -> None:
    closed = make_agency(
        "Ủy ban nhân dân xã Đã Sáp Nhập", parent=world.province, kind="commune", active=False
    )
    first = ensure_demo_certificates(directory=tmp_path / "ca")
    active = set(Agency.objects.filter(active=True).values_list("pk", flat=True))
    assert first.issued == first.agencies == len(active) == 8
    certified = set(
        SigningCertificate.objects.filter(active=True).values_list("agency_id", flat=True)
    )
    assert certified == active and closed.pk not in certified
    root = TrustedRoot.objects.get()
    assert root.name == DEMO_CA_NAME and first.root == root

    commune = SigningCertificate.objects.get(agency=world.commune_a)
    cert = x509.load_pem_x509_certificate(commune.certificate_pem.encode())
    names = {a.oid: a.value for a in cert.subject}
    assert names == {
        NameOID.COMMON_NAME: "Ủy ban nhân dân xã Lâm Bình",
        NameOID.ORGANIZATION_NAME: "Tỉnh Tuyên Quang",
        NameOID.COUNTRY_NAME: "VN",
    }
    usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.digital_signature and usage.content_commitment and not usage.key_cert_sign
    assert (commune.not_after - commune.not_before).days == 730
    assert load_signer(world.commune_a).signing_cert.subject.native["common_name"] == (
        "Ủy ban nhân dân xã Lâm Bình"
    )

    again = ensure_demo_certificates(directory=tmp_path / "ca")
    assert again.issued == 0 and again.agencies == first.agencies
    assert SigningCertificate.objects.count() == len(active)
    assert TrustedRoot.objects.count() == 1

    # A new agency gets its certificate on the next run, from the same authority.
    new = make_agency("Ủy ban nhân dân phường Mới", parent=world.province, kind="ward")
    third = ensure_demo_certificates(directory=tmp_path / "ca")
    assert third.issued == 1
    issued = SigningCertificate.objects.get(agency=new)
    assert issued.issuer == commune.issuer and TrustedRoot.objects.count() == 1
    assert DEMO_CA_NAME in first.line() and "8" in first.line()


def test_a_long_vietnamese_name_fits_the_certificate(world: World, tmp_path: Path) -> None:
    # 64 is the limit, counted by cryptography in UTF-8 bytes (2-3 per accented letter).
    long_name = "Trung tâm Phục vụ hành chính công và Xúc tiến đầu tư tỉnh Tuyên Quang"
    with_short = make_agency(long_name, parent=world.province, kind="department")
    without = make_agency(long_name + " mới", parent=world.province, kind="department")
    with_short.short_name = "Trung tâm PVHCC và XTĐT"
    with_short.save()
    ensure_demo_certificates(directory=tmp_path / "ca")

    def common_name(agency: Agency) -> str:
        pem = SigningCertificate.objects.get(agency=agency).certificate_pem
        cert = x509.load_pem_x509_certificate(pem.encode())
        return str(cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value)

    assert common_name(with_short) == "Trung tâm PVHCC và XTĐT"
    cut = common_name(without)
    assert cut == "Trung tâm Phục vụ hành chính công và Xúc tiến đầu"  # 64 bytes, whole words
    assert len(cut.encode()) == 64
    assert fit_name("Sở Xây dựng") == "Sở Xây dựng"
