"""Reading anchors: which tokens a provider holds, what they cover, and the dashboard's status.

An anchor at ``head_seq`` N covers records 1..N only if its ``head_hash`` is the chain's record
hash at N: the token's imprint is that hash, so a rewritten record (and every record after it,
whose ``prev_hash`` changes) no longer matches any token made before the rewrite. Chain linkage
itself is checked by ``surveys.verify``; the functions here take it as given.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import and_, func
from sqlmodel import Session, col, select

from surveys.access import Actor, require_read
from surveys.models import AnchorSchedule, ChainAnchor, Response
from surveys.settings import Settings
from surveys.tsa import TokenCheck, check_token, load_roots


@dataclass(frozen=True)
class Anchor:
    """A stored token and the chain head it was requested for."""

    provider_id: int
    head_seq: int
    head_hash: str
    tsa_url: str
    token: bytes  # DER TimeStampToken (CMS ContentInfo)
    gen_time: datetime  # as stored; check_anchor compares it with the token's own genTime
    created_at: datetime


@dataclass(frozen=True)
class FirstAnchor:
    """The earliest token that covers a record."""

    gen_time: datetime
    tsa_url: str
    head_seq: int  # the head the covering token was made for
    delay: timedelta  # gen_time minus the record's submitted_at


@dataclass(frozen=True)
class AnchoringStatus:
    """What the dashboard says about a provider's anchoring."""

    configured: bool  # a TSA is configured
    tsa_urls: tuple[str, ...]
    head_seq: int  # 0 without records
    covered_seq: int  # the highest seq covered by a token matching the chain (0: none)
    last_anchor_at: datetime | None  # genTime of the newest such token
    next_attempt_at: datetime | None  # earliest next request over the TSAs
    failures: int  # most consecutive failures of any TSA
    last_error: str
    problems: tuple[str, ...]  # configuration problems (unreadable TSA roots)

    @property
    def uncovered(self) -> int:
        """Return how many records no token covers yet."""
        return self.head_seq - self.covered_seq


MAX_URL_CHARS = 500  # chain_anchor.tsa_url, anchor_schedule.tsa_url


def unusable_urls(settings: Settings) -> list[str]:
    """Return the configured TSA URLs that cannot be used (not http(s), or too long)."""
    return [url for url in settings.tsa_urls if len(url) > MAX_URL_CHARS
            or not url.lower().startswith(("http://", "https://"))]


def as_utc(moment: datetime) -> datetime:
    """Return a stored time as aware UTC (SQLite hands back naive UTC)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def heads(session: Session, provider_id: int | None = None) -> dict[int, tuple[int, str]]:
    """Return each provider's chain head as {provider_id: (seq, record_hash)}."""
    latest = select(col(Response.provider_id), func.max(col(Response.seq)).label("seq")) \
        .group_by(col(Response.provider_id))
    if provider_id is not None:
        latest = latest.where(Response.provider_id == provider_id)
    top = latest.subquery()
    rows = session.exec(
        select(col(Response.provider_id), col(Response.seq), col(Response.record_hash)).join(
            top, and_(col(Response.provider_id) == top.c.provider_id,
                      col(Response.seq) == top.c.seq)))
    return {pid: (seq, digest) for pid, seq, digest in rows}


def uncovered(session: Session, settings: Settings) -> list[tuple[int, str, tuple[int, str]]]:
    """Return (provider_id, tsa_url, head) for each usable TSA without a token for a head.

    Two queries whatever the number of providers: the heads, and the tokens made for them.
    """
    head_of = heads(session)
    latest = select(col(Response.provider_id), func.max(col(Response.seq)).label("seq")) \
        .group_by(col(Response.provider_id)).subquery()
    rows = session.exec(select(col(ChainAnchor.provider_id), col(ChainAnchor.head_seq),
                               col(ChainAnchor.head_hash), col(ChainAnchor.tsa_url)).join(
        latest, and_(col(ChainAnchor.provider_id) == latest.c.provider_id,
                     col(ChainAnchor.head_seq) == latest.c.seq)))
    covered = {(pid, url) for pid, seq, digest, url in rows if head_of.get(pid) == (seq, digest)}
    skip = unusable_urls(settings)
    return [(pid, url, head) for pid, head in sorted(head_of.items())
            for url in settings.tsa_urls if url not in skip and (pid, url) not in covered]


def newest_record_id(session: Session) -> int:
    """Return the highest response id (0 without records): a cheap "anything new?" probe."""
    return int(session.exec(select(func.max(col(Response.id)))).one() or 0)


def covered_urls(session: Session, provider_id: int, head: tuple[int, str]) -> set[str]:
    """Return the TSAs holding a token for exactly this head."""
    seq, head_hash = head
    return set(session.exec(select(col(ChainAnchor.tsa_url)).where(
        ChainAnchor.provider_id == provider_id, ChainAnchor.head_seq == seq,
        ChainAnchor.head_hash == head_hash)))


def anchors_for(session: Session, provider_id: int) -> list[Anchor]:
    """Return every stored anchor of a provider, oldest head first."""
    rows = session.exec(select(ChainAnchor).where(ChainAnchor.provider_id == provider_id)
                        .order_by(col(ChainAnchor.head_seq), col(ChainAnchor.gen_time),
                                  col(ChainAnchor.id)))
    return [Anchor(r.provider_id, r.head_seq, r.head_hash, r.tsa_url, bytes(r.token),
                   as_utc(r.gen_time), as_utc(r.created_at)) for r in rows]


def check_anchor(anchor: Anchor, *, trusted_roots: list[bytes] | None) -> TokenCheck:
    """Return the check of an anchor's token against its head hash and its stored genTime."""
    try:
        digest = bytes.fromhex(anchor.head_hash)
    except ValueError:
        digest = b""
    check = check_token(anchor.token, digest, trusted_roots=trusted_roots)
    if check.gen_time is not None and check.gen_time != anchor.gen_time:
        return TokenCheck(**{**check.__dict__, "problems": (
            *check.problems, "the stored time differs from the token's genTime")})
    return check


def first_anchored(records: Mapping[int, tuple[str, datetime]],
                   anchors: Iterable[Anchor]) -> dict[int, FirstAnchor | None]:
    """Return, per seq, the earliest anchor covering it (None when none does).

    ``records`` maps seq to (record_hash, submitted_at). Pass only anchors whose tokens were
    checked (``check_anchor``): the gen_time used here is the anchor's.
    """
    valid = sorted((a for a in anchors if a.head_seq in records
                    and records[a.head_seq][0] == a.head_hash),
                   key=lambda a: a.head_seq, reverse=True)
    out: dict[int, FirstAnchor | None] = {}
    best: Anchor | None = None
    index = 0
    for seq in sorted(records, reverse=True):
        while index < len(valid) and valid[index].head_seq >= seq:
            if best is None or valid[index].gen_time < best.gen_time:
                best = valid[index]
            index += 1
        out[seq] = None if best is None else FirstAnchor(
            best.gen_time, best.tsa_url, best.head_seq,
            as_utc(best.gen_time) - as_utc(records[seq][1]))
    return out


def mismatched_anchors(records: Mapping[int, tuple[str, datetime]],
                       anchors: Iterable[Anchor]) -> list[Anchor]:
    """Return the anchors whose head is not the chain's record at head_seq (rewritten or cut)."""
    return [a for a in anchors
            if a.head_seq not in records or records[a.head_seq][0] != a.head_hash]


def anchoring_status(*, session: Session, actor: Actor, settings: Settings,
                     provider_id: int) -> AnchoringStatus:
    """Return whether anchoring is configured, when the provider was last anchored and what not."""
    require_read(actor, provider_id)
    head = heads(session, provider_id).get(provider_id, (0, ""))
    matched = session.exec(
        select(func.max(col(ChainAnchor.head_seq)), func.max(col(ChainAnchor.gen_time))).join(
            Response, and_(col(Response.provider_id) == col(ChainAnchor.provider_id),
                           col(Response.seq) == col(ChainAnchor.head_seq),
                           col(Response.record_hash) == col(ChainAnchor.head_hash)))
        .where(ChainAnchor.provider_id == provider_id)).one()
    schedule = [row for row in session.exec(select(AnchorSchedule).where(
        AnchorSchedule.provider_id == provider_id)) if row.tsa_url in settings.tsa_urls]
    problems = [f"STAR_SURVEY_TSA_URL: {url[:80]} is not an http(s) URL of at most "
                f"{MAX_URL_CHARS} characters" for url in unusable_urls(settings)]
    try:
        load_roots(settings.tsa_roots)
    except ValueError as exc:
        problems.append(str(exc))
    failing = max(schedule, key=lambda r: r.failures, default=None)
    return AnchoringStatus(
        configured=bool(settings.tsa_urls), tsa_urls=settings.tsa_urls, head_seq=head[0],
        covered_seq=matched[0] or 0, last_anchor_at=as_utc(matched[1]) if matched[1] else None,
        next_attempt_at=min((as_utc(r.next_attempt_at) for r in schedule), default=None),
        failures=failing.failures if failing else 0,
        last_error=failing.last_error if failing and failing.failures else "",
        problems=tuple(problems))
