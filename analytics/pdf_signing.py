"""The PAdES signature of evidence.pdf (pyHanko), and a document timestamp when a TSA is set.

The installation signs with an X.509 certificate of its own: RSA-3072 with SHA-256 (RSA PKCS#1
v1.5 is the one signature every PDF reader validates; Adobe lists RSA and ECDSA P-256/384/521
and no EdDSA, so the Ed25519 record key cannot sign PDFs). ``star-survey init`` creates it next
to the record-signing key under the data directory (0600), self-signed, naming the record key:
``CN=star-survey 证据签名 record key <key id>``, ``serialNumber=<full SHA-256 fingerprint>``
and a URI ``urn:star-survey:record-key:sha256:<fingerprint>``. ``STAR_SURVEY_PDF_CERT`` and
``STAR_SURVEY_PDF_KEY`` replace it with a CA-issued certificate (PEM; the chain may follow the
leaf in the certificate file).

The signature is a certification signature (DocMDP: form filling and further signatures
allowed, so document timestamps may follow) over the whole file, with an invisible field:
readers list it in their signature panel. A visible stamp is left out on purpose: Chinese
readers take a drawn seal for an 电子印章, which a self-signed installation certificate is not;
the provider's own seal goes in the stamp box printed on every page (§6.3).
"""

from __future__ import annotations

import hashlib
import io
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from surveys.errors import SurveyError
from surveys.files import write_private_file
from surveys.keys import fingerprint, load_or_create_signer
from surveys.settings import Settings
from surveys.tsa import DEFAULT_TIMEOUT, pyhanko_timestamper, run_sync

log = logging.getLogger(__name__)
FIELD = "StarSurveyEvidence"
TIMESTAMP_FIELD = "StarSurveyTimestamp"
CERT_YEARS = 10
KEY_BITS = 3072


class PdfSigningError(SurveyError):
    """evidence.pdf cannot be signed: the configured certificate or key is unusable."""


@dataclass(frozen=True)
class PdfIdentity:
    """The certificate (with its chain) and private key that sign PDFs."""

    cert_pem: bytes  # the leaf first, then any chain
    key_pem: bytes

    @property
    def fingerprint(self) -> str:
        """Return the hex SHA-256 of the signing certificate (DER)."""
        leaf = x509.load_pem_x509_certificate(self.cert_pem)
        return leaf.fingerprint(hashes.SHA256()).hex()


@dataclass(frozen=True)
class SignedPdf:
    """A signed PDF and what happened to its document timestamp."""

    data: bytes
    timestamped_by: str | None  # the TSA that stamped it; None: not timestamped
    problems: tuple[str, ...]  # TSAs that failed, each with its reason


def ensure_pdf_identity(settings: Settings) -> PdfIdentity:
    """Return the PDF signing identity, creating the self-signed one on first use.

    Raises ValueError when a configured certificate or key is missing, unreadable or does not
    belong to its key.
    """
    if settings.pdf_cert or settings.pdf_key:
        return _load_configured(settings)
    cert_path, key_path = settings.pdf_cert_path, settings.pdf_key_path
    if not key_path.exists():
        key = rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)
        try:
            write_private_file(key_path, key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption()))
        except FileExistsError:  # another process created it first: use theirs
            pass
    key_pem = key_path.read_bytes()
    if not cert_path.exists():
        record_key = load_or_create_signer(settings.signing_key_path, settings.signing_key)
        cert = _self_signed(serialization.load_pem_private_key(key_pem, password=None),
                            fingerprint(record_key.public_key))
        try:
            write_private_file(cert_path, cert.public_bytes(serialization.Encoding.PEM))
        except FileExistsError:
            pass
    return PdfIdentity(cert_path.read_bytes(), key_pem)


def _self_signed(key: Any, record_fingerprint: str) -> x509.Certificate:
    """Return a self-signed document-signing certificate naming the record-signing key."""
    name = x509.Name([
        x509.NameAttribute(NameOID.COMMON_NAME,
                           f"star-survey 证据签名 record key {record_fingerprint[:16]}"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "star-survey installation"),
        x509.NameAttribute(NameOID.SERIAL_NUMBER, record_fingerprint),
    ])
    now = datetime.now(UTC)
    return (
        x509.CertificateBuilder().subject_name(name).issuer_name(name)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=365 * CERT_YEARS))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(
            digital_signature=True, content_commitment=True, key_encipherment=False,
            data_encipherment=False, key_agreement=False, key_cert_sign=False, crl_sign=False,
            encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.SubjectAlternativeName([x509.UniformResourceIdentifier(
            f"urn:star-survey:record-key:sha256:{record_fingerprint}")]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                       critical=False)
        .sign(key, hashes.SHA256())
    )


def _load_configured(settings: Settings) -> PdfIdentity:
    """Return the CA-issued identity named by STAR_SURVEY_PDF_CERT and STAR_SURVEY_PDF_KEY."""
    if not (settings.pdf_cert and settings.pdf_key):
        raise ValueError("STAR_SURVEY_PDF_CERT and STAR_SURVEY_PDF_KEY must be set together")
    data: dict[str, bytes] = {}
    for name, path in (("STAR_SURVEY_PDF_CERT", settings.pdf_cert),
                       ("STAR_SURVEY_PDF_KEY", settings.pdf_key)):
        try:
            data[name] = Path(path).read_bytes()
        except OSError as exc:
            raise ValueError(f"{name}: cannot read {path}: {exc.strerror}") from exc
    try:
        leaf = x509.load_pem_x509_certificates(data["STAR_SURVEY_PDF_CERT"])[0]
        key = serialization.load_pem_private_key(data["STAR_SURVEY_PDF_KEY"], password=None)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"STAR_SURVEY_PDF_CERT / STAR_SURVEY_PDF_KEY: not PEM ({exc})") from exc
    spki = serialization.PublicFormat.SubjectPublicKeyInfo
    if leaf.public_key().public_bytes(serialization.Encoding.DER, spki) != \
            key.public_key().public_bytes(serialization.Encoding.DER, spki):
        raise ValueError("STAR_SURVEY_PDF_KEY is not the key of STAR_SURVEY_PDF_CERT")
    return PdfIdentity(data["STAR_SURVEY_PDF_CERT"], data["STAR_SURVEY_PDF_KEY"])


def sign_pdf(pdf_bytes: bytes, *, settings: Settings, timestamp_urls: Sequence[str]) -> bytes:
    """Return the PDF signed by the installation (and timestamped by the first TSA that answers).

    Without a TSA, or when none answers, the PDF is still signed; see sign_pdf_report.
    """
    return sign_pdf_report(pdf_bytes, settings=settings, timestamp_urls=timestamp_urls).data


def sign_pdf_report(pdf_bytes: bytes, *, settings: Settings, timestamp_urls: Sequence[str],
                    timeout: float = DEFAULT_TIMEOUT) -> SignedPdf:
    """Return the signed PDF with which TSA stamped it and which failed (and why).

    Raises PdfSigningError when the signing certificate or key is unusable.
    """
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    try:
        identity = ensure_pdf_identity(settings)
    except (ValueError, OSError) as exc:
        raise PdfSigningError(f"无法签署 evidence.pdf / cannot sign evidence.pdf: {exc}") from exc
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD, md_algorithm="sha256", subfilter=fields.SigSeedSubFilter.PADES,
        certify=True, docmdp_permissions=fields.MDPPerm.FILL_FORMS,
        reason="T/BAX 年度回访评价证据 / annual client evaluation evidence",
        location=settings.base_url or None)
    signer = _signer(identity)
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf_bytes), strict=False)
    # pyHanko's sync wrappers call asyncio.run, which fails inside a running event loop.
    signed = run_sync(signers.PdfSigner(meta, signer=signer).async_sign_pdf(writer)).getvalue()
    problems: list[str] = []
    for url in timestamp_urls:
        try:
            return SignedPdf(_timestamp(signed, url, timeout), url, tuple(problems))
        except Exception as exc:  # a TSA failure never costs the signature
            log.warning("evidence.pdf: document timestamp from %s failed: %s", url, exc)
            problems.append(f"{url}: {type(exc).__name__}: {exc}"[:300])
    return SignedPdf(signed, None, tuple(problems))


def _signer(identity: PdfIdentity) -> Any:
    """Return pyHanko's signer for an identity."""
    from pyhanko.keys import load_certs_from_pemder_data, load_private_key_from_pemder_data
    from pyhanko.sign import signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    certs = list(load_certs_from_pemder_data(identity.cert_pem))
    return signers.SimpleSigner(
        signing_cert=certs[0], signing_key=load_private_key_from_pemder_data(
            identity.key_pem, passphrase=None),
        cert_registry=SimpleCertificateStore.from_certs(certs[1:]))


def _timestamp(signed: bytes, url: str, timeout: float) -> bytes:
    """Return the signed PDF with a document timestamp from url appended (an incremental save)."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers

    stamper = signers.PdfTimeStamper(pyhanko_timestamper(url, timeout),
                                     field_name=TIMESTAMP_FIELD)
    writer = IncrementalPdfFileWriter(io.BytesIO(signed), strict=False)
    output = run_sync(stamper.async_timestamp_pdf(writer, "sha256"))
    return bytes(output.getvalue())


@dataclass(frozen=True)
class PdfSignatureInfo:
    """What pyHanko finds when validating a signed evidence.pdf."""

    signed: bool  # carries a signature
    intact: bool  # the signed bytes are unchanged and the signature verifies
    covers_whole_file: bool  # nothing but a document timestamp (or nothing) follows it
    signer_fingerprint: str  # hex SHA-256 of the signing certificate
    trusted: bool  # the signer chains to one of the given signer roots
    timestamp_time: datetime | None  # genTime of a valid document timestamp, else None
    timestamp_trusted: bool  # that timestamp chains to one of the given TSA roots
    problems: tuple[str, ...]


def pdf_signature_info(data: bytes, *, signer_roots: Sequence[bytes] = (),
                       tsa_roots: Sequence[bytes] = ()) -> PdfSignatureInfo:
    """Return the validation of a PDF's signature and document timestamp (never raises)."""
    try:
        return run_sync(_inspect(data, signer_roots, tsa_roots))
    except Exception as exc:
        return PdfSignatureInfo(False, False, False, "", False, None, False,
                                (f"PDF cannot be read ({type(exc).__name__})",))


async def _inspect(data: bytes, signer_roots: Sequence[bytes],
                   tsa_roots: Sequence[bytes]) -> PdfSignatureInfo:
    """Validate the first signature and the last document timestamp with pyHanko."""
    from asn1crypto import x509 as asn1_x509
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import async_validate_pdf_signature, async_validate_pdf_timestamp
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    def context(roots: Sequence[bytes]) -> ValidationContext:
        return ValidationContext(trust_roots=[asn1_x509.Certificate.load(r) for r in roots],
                                 allow_fetching=False)

    reader = PdfFileReader(io.BytesIO(data), strict=False)
    regular = reader.embedded_regular_signatures
    if not regular:
        return PdfSignatureInfo(False, False, False, "", False, None, False, ("not signed",))
    status = await async_validate_pdf_signature(regular[0], signer_validation_context=context(
        signer_roots))
    problems = [] if status.intact and status.valid else ["the signature does not verify"]
    whole = status.coverage == SignatureCoverageLevel.ENTIRE_FILE or (
        status.coverage == SignatureCoverageLevel.ENTIRE_REVISION and status.docmdp_ok is True)
    if not whole:
        problems.append("the file was changed after it was signed")
    when, stamp_trusted = None, False
    for stamp in reader.embedded_timestamp_signatures[-1:]:
        ts = await async_validate_pdf_timestamp(stamp, validation_context=context(tsa_roots))
        if ts.intact and ts.valid:
            when, stamp_trusted = ts.timestamp, bool(ts.trusted)
        else:
            problems.append("the document timestamp does not verify")
    cert = status.signing_cert
    return PdfSignatureInfo(
        True, bool(status.intact and status.valid), whole,
        hashlib.sha256(cert.dump()).hexdigest() if cert is not None else "",
        bool(status.trusted), when, stamp_trusted, tuple(problems))
