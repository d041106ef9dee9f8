"""The chain check field by field, on hand-built chains (no database): deletions at every place,
forks, foreign keys, and a summary that never says OK when something is wrong."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from surveys.keys import Signer
from surveys.verify import (
    ChainEntry,
    Problem,
    VerifyResult,
    check_chain,
    check_entry,
    entry_from_fields,
    entry_from_parts,
    entry_name,
    utc_epoch,
    verify_entries,
)
from tests.golden_vectors import golden_signer

SIGNER = golden_signer()
KEY = SIGNER.public_key
KEY_ID = "56475aa75463474c"  # the golden key's fingerprint, first 16 hex digits
GENESIS = "0" * 64
OTHER = Signer(Ed25519PrivateKey.from_private_bytes(bytes(range(1, 33))))


def digest(name: str) -> str:
    """Return a stand-in record hash."""
    return hashlib.sha256(name.encode()).hexdigest()


def chain(n: int = 5, provider: int = 1) -> list[ChainEntry]:
    """Return a well-formed chain of n records, response ids 10*provider + seq."""
    entries, prev = [], GENESIS
    for seq in range(1, n + 1):
        h = digest(f"{provider}/{seq}")
        entries.append(ChainEntry(response_id=10 * provider + seq, provider_id=provider, seq=seq,
                                  prev_hash=prev, stored_hash=h, computed_hash=h,
                                  signature=SIGNER.sign(h), key_id=KEY_ID))
        prev = h
    return entries


def changed(entry: ChainEntry, **fields: object) -> ChainEntry:
    """Return a copy of an entry with some fields replaced."""
    return ChainEntry(**{**entry.__dict__, **fields})  # type: ignore[arg-type]


def assert_failed(result: VerifyResult, problems: list[Problem]) -> None:
    """Assert the exact problems and a summary that says FAILED and never OK."""
    assert result.problems == problems
    assert not result.ok
    summary = result.summary()
    assert f"FAILED: {len(problems)} problem(s)" in summary
    assert "OK" not in summary


def test_an_intact_chain_is_ok() -> None:
    entries = chain()
    result = verify_entries(entries, KEY)
    assert result.ok and result.problems == []
    assert (result.records, result.providers) == (5, 1)
    assert result.heads == {1: entries[-1].stored_hash}
    assert result.key_fingerprint == "56475aa75463474c0285df5dbf2bcab73da651358839e9b77481b2eab107708c"
    assert result.summary() == ("5 records of 1 provider(s) checked; key 56475aa75463474c; OK")


def test_an_empty_check_is_ok_and_says_so() -> None:
    result = verify_entries([], KEY)
    assert result.ok and result.summary().endswith("; OK")
    assert (result.records, result.providers, result.heads) == (0, 0, {})
    assert check_chain([]) == []


def test_deleting_the_first_record() -> None:
    result = verify_entries(chain()[1:], KEY)
    assert_failed(result, [Problem("seq_missing", 1, "provider 1: seq 1 missing (record deleted)",
                                   None, 1)])


def test_deleting_the_last_but_one_record() -> None:
    entries = chain()
    result = verify_entries(entries[:3] + entries[4:], KEY)
    assert_failed(result, [Problem("seq_missing", 1, "provider 1: seq 4 missing (record deleted)",
                                   None, 4)])
    assert result.heads == {1: entries[4].stored_hash}


def test_deleting_the_last_record_moves_the_head() -> None:
    # The chain alone cannot see it (nothing points at the last record): the head moves back,
    # which the published head, the anchors and the clients' receipts show.
    entries = chain()
    result = verify_entries(entries[:-1], KEY)
    assert result.ok
    assert result.heads == {1: entries[3].stored_hash} != {1: entries[4].stored_hash}
    assert result.records == 4


def test_every_problem_after_a_gap_is_still_reported() -> None:
    entries = chain(6)
    bad_link = changed(entries[4], prev_hash=digest("elsewhere"))
    result = verify_entries([entries[0], entries[2], entries[3], bad_link, entries[5]], KEY)
    assert_failed(result, [
        Problem("seq_missing", 1, "provider 1: seq 2 missing (record deleted)", None, 2),
        Problem("prev_hash_mismatch", 1, "response 15 (provider 1, seq 5): prev_hash does not "
                "match seq 4 (reordered or removed)", 15, 5),
    ])


def test_two_gaps_are_both_named() -> None:
    entries = chain(6)
    result = verify_entries([entries[0], entries[2], entries[4]], KEY)
    assert [(p.kind, p.seq) for p in result.problems] == [("seq_missing", 2), ("seq_missing", 4)]


def test_a_fork_is_named_with_both_records() -> None:
    entries = chain()
    h = digest("fork")
    fork = ChainEntry(response_id=99, provider_id=1, seq=3, prev_hash=entries[1].stored_hash,
                      stored_hash=h, computed_hash=h, signature=SIGNER.sign(h), key_id=KEY_ID)
    result = verify_entries(entries + [fork], KEY)
    assert_failed(result, [Problem(
        "seq_duplicate", 1, "provider 1: seq 3 used twice (fork): response 13 (provider 1, seq 3),"
        " response 99 (provider 1, seq 3)", 13, 3)])


def test_a_fork_that_links_elsewhere_is_named_twice() -> None:
    entries = chain()
    h = digest("fork")
    fork = ChainEntry(response_id=99, provider_id=1, seq=3, prev_hash=GENESIS, stored_hash=h,
                      computed_hash=h, signature=SIGNER.sign(h), key_id=KEY_ID)
    result = verify_entries(entries + [fork], KEY)
    assert [(p.kind, p.response_id, p.seq) for p in result.problems] == [
        ("seq_duplicate", 13, 3), ("prev_hash_mismatch", 99, 3)]


def test_a_first_record_must_link_to_the_genesis_hash() -> None:
    entries = chain(2)
    result = verify_entries([changed(entries[0], prev_hash=digest("x")), entries[1]], KEY)
    assert_failed(result, [Problem(
        "prev_hash_mismatch", 1, "response 11 (provider 1, seq 1): prev_hash does not match the "
        "genesis hash (reordered or removed)", 11, 1)])


def test_a_record_signed_with_an_unknown_key() -> None:
    entries = chain(3)
    h = entries[1].stored_hash
    foreign = changed(entries[1], signature=OTHER.sign(h), key_id=OTHER.key_id)
    result = verify_entries([entries[0], foreign, entries[2]], KEY)
    assert_failed(result, [
        Problem("unknown_key", 1, f"response 12 (provider 1, seq 2): signed with key "
                f"{OTHER.key_id}, not the given key {KEY_ID}", 12, 2),
        Problem("signature_invalid", 1, "response 12 (provider 1, seq 2): signature invalid", 12,
                2),
    ])


def test_a_record_without_a_key_id_is_judged_by_its_signature() -> None:
    entry = changed(chain(1)[0], key_id="")
    assert check_entry(entry, KEY) == []


@pytest.mark.parametrize(("fields", "kind", "text"), [
    ({"computed_hash": digest("other")}, "hash_mismatch",
     "hash mismatch — stored content was altered"),
    ({"content_ok": False}, "content_mismatch",
     "content does not match the signed content hash — altered"),
    ({"malformed": "ValueError: x", "computed_hash": ""}, "malformed",
     "unreadable record (ValueError: x) — stored content was altered"),
    ({"signature": "AAAA"}, "signature_invalid", "signature invalid"),
])
def test_each_problem_of_one_record(fields: dict[str, object], kind: str, text: str) -> None:
    entries = chain(3)
    bad = changed(entries[1], **fields)
    result = verify_entries([entries[0], bad, entries[2]], KEY)
    assert_failed(result, [Problem(kind, 1, f"response 12 (provider 1, seq 2): {text}", 12, 2)])


def test_an_altered_and_malformed_record_is_named_once_for_its_hash() -> None:
    entry = changed(chain(1)[0], malformed="KeyError: 'seq'", computed_hash=digest("x"))
    assert [p.kind for p in check_entry(entry, KEY)] == ["malformed"]


def test_an_unreadable_record_without_a_link_does_not_break_the_next() -> None:
    entries = chain(3)
    unreadable = changed(entries[1], malformed="x", prev_hash="")
    assert [p.kind for p in verify_entries([entries[0], unreadable, entries[2]], KEY).problems] \
        == ["malformed"]
    linked_wrong = changed(entries[1], malformed="x", prev_hash=digest("y"))
    assert [p.kind for p in verify_entries([entries[0], linked_wrong, entries[2]],
                                           KEY).problems] == ["malformed", "prev_hash_mismatch"]


def test_providers_are_chained_separately() -> None:
    one, two = chain(3, provider=1), chain(2, provider=2)
    result = verify_entries(two + one, KEY)
    assert result.ok
    assert (result.records, result.providers) == (5, 2)
    assert result.heads == {1: one[-1].stored_hash, 2: two[-1].stored_hash}
    result = verify_entries(one + two[1:], KEY)
    assert result.problems == [Problem("seq_missing", 2,
                                       "provider 2: seq 1 missing (record deleted)", None, 1)]


def test_a_record_without_a_place_is_reported_but_left_out_of_the_chain() -> None:
    entries = chain(2)
    lost = ChainEntry(response_id=7, provider_id=-1, seq=-1, prev_hash="", stored_hash="h",
                      computed_hash="", signature="s", key_id=KEY_ID, malformed="TypeError: t")
    result = verify_entries(entries + [lost], KEY)
    assert [(p.kind, p.provider_id, p.seq) for p in result.problems] == [
        ("malformed", -1, -1), ("signature_invalid", -1, -1)]
    assert (result.records, result.providers) == (3, 1)


def test_entry_name() -> None:
    entry = chain(1)[0]
    assert entry_name(entry) == "response 11 (provider 1, seq 1)"
    assert entry_name(changed(entry, response_id=None)) == "record (provider 1, seq 1)"


ENVELOPE = {"format": "star-survey/record/2", "provider_id": 3, "year": 2026, "seq": 4,
            "prev_hash": "ab" * 32, "submitted_at": "2026-06-15T02:30:00.000250Z",
            "content_sha256": "cd" * 32}


def test_entry_from_parts_reads_an_envelope() -> None:
    entry = entry_from_parts(ENVELOPE, None, response_id=8, stored_hash="h", signature="s",
                             key_id="k")
    assert entry == ChainEntry(
        response_id=8, provider_id=3, seq=4, prev_hash="ab" * 32, stored_hash="h",
        computed_hash="840fe9c3706d6cbbf60441069e5761775300db30789e0f10ea2c7d00d7cef7b7",
        signature="s", key_id="k", content_ok=True, malformed="",
        submitted_at=datetime(2026, 6, 15, 2, 30, 0, 250, tzinfo=UTC))


@pytest.mark.parametrize(("envelope", "content", "why", "provider", "seq"), [
    ([1, 2], None, "ValueError: unknown record format", -1, -1),
    ({**ENVELOPE, "format": "star-survey/record/9"}, None, "ValueError: unknown record format",
     3, 4),
    (ENVELOPE, [1], "ValueError: content is not an object", 3, 4),
    ({**ENVELOPE, "seq": True}, None, "ValueError: not an integer: True", 3, -1),
    ({**ENVELOPE, "seq": 4.0}, None, "ValueError: not an integer: 4.0", 3, -1),
    ({**ENVELOPE, "provider_id": "3"}, None, "ValueError: not an integer: '3'", -1, 4),
    ({k: v for k, v in ENVELOPE.items() if k != "prev_hash"}, None, "KeyError: 'prev_hash'", 3,
     4),
])
def test_entry_from_parts_never_raises(envelope: object, content: object, why: str,
                                       provider: int, seq: int) -> None:
    entry = entry_from_parts(envelope, content, response_id=None, stored_hash=1, signature=2,
                             key_id=3)
    assert entry.malformed == why
    assert (entry.provider_id, entry.seq, entry.prev_hash, entry.computed_hash) == (
        provider, seq, "", "")
    assert (entry.stored_hash, entry.signature, entry.key_id) == ("1", "2", "3")


def test_a_format_1_record_from_its_fields() -> None:
    fields = {**ENVELOPE, "format": "star-survey/record/1"}
    entry = entry_from_fields(fields, response_id=1, stored_hash="h", signature="s", key_id="k")
    assert entry.malformed == "" and entry.content_ok and entry.seq == 4


def test_an_unreadable_submitted_at_is_no_time() -> None:
    entry = entry_from_parts({**ENVELOPE, "submitted_at": "yesterday"}, None, response_id=1,
                             stored_hash="h", signature="s", key_id="k")
    assert entry.malformed == "" and entry.submitted_at is None
    assert utc_epoch() == datetime(1970, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize(("gap", "messages"), [
    (20, [f"provider 1: seq {s} missing (record deleted)" for s in range(2, 22)]),
    (21, ["provider 1: seq 2 to 22 missing (21 records deleted)"]),
    (10**30, [f"provider 1: seq 2 to {10**30 + 1} missing ({10**30} records deleted)"]),
])
def test_a_long_gap_is_named_as_one_range(gap: int, messages: list[str]) -> None:
    first, second = chain(2)
    far = changed(second, seq=gap + 2, response_id=99)
    result = verify_entries([first, far], KEY)
    missing = [p for p in result.problems if p.kind == "seq_missing"]
    assert [p.message for p in missing] == messages
    assert missing[0].seq == 2 and missing[0].response_id is None
    assert result.heads == {1: far.stored_hash}


def test_a_long_gap_names_its_provider() -> None:
    first, second = chain(2, provider=4)
    result = verify_entries([first, changed(second, seq=40)], KEY)
    assert [(p.kind, p.provider_id, p.seq) for p in result.problems] == [("seq_missing", 4, 2)]


def test_content_is_compared_with_the_envelopes_hash() -> None:
    content = {"total": 90}
    envelope = {**ENVELOPE, "content_sha256": hashlib.sha256(b'{"total":90}').hexdigest()}
    good = entry_from_parts(envelope, content, response_id=1, stored_hash="h", signature="s",
                            key_id="k")
    bad = entry_from_parts(envelope, {"total": 91}, response_id=1, stored_hash="h",
                           signature="s", key_id="k")
    assert good.content_ok and not bad.content_ok
    assert good.malformed == bad.malformed == ""


def test_a_format_1_record_keeps_every_given_field() -> None:
    fields = {**ENVELOPE, "format": "star-survey/record/1"}
    entry = entry_from_fields(fields, response_id=5, stored_hash="h", signature="s", key_id="k")
    assert (entry.response_id, entry.stored_hash, entry.signature, entry.key_id) == (
        5, "h", "s", "k")


def test_a_long_reason_is_cut_to_200_characters() -> None:
    entry = entry_from_parts({**ENVELOPE, "provider_id": "x" * 300}, None, response_id=1,
                             stored_hash="h", signature="s", key_id="k")
    assert len(entry.malformed) == 200
    assert entry.malformed.startswith("ValueError: not an integer: 'xxx")


def test_an_unreadable_fork_does_not_hide_its_twin() -> None:
    entries = chain(3)
    unreadable = changed(entries[1], malformed="x", prev_hash="", response_id=50)
    twin = changed(entries[1], prev_hash=digest("elsewhere"), response_id=51)
    result = verify_entries([entries[0], unreadable, twin, entries[2]], KEY)
    assert [(p.kind, p.response_id) for p in result.problems] == [
        ("malformed", 50), ("seq_duplicate", 50), ("prev_hash_mismatch", 51)]
