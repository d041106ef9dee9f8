"""The PAdES signature of a real evidence.pdf: pyHanko and poppler validate it, one byte breaks it."""

from __future__ import annotations

import re
import stat
import subprocess
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

from analytics.evidence_pdf import render_evidence_pdf
from analytics.pdf_signing import (
    FIELD,
    PdfSigningError,
    SignedPdf,
    ensure_pdf_identity,
    pdf_signature_info,
    sign_pdf,
    sign_pdf_report,
)
from surveys.context import open_context
from surveys.keys import fingerprint
from surveys.schema import upgrade
from surveys.settings import Settings
from tests.evidence_support import evidence, seed_year
from tests.tsa_support import LocalTSA, closed_port_url


@pytest.fixture(scope="module")
def evidence_pdf(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[bytes, Settings]]:
    """Yield a rendered evidence.pdf (five forms) and the settings of its installation."""
    folder = tmp_path_factory.mktemp("signing")
    settings = Settings(db_url=f"sqlite:///{folder / 's.db'}", data_dir=folder / "data",
                        base_url="http://survey.test")
    ctx = open_context(settings)
    upgrade(ctx.engine)
    provider, _ = seed_year(ctx)
    yield render_evidence_pdf(evidence(ctx, provider)).content, settings
    ctx.engine.dispose()


def cert_der(settings: Settings) -> bytes:
    """Return the DER of the installation's PDF signing certificate."""
    pem = ensure_pdf_identity(settings).cert_pem
    return x509.load_pem_x509_certificate(pem).public_bytes(serialization.Encoding.DER)


def pdfsig(data: bytes, tmp_path: Path) -> str:
    """Return what poppler's pdfsig says about a PDF."""
    path = tmp_path / "signed.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdfsig", str(path)], capture_output=True, text=True).stdout


def pages(data: bytes) -> int:
    """Return the page count poppler reads from a PDF."""
    info = subprocess.run(["pdfinfo", "-"], input=data, capture_output=True, check=True).stdout
    return int(re.search(rb"Pages:\s+(\d+)", info).group(1))  # type: ignore[union-attr]


def test_the_identity_is_made_once_owner_only_and_names_the_record_key(
        evidence_pdf: tuple[bytes, Settings]) -> None:
    from surveys.keys import load_or_create_signer

    _, settings = evidence_pdf
    identity = ensure_pdf_identity(settings)
    assert ensure_pdf_identity(settings) == identity
    for path in (settings.pdf_cert_path, settings.pdf_key_path):
        assert path.parent == settings.data_dir and stat.S_IMODE(path.stat().st_mode) == 0o600
    cert = x509.load_pem_x509_certificate(identity.cert_pem)
    record = fingerprint(load_or_create_signer(settings.signing_key_path).public_key)
    assert cert.subject == cert.issuer
    assert cert.subject.get_attributes_for_oid(NameOID.SERIAL_NUMBER)[0].value == record
    assert record[:16] in str(cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value)
    uris = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert f"urn:star-survey:record-key:sha256:{record}" in [u.value for u in uris]
    key = cert.public_key()
    assert isinstance(key, rsa.RSAPublicKey) and key.key_size == 3072
    assert cert.extensions.get_extension_for_class(x509.KeyUsage).value.content_commitment


def test_signed_without_a_tsa_validates_and_one_changed_byte_breaks_it(
        evidence_pdf: tuple[bytes, Settings], tmp_path: Path) -> None:
    raw, settings = evidence_pdf
    signed = sign_pdf(raw, settings=settings, timestamp_urls=[])
    info = pdf_signature_info(signed, signer_roots=[cert_der(settings)])
    assert info.signed and info.intact and info.covers_whole_file and info.trusted
    assert info.timestamp_time is None and info.problems == ()
    assert info.signer_fingerprint == ensure_pdf_identity(settings).fingerprint
    assert not pdf_signature_info(signed).trusted  # a self-signed key proves nothing alone
    said = pdfsig(signed, tmp_path)
    assert f"Signature Field Name: {FIELD}" in said and "Signature is Valid" in said
    assert "ETSI.CAdES.detached" in said
    position = signed.index(b"/Producer") + 12
    altered = signed[:position] + bytes([signed[position] ^ 0x20]) + signed[position + 1:]
    broken = pdf_signature_info(altered, signer_roots=[cert_der(settings)])
    assert broken.signed and not broken.intact and broken.problems
    assert "Signature is Valid" not in pdfsig(altered, tmp_path)


def test_a_document_timestamp_validates_against_the_tsa_root(
        evidence_pdf: tuple[bytes, Settings], local_tsa: LocalTSA, tmp_path: Path) -> None:
    raw, settings = evidence_pdf
    url = local_tsa.url("rsa")
    result = sign_pdf_report(raw, settings=settings, timestamp_urls=[url])
    assert result.timestamped_by == url and result.problems == ()
    info = pdf_signature_info(result.data, signer_roots=[cert_der(settings)],
                              tsa_roots=[local_tsa.root_der])
    assert info.intact and info.covers_whole_file and info.timestamp_trusted
    assert info.timestamp_time is not None
    assert abs(datetime.now(UTC) - info.timestamp_time) < timedelta(minutes=5)
    untrusted = pdf_signature_info(result.data, tsa_roots=[local_tsa.other_root_der])
    assert untrusted.timestamp_time is not None and not untrusted.timestamp_trusted
    said = pdfsig(result.data, tmp_path)
    assert said.count("Signature Field Name:") == 2 and "star-survey test tsa-rsa" in said
    assert pages(result.data) == pages(raw)
    text = subprocess.run(["pdftotext", "-", "-"], input=result.data, capture_output=True,
                          check=True).stdout.decode()
    assert re.search(r"[0-9a-f]{64}", text)  # the record hashes still read out of the pages


def test_signing_and_stamping_work_inside_a_running_event_loop(
        evidence_pdf: tuple[bytes, Settings], local_tsa: LocalTSA) -> None:
    """The sync API is called from code that may run in a thread with a loop (Playwright's)."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    raw, settings = evidence_pdf
    url = local_tsa.url("rsa")

    async def inside_a_loop() -> SignedPdf:
        return sign_pdf_report(raw, settings=settings, timestamp_urls=[url])

    # A thread of its own, where this test's loop is the running one (another browser test in
    # this process may keep Playwright's loop running in the main thread).
    with ThreadPoolExecutor(1) as pool:
        result = pool.submit(asyncio.run, inside_a_loop()).result()
    assert result.timestamped_by == url and result.problems == ()
    info = pdf_signature_info(result.data, tsa_roots=[local_tsa.root_der])
    assert info.intact and info.covers_whole_file and info.timestamp_trusted


def test_a_tsa_that_is_down_leaves_the_pdf_signed_and_the_next_tsa_stamps_it(
        evidence_pdf: tuple[bytes, Settings], local_tsa: LocalTSA) -> None:
    raw, settings = evidence_pdf
    down, up = closed_port_url(), local_tsa.url("ecdsa")
    only_down = sign_pdf_report(raw, settings=settings, timestamp_urls=[down])
    assert only_down.timestamped_by is None and down in only_down.problems[0]
    assert pdf_signature_info(only_down.data).intact
    both = sign_pdf_report(raw, settings=settings, timestamp_urls=[down, up])
    assert both.timestamped_by == up and len(both.problems) == 1
    assert pdf_signature_info(both.data, tsa_roots=[local_tsa.root_der]).timestamp_trusted


def _ca_issued(tmp_path: Path) -> tuple[Path, Path, bytes]:
    """Return cert file (leaf then CA), key file and the CA's DER: a provider's own certificate."""
    ca_key, leaf_key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(
        ec.SECP256R1())
    now = datetime.now(UTC)

    def issue(subject: str, key: ec.EllipticCurvePrivateKey, ca: bool) -> x509.Certificate:
        return (x509.CertificateBuilder()
                .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
                .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "测试 CA")]))
                .public_key(key.public_key()).serial_number(x509.random_serial_number())
                .not_valid_before(now - timedelta(days=1))
                .not_valid_after(now + timedelta(days=30))
                .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
                .add_extension(x509.KeyUsage(
                    digital_signature=not ca, content_commitment=not ca, key_encipherment=False,
                    data_encipherment=False, key_agreement=False, key_cert_sign=ca, crl_sign=ca,
                    encipher_only=False, decipher_only=False), critical=True)
                .sign(ca_key, hashes.SHA256()))
    ca, leaf = issue("测试 CA", ca_key, True), issue("北京安防维保有限公司", leaf_key, False)
    cert_file, key_file = tmp_path / "provider.pem", tmp_path / "provider.key"
    cert_file.write_bytes(leaf.public_bytes(serialization.Encoding.PEM)
                          + ca.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(leaf_key.private_bytes(serialization.Encoding.PEM,
                                                serialization.PrivateFormat.PKCS8,
                                                serialization.NoEncryption()))
    return cert_file, key_file, ca.public_bytes(serialization.Encoding.DER)


def test_a_ca_issued_certificate_can_replace_the_self_signed_one(
        evidence_pdf: tuple[bytes, Settings], tmp_path: Path) -> None:
    raw, settings = evidence_pdf
    cert_file, key_file, ca_der = _ca_issued(tmp_path)
    provided = replace(settings, pdf_cert=cert_file, pdf_key=key_file)
    signed = sign_pdf(raw, settings=provided, timestamp_urls=[])
    info = pdf_signature_info(signed, signer_roots=[ca_der])
    assert info.intact and info.trusted
    assert info.signer_fingerprint == ensure_pdf_identity(provided).fingerprint
    other_key = tmp_path / "other.key"
    other_key.write_bytes(ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))
    for wrong, message in ((replace(provided, pdf_key=other_key), "is not the key"),
                           (replace(provided, pdf_key=None), "together"),
                           (replace(provided, pdf_cert=tmp_path / "absent.pem"), "cannot read")):
        with pytest.raises(PdfSigningError, match=message):
            sign_pdf(raw, settings=wrong, timestamp_urls=[])


@pytest.mark.parametrize("data", [b"", b"%PDF-1.7\n", b"not a pdf at all", bytes(1000)])
def test_unsigned_or_unreadable_files_are_reported_not_raised(data: bytes) -> None:
    info = pdf_signature_info(data)
    assert not info.signed and not info.intact and info.problems
