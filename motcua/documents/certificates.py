"""Agencies' signing certificates (chứng thư số): import, storage, use, and the demo CA.

* ``import_pkcs12`` checks an uploaded PKCS#12 bundle (passphrase, key and certificate
  present and matching, validity, key usage) and stores it as the agency's certificate,
  re-encrypted under a random passphrase of our own: the operator's passphrase is never
  stored. That passphrase is kept encrypted at rest with Fernet under a key derived (HKDF,
  SHA-256) from ``MOTCUA_SIGNING_KEY_SECRET`` (setting or environment) or else
  ``SECRET_KEY``; the repository holds no key. Changing that secret makes the stored
  bundles unusable until they are imported again.
* ``load_signer`` gives pyHanko's signer for an agency's active certificate.
* ``ensure_demo_authority`` / ``ensure_demo_certificates`` make a local demo root CA under
  ``DATA_DIR/demo-ca`` and a certificate for every active agency (``motcua demo``).
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from asn1crypto import pkcs12 as asn1_pkcs12
from cryptography import x509
from cryptography.fernet import InvalidToken
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from motcua.core.errors import DomainError, InvalidInput
from motcua.core.secrets import SecretBox
from motcua.core.text import nfc
from motcua.documents.models import SigningCertificate, TrustedRoot
from motcua.org.models import Agency, AgencyKind, User

if TYPE_CHECKING:
    from pyhanko.sign.signers import SimpleSigner

SIGNING_KEY_TYPES = (
    rsa.RSAPrivateKey,
    ec.EllipticCurvePrivateKey,
    ed25519.Ed25519PrivateKey,
    ed448.Ed448PrivateKey,
)

DEMO_CA_NAME = "MotCua Demo Root CA"
DEMO_CA_YEARS = 10
DEMO_CERT_DAYS = 730
# Demo dossiers are backdated up to 60 days (motcua.dossiers.demo.WINDOW_DAYS); their
# results are signed at those times, so demo certificates start this much earlier.
DEMO_BACKDATE = dt.timedelta(days=90)
# The stored bundles are protected by a random 256-bit passphrase, which no number of
# key-derivation rounds makes stronger; few rounds keep every signature fast.
STORED_KDF_ROUNDS = 1000

_PASSPHRASES = SecretBox(salt=b"motcua.documents.certificates", info=b"pkcs12-passphrase-v1")


class NoSigningCertificate(DomainError):
    """The agency has no usable signing certificate; nothing was signed."""

    code = "no_signing_certificate"
    status = 409


# --- passphrases at rest ----------------------------------------------------------------


def encrypt_passphrase(passphrase: str) -> bytes:
    return _PASSPHRASES.encrypt(passphrase)


def decrypt_passphrase(token: bytes | memoryview) -> str:
    """Raises ``InvalidToken`` when the secret the token was made with has changed."""
    return _PASSPHRASES.decrypt(token)


# --- reading certificates ---------------------------------------------------------------


def fingerprint(cert: x509.Certificate) -> str:
    return cert.fingerprint(hashes.SHA256()).hex()


def to_pem(cert: x509.Certificate) -> str:
    return cert.public_bytes(serialization.Encoding.PEM).decode("ascii")


def _public_der(key: Any) -> bytes:
    return bytes(
        key.public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )


def _date(moment: dt.datetime) -> str:
    return str(formats.date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT"))


def _is_pkcs12(data: bytes) -> bool:
    """Whether ``data`` is a PKCS#12 structure at all (the passphrase aside)."""
    try:
        pfx = asn1_pkcs12.Pfx.load(data, strict=True)
        return pfx["version"].native == "v3" and pfx["auth_safe"]["content_type"].native in {
            "data",
            "signed_data",
        }
    except Exception:  # asn1crypto raises ValueError, TypeError… on any garbage
        return False


def _open_bundle(
    data: bytes, passphrase: str
) -> tuple[Any, x509.Certificate | None, list[x509.Certificate]]:
    attempts: list[bytes | None] = [passphrase.encode()] if passphrase else [None, b""]
    for password in attempts:
        try:
            key, cert, extra = pkcs12.load_key_and_certificates(data, password)
        except ValueError:
            continue
        return key, cert, list(extra)
    if not _is_pkcs12(data):
        raise InvalidInput(
            _("The file is not a PKCS#12 bundle (.p12 or .pfx)."),
            code="invalid_input",
            details={"errors": {"file": _("Choose the certificate's .p12 or .pfx file.")}},
        )
    raise InvalidInput(
        _("The passphrase does not open this PKCS#12 bundle."),
        details={"errors": {"passphrase": _("Wrong passphrase.")}},
    )


def _certificate_errors(
    key: Any, cert: x509.Certificate | None, others: Sequence[x509.Certificate], now: dt.datetime
) -> dict[str, str]:
    if cert is None and key is not None and others:
        # The loader pairs the key with the certificate of the same public key.
        return {"file": _("The private key in the bundle does not belong to its certificate.")}
    if cert is None:
        return {"file": _("The bundle holds no certificate.")}
    if key is None:
        return {"file": _("The bundle holds the certificate but not its private key.")}
    if not isinstance(key, SIGNING_KEY_TYPES):
        return {"file": _("The bundle's key type cannot sign PDF documents (use RSA or EC).")}
    if _public_der(key.public_key()) != _public_der(cert.public_key()):
        return {"file": _("The private key in the bundle does not belong to its certificate.")}
    if now < cert.not_valid_before_utc:
        return {
            "file": _("The certificate is not valid yet: it is valid from %(date)s.")
            % {"date": _date(cert.not_valid_before_utc)}
        }
    if now > cert.not_valid_after_utc:
        return {
            "file": _("The certificate expired on %(date)s.")
            % {"date": _date(cert.not_valid_after_utc)}
        }
    try:
        usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        return {}
    if not (usage.digital_signature or usage.content_commitment):
        return {
            "file": _(
                "The certificate is not for signing documents (its key usage has neither "
                "digital signature nor non-repudiation)."
            )
        }
    return {}


@dataclass(frozen=True)
class Pkcs12Bundle:
    """An opened and checked PKCS#12 bundle, ready to store."""

    key: Any = field(repr=False)
    certificate: x509.Certificate
    chain: tuple[x509.Certificate, ...]

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.certificate)


MAX_PKCS12_BYTES = 256 * 1024


def check_pkcs12(*, data: bytes, passphrase: str, at: dt.datetime | None = None) -> Pkcs12Bundle:
    """Open and check a PKCS#12 bundle; raises ``InvalidInput`` whose
    ``details["errors"]`` names the field (``file`` or ``passphrase``) when the file is too
    large or no bundle, the passphrase is wrong, the bundle lacks the key or the
    certificate, the key is not the certificate's, the certificate is not valid at ``at``
    (default now), is not for signing (key usage), or is already stored."""
    if len(data) > MAX_PKCS12_BYTES:
        raise InvalidInput(
            _("The file is too large for a PKCS#12 bundle."),
            details={"errors": {"file": _("Choose the certificate's .p12 or .pfx file.")}},
        )
    key, cert, chain = _open_bundle(bytes(data), passphrase)
    errors = _certificate_errors(key, cert, chain, at or timezone.now())
    if errors:
        raise InvalidInput(_("The certificate cannot be used."), details={"errors": errors})
    assert cert is not None
    existing = (
        SigningCertificate.objects.filter(fingerprint_sha256=fingerprint(cert))
        .values_list("agency__name", flat=True)
        .first()
    )
    if existing is not None:
        raise InvalidInput(
            _("This certificate is already stored (for %(agency)s).") % {"agency": existing},
            details={"errors": {"file": _("This certificate is already stored.")}},
        )
    return Pkcs12Bundle(key=key, certificate=cert, chain=tuple(chain))


def import_pkcs12(
    *,
    agency: Agency,
    data: bytes,
    passphrase: str,
    label: str = "",
    user: User | None = None,
    activate: bool = True,
    at: dt.datetime | None = None,
) -> SigningCertificate:
    """Store an agency's signing key and certificate from a PKCS#12 bundle.

    Refused with ``InvalidInput`` as ``check_pkcs12`` says, nothing stored. With
    ``activate``, it becomes the agency's active certificate and the previous one is
    deactivated, both in one transaction.
    """
    bundle = check_pkcs12(data=data, passphrase=passphrase, at=at)
    cert, chain = bundle.certificate, bundle.chain
    # Stored re-encrypted under a random passphrase of ours: the operator's is never kept.
    stored_passphrase = secrets.token_urlsafe(32)
    stored = pkcs12_bundle(bundle.key, cert, stored_passphrase, chain)
    with transaction.atomic():
        # One import at a time per agency: the lock orders concurrent activations.
        list(Agency.objects.select_for_update().filter(pk=agency.pk).values_list("pk"))
        if activate:
            SigningCertificate.objects.filter(agency=agency, active=True).update(active=False)
        return SigningCertificate.objects.create(
            agency=agency,
            label=nfc(label)[:255],
            subject=cert.subject.rfc4514_string()[:500],
            issuer=cert.issuer.rfc4514_string()[:500],
            serial_number=format(cert.serial_number, "x")[:100],
            fingerprint_sha256=bundle.fingerprint,
            not_before=cert.not_valid_before_utc,
            not_after=cert.not_valid_after_utc,
            certificate_pem=to_pem(cert),
            chain_pem="".join(to_pem(c) for c in chain),
            pkcs12=stored,
            passphrase_encrypted=encrypt_passphrase(stored_passphrase),
            active=activate,
            uploaded_by=user,
        )


@transaction.atomic
def activate_certificate(certificate: SigningCertificate) -> SigningCertificate:
    """Make ``certificate`` its agency's active one (the previous one is deactivated)."""
    list(Agency.objects.select_for_update().filter(pk=certificate.agency_id).values_list("pk"))
    SigningCertificate.objects.filter(agency_id=certificate.agency_id, active=True).exclude(
        pk=certificate.pk
    ).update(active=False)
    SigningCertificate.objects.filter(pk=certificate.pk).update(active=True)
    certificate.active = True
    return certificate


def active_certificate(agency: Agency) -> SigningCertificate | None:
    return SigningCertificate.objects.filter(agency=agency, active=True).first()


def load_signer(agency: Agency, *, at: dt.datetime | None = None) -> SimpleSigner:
    """pyHanko's signer for ``agency``'s active certificate, valid at ``at`` (default now).

    Raises ``NoSigningCertificate`` (code ``no_signing_certificate``) when the agency has
    no active certificate, when it is not valid at that time, or when its stored key can no
    longer be opened (the installation's secret changed).
    """
    moment = at or timezone.now()
    cert = active_certificate(agency)
    if cert is None:
        raise NoSigningCertificate(
            _(
                "%(agency)s has no signing certificate. An administrator must upload the "
                "agency's certificate (PKCS#12) before results can be signed."
            )
            % {"agency": agency.name}
        )
    if moment > cert.not_after:
        raise NoSigningCertificate(
            _(
                "The signing certificate of %(agency)s expired on %(date)s. An administrator "
                "must upload a new one before results can be signed."
            )
            % {"agency": agency.name, "date": _date(cert.not_after)}
        )
    if moment < cert.not_before:
        raise NoSigningCertificate(
            _("The signing certificate of %(agency)s is only valid from %(date)s.")
            % {"agency": agency.name, "date": _date(cert.not_before)}
        )
    try:
        passphrase = decrypt_passphrase(cert.passphrase_encrypted)
    except InvalidToken:
        raise NoSigningCertificate(
            _(
                "The signing key of %(agency)s cannot be opened: the installation's secret "
                "changed since it was uploaded. Upload the certificate (PKCS#12) again."
            )
            % {"agency": agency.name}
        ) from None
    # The issuer chain is inside the stored bundle.
    # pyHanko costs 0.4 s to import: only code that signs pays for it, not every process
    # start (the admin imports this module).
    from pyhanko.sign.signers import SimpleSigner

    signer: SimpleSigner = SimpleSigner.load_pkcs12_data(
        bytes(cert.pkcs12), other_certs=[], passphrase=passphrase.encode()
    )
    return signer


# --- the demo certificate authority -----------------------------------------------------


def demo_directory() -> Path:
    return Path(settings.DATA_DIR) / "demo-ca"


def _write_private(path: Path, content: bytes) -> None:
    """Write a new file readable by its owner only (0600), whatever the umask."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(content)
    os.chmod(path, 0o600)


# Upper bound of a name attribute (RFC 5280), which cryptography counts in UTF-8 bytes: a
# Vietnamese letter with its marks takes two or three.
NAME_BYTES = 64


def fit_name(*candidates: str) -> str:
    """The first candidate that fits a certificate's name attribute, else the first one cut
    after its last whole word that fits."""
    names = [nfc(c) for c in candidates if nfc(c)]
    for name in names:
        if len(name.encode()) <= NAME_BYTES:
            return name
    words, kept = (names[0] if names else "?").split(" "), ""
    for word in words:
        longer = f"{kept} {word}".strip()
        if len(longer.encode()) > NAME_BYTES:
            break
        kept = longer
    return kept or names[0].encode()[:NAME_BYTES].decode(errors="ignore")


def _name(common_name: str, organisation: str = "") -> x509.Name:
    attributes = [x509.NameAttribute(NameOID.COUNTRY_NAME, "VN")]
    if organisation:
        attributes.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, fit_name(organisation)))
    attributes.append(x509.NameAttribute(NameOID.COMMON_NAME, fit_name(common_name)))
    return x509.Name(attributes)


def ensure_demo_authority(
    directory: Path | None = None, *, now: dt.datetime | None = None
) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    """The demo root CA (“MotCua Demo Root CA”, EC P-256, 10 years) kept in ``directory``
    (default ``DATA_DIR/demo-ca``, never in the repository), created on first use.

    The key file is written with mode 0600 and the directory 0700.
    """
    directory = directory or demo_directory()
    key_path, cert_path = directory / "ca-key.pem", directory / "ca-cert.pem"
    if key_path.exists() and cert_path.exists():
        key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
        if not isinstance(key, ec.EllipticCurvePrivateKey):
            raise ValueError(f"{key_path} does not hold an EC key")
        return x509.load_pem_x509_certificate(cert_path.read_bytes()), key
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(directory, 0o700)
    start = (now or timezone.now()) - DEMO_BACKDATE
    key = ec.generate_private_key(ec.SECP256R1())
    name = _name(DEMO_CA_NAME, "MotCua")
    public = key.public_key()
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + dt.timedelta(days=365 * DEMO_CA_YEARS + 2))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .sign(key, hashes.SHA256())
    )
    _write_private(
        key_path,
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ),
    )
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return cert, key


def issue_certificate(
    *,
    ca_cert: x509.Certificate,
    ca_key: ec.EllipticCurvePrivateKey,
    common_name: str,
    organisation: str,
    not_before: dt.datetime,
    days: int = DEMO_CERT_DAYS,
    key_usage: bool = True,
) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    """A document-signing certificate (EC P-256) issued by ``ca_cert``."""
    key = ec.generate_private_key(ec.SECP256R1())
    public = key.public_key()
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(common_name, organisation))
        .issuer_name(ca_cert.subject)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_before + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
            critical=False,
        )
    )
    if key_usage:
        builder = builder.add_extension(
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
    return builder.sign(ca_key, hashes.SHA256()), key


def pkcs12_bundle(
    key: Any,
    cert: x509.Certificate,
    passphrase: str,
    chain: Sequence[x509.Certificate] = (),
    *,
    kdf_rounds: int = STORED_KDF_ROUNDS,
) -> bytes:
    """A PKCS#12 bundle of ``key`` and ``cert`` (AES-256) under ``passphrase``."""
    encryption = (
        serialization.PrivateFormat.PKCS12.encryption_builder()
        .kdf_rounds(kdf_rounds)
        .key_cert_algorithm(pkcs12.PBES.PBESv2SHA256AndAES256CBC)
        .hmac_hash(hashes.SHA256())
        .build(passphrase.encode())
    )
    return pkcs12.serialize_key_and_certificates(None, key, cert, list(chain) or None, encryption)


def register_trusted_root(cert: x509.Certificate, name: str) -> TrustedRoot:
    root, _created = TrustedRoot.objects.get_or_create(
        fingerprint_sha256=fingerprint(cert),
        defaults={"name": name, "certificate_pem": to_pem(cert)},
    )
    return root


def province_name() -> str:
    """The province the installation serves, as a certificate's organisation."""
    root = (
        Agency.objects.filter(parent__isnull=True, kind=AgencyKind.PROVINCE_COMMITTEE)
        .order_by("pk")
        .first()
    )
    if root is None:
        return ""
    title = root.name.removeprefix("Ủy ban nhân dân ").removeprefix("UBND ")
    return title[:1].upper() + title[1:]


@dataclass(frozen=True)
class DemoCertificates:
    issued: int
    agencies: int
    seconds: float
    root: TrustedRoot

    def line(self) -> str:
        return _(
            "Demo signing certificates: %(issued)d issued, %(agencies)d active agencies "
            "covered (%(seconds).1f s); root CA “%(ca)s” trusted."
        ) % {
            "issued": self.issued,
            "agencies": self.agencies,
            "seconds": self.seconds,
            "ca": self.root.name,
        }


def ensure_demo_certificates(
    *, directory: Path | None = None, now: dt.datetime | None = None
) -> DemoCertificates:
    """Give every active agency without an active certificate a demo one (2 years, issued
    by the demo CA, imported through ``import_pkcs12``) and trust the demo CA. Idempotent.

    Demo certificates start ``DEMO_BACKDATE`` before ``now``: demo results are signed at
    their backdated times.
    """
    started = time.monotonic()
    now = now or timezone.now()
    ca_cert, ca_key = ensure_demo_authority(directory, now=now)
    root = register_trusted_root(ca_cert, DEMO_CA_NAME)
    organisation = province_name()
    missing = (
        Agency.objects.filter(active=True)
        .exclude(signing_certificates__active=True)
        .order_by("path", "pk")
    )
    with transaction.atomic():  # one commit for the whole province
        issued = _issue_demo_certificates(missing, ca_cert, ca_key, organisation, now)
    return DemoCertificates(
        issued=issued,
        agencies=Agency.objects.filter(active=True).count(),
        seconds=time.monotonic() - started,
        root=root,
    )


def _issue_demo_certificates(
    agencies: Iterable[Agency],
    ca_cert: x509.Certificate,
    ca_key: ec.EllipticCurvePrivateKey,
    organisation: str,
    now: dt.datetime,
) -> int:
    issued = 0
    for agency in agencies:
        cert, key = issue_certificate(
            ca_cert=ca_cert,
            ca_key=ca_key,
            common_name=fit_name(agency.name, agency.short_name),
            organisation=organisation,
            not_before=now - DEMO_BACKDATE,
        )
        passphrase = secrets.token_urlsafe(24)
        import_pkcs12(
            agency=agency,
            data=pkcs12_bundle(key, cert, passphrase, [ca_cert]),
            passphrase=passphrase,
            label=_("Demo certificate"),
            at=now,
        )
        issued += 1
    return issued
