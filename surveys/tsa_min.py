"""Check an RFC 3161 TimeStampToken with only Python's standard library and `cryptography`.

A second, independent implementation of ``surveys.tsa.check_token`` for the assessor's
single-file verifier: this module imports nothing from star-survey, so it can be pasted into a
stand-alone script. It reads the token with a minimal DER reader (definite lengths only, no
trailing bytes), takes messageImprint and genTime from the TSTInfo, checks the messageDigest
signed attribute against the eContent, checks that the ESS signing-certificate attribute names
the embedded certificate, verifies the signature over the DER of the signed attributes
(re-tagged as SET) with that certificate (RSA PKCS#1 v1.5, RSA-PSS, ECDSA, Ed25519), and, when
roots are given, that the certificate chains to one of them as of genTime.

Usage: ``info = verify_timestamp_token(token_der, trusted_roots=[root_der])``; then compare
``info.imprint`` with the digest the token must cover. Raises TokenInvalid naming the failure.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime, timezone

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa

OID_SIGNED_DATA = "1.2.840.113549.1.7.2"
OID_TST_INFO = "1.2.840.113549.1.9.16.1.4"
OID_CONTENT_TYPE = "1.2.840.113549.1.9.3"
OID_MESSAGE_DIGEST = "1.2.840.113549.1.9.4"
OID_SIGNING_CERT = "1.2.840.113549.1.9.16.2.12"  # ESSCertID, SHA-1 of the certificate
OID_SIGNING_CERT_V2 = "1.2.840.113549.1.9.16.2.47"  # ESSCertIDv2, SHA-256 by default
HASHES = {"2.16.840.1.101.3.4.2.1": "sha256", "2.16.840.1.101.3.4.2.2": "sha384",
          "2.16.840.1.101.3.4.2.3": "sha512", "2.16.840.1.101.3.4.2.4": "sha224"}
RSA_PKCS1 = {"1.2.840.113549.1.1.11": "sha256", "1.2.840.113549.1.1.12": "sha384",
             "1.2.840.113549.1.1.13": "sha512", "1.2.840.113549.1.1.14": "sha224"}
ECDSA = {"1.2.840.10045.4.3.2": "sha256", "1.2.840.10045.4.3.3": "sha384",
         "1.2.840.10045.4.3.4": "sha512", "1.2.840.10045.4.3.1": "sha224"}
RSA_ENCRYPTION, RSA_PSS, MGF1, EC_PUBLIC_KEY, ED25519 = (
    "1.2.840.113549.1.1.1", "1.2.840.113549.1.1.10", "1.2.840.113549.1.1.8", "1.2.840.10045.2.1",
    "1.3.101.112")
SEQUENCE, SET, OCTET_STRING, OID, INTEGER, GENERALIZED_TIME = 0x30, 0x31, 0x04, 0x06, 0x02, 0x18
NULL = b"\x05\x00"


class TokenInvalid(ValueError):
    """The token is malformed, altered, or not signed by the certificate it names."""


@dataclass(frozen=True)
class TimestampInfo:
    """What a verified token says."""

    gen_time: datetime  # aware UTC
    imprint: bytes  # the hashed message the token covers
    hash_algorithm: str  # of the imprint, e.g. "sha256"
    cert_sha256: str  # hex SHA-256 of the TSA certificate (DER)
    tsa_subject: str  # RFC 4514
    trusted: bool | None  # chains to a given root at genTime (None: no roots given)


@dataclass(frozen=True)
class _Node:
    """One DER element: tag, the offsets of its header, value and end in data."""

    data: bytes
    tag: int
    head: int
    start: int
    end: int

    @property
    def raw(self) -> bytes:
        """Return the element's full encoding."""
        return self.data[self.head:self.end]

    @property
    def value(self) -> bytes:
        """Return the element's content octets."""
        return self.data[self.start:self.end]

    def children(self) -> list[_Node]:
        """Return the elements inside a constructed element."""
        if not self.tag & 0x20:
            raise TokenInvalid(f"element {self.tag:#x} is not constructed")
        out, pos = [], self.start
        while pos < self.end:
            node = _read(self.data, pos, self.end)
            out.append(node)
            pos = node.end
        return out

    def expect(self, tag: int) -> _Node:
        """Return self when it has the given tag, else raise."""
        if self.tag != tag:
            raise TokenInvalid(f"expected tag {tag:#x}, found {self.tag:#x}")
        return self


def _read(data: bytes, pos: int, end: int) -> _Node:
    """Return the DER element starting at pos (definite, minimal lengths only)."""
    if pos + 2 > end:
        raise TokenInvalid("truncated")
    tag, first = data[pos], data[pos + 1]
    if tag & 0x1F == 0x1F:
        raise TokenInvalid("high tag numbers do not occur in a timestamp token")
    start = pos + 2
    length = first
    if first & 0x80:
        count = first & 0x7F
        if count == 0 or count > 4 or start + count > end:
            raise TokenInvalid("indefinite or oversized length")
        length = int.from_bytes(data[start:start + count], "big")
        if length < 0x80 or data[start] == 0:
            raise TokenInvalid("non-minimal length (not DER)")
        start += count
    if start + length > end:
        raise TokenInvalid("truncated")
    return _Node(data, tag, pos, start, start + length)


def _whole(data: bytes) -> _Node:
    """Return the one DER element that data consists of."""
    node = _read(data, 0, len(data))
    if node.end != len(data):
        raise TokenInvalid("trailing bytes")
    return node


def _oid(node: _Node) -> str:
    """Return the dotted text of an OBJECT IDENTIFIER."""
    body = node.expect(OID).value
    if not body or body[-1] & 0x80:
        raise TokenInvalid("bad object identifier")
    arcs, value = [], 0
    for byte in body:
        value = (value << 7) | (byte & 0x7F)
        if not byte & 0x80:
            arcs.append(value)
            value = 0
    first = min(arcs[0] // 40, 2)
    return ".".join(str(a) for a in [first, arcs[0] - 40 * first, *arcs[1:]])


def _algorithm(node: _Node) -> tuple[str, list[bytes]]:
    """Return an AlgorithmIdentifier's OID and the raw encoding of its parameters."""
    parts = node.expect(SEQUENCE).children()
    return _oid(parts[0]), [part.raw for part in parts[1:]]


def _hash_name(node: _Node) -> str:
    """Return the name of a digest AlgorithmIdentifier (its parameters ignored), else ''."""
    return HASHES.get(_algorithm(node)[0], "")


def _hash(name: str) -> hashes.HashAlgorithm:
    """Return the cryptography hash object for a name."""
    return {"sha224": hashes.SHA224(), "sha256": hashes.SHA256(), "sha384": hashes.SHA384(),
            "sha512": hashes.SHA512()}[name]


def _gen_time(node: _Node) -> datetime:
    """Return a DER GeneralizedTime (YYYYMMDDHHMMSS[.fff]Z) as aware UTC."""
    match = re.fullmatch(rb"(\d{14})(?:\.(\d*[1-9]))?Z", node.expect(GENERALIZED_TIME).value)
    if not match:
        raise TokenInvalid("genTime is not a DER GeneralizedTime")
    when = datetime.strptime(match.group(1).decode(), "%Y%m%d%H%M%S")
    micros = int((match.group(2) or b"0").decode().ljust(6, "0")[:6])
    return when.replace(microsecond=micros, tzinfo=timezone.utc)  # noqa: UP017 (stand-alone)


def _attributes(node: _Node) -> dict[str, _Node]:
    """Return the single value of each signed attribute by OID; refuse repeated attributes."""
    found: dict[str, _Node] = {}
    for attribute in node.children():
        kind, values = attribute.expect(SEQUENCE).children()
        oid, items = _oid(kind), values.expect(SET).children()
        if oid in found or len(items) != 1:
            raise TokenInvalid(f"signed attribute {oid} repeated or multi-valued")
        found[oid] = items[0]
    return found


def _issuer_and_serial(cert_der: bytes) -> tuple[bytes, bytes]:
    """Return the raw issuer Name and serial INTEGER of a certificate."""
    tbs = _read(cert_der, 0, len(cert_der)).children()[0].children()
    offset = 1 if tbs[0].tag == 0xA0 else 0
    return tbs[offset + 2].raw, tbs[offset].expect(INTEGER).value


def _signer_cert(sid: _Node, certs: list[bytes]) -> bytes:
    """Return the DER of the certificate the SignerInfo's sid names."""
    for der in certs:
        if sid.tag == SEQUENCE:
            issuer, serial = sid.children()
            if (issuer.raw, serial.expect(INTEGER).value) == _issuer_and_serial(der):
                return der
        elif sid.tag == 0x80:
            try:
                ski = x509.load_der_x509_certificate(der).extensions.get_extension_for_class(
                    x509.SubjectKeyIdentifier).value.digest
            except x509.ExtensionNotFound:
                continue
            if ski == sid.value:
                return der
    raise TokenInvalid("the signer's certificate is not in the token")


def _check_ess(attrs: dict[str, _Node], cert_der: bytes) -> None:
    """Check that the signing-certificate attribute holds the hash of the signer's certificate."""
    if OID_SIGNING_CERT_V2 in attrs:
        first = attrs[OID_SIGNING_CERT_V2].expect(SEQUENCE).children()[0].children()[0]
        parts = first.expect(SEQUENCE).children()
        name = "sha256"
        if parts[0].tag == SEQUENCE:
            name = _hash_name(parts[0])
            parts = parts[1:]
        if not name or parts[0].expect(OCTET_STRING).value != hashlib.new(name, cert_der).digest():
            raise TokenInvalid("signing-certificate-v2 does not name the embedded certificate")
    elif OID_SIGNING_CERT in attrs:
        first = attrs[OID_SIGNING_CERT].expect(SEQUENCE).children()[0].children()[0]
        cert_hash = first.expect(SEQUENCE).children()[0].expect(OCTET_STRING).value
        if cert_hash != hashlib.sha1(cert_der).digest():  # noqa: S324 (RFC 2634 ESSCertID)
            raise TokenInvalid("signing-certificate does not name the embedded certificate")
    else:
        raise TokenInvalid("no signing-certificate attribute (RFC 3161 requires one)")


def _pss(params: list[bytes]) -> tuple[padding.PSS, hashes.HashAlgorithm]:
    """Return the PSS padding and message hash described by RSASSA-PSS-params."""
    name = mgf_name = "sha1"
    salt = 20
    for item in _whole(params[0]).expect(SEQUENCE).children() if params else []:
        if item.tag == 0xA0:
            name = _hash_name(item.children()[0])
        elif item.tag == 0xA1:
            mgf, mgf_params = _algorithm(item.children()[0])
            mgf_name = _hash_name(_whole(mgf_params[0])) if mgf == MGF1 and len(mgf_params) == 1 else ""
        elif item.tag == 0xA2:
            salt = int.from_bytes(item.children()[0].expect(INTEGER).value, "big")
        elif item.tag != 0xA3 or item.children()[0].raw != b"\x02\x01\x01":
            raise TokenInvalid("unexpected RSA-PSS parameter")
    if name not in HASHES.values() or mgf_name not in HASHES.values():
        raise TokenInvalid("unsupported RSA-PSS hash")
    return padding.PSS(mgf=padding.MGF1(_hash(mgf_name)), salt_length=salt), _hash(name)


def _verify_signature(cert: x509.Certificate, algorithm: _Node, digest_name: str,
                      signature: bytes, signed: bytes) -> None:
    """Verify signature over signed with the certificate's key; raise TokenInvalid if it fails."""
    oid, params = _algorithm(algorithm)
    if oid in (RSA_ENCRYPTION, *RSA_PKCS1, *ECDSA) and params not in ([], [NULL]):
        raise TokenInvalid("unexpected signature algorithm parameters")
    key = cert.public_key()
    try:
        if oid in (RSA_ENCRYPTION, *RSA_PKCS1) and isinstance(key, rsa.RSAPublicKey):
            key.verify(signature, signed, padding.PKCS1v15(),
                       _hash(RSA_PKCS1.get(oid, digest_name)))
        elif oid == RSA_PSS and isinstance(key, rsa.RSAPublicKey):
            pss, message_hash = _pss(params)
            key.verify(signature, signed, pss, message_hash)
        elif oid in (EC_PUBLIC_KEY, *ECDSA) and isinstance(key, ec.EllipticCurvePublicKey):
            key.verify(signature, signed, ec.ECDSA(_hash(ECDSA.get(oid, digest_name))))
        elif oid == ED25519 and isinstance(key, ed25519.Ed25519PublicKey):
            key.verify(signature, signed)
        else:
            raise TokenInvalid(f"unsupported signature algorithm {oid} for this key")
    except InvalidSignature as exc:
        raise TokenInvalid("the TSA's signature does not verify (token altered or forged)"
                           ) from exc


def _chains(cert: x509.Certificate, pool: list[x509.Certificate], roots: list[bytes],
            when: datetime) -> bool:
    """Return True when cert chains (at most 8 links) to one of the roots, all valid at when."""
    anchors = [x509.load_der_x509_certificate(der) for der in roots]
    current = cert
    for _ in range(8):
        if not current.not_valid_before_utc <= when <= current.not_valid_after_utc:
            return False
        if any(current == anchor for anchor in anchors):
            return True
        for issuer in [*anchors, *pool]:
            try:
                current.verify_directly_issued_by(issuer)
            except (ValueError, TypeError, InvalidSignature):
                continue
            if issuer in anchors:
                return issuer.not_valid_before_utc <= when <= issuer.not_valid_after_utc
            current = issuer
            break
        else:
            return False
    return False


def verify_timestamp_token(token: bytes, *, trusted_roots: list[bytes] | None = None
                           ) -> TimestampInfo:
    """Return genTime, imprint and TSA certificate of a DER TimeStampToken; raise if it fails."""
    if len(token) > 256 * 1024:
        raise TokenInvalid("token larger than 256 KiB")
    try:
        return _verify(bytes(token), trusted_roots)
    except TokenInvalid:
        raise
    except (ValueError, IndexError, KeyError, TypeError) as exc:
        raise TokenInvalid(f"malformed token ({type(exc).__name__})") from exc


def _verify(token: bytes, roots: list[bytes] | None) -> TimestampInfo:
    """Do the work of verify_timestamp_token."""
    info = _whole(token).expect(SEQUENCE)
    content_type, wrapped = info.children()
    if _oid(content_type) != OID_SIGNED_DATA:
        raise TokenInvalid("not a CMS SignedData")
    parts = wrapped.expect(0xA0).children()[0].expect(SEQUENCE).children()
    parts[0].expect(INTEGER)  # version; digestAlgorithms (unsigned, unused) is skipped
    encap = parts[2].expect(SEQUENCE).children()
    if _oid(encap[0]) != OID_TST_INFO:
        raise TokenInvalid("the SignedData does not hold a TSTInfo")
    econtent = encap[1].expect(0xA0).children()[0].expect(OCTET_STRING).value
    certs = [c.raw for p in parts[3:] if p.tag == 0xA0 for c in p.children() if c.tag == SEQUENCE]
    signer_infos = parts[-1].expect(SET).children()
    if len(signer_infos) != 1:
        raise TokenInvalid("a timestamp token has exactly one signer")
    si = signer_infos[0].expect(SEQUENCE).children()
    digest_name = _hash_name(si[2])
    if not digest_name:
        raise TokenInvalid("unsupported or weak digest algorithm")
    signed_attrs = si[3].expect(0xA0)
    attrs = _attributes(signed_attrs)
    if OID_CONTENT_TYPE not in attrs or _oid(attrs[OID_CONTENT_TYPE]) != OID_TST_INFO:
        raise TokenInvalid("content-type attribute is not TSTInfo")
    if OID_MESSAGE_DIGEST not in attrs or attrs[OID_MESSAGE_DIGEST].expect(OCTET_STRING).value \
            != hashlib.new(digest_name, econtent).digest():
        raise TokenInvalid("messageDigest does not match the TSTInfo (token altered)")
    cert_der = _signer_cert(si[1], certs)
    _check_ess(attrs, cert_der)
    cert = x509.load_der_x509_certificate(cert_der)
    _verify_signature(cert, si[4], digest_name, si[5].expect(OCTET_STRING).value,
                      b"\x31" + signed_attrs.raw[1:])
    try:
        usage = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    except x509.ExtensionNotFound as exc:
        raise TokenInvalid("the signer's certificate is not a time-stamping certificate") from exc
    if x509.oid.ExtendedKeyUsageOID.TIME_STAMPING not in usage:
        raise TokenInvalid("the signer's certificate is not a time-stamping certificate")
    tst = _whole(econtent).expect(SEQUENCE)
    fields = tst.children()
    imprint_algorithm, imprint = fields[2].expect(SEQUENCE).children()
    gen_time = _gen_time(fields[4])
    trusted = None
    if roots is not None:
        pool = [x509.load_der_x509_certificate(der) for der in certs]
        trusted = _chains(cert, pool, roots, gen_time)
    return TimestampInfo(gen_time, imprint.expect(OCTET_STRING).value,
                         _hash_name(imprint_algorithm) or "unknown",
                         hashlib.sha256(cert_der).hexdigest(), cert.subject.rfc4514_string(),
                         trusted)
