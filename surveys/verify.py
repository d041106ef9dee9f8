"""Verification of stored records: hashes, Ed25519 signatures and each provider's chain."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import Table, select
from sqlmodel import Session

from surveys.anchor_queries import FirstAnchor, anchors_for
from surveys.keys import fingerprint, verify_signature
from surveys.models import Response
from surveys.records import (
    GENESIS_HASH,
    RECORD_FORMATS,
    content_matches,
    envelope_hash,
    signed_parts,
)
from surveys.verify_anchors import DEFAULT_MAX_DELAY, check_anchors
from surveys.verify_anchors import ChainRecord as AnchorRecord

RESPONSE_TABLE: Table = Response.__table__  # type: ignore[attr-defined]
BATCH = 500
MAX_LISTED_GAP = 20  # a longer run of missing records is named as one range


@dataclass(frozen=True)
class ChainEntry:
    """What the chain check needs of one record: identity, stored and recomputed hash."""

    response_id: int | None
    provider_id: int
    seq: int
    prev_hash: str
    stored_hash: str
    computed_hash: str
    signature: str
    key_id: str
    content_ok: bool = True  # format 2: the content hashes to the envelope's content_sha256
    malformed: str = ""  # why the record could not be read at all ('' when it could)
    submitted_at: datetime | None = None


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one record (or a gap in a provider's chain)."""

    kind: str  # hash_mismatch | content_mismatch | signature_invalid | unknown_key | malformed
    # | seq_missing | seq_duplicate | prev_hash_mismatch | anchor_invalid | anchor_mismatch
    # | anchored_late | not_anchored
    provider_id: int
    message: str
    response_id: int | None = None
    seq: int | None = None


@dataclass
class VerifyResult:
    """The outcome of checking records: counts, chain heads and every problem found."""

    records: int = 0
    providers: int = 0
    heads: dict[int, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    key_fingerprint: str = ""
    anchoring: dict[int, dict[int, FirstAnchor | None]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """Return True when no problem was found."""
        return not self.problems

    def summary(self) -> str:
        """Return a one-line summary of the check."""
        state = "OK" if self.ok else f"FAILED: {len(self.problems)} problem(s)"
        return (f"{self.records} records of {self.providers} provider(s) checked; "
                f"key {self.key_fingerprint[:16]}; {state}")


def entry_name(entry: ChainEntry) -> str:
    """Return how a record is named in messages, e.g. 'response 12 (provider 1, seq 5)'."""
    ident = f"response {entry.response_id}" if entry.response_id is not None else "record"
    return f"{ident} (provider {entry.provider_id}, seq {entry.seq})"


def check_entry(entry: ChainEntry, public_key: Ed25519PublicKey) -> list[Problem]:
    """Return the problems of one record on its own: hash, signing key and signature."""
    found: list[Problem] = []
    name = entry_name(entry)

    def add(kind: str, text: str) -> None:
        found.append(Problem(kind, entry.provider_id, f"{name}: {text}", entry.response_id,
                             entry.seq))

    if entry.malformed:
        add("malformed", f"unreadable record ({entry.malformed}) — stored content was altered")
    elif entry.computed_hash != entry.stored_hash:
        add("hash_mismatch", "hash mismatch — stored content was altered")
    if not entry.content_ok:
        add("content_mismatch", "content does not match the signed content hash — altered")
    key_id = fingerprint(public_key)[:16]
    if entry.key_id and entry.key_id != key_id:
        add("unknown_key", f"signed with key {entry.key_id}, not the given key {key_id}")
    if not verify_signature(public_key, entry.stored_hash, entry.signature):
        add("signature_invalid", "signature invalid")
    return found


def check_chain(entries: list[ChainEntry]) -> list[Problem]:
    """Return the chain problems of one provider's records (any order): gaps, forks, links."""
    if not entries:
        return []
    provider_id = entries[0].provider_id
    found: list[Problem] = []
    by_seq: dict[int, list[ChainEntry]] = {}
    for entry in entries:
        by_seq.setdefault(entry.seq, []).append(entry)
    for seq, group in sorted(by_seq.items()):
        if len(group) > 1:
            ids = ", ".join(entry_name(e) for e in group)
            found.append(Problem("seq_duplicate", provider_id,
                                 f"provider {provider_id}: seq {seq} used twice (fork): {ids}",
                                 group[0].response_id, seq))
    previous = 0
    for seq in sorted(s for s in by_seq if s >= 1):  # a huge seq must not mean a huge loop
        gap = seq - previous - 1
        if gap > MAX_LISTED_GAP:
            found.append(Problem("seq_missing", provider_id,
                                 f"provider {provider_id}: seq {previous + 1} to {seq - 1} "
                                 f"missing ({gap} records deleted)", None, previous + 1))
        else:
            found.extend(Problem("seq_missing", provider_id,
                                 f"provider {provider_id}: seq {missing} missing (record deleted)",
                                 None, missing) for missing in range(previous + 1, seq))
        previous = seq
    for seq, group in sorted(by_seq.items()):
        if seq == 1:
            expected, what = GENESIS_HASH, "the genesis hash"
        elif seq - 1 in by_seq:
            expected, what = by_seq[seq - 1][0].stored_hash, f"seq {seq - 1}"
        else:
            continue  # the gap is reported already
        for entry in group:
            if entry.malformed and not entry.prev_hash:
                continue  # unreadable, reported already
            if entry.prev_hash != expected:
                found.append(Problem(
                    "prev_hash_mismatch", provider_id,
                    f"{entry_name(entry)}: prev_hash does not match {what} (reordered or removed)",
                    entry.response_id, seq))
    return found


def _int(value: Any) -> int:
    """Return value as an int, refusing booleans, floats and text (raises ValueError)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"not an integer: {value!r}")
    return value


def entry_from_parts(envelope: Any, content: Any, *, response_id: int | None, stored_hash: Any,
                     signature: Any, key_id: Any) -> ChainEntry:
    """Return the chain entry of a record from its envelope (or format-1 fields) and content.

    Never raises: a record that cannot be read becomes an entry with `malformed` set.
    """
    try:
        if not isinstance(envelope, dict) or envelope.get("format") not in RECORD_FORMATS:
            raise ValueError("unknown record format")
        if content is not None and not isinstance(content, dict):
            raise ValueError("content is not an object")
        computed = envelope_hash(envelope)
        return ChainEntry(
            response_id=response_id, provider_id=_int(envelope["provider_id"]),
            seq=_int(envelope["seq"]), prev_hash=str(envelope["prev_hash"]),
            stored_hash=str(stored_hash), computed_hash=computed, signature=str(signature),
            key_id=str(key_id), content_ok=content_matches(envelope, content),
            submitted_at=_moment(envelope.get("submitted_at")))
    except (KeyError, TypeError, ValueError, UnicodeError, RecursionError) as exc:
        provider = envelope.get("provider_id") if isinstance(envelope, dict) else None
        seq = envelope.get("seq") if isinstance(envelope, dict) else None
        return ChainEntry(
            response_id=response_id, provider_id=provider if isinstance(provider, int) else -1,
            seq=seq if isinstance(seq, int) and not isinstance(seq, bool) else -1, prev_hash="",
            stored_hash=str(stored_hash), computed_hash="", signature=str(signature),
            key_id=str(key_id), malformed=f"{type(exc).__name__}: {exc}"[:200])


def _moment(text: Any) -> datetime | None:
    """Return a signed submitted_at ('...Z') as an aware time, or None if it is not one."""
    try:
        return datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    except ValueError:
        return None


def entry_from_fields(fields: Any, *, response_id: int | None, stored_hash: Any,
                      signature: Any, key_id: Any) -> ChainEntry:
    """Return the chain entry of a format-1 record given its canonical fields."""
    return entry_from_parts(fields, None, response_id=response_id, stored_hash=stored_hash,
                            signature=signature, key_id=key_id)


def entry_from_row(row: Any) -> ChainEntry:
    """Return the chain entry of a stored response row (ORM object or Core row); never raises."""
    try:
        envelope, content = signed_parts(cast(Response, row))
    except (TypeError, ValueError, AttributeError, UnicodeError, RecursionError) as exc:
        envelope, content = {"format": "unreadable", "error": f"{type(exc).__name__}: {exc}",
                             "provider_id": row.provider_id, "seq": row.seq}, None
    entry = entry_from_parts(envelope, content, response_id=row.id, stored_hash=row.record_hash,
                             signature=row.signature, key_id=row.key_id)
    if entry.malformed:  # keep its place in the chain; name why it cannot be read
        why = envelope.get("error", entry.malformed) if isinstance(envelope, dict) else ""
        entry = ChainEntry(**{**entry.__dict__, "malformed": str(why)[:200],
                              "prev_hash": str(row.prev_hash)})
    return entry


def verify_entries(entries: Iterable[ChainEntry], public_key: Ed25519PublicKey) -> VerifyResult:
    """Return the result of checking records (grouped by provider, in any order)."""
    result = VerifyResult(key_fingerprint=fingerprint(public_key))
    per_provider: dict[int, list[ChainEntry]] = {}
    for entry in entries:
        result.records += 1
        result.problems.extend(check_entry(entry, public_key))
        if entry.seq >= 1:  # an unreadable record is reported above; the chain goes on
            per_provider.setdefault(entry.provider_id, []).append(entry)
    for provider_id, chain in sorted(per_provider.items()):
        result.problems.extend(check_chain(chain))
        result.heads[provider_id] = max(chain, key=lambda e: e.seq).stored_hash
    result.providers = len(per_provider)
    return result


def stored_rows(session: Session, provider_id: int | None) -> Iterator[Any]:
    """Yield every stored response row (Core rows, in batches), by provider and seq."""
    query = select(RESPONSE_TABLE).order_by(RESPONSE_TABLE.c.provider_id, RESPONSE_TABLE.c.seq)
    if provider_id is not None:
        query = query.where(RESPONSE_TABLE.c.provider_id == provider_id)
    result = session.connection().execution_options(yield_per=BATCH).execute(query)
    yield from result


def verify_database(session: Session, public_key: Ed25519PublicKey, *,
                    provider_id: int | None = None, anchors: bool = True,
                    trusted_roots: list[bytes] | None = None,
                    max_anchor_delay: timedelta = DEFAULT_MAX_DELAY, expect_anchors: bool = False,
                    now: datetime | None = None) -> VerifyResult:
    """Return the result of checking every stored record (or one provider's) against the key.

    With anchors, each provider's RFC 3161 tokens are checked against its chain too
    (surveys.verify_anchors); expect_anchors (a TSA is configured) makes a record that no
    token covers, once max_anchor_delay has passed, a problem.
    """
    entries = [entry_from_row(row) for row in stored_rows(session, provider_id)]
    result = verify_entries(entries, public_key)
    if not anchors:
        return result
    by_provider: dict[int, list[ChainEntry]] = {}
    for entry in entries:
        if entry.seq >= 1 and entry.submitted_at is not None:
            by_provider.setdefault(entry.provider_id, []).append(entry)
    for pid, chain in sorted(by_provider.items()):
        records = [AnchorRecord(e.seq, e.stored_hash, e.submitted_at or utc_epoch(),
                                entry_name(e)) for e in chain]
        first, found = check_anchors(records, anchors_for(session, pid),
                                     trusted_roots=trusted_roots, max_delay=max_anchor_delay,
                                     now=now, expect_anchors=expect_anchors)
        result.anchoring[pid] = first
        ids = {e.seq: e.response_id for e in chain}
        result.problems += [Problem(p.kind, pid, p.message, ids.get(p.seq or -1), p.seq)
                            for p in found]
    return result


def utc_epoch() -> datetime:
    """Return the start of 1970 (UTC): the stored time of a record whose time is unreadable."""
    return datetime(1970, 1, 1, tzinfo=UTC)
