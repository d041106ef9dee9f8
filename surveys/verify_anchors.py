"""Checking a chain against its RFC 3161 anchors: rewrites after anchoring, late and unanchored.

The provider holds the signing key, so hashes and signatures alone prove nothing against it. A
timestamp token from an independent TSA fixes a chain head at a moment; every record at or
below that head is then fixed too (each record's hash covers its predecessor's). So:

* a record rewritten after anchoring changes the head hash: the token no longer matches
  (``anchor_mismatch``), and the records between the last matching anchor and it are named;
* a record inserted with an earlier ``submitted_at`` can only be anchored after it was really
  stored: its first covering token comes later than it claims (``anchored_late``);
* a record no token covers, once the delay has passed, is ``not_anchored``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from surveys.anchor_queries import Anchor, FirstAnchor, as_utc, check_anchor, first_anchored

DEFAULT_MAX_DELAY = timedelta(hours=24)


@dataclass(frozen=True)
class AnchorProblem:
    """One thing the anchors say is wrong: its kind, the seq it concerns, a message."""

    kind: str  # anchor_invalid | anchor_mismatch | anchored_late | not_anchored
    seq: int | None
    message: str


@dataclass(frozen=True)
class ChainRecord:
    """What the anchor check needs of one record."""

    seq: int
    record_hash: str
    submitted_at: datetime
    name: str  # how messages name it, e.g. 'response 12 (provider 1, seq 5)'


def describe(first: FirstAnchor | None) -> str:
    """Return how a record's anchoring reads in a report."""
    if first is None:
        return "not anchored"
    return (f"first anchored {first.gen_time.astimezone(UTC):%Y-%m-%d %H:%M:%S} UTC by "
            f"{first.tsa_url} ({_delay(first.delay)} after it was stored)")


def _delay(delay: timedelta) -> str:
    """Return a delay as hours and minutes (negative: anchored before the stored time)."""
    minutes = int(delay.total_seconds() // 60)
    sign = "-" if minutes < 0 else ""
    return f"{sign}{abs(minutes) // 60} h {abs(minutes) % 60:02d} min"


def check_anchors(records: Iterable[ChainRecord], anchors: Iterable[Anchor], *,
                  trusted_roots: list[bytes] | None, max_delay: timedelta = DEFAULT_MAX_DELAY,
                  now: datetime | None = None, expect_anchors: bool = False,
                  ) -> tuple[dict[int, FirstAnchor | None], list[AnchorProblem]]:
    """Return each record's first anchor (by seq) and every problem the anchors reveal.

    expect_anchors: a TSA is configured (or the bundle carries tokens), so a record no token
    covers once max_delay has passed since it was stored is a problem, not only a note.
    """
    chain = {r.seq: r for r in records}
    problems: list[AnchorProblem] = []
    valid: list[Anchor] = []
    for anchor in anchors:
        check = check_anchor(anchor, trusted_roots=trusted_roots)
        where = f"timestamp of seq {anchor.head_seq} by {anchor.tsa_url}"
        if not (check.signature_ok and check.imprint_ok) or check.problems or \
                check.trusted is False:
            why = "; ".join(check.problems) or "signature or imprint invalid"
            problems.append(AnchorProblem("anchor_invalid", anchor.head_seq,
                                          f"{where}: the token does not verify ({why})"))
            continue
        valid.append(anchor)
    hashes: Mapping[int, tuple[str, datetime]] = {
        seq: (r.record_hash, as_utc(r.submitted_at)) for seq, r in chain.items()}
    matching = [a for a in valid if hashes.get(a.head_seq, ("",))[0] == a.head_hash]
    for anchor in valid:
        if anchor in matching:
            continue
        below = max((a.head_seq for a in matching if a.head_seq < anchor.head_seq), default=0)
        changed = [chain[s].name for s in sorted(chain) if below < s <= anchor.head_seq]
        problems.append(AnchorProblem(
            "anchor_mismatch", anchor.head_seq,
            f"timestamp of seq {anchor.head_seq} ({anchor.tsa_url}, "
            f"{anchor.gen_time.astimezone(UTC):%Y-%m-%d %H:%M:%S} UTC) no longer matches the "
            f"chain: records were rewritten or removed after it was anchored — one of "
            f"{', '.join(changed) or 'the records up to seq ' + str(anchor.head_seq)}"))
    first = first_anchored(hashes, matching)
    moment = as_utc(now or datetime.now(UTC))
    for seq, found in sorted(first.items()):
        record = chain[seq]
        if found is not None and found.delay > max_delay:
            problems.append(AnchorProblem(
                "anchored_late", seq, f"{record.name}: {describe(found)} — more than "
                f"{_delay(max_delay)}: stored later than it claims (back-dated) or anchored late"))
        elif found is None and expect_anchors and moment - as_utc(record.submitted_at) > max_delay:
            problems.append(AnchorProblem(
                "not_anchored", seq, f"{record.name}: no timestamp covers it, "
                f"{_delay(moment - as_utc(record.submitted_at))} after it was stored"))
    return first, problems
