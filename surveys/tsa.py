"""RFC 3161 trusted timestamps: request a token for a chain head, check a stored token.

Library choice: pyHanko 0.38 (its ``TimeStamper.request_cms`` builds the TimeStampReq with a
nonce and certReq, ``handle_tsp_response`` checks status and nonce, ``validate_tst_signed_data``
checks the CMS signature, the messageDigest and the TSA certificate path) on asn1crypto. The
other candidate, rfc3161-client 1.0.9, hashes the data it is given (it cannot take a prepared
digest, so the imprint would be SHA-256 of the record hash rather than the record hash) and
verifies the signature only together with a chain to a root, so "signature valid, TSA not in
the trust list" cannot be told apart from "forged". pyHanko also signs the evidence PDF, so the
product carries one PKI stack. The HTTP exchange is the standard library's, so the reply is
bounded in size and time.

The message imprint of an anchor is the chain head's record hash itself (hash algorithm
SHA-256): ``digest = bytes.fromhex(head_record_hash)``. The record hash already is the SHA-256 of
the record's canonical bytes, so the token says "these canonical bytes existed by genTime".
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import hashlib
import logging
import time
import urllib.error
import urllib.request
from collections.abc import Coroutine, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from asn1crypto import cms, pem, tsp
from asn1crypto import x509 as asn1_x509

HASH_ALGORITHM = "sha256"
DEFAULT_TIMEOUT = 10.0  # seconds, per request
MAX_REPLY_BYTES = 256 * 1024  # a token with its certificate chain is a few KiB
MAX_TOKEN_BYTES = MAX_REPLY_BYTES
MAX_ROOTS_FILE_BYTES = 1024 * 1024
REPLY_TYPES = ("application/timestamp-reply", "application/timestamp-response")
T = TypeVar("T")


class _NoCertTracebacks(logging.Filter):
    """Drop pyHanko's warnings with tracebacks about untrusted or expired certificates.

    check_token reports those as problems; left alone, every untrusted token would print a
    traceback on the CLI's stderr and in the app's log.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        """Return False for WARNING records that carry an exception."""
        return not (record.levelno == logging.WARNING and record.exc_info)


logging.getLogger("pyhanko.sign.validation.generic_cms").addFilter(_NoCertTracebacks())


class TsaError(Exception):
    """A timestamp could not be obtained: the TSA was unreachable, refused or answered wrongly."""


@dataclass(frozen=True)
class TokenCheck:
    """What a stored TimeStampToken says and whether it holds."""

    gen_time: datetime | None  # genTime of the TSTInfo, aware UTC
    imprint: bytes | None  # the hashed message the token covers
    hash_algorithm: str  # of the imprint, e.g. "sha256"
    tsa_subject: str  # the signer certificate's subject (RFC 4514)
    tsa_fingerprint: str  # hex SHA-256 of the signer certificate (DER)
    signature_ok: bool  # CMS signature and messageDigest verify with the embedded certificate
    imprint_ok: bool  # the imprint is the expected SHA-256 digest
    trusted: bool | None  # the TSA certificate chains to a given root (None: no roots given)
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        """Return True when the token verifies, covers the digest and is not untrusted."""
        return self.signature_ok and self.imprint_ok and self.trusted is not False \
            and not self.problems


def request_token(url: str, digest: bytes, *, timeout: float = DEFAULT_TIMEOUT) -> bytes:
    """Return the DER TimeStampToken (a CMS ContentInfo, not the whole TimeStampResp) for digest.

    POSTs an ``application/timestamp-query`` with a random nonce and certReq; the imprint is
    ``digest`` with SHA-256. Raises TsaError when the TSA is unreachable, slow, refuses, or
    answers with a bad nonce, another imprint or anything malformed.
    """
    from pyhanko.sign.timestamps import TimeStamper, TimestampRequestError
    from pyhanko.sign.timestamps.common_utils import handle_tsp_response

    if len(digest) != hashlib.sha256().digest_size:
        raise ValueError("digest must be the 32 bytes of a SHA-256 hash")
    nonce, request = TimeStamper(include_nonce=True).request_cms(digest, HASH_ALGORITHM)
    reply = _post(url, request.dump(), timeout)
    try:
        token = handle_tsp_response(tsp.TimeStampResp.load(reply), nonce)
        info = token["content"]["encap_content_info"]["content"].parsed
        imprint = info["message_imprint"]["hashed_message"].native
        algorithm = info["message_imprint"]["hash_algorithm"]["algorithm"].native
        info["gen_time"].native  # noqa: B018 (parse it now: a bad time is a bad reply)
        der = token.dump()
    except TimestampRequestError as exc:
        raise TsaError(f"{url}: {exc}") from exc
    except Exception as exc:  # asn1crypto raises many types on malformed input
        raise TsaError(f"{url}: malformed timestamp reply ({type(exc).__name__})") from exc
    if imprint != digest or algorithm != HASH_ALGORITHM:
        raise TsaError(f"{url}: the token covers another digest than the one requested")
    return bytes(der)


def _post(url: str, body: bytes, timeout: float) -> bytes:
    """Return the body of the TSA's reply to a timestamp query, bounded in bytes and time."""
    if not url.lower().startswith(("http://", "https://")):
        raise TsaError(f"{url}: not an http(s) URL")
    request = urllib.request.Request(url, data=body, method="POST", headers={
        "Content-Type": "application/timestamp-query", "Accept": REPLY_TYPES[0]})
    deadline = time.monotonic() + timeout
    try:
        with urllib.request.urlopen(request, timeout=timeout) as reply:  # noqa: S310 (scheme checked)
            kind = (reply.headers.get("Content-Type") or "").split(";")[0].strip().lower()
            if kind not in REPLY_TYPES:
                raise TsaError(f"{url}: reply is {kind or 'untyped'}, not a timestamp reply")
            chunks: list[bytes] = []
            size = 0
            while chunk := reply.read(16384):
                size += len(chunk)
                if size > MAX_REPLY_BYTES:
                    raise TsaError(f"{url}: reply larger than {MAX_REPLY_BYTES} bytes")
                if time.monotonic() > deadline:
                    raise TsaError(f"{url}: reply took longer than {timeout:g} s")
                chunks.append(chunk)
    except urllib.error.HTTPError as exc:
        raise TsaError(f"{url}: HTTP {exc.code}") from exc
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        raise TsaError(f"{url}: unreachable ({reason})") from exc
    return b"".join(chunks)


def check_token(token: bytes, expected_digest: bytes, *,
                trusted_roots: Sequence[bytes] | None = None) -> TokenCheck:
    """Return what a DER TimeStampToken says and whether it holds; never raises on bad input.

    The CMS signature is checked with the certificate embedded in the token; the chain is
    checked against ``trusted_roots`` (DER or PEM certificates) as it stood at genTime, offline
    (revocation is not checked: no network). Without roots, ``trusted`` is None.
    """
    if len(token) > MAX_TOKEN_BYTES:
        return _broken(f"token larger than {MAX_TOKEN_BYTES} bytes")
    try:
        info = cms.ContentInfo.load(bytes(token), strict=True)
        signed = info["content"]
        if info["content_type"].native != "signed_data" or not isinstance(signed, cms.SignedData):
            return _broken("not a CMS SignedData")
        tst = signed["encap_content_info"]["content"].parsed
        if not isinstance(tst, tsp.TSTInfo):
            return _broken("the SignedData does not hold a TSTInfo")
        gen_time = tst["gen_time"].native.astimezone(UTC)
        imprint = tst["message_imprint"]["hashed_message"].native
        algorithm = str(tst["message_imprint"]["hash_algorithm"]["algorithm"].native)
    except Exception as exc:  # asn1crypto raises many types on malformed input
        return _broken(f"malformed token ({type(exc).__name__})")
    problems: list[str] = []
    imprint_ok = algorithm == HASH_ALGORITHM and imprint == expected_digest
    if not imprint_ok:
        problems.append("the token covers another hash than the chain head's")
    subject = fingerprint = ""
    signature_ok = False
    trusted: bool | None = None
    try:
        status = run_sync(_validate(signed, imprint, gen_time, trusted_roots))
    except Exception as exc:  # pyHanko raises on structural errors
        problems.append(f"the TSA's signature cannot be checked ({type(exc).__name__})")
    else:
        cert = status["signing_cert"]
        subject = _subject(cert)
        fingerprint = hashlib.sha256(cert.dump()).hexdigest()
        signature_ok = bool(status["intact"] and status["valid"])
        if not signature_ok:
            problems.append("the TSA's signature does not verify (token altered or forged)")
        if trusted_roots is not None:
            trusted = status["trust_problem_indic"] is None and status["validation_path"] is not None
        usages = cert.extended_key_usage_value
        if usages is None or "time_stamping" not in usages.native:
            problems.append("the signer's certificate is not a time-stamping certificate")
    if trusted is False:
        problems.append("the TSA certificate does not chain to a trusted root")
    return TokenCheck(gen_time, imprint, algorithm, subject, fingerprint, signature_ok,
                      imprint_ok, trusted, tuple(problems))


async def _validate(signed: cms.SignedData, imprint: bytes, gen_time: datetime,
                    roots: Sequence[bytes] | None) -> dict[str, Any]:
    """Return pyHanko's status of a token's SignedData, checked as of its genTime."""
    from pyhanko.sign.validation.generic_cms import validate_tst_signed_data
    from pyhanko_certvalidator import ValidationContext

    certificates = [asn1_x509.Certificate.load(pem.unarmor(root)[2] if pem.detect(root) else root)
                    for root in roots or ()]
    context = ValidationContext(trust_roots=certificates, moment=gen_time, allow_fetching=False)
    return await validate_tst_signed_data(signed, context, lambda _algorithm: imprint)


def run_sync(coroutine: Coroutine[Any, Any, T]) -> T:
    """Return a coroutine's result, also when called from inside a running event loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def _subject(cert: asn1_x509.Certificate) -> str:
    """Return a certificate's subject as RFC 4514 text."""
    from cryptography import x509

    return x509.load_der_x509_certificate(cert.dump()).subject.rfc4514_string()


def _broken(problem: str) -> TokenCheck:
    """Return the check of a token that could not be read."""
    return TokenCheck(None, None, "", "", "", False, False, None, (problem,))


def load_roots(paths: Sequence[Path]) -> list[bytes]:
    """Return the DER certificates in PEM (or DER) files; raise ValueError naming a bad file."""
    roots: list[bytes] = []
    for path in paths:
        try:
            with open(path, "rb") as handle:
                data = handle.read(MAX_ROOTS_FILE_BYTES + 1)
        except OSError as exc:
            raise ValueError(f"STAR_SURVEY_TSA_ROOTS: cannot read {path}: {exc.strerror}") from exc
        if len(data) > MAX_ROOTS_FILE_BYTES:
            raise ValueError(f"STAR_SURVEY_TSA_ROOTS: {path} is larger than 1 MiB")
        found = [der for kind, _headers, der in pem.unarmor(data, multiple=True)
                 if kind == "CERTIFICATE"] if pem.detect(data) else [data]
        for der in found:
            try:
                asn1_x509.Certificate.load(der, strict=True).native  # noqa: B018
            except Exception as exc:
                raise ValueError(f"STAR_SURVEY_TSA_ROOTS: {path} holds no valid certificate"
                                 ) from exc
            roots.append(bytes(der))
        if not found:
            raise ValueError(f"STAR_SURVEY_TSA_ROOTS: {path} holds no certificate")
    return roots


def pyhanko_timestamper(url: str, timeout: float = DEFAULT_TIMEOUT) -> Any:
    """Return a pyHanko TimeStamper for url that uses this module's bounded HTTP exchange."""
    from pyhanko.sign.timestamps import TimeStamper

    class BoundedTimeStamper(TimeStamper):
        async def async_request_tsa_response(self, req: tsp.TimeStampReq) -> tsp.TimeStampResp:
            reply = await asyncio.to_thread(_post, url, req.dump(), timeout)
            return tsp.TimeStampResp.load(reply)

    return BoundedTimeStamper()
