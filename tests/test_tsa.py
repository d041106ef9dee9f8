"""RFC 3161 tokens from a real local TSA: requested, checked, and refused when altered."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import pytest
from asn1crypto import cms, tsp

from surveys.tsa import TsaError, check_token, load_roots, request_token
from surveys.tsa_min import TokenInvalid, verify_timestamp_token
from tests.tsa_support import LABELS, LocalTSA, closed_port_url

DIGEST = hashlib.sha256(b"a chain head's canonical bytes").digest()


@pytest.fixture(scope="module")
def tokens(local_tsa: LocalTSA) -> dict[str, bytes]:
    """Return one token per key type (RSA PKCS#1 v1.5, RSA-PSS, ECDSA) for DIGEST."""
    return {label: request_token(local_tsa.url(label), DIGEST, timeout=10) for label in LABELS}


def _tsa_cert_der(token: bytes) -> bytes:
    """Return the DER of the certificate that signed a token (read with asn1crypto)."""
    signed = cms.ContentInfo.load(token)["content"]
    sid = signed["signer_infos"][0]["sid"].chosen
    for choice in signed["certificates"]:
        cert = choice.chosen
        if cert.serial_number == sid["serial_number"].native and cert.issuer == sid["issuer"]:
            return bytes(cert.dump())
    raise AssertionError("no signer certificate")


@pytest.mark.parametrize("label", LABELS)
def test_token_checks_with_the_library_and_the_minimal_checker(
        tokens: dict[str, bytes], local_tsa: LocalTSA, label: str) -> None:
    token = tokens[label]
    check = check_token(token, DIGEST, trusted_roots=[local_tsa.root_der])
    assert check.ok, check.problems
    assert check.signature_ok and check.imprint_ok and check.trusted is True
    assert check.imprint == DIGEST and check.hash_algorithm == "sha256"
    assert check.gen_time is not None and check.gen_time.tzinfo is not None
    assert abs(datetime.now(UTC) - check.gen_time) < timedelta(minutes=5)
    assert check.tsa_fingerprint == hashlib.sha256(_tsa_cert_der(token)).hexdigest()
    assert f"tsa-{label}" in check.tsa_subject
    minimal = verify_timestamp_token(token, trusted_roots=[local_tsa.root_der])
    assert (minimal.gen_time, minimal.imprint, minimal.cert_sha256, minimal.trusted) == \
        (check.gen_time, check.imprint, check.tsa_fingerprint, True)
    assert minimal.tsa_subject == check.tsa_subject


def test_the_query_carries_the_head_hash_a_nonce_and_cert_req(local_tsa: LocalTSA) -> None:
    url = local_tsa.url("rsa")
    request_token(url, DIGEST)
    query = tsp.TimeStampReq.load(local_tsa.last_query(url))
    assert query["message_imprint"]["hashed_message"].native == DIGEST
    assert query["message_imprint"]["hash_algorithm"]["algorithm"].native == "sha256"
    assert query["cert_req"].native is True
    assert isinstance(query["nonce"].native, int) and query["nonce"].native > 2 ** 55


def test_each_request_has_a_fresh_nonce(local_tsa: LocalTSA) -> None:
    url = local_tsa.url("ecdsa")
    nonces = set()
    for _ in range(3):
        request_token(url, DIGEST)
        nonces.add(tsp.TimeStampReq.load(local_tsa.last_query(url))["nonce"].native)
    assert len(nonces) == 3


def test_wrong_digest_fails(tokens: dict[str, bytes], local_tsa: LocalTSA) -> None:
    check = check_token(tokens["rsa"], hashlib.sha256(b"another head").digest(),
                        trusted_roots=[local_tsa.root_der])
    assert not check.ok and not check.imprint_ok and check.signature_ok
    assert any("another hash" in p for p in check.problems)


def test_a_root_that_did_not_issue_the_tsa_is_not_trusted(
        tokens: dict[str, bytes], local_tsa: LocalTSA) -> None:
    check = check_token(tokens["rsa"], DIGEST, trusted_roots=[local_tsa.other_root_der])
    assert check.signature_ok and check.trusted is False and not check.ok
    assert verify_timestamp_token(tokens["rsa"], trusted_roots=[local_tsa.other_root_der]
                                  ).trusted is False
    untrusted = check_token(tokens["rsa"], DIGEST, trusted_roots=None)
    assert untrusted.ok and untrusted.trusted is None


def _flip(token: bytes, position: int) -> bytes:
    """Return token with one bit of one byte changed."""
    altered = bytearray(token)
    altered[position] ^= 0x01
    return bytes(altered)


@pytest.mark.parametrize("label", LABELS)
def test_a_flipped_byte_in_time_imprint_or_signature_fails_in_both(
        tokens: dict[str, bytes], local_tsa: LocalTSA, label: str) -> None:
    token = tokens[label]
    gen_time = check_token(token, DIGEST).gen_time
    assert gen_time is not None
    places = {"genTime": token.index(gen_time.strftime("%Y%m%d%H%M%S").encode()) + 13,
              "imprint": token.index(DIGEST) + 7, "signature": len(token) - 3}
    for where, position in places.items():
        altered = _flip(token, position)
        check = check_token(altered, DIGEST, trusted_roots=[local_tsa.root_der])
        assert not check.ok, where
        with pytest.raises(TokenInvalid):
            verify_timestamp_token(altered, trusted_roots=[local_tsa.root_der])


@pytest.mark.parametrize("label", LABELS)
def test_no_single_byte_flip_changes_what_a_token_says(
        tokens: dict[str, bytes], local_tsa: LocalTSA, label: str) -> None:
    """Every flipped byte is refused, or the token still says exactly the same; both agree."""
    token = tokens[label]
    roots = [local_tsa.root_der]
    reference = verify_timestamp_token(token, trusted_roots=roots)
    said = (reference.gen_time, reference.imprint, reference.cert_sha256)
    for position in range(len(token)):
        altered = _flip(token, position)
        try:
            result = verify_timestamp_token(altered, trusted_roots=roots)
        except TokenInvalid:
            accepted = False
        else:
            assert (result.gen_time, result.imprint, result.cert_sha256) == said, position
            accepted = result.trusted is True
        if position % 5 == 0:  # the library is slower: a spread sample of positions
            check = check_token(altered, DIGEST, trusted_roots=roots)
            assert check.ok == accepted, (position, check.problems)


@pytest.mark.parametrize("data", [b"", b"\x30", b"\x30\x80\x00\x00", b"\x30\x84\xff\xff\xff\xff",
                                  bytes(100), b"\x06\x03\x2a\x03\x04", "测试".encode(),
                                  b"\x30\x83\x10\x00\x00" + bytes(0x100000)])
def test_malformed_tokens_are_reported_not_raised(data: bytes) -> None:
    check = check_token(data, DIGEST, trusted_roots=[])
    assert not check.ok and check.problems and check.gen_time is None
    with pytest.raises(TokenInvalid):
        verify_timestamp_token(data)


def test_truncated_and_extended_tokens_fail_in_both(tokens: dict[str, bytes]) -> None:
    token = tokens["ecdsa"]
    for cut in [*range(0, len(token), 97), len(token) - 1]:
        assert not check_token(token[:cut], DIGEST).ok
        with pytest.raises(TokenInvalid):
            verify_timestamp_token(token[:cut])
    assert not check_token(token + b"\x00", DIGEST).ok
    with pytest.raises(TokenInvalid):
        verify_timestamp_token(token + b"\x00")


@pytest.mark.parametrize(("label", "message"), [
    ("junk", "malformed"), ("huge", "larger than"), ("html", "not a timestamp reply"),
    ("other-digest", "another digest"), ("bad-nonce", "nonce"), ("missing", "HTTP 404"),
])
def test_a_misbehaving_tsa_raises_tsa_error(local_tsa: LocalTSA, label: str,
                                            message: str) -> None:
    with pytest.raises(TsaError, match=message):
        request_token(local_tsa.url(label), DIGEST, timeout=10)


def test_a_tsa_that_is_down_or_not_http_raises_tsa_error() -> None:
    with pytest.raises(TsaError, match="unreachable"):
        request_token(closed_port_url(), DIGEST, timeout=5)
    with pytest.raises(TsaError, match="not an http"):
        request_token("file:///etc/passwd", DIGEST)
    with pytest.raises(ValueError):
        request_token("http://127.0.0.1:9/", b"short")


def test_load_roots_reads_pem_files_and_names_bad_ones(local_tsa: LocalTSA, tmp_path) -> None:
    assert load_roots([local_tsa.roots_file]) == [local_tsa.root_der]
    bad = tmp_path / "bad.pem"
    bad.write_text("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")
    with pytest.raises(ValueError, match="bad.pem"):
        load_roots([bad])
    with pytest.raises(ValueError, match="cannot read"):
        load_roots([tmp_path / "absent.pem"])


def test_a_certificate_without_time_stamping_usage_is_refused_by_both(
        local_tsa: LocalTSA) -> None:
    token = request_token(local_tsa.url("noeku"), DIGEST)
    check = check_token(token, DIGEST, trusted_roots=[local_tsa.root_der])
    assert not check.ok and any("time-stamping" in p for p in check.problems)
    with pytest.raises(TokenInvalid, match="time-stamping"):
        verify_timestamp_token(token)


def test_a_token_made_after_the_tsa_certificate_expired_is_not_trusted(
        local_tsa: LocalTSA) -> None:
    token = request_token(local_tsa.url("expired"), DIGEST)
    check = check_token(token, DIGEST, trusted_roots=[local_tsa.root_der])
    assert check.signature_ok and check.trusted is False and not check.ok
    assert verify_timestamp_token(token, trusted_roots=[local_tsa.root_der]).trusted is False
