"""Failed sign-ins counted per (username, source address): slow down, then lock that pair only.

A stranger who fails ten times from one address locks the username for that address alone;
the account's owner signing in from another address is not affected. Rows are bounded: a pair's
row is removed by a correct password or an unlock, and rows untouched for a day are purged.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlmodel import Session, col, select

from surveys.models import LoginFailure

SLOW_AFTER = 3  # failures of a pair before each further attempt must wait
LOCK_AFTER = 10  # failures of a pair before it is locked for LOCK_MINUTES
LOCK_MINUTES = 15
FORGET_AFTER = timedelta(days=1)
MAX_SOURCE = 100
MAX_NAME = 200


def _key(username: str, source: str) -> tuple[str, str]:
    """Return the stored (username, source) key, bounded to the column sizes."""
    return username[:MAX_NAME], (source or "unknown")[:MAX_SOURCE]


def _aware(moment: datetime | None, now: datetime) -> datetime | None:
    """Return a stored time as timezone-aware (SQLite returns naive UTC times)."""
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=now.tzinfo)
    return moment


def _row(session: Session, username: str, source: str) -> LoginFailure | None:
    """Return the failure row of a pair, or None."""
    name, where = _key(username, source)
    return session.exec(select(LoginFailure).where(
        LoginFailure.username == name, LoginFailure.source == where)).first()


def locked_until(session: Session, username: str, source: str, now: datetime) -> datetime | None:
    """Return until when this pair must wait before another attempt, or None."""
    row = _row(session, username, source)
    until = _aware(row.locked_until, now) if row is not None else None
    return until if until is not None and until > now else None


def record_failure(session: Session, username: str, source: str, now: datetime) -> datetime | None:
    """Return until when the pair must wait after counting one more failure (or None)."""
    session.exec(delete(LoginFailure).where(  # type: ignore[call-overload]
        col(LoginFailure.updated_at) < now - FORGET_AFTER))
    row = _row(session, username, source)
    if row is None:
        name, where = _key(username, source)
        row = LoginFailure(username=name, source=where, failures=0, updated_at=now)
    row.failures += 1
    row.updated_at = now
    if row.failures >= LOCK_AFTER:
        row.locked_until = now + timedelta(minutes=LOCK_MINUTES)
    elif row.failures >= SLOW_AFTER:
        row.locked_until = now + timedelta(seconds=2 ** (row.failures - SLOW_AFTER))
    session.add(row)
    session.flush()
    return row.locked_until


def clear_failures(session: Session, username: str, source: str | None = None) -> int:
    """Return how many rows were removed: one pair's, or every source's for the username."""
    statement = delete(LoginFailure).where(col(LoginFailure.username) == username[:MAX_NAME])
    if source is not None:
        statement = statement.where(col(LoginFailure.source) == _key(username, source)[1])
    result = session.exec(statement)  # type: ignore[call-overload]
    session.flush()
    return int(result.rowcount or 0)


def locked_sources(session: Session, username: str, now: datetime) -> int:
    """Return how many source addresses are locked out of a username at this moment."""
    rows = session.exec(select(LoginFailure).where(
        LoginFailure.username == username[:MAX_NAME])).all()
    return sum(1 for row in rows if (until := _aware(row.locked_until, now)) and until > now)


def failures_of(session: Session, username: str) -> int:
    """Return the recent failures of a username summed over every source (for the admin)."""
    rows = session.exec(select(LoginFailure).where(
        LoginFailure.username == username[:MAX_NAME])).all()
    return sum(row.failures for row in rows)
