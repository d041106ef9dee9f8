"""Anchoring chain heads with RFC 3161 timestamps: batched, retried, never in a submission's way.

Each configured TSA (``STAR_SURVEY_TSA_URL``) gets one request per provider whose chain head it
has not yet covered, at most once a minute per provider and TSA, whichever app process asks:
an attempt is claimed by an atomic UPDATE of ``anchor_schedule`` before the request is sent, and
the request itself runs outside any database transaction. A failure backs off exponentially
(1, 2, 4 … 60 minutes), kept in the database. ``anchor_now`` (campaign close, export, the
``anchor`` command) skips the one-a-minute wait. Neither raises: they return what happened.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from surveys.anchor_queries import as_utc, covered_urls, heads, uncovered, unusable_urls
from surveys.db import read_session, run_write
from surveys.models import AnchorSchedule, ChainAnchor, utcnow
from surveys.settings import Settings
from surveys.tsa import DEFAULT_TIMEOUT, check_token, load_roots, request_token

log = logging.getLogger(__name__)
MIN_INTERVAL = timedelta(minutes=1)  # between two requests for one provider to one TSA
MAX_BACKOFF = timedelta(hours=1)
ERROR_CHARS = 500


@dataclass(frozen=True)
class AnchorAttempt:
    """One request to one TSA for one provider's head, and its outcome."""

    provider_id: int
    tsa_url: str
    head_seq: int
    head_hash: str
    gen_time: datetime | None  # the stored token's genTime; None when the attempt failed
    error: str  # why it failed ("" when a token was stored)
    retry_at: datetime | None  # when the TSA will next be asked after a failure

    @property
    def ok(self) -> bool:
        """Return True when a token for the head was stored."""
        return self.gen_time is not None


@dataclass(frozen=True)
class AnchorResult:
    """What ``anchor_now`` did for a provider."""

    provider_id: int
    configured: bool  # at least one TSA is configured
    head_seq: int  # 0 when the provider has no records
    head_hash: str
    attempts: tuple[AnchorAttempt, ...]  # requests made by this call
    covered_by: tuple[str, ...]  # TSAs whose token covers the head now

    @property
    def ok(self) -> bool:
        """Return True when every configured TSA covers the head (or there is nothing to cover)."""
        return self.configured and (self.head_seq == 0 or not self.missing)

    @property
    def missing(self) -> tuple[str, ...]:
        """Return the TSAs whose attempt failed."""
        return tuple(a.tsa_url for a in self.attempts if not a.ok)

    def message(self) -> str:
        """Return a one-line bilingual account for the CLI and pages."""
        if not self.configured:
            return "未配置时间戳服务，记录未经独立锚定 / no TSA configured: records are not " \
                   "independently anchored"
        if self.head_seq == 0:
            return "尚无记录 / no records yet"
        stamped = ", ".join(f"{a.tsa_url} @ {a.gen_time:%Y-%m-%d %H:%M:%S}Z"
                            for a in self.attempts if a.gen_time is not None)
        failed = "; ".join(f"{a.tsa_url}: {a.error}" for a in self.attempts if not a.ok)
        parts = [f"链头 seq {self.head_seq} / chain head seq {self.head_seq}"]
        if stamped:
            parts.append(f"已加盖时间戳 / timestamped: {stamped}")
        if not self.attempts:
            parts.append("已有时间戳 / already timestamped")
        if failed:
            parts.append(f"失败，稍后重试 / failed, will retry: {failed}")
        return "; ".join(parts)


def backoff(failures: int) -> timedelta:
    """Return the wait after the given number of consecutive failures (1 → 1 min … 60 min)."""
    return min(MIN_INTERVAL * 2 ** max(failures - 1, 0), MAX_BACKOFF)


def anchor_due(*, engine: Engine, settings: Settings, now: datetime | None = None,
               timeout: float = DEFAULT_TIMEOUT) -> list[AnchorAttempt]:
    """Return the attempts made for providers whose head a TSA has not covered and may be asked.

    Takes an engine, not a session: claims and results are short transactions of their own,
    and the network request runs outside them (a slow TSA never holds a database lock).
    """
    if not settings.tsa_urls:
        return []
    now = now or utcnow()
    attempts: list[AnchorAttempt] = []
    try:
        with read_session(engine) as session:
            todo = uncovered(session, settings)
    except Exception:
        log.exception("anchoring: cannot read the chain heads")
        return []
    for provider_id, url, head in todo:
        try:
            if _claim(engine, provider_id, url, now, force=False):
                attempts.append(_attempt(engine, settings, provider_id, url, head, now, timeout))
        except Exception:
            log.exception("anchoring: provider %s, %s", provider_id, url)
    return attempts


def anchor_now(*, engine: Engine, settings: Settings, provider_id: int,
               now: datetime | None = None, timeout: float = DEFAULT_TIMEOUT) -> AnchorResult:
    """Return what happened when asking every TSA that does not yet cover the provider's head.

    Best effort for campaign close and export: a TSA outage is reported, never raised.
    """
    now = now or utcnow()
    configured = bool(settings.tsa_urls)
    try:
        with read_session(engine) as session:
            head = heads(session, provider_id).get(provider_id)
            covered = covered_urls(session, provider_id, head) if head else set()
    except Exception as exc:
        log.exception("anchoring: cannot read provider %s", provider_id)
        return AnchorResult(provider_id, configured, 0, "", (AnchorAttempt(
            provider_id, "", 0, "", None, f"database: {exc}"[:ERROR_CHARS], None),), ())
    if not configured or head is None:
        return AnchorResult(provider_id, configured, head[0] if head else 0,
                            head[1] if head else "", (), ())
    attempts = []
    for url in settings.tsa_urls:
        if url in covered:
            continue
        if url in unusable_urls(settings):
            attempts.append(AnchorAttempt(provider_id, url[:80], head[0], head[1], None,
                                          "not an http(s) URL of at most 500 characters", None))
            continue
        try:
            _claim(engine, provider_id, url, now, force=True)
        except Exception:
            log.exception("anchoring: cannot record the attempt for provider %s", provider_id)
        attempt = _attempt(engine, settings, provider_id, url, head, now, timeout)
        attempts.append(attempt)
        if attempt.ok:
            covered.add(url)
    return AnchorResult(provider_id, True, head[0], head[1], tuple(attempts),
                        tuple(u for u in settings.tsa_urls if u in covered))


def _claim(engine: Engine, provider_id: int, url: str, now: datetime, *, force: bool) -> bool:
    """Return True when this process may ask url now; the next claim then waits a minute."""
    def work(session: Session) -> bool:
        statement = update(AnchorSchedule).where(
            AnchorSchedule.provider_id == provider_id,  # type: ignore[arg-type]
            AnchorSchedule.tsa_url == url,  # type: ignore[arg-type]
        ).values(next_attempt_at=now + MIN_INTERVAL, last_attempt_at=now)
        if not force:
            statement = statement.where(AnchorSchedule.next_attempt_at <= now)  # type: ignore[arg-type]
        if session.execute(statement).rowcount == 1:  # type: ignore[attr-defined]
            return True
        if session.get(AnchorSchedule, (provider_id, url)) is not None:
            return False
        session.add(AnchorSchedule(provider_id=provider_id, tsa_url=url, failures=0,
                                   next_attempt_at=now + MIN_INTERVAL, last_attempt_at=now))
        session.flush()
        return True
    try:
        return run_write(engine, work)
    except IntegrityError:  # another process created the row first: it owns this attempt
        return False


def _roots(settings: Settings) -> list[bytes] | None:
    """Return the configured TSA roots, or None when none are configured or readable."""
    if not settings.tsa_roots:
        return None
    try:
        return load_roots(settings.tsa_roots)
    except ValueError as exc:
        log.warning("anchoring: %s; tokens are stored without checking their root", exc)
        return None


def _attempt(engine: Engine, settings: Settings, provider_id: int, url: str,
             head: tuple[int, str], now: datetime, timeout: float) -> AnchorAttempt:
    """Return the outcome of requesting, checking and storing one token."""
    seq, head_hash = head
    digest = bytes.fromhex(head_hash)
    try:
        token = request_token(url, digest, timeout=timeout)
        check = check_token(token, digest, trusted_roots=_roots(settings))
        if not check.ok or check.gen_time is None:
            raise ValueError("; ".join(check.problems) or "token does not verify")
        gen_time = check.gen_time
        run_write(engine, lambda s: _store(s, provider_id, url, seq, head_hash, token,
                                           gen_time, now))
        return AnchorAttempt(provider_id, url, seq, head_hash, gen_time, "", None)
    except Exception as exc:  # a failure of any kind is recorded and retried later
        error = f"{type(exc).__name__}: {exc}"[:ERROR_CHARS]
        log.warning("anchoring: provider %s, %s: %s", provider_id, url, error)
        try:
            retry_at = run_write(engine, lambda s: _failed(s, provider_id, url, error, now))
        except Exception:
            log.exception("anchoring: cannot record the failure")
            retry_at = None
        return AnchorAttempt(provider_id, url, seq, head_hash, None, error, retry_at)


def _store(session: Session, provider_id: int, url: str, seq: int, head_hash: str,
           token: bytes, gen_time: datetime, now: datetime) -> None:
    """Store a token for a head (once per TSA) and reset the TSA's failure count."""
    exists = session.execute(select(func.count()).select_from(ChainAnchor).where(
        ChainAnchor.provider_id == provider_id, ChainAnchor.head_seq == seq,  # type: ignore[arg-type]
        ChainAnchor.head_hash == head_hash, ChainAnchor.tsa_url == url,  # type: ignore[arg-type]
    )).scalar_one()
    if not exists:
        session.add(ChainAnchor(provider_id=provider_id, head_seq=seq, head_hash=head_hash,
                                tsa_url=url, token=token, gen_time=gen_time, created_at=now))
    session.execute(update(AnchorSchedule).where(
        AnchorSchedule.provider_id == provider_id, AnchorSchedule.tsa_url == url,  # type: ignore[arg-type]
    ).values(failures=0, last_success_at=now, last_error=""))


def _failed(session: Session, provider_id: int, url: str, error: str, now: datetime) -> datetime:
    """Return the next attempt time after counting one more consecutive failure."""
    row = session.get(AnchorSchedule, (provider_id, url), with_for_update=True)
    if row is None:
        row = AnchorSchedule(provider_id=provider_id, tsa_url=url, failures=0,
                             next_attempt_at=now, last_attempt_at=now)
        session.add(row)
    row.failures += 1
    row.next_attempt_at = now + backoff(row.failures)
    row.last_error = error
    session.flush()
    return as_utc(row.next_attempt_at)

