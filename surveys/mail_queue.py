"""Sending waves by e-mail: claim due recipients, send outside any transaction, record each attempt.

Any process may send (the app's thread, the CLI): a recipient is claimed by one UPDATE before
its message goes out, so two senders never send the same message; a claim left by a process
that died is taken over after STALE_CLAIM. A client that answered meanwhile is skipped.
"""

from __future__ import annotations

import smtplib
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.errors import HeaderParseError
from email.message import EmailMessage
from functools import partial

from sqlalchemy import and_, or_, update
from sqlmodel import Session, col, select

from surveys.access import Actor, require_write
from surveys.audit import record_change
from surveys.context import Context
from surveys.db import read_session, run_write
from surveys.links import public_base_url
from surveys.mail_message import MailFacts, build_message
from surveys.mailer import (
    STEP_FACTOR,
    deliver,
    error_text,
    is_permanent,
    parse_smtp_url,
    smtp_connection,
)
from surveys.models import (
    Campaign,
    Invitation,
    MailAttempt,
    OutreachWave,
    WaveRecipient,
    utcnow,
)
from surveys.wave_preview import message_facts
from surveys.waves import QUEUED, get_wave, has_answered

SENDING, SENT, FAILED, SKIPPED = "sending", "sent", "failed", "skipped"
STATUSES = (QUEUED, SENDING, SENT, FAILED, SKIPPED, "no_address", "listed")
MAX_ATTEMPTS = 4
BACKOFF = (60.0, 300.0, 1800.0)  # seconds before the 2nd, 3rd and later attempts
STALE_CLAIM = timedelta(minutes=10)  # far longer than a bounded send can take
BATCH = 50
RECIPIENT = WaveRecipient.__table__  # type: ignore[attr-defined]


@dataclass
class SendReport:
    """What one pass did: messages sent, given up, to be retried, skipped (answered, revoked)."""

    sent: int = 0
    failed: int = 0
    retrying: int = 0
    skipped: int = 0


def _claimable(now: datetime):  # type: ignore[no-untyped-def]
    """Return the condition of a recipient that may be claimed now."""
    return or_(and_(RECIPIENT.c.status == QUEUED, RECIPIENT.c.next_attempt_at <= now),
               and_(RECIPIENT.c.status == SENDING, RECIPIENT.c.claimed_at < now - STALE_CLAIM))


def due_recipients(session: Session, now: datetime, *, wave_id: int | None = None,
                   limit: int = BATCH) -> list[int]:
    """Return the ids of recipients whose message may be sent now, oldest first."""
    query = select(RECIPIENT.c.id).where(_claimable(now))
    if wave_id is not None:
        query = query.where(RECIPIENT.c.wave_id == wave_id)
    return [int(row) for row in session.exec(query.order_by(RECIPIENT.c.id).limit(limit)).all()]


def _claim(session: Session, recipient_id: int, now: datetime) -> bool:
    """Return True when this process took the recipient (one UPDATE; no other sender can)."""
    result = session.execute(update(RECIPIENT).where(RECIPIENT.c.id == recipient_id, _claimable(now))
                             .values(status=SENDING, claimed_at=now))
    return bool(result.rowcount)  # type: ignore[attr-defined]


def _facts(session: Session, secret: bytes, base_url: str,
           recipient: WaveRecipient) -> tuple[MailFacts | None, str]:
    """Return what the message says, or None and why it must not be sent any more."""
    wave = session.get(OutreachWave, recipient.wave_id)
    invitation = session.get(Invitation, recipient.invitation_id)
    if wave is None or invitation is None:
        return None, "邀请已不存在 / the invitation is gone"
    campaign = session.get(Campaign, wave.campaign_id)
    assert campaign is not None
    if has_answered(session=session, provider_id=wave.provider_id, year=wave.year,
                    client_id=recipient.client_id):
        return None, "已作答，不再提醒 / answered: not reminded"
    if invitation.revoked_at is not None:
        return None, "链接已作废 / the link was revoked"
    if not campaign.is_open:
        return None, "回访已结束 / the campaign is closed"
    return message_facts(session=session, secret=secret, base_url=base_url,
                         invitation=invitation, reminder=wave.kind == "reminder"), ""


def _record(session: Session, recipient_id: int, now: datetime, *, error: BaseException | None,
            retry: bool, message_id: str, backoff: tuple[float, ...], max_attempts: int) -> str:
    """Return the recipient's new status after appending the attempt to the send log."""
    recipient = session.get(WaveRecipient, recipient_id)
    wave = session.get(OutreachWave, recipient.wave_id) if recipient else None
    assert recipient is not None and wave is not None
    recipient.attempts += 1
    recipient.claimed_at = None
    text = "" if error is None else error_text(error)
    session.add(MailAttempt(recipient_id=recipient_id, wave_id=wave.id or 0,
                            provider_id=wave.provider_id, client_id=recipient.client_id,
                            address=recipient.address, triggered_by=recipient.requested_by,
                            at=utcnow(), outcome=SENT if error is None else FAILED, error=text,
                            message_id=message_id[:200]))
    if error is None:
        recipient.status, recipient.next_attempt_at, recipient.last_error = SENT, None, ""
    elif not retry or recipient.attempts >= max_attempts:
        recipient.status, recipient.next_attempt_at, recipient.last_error = FAILED, None, text
    else:
        delay = backoff[min(recipient.attempts - 1, len(backoff) - 1)] if backoff else 0.0
        recipient.status, recipient.last_error = QUEUED, text
        recipient.next_attempt_at = now + timedelta(seconds=delay)
    session.add(recipient)
    session.flush()
    return recipient.status


def _skip(session: Session, recipient_id: int, why: str) -> None:
    """Mark a claimed recipient as not to be sent, saying why."""
    recipient = session.get(WaveRecipient, recipient_id)
    assert recipient is not None
    recipient.status, recipient.claimed_at, recipient.next_attempt_at = SKIPPED, None, None
    recipient.last_error = why[:500]
    session.add(recipient)


class _Server:
    """One SMTP connection opened on first use and dropped after a connection-level failure."""

    def __init__(self, ctx: Context) -> None:
        self.config = parse_smtp_url(ctx.settings.smtp_url, ctx.settings.smtp_from)
        self._manager: AbstractContextManager[smtplib.SMTP] | None = None
        self._server: smtplib.SMTP | None = None

    def send(self, message: EmailMessage) -> None:
        """Hand the message to the server (connecting first if needed)."""
        if self._server is None:
            self._manager = smtp_connection(self.config)
            self._server = self._manager.__enter__()
        deliver(self._server, message, self.config.timeout * STEP_FACTOR)

    def close(self) -> None:
        """Quit the connection, if any (errors while quitting are ignored)."""
        manager, self._manager, self._server = self._manager, None, None
        if manager is not None:
            try:
                manager.__exit__(None, None, None)
            except (smtplib.SMTPException, OSError):
                pass


PER_MESSAGE = (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError,
               smtplib.SMTPNotSupportedError)  # refusals of one message; the connection stays


def send_due(ctx: Context, *, now: datetime | None = None, wave_id: int | None = None,
             limit: int = BATCH, backoff: tuple[float, ...] = BACKOFF,
             max_attempts: int = MAX_ATTEMPTS,
             on_progress: Callable[[SendReport], None] | None = None) -> SendReport:
    """Return what was done after sending every due message (one per client) once.

    Raises MailNotConfigured when e-mail is off. A connection that fails ends the pass (the
    message is retried later with backoff); a refused message fails alone.
    """
    server = _Server(ctx)
    now = now or utcnow()
    base_url = public_base_url(ctx.settings)
    report = SendReport()
    with read_session(ctx.engine) as session:
        ids = due_recipients(session, now, wave_id=wave_id, limit=limit)
    try:
        for recipient_id in ids:
            if not run_write(ctx.engine, partial(_claim, recipient_id=recipient_id, now=now)):
                continue
            with read_session(ctx.engine) as session:
                recipient = session.get(WaveRecipient, recipient_id)
                assert recipient is not None
                facts, why = _facts(session, ctx.link_secret, base_url, recipient)
            if facts is None:
                run_write(ctx.engine, partial(_skip, recipient_id=recipient_id, why=why))
                report.skipped += 1
                continue
            error: BaseException | None = None
            connection_lost, message_id = False, ""
            try:
                message = build_message(facts, sender=server.config.sender, to=recipient.address)
                message_id = str(message["Message-ID"])
            except (ValueError, TypeError, IndexError, HeaderParseError) as exc:
                error = exc  # an address no server could take (stored before it was checked)
            else:
                try:
                    server.send(message)
                except (smtplib.SMTPException, OSError) as exc:
                    error, connection_lost = exc, not isinstance(exc, PER_MESSAGE)
                except ValueError as exc:  # smtplib refusing what it cannot encode
                    error = exc
            retry = isinstance(error, smtplib.SMTPException | OSError) and (
                connection_lost or not is_permanent(error))
            status = run_write(ctx.engine, partial(
                _record, recipient_id=recipient_id, now=now, error=error, retry=retry,
                message_id=message_id, backoff=backoff, max_attempts=max_attempts))
            report.sent += status == SENT
            report.failed += status == FAILED
            report.retrying += status == QUEUED
            if on_progress is not None:
                on_progress(report)
            if connection_lost:
                break  # the server is unreachable or broke off: try again later
    finally:
        server.close()
    return report


def retry_failed(*, session: Session, actor: Actor, wave_id: int) -> int:
    """Return how many failed messages of the wave were queued again (by this actor, now)."""
    wave = get_wave(session=session, actor=actor, wave_id=wave_id)
    require_write(actor, wave.provider_id)
    failed = session.exec(select(WaveRecipient).where(
        WaveRecipient.wave_id == wave_id, col(WaveRecipient.status) == FAILED)).all()
    for recipient in failed:
        recipient.status, recipient.attempts, recipient.next_attempt_at = QUEUED, 0, utcnow()
        recipient.requested_by = actor.username[:200]
        session.add(recipient)
    session.flush()
    if failed:
        record_change(session, actor, "wave_retry", "outreach_wave", wave_id, wave.provider_id,
                      None, {"queued_again": [r.client_id for r in failed]})
    return len(failed)
