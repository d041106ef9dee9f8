"""What staff see of the sending: a wave's progress, each client's status, the log of attempts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from surveys.access import Actor, require_read
from surveys.anchor_queries import as_utc
from surveys.models import Client, MailAttempt, OutreachWave, WaveRecipient
from surveys.waves import get_wave

MAX_LOG = 2000


@dataclass(frozen=True)
class RecipientStatus:
    """Where one client's message of a wave stands."""

    recipient_id: int
    client_id: int
    client: str
    address: str
    status: str
    attempts: int
    next_attempt_at: datetime | None
    last_error: str


@dataclass(frozen=True)
class LogEntry:
    """One attempt to send one message: when, which wave, to whom, by whose action, outcome."""

    at: datetime
    wave_id: int
    selection: str
    client: str
    address: str
    triggered_by: str
    outcome: str
    error: str


def wave_progress(*, session: Session, actor: Actor, wave_id: int) -> dict[str, int]:
    """Return the number of the wave's recipients in each status."""
    get_wave(session=session, actor=actor, wave_id=wave_id)
    rows = session.exec(select(WaveRecipient.status, func.count())  # type: ignore[call-overload]
                        .where(WaveRecipient.wave_id == wave_id)
                        .group_by(col(WaveRecipient.status))).all()
    return {str(status): int(count) for status, count in rows}


def wave_recipients(*, session: Session, actor: Actor, wave_id: int) -> list[RecipientStatus]:
    """Return every client of the wave with its message's status, by client name."""
    get_wave(session=session, actor=actor, wave_id=wave_id)
    rows = session.exec(select(WaveRecipient, Client)
                        .join(Client, col(Client.id) == WaveRecipient.client_id)
                        .where(WaveRecipient.wave_id == wave_id)
                        .order_by(col(Client.name), col(Client.id))).all()
    return [RecipientStatus(recipient_id=int(r.id or 0), client_id=r.client_id, client=c.name,
                            address=r.address, status=r.status, attempts=r.attempts,
                            next_attempt_at=as_utc(r.next_attempt_at) if r.next_attempt_at else None,
                             last_error=r.last_error)
            for r, c in rows]


def send_log(*, session: Session, actor: Actor, provider_id: int, year: int | None = None,
             limit: int = 500) -> list[LogEntry]:
    """Return the provider's e-mail attempts (of one year's waves, if given), newest first."""
    require_read(actor, provider_id)
    query = (select(MailAttempt, OutreachWave.selection, Client.name)
             .join(OutreachWave, col(OutreachWave.id) == MailAttempt.wave_id)
             .join(Client, col(Client.id) == MailAttempt.client_id)
             .where(MailAttempt.provider_id == provider_id))
    if year is not None:
        query = query.where(OutreachWave.year == year)
    query = query.order_by(col(MailAttempt.at).desc(), col(MailAttempt.id).desc())
    rows = session.exec(query.limit(max(1, min(limit, MAX_LOG)))).all()
    return [LogEntry(at=as_utc(a.at), wave_id=a.wave_id, selection=selection, client=name,
                     address=a.address, triggered_by=a.triggered_by, outcome=a.outcome,
                     error=a.error) for a, selection, name in rows]
