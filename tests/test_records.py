"""The record format pinned by literal values: a refactor must not change one byte of a hash."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta, timezone

import pytest

from surveys.models import RECORD_FORMAT_2
from surveys.records import (
    ENVELOPE_KEYS,
    GENESIS_HASH,
    RECORD_FORMATS,
    canonical_bytes,
    content_matches,
    envelope_hash,
    receipt_code,
    receipt_prefix,
    record_hash,
    record_view,
    sha256_hex,
    signed_parts,
    utc_text,
)
from tests.golden_vectors import fixed_record

BEIJING = timezone(timedelta(hours=8))


def test_genesis_hash_is_64_zeros() -> None:
    assert GENESIS_HASH == "0000000000000000000000000000000000000000000000000000000000000000"


def test_canonical_json_is_sorted_compact_and_keeps_non_ascii() -> None:
    assert canonical_bytes({"b": 1, "a": "张 \"x\"\n", "c": [None, True]}) == (
        '{"a":"张 \\"x\\"\\n","b":1,"c":[null,true]}'.encode())


@pytest.mark.parametrize(("moment", "text"), [
    (datetime(2026, 6, 15, 2, 30, 0, 250, tzinfo=UTC), "2026-06-15T02:30:00.000250Z"),
    (datetime(2026, 6, 15, 10, 30, 0, 250, tzinfo=BEIJING), "2026-06-15T02:30:00.000250Z"),
    (datetime(2026, 6, 15, 2, 30), "2026-06-15T02:30:00.000000Z"),  # naive means UTC
    (datetime(2026, 1, 1, 0, 0, 0, 1, tzinfo=BEIJING), "2025-12-31T16:00:00.000001Z"),
])
def test_submitted_at_text(moment: datetime, text: str) -> None:
    assert utc_text(moment) == text


def test_images_enter_by_their_sha256() -> None:
    assert sha256_hex(None) is None
    assert sha256_hex(b"") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    record = fixed_record(RECORD_FORMAT_2)
    record.seal_image, record.scan, record.scan_name = b"seal", b"scan", "原件.pdf"
    _, content = signed_parts(record)
    assert content is not None
    assert content["seal_sha256"] == hashlib.sha256(b"seal").hexdigest()
    assert content["scan_sha256"] == hashlib.sha256(b"scan").hexdigest()
    assert content["scan_name"] == "原件.pdf"
    assert sorted(content) == [
        "client_id", "comment", "entered_by", "evaluation_date", "form_id", "header",
        "invitation_id", "items", "origin", "reason", "scan_name", "scan_sha256", "seal_sha256",
        "signature_sha256", "signer_name", "signer_phone", "signer_title", "supersedes_id",
        "total", "version"]
    # the seal is part of the signed hash: another seal, another record hash
    before = record_hash(record)
    record.seal_image = b"another seal"
    assert record_hash(record) != before


def test_naive_submitted_at_hashes_as_utc() -> None:
    aware, naive = fixed_record(RECORD_FORMAT_2), fixed_record(RECORD_FORMAT_2)
    naive.submitted_at = aware.submitted_at.replace(tzinfo=None)
    assert record_hash(naive) == record_hash(aware) == (
        "6ee75a9144d953d530b778df4724a549c0eef1d8a6683ba12546bd03b108007f")


def test_an_unknown_format_is_refused() -> None:
    record = fixed_record("star-survey/record/3")
    with pytest.raises(ValueError, match="unknown record format 'star-survey/record/3'"):
        signed_parts(record)


def test_content_matches_only_its_envelope() -> None:
    envelope, content = signed_parts(fixed_record(RECORD_FORMAT_2))
    assert content is not None
    assert content_matches(envelope, content) and content_matches(envelope, None)
    assert not content_matches(envelope, {**content, "total": 95})
    assert not content_matches({**envelope, "format": "star-survey/record/1"}, content)
    assert not content_matches({k: v for k, v in envelope.items() if k != "content_sha256"},
                               content)
    assert envelope_hash(envelope) == hashlib.sha256(canonical_bytes(envelope)).hexdigest()


def test_record_view_merges_envelope_over_content() -> None:
    assert record_view({"seq": 2, "format": "f"}, {"seq": 9, "total": 90}) == {
        "seq": 2, "format": "f", "total": 90, "entered_by": "", "reason": ""}
    assert record_view({"seq": 1}, {"entered_by": "wang", "reason": "r"}) == {
        "seq": 1, "entered_by": "wang", "reason": "r"}
    assert record_view({"seq": 1}, None) == {"seq": 1, "entered_by": "", "reason": ""}


def test_receipt_code_is_the_first_16_hex_digits_grouped() -> None:
    assert receipt_code("fd8566876fdab455493489d2a428aa25" * 2) == "FD85-6687-6FDA-B455"


@pytest.mark.parametrize(("code", "prefix"), [
    ("FD85-6687-6FDA-B455", "fd8566876fdab455"),
    ("  fd85 6687\u30006fda-b455 ", "fd8566876fdab455"),
    ("fd8566876fdab455", "fd8566876fdab455"),
    ("FD85-6687-6FDA-B45", None),           # 15 digits
    ("FD85-6687-6FDA-B4555", None),         # 17 digits
    ("FD85-6687-6FDA-B45G", None),          # not hex
    ("FD85_6687_6FDA_B455", None),          # other separators are not ignored
    ("", None),
])
def test_receipt_prefix(code: str, prefix: str | None) -> None:
    assert receipt_prefix(code) == prefix


def test_the_declared_envelope_keys_are_the_envelopes() -> None:
    assert ENVELOPE_KEYS == ("format", "provider_id", "year", "seq", "prev_hash", "submitted_at",
                             "content_sha256")
    envelope, _ = signed_parts(fixed_record(RECORD_FORMAT_2))
    assert tuple(envelope) == ENVELOPE_KEYS
    assert RECORD_FORMATS == ("star-survey/record/1", "star-survey/record/2")
