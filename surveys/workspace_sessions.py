"""Workspace sign-in sessions kept server side, bound to the browser by a signed cookie.

A sign-in run mints a one-time code (`mint_sign_in`); the browser posts it to web_server's
`/auth/session`, which exchanges it (`exchange_code`) for a random token stored only as its
SHA-256 and sent back as an HTTP-only cookie signed with a key derived from the installation's
secret (`cookie_value` / `token_from_cookie`). Every page run resumes the session from that
cookie (`resume`): idle too long, signed out or disabled account resume nothing. A Streamlit
session id alone carries no sign-in.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, or_
from sqlmodel import Session, col, select

from surveys.access import Actor
from surveys.models import WorkspaceSession, utcnow
from surveys.users import active_actor

COOKIE_NAME = "ss_session"
CODE_SECONDS = 60  # a minted code must be exchanged this soon, once
TOUCH_SECONDS = 30  # last_seen is written at most this often (every run reads it)
MAX_COOKIE = 200
_KEY_LABEL = b"star-survey workspace session cookie v1"


@dataclass(frozen=True)
class Resumed:
    """A run's sign-in: the actor, or why there is none ('none', 'expired', 'disabled')."""

    actor: Actor | None
    reason: str = "none"


def _digest(secret: str) -> str:
    """Return the hex SHA-256 of a code or token (what the table stores)."""
    return hashlib.sha256(secret.encode()).hexdigest()


def _aware(moment: datetime, now: datetime) -> datetime:
    """Return a stored time as timezone-aware (SQLite gives naive UTC back)."""
    return moment.replace(tzinfo=now.tzinfo) if moment.tzinfo is None else moment


def cookie_key(installation_secret: bytes) -> bytes:
    """Return the key that signs session cookies, derived from the installation's secret."""
    return hmac.new(installation_secret, _KEY_LABEL, hashlib.sha256).digest()


def _mac(key: bytes, token: str) -> str:
    """Return the cookie signature of a token (URL-safe base64, no padding)."""
    raw = hmac.new(key, token.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def cookie_value(key: bytes, token: str) -> str:
    """Return the cookie value for a token: the token and its signature."""
    return f"{token}.{_mac(key, token)}"


def token_from_cookie(key: bytes, value: str | None) -> str | None:
    """Return the token of a well-signed cookie value, or None."""
    if not value or len(value) > MAX_COOKIE or value.count(".") != 1:
        return None
    token, mac = value.split(".")
    return token if token and hmac.compare_digest(mac, _mac(key, token)) else None


def purge(session: Session, now: datetime, idle_minutes: int) -> int:
    """Return how many idle sessions and stale codes were deleted."""
    result = session.exec(delete(WorkspaceSession).where(or_(  # type: ignore[call-overload]
        col(WorkspaceSession.last_seen) < now - timedelta(minutes=idle_minutes),
        (col(WorkspaceSession.token_hash).is_(None))
        & (col(WorkspaceSession.created_at) < now - timedelta(seconds=CODE_SECONDS)))))
    return int(result.rowcount or 0)


def mint_sign_in(*, session: Session, username: str, now: datetime | None = None,
                 idle_minutes: int = 30) -> str:
    """Return a one-time code that /auth/session exchanges for this user's session cookie."""
    now = now or utcnow()
    purge(session, now, idle_minutes)
    code = secrets.token_urlsafe(32)
    session.add(WorkspaceSession(code_hash=_digest(code), username=username, created_at=now,
                                 last_seen=now))
    session.flush()
    return code


def exchange_code(*, session: Session, code: str, now: datetime | None = None) -> str | None:
    """Return a new session token for a fresh, unused code (the code is spent), or None."""
    now = now or utcnow()
    if not code or len(code) > MAX_COOKIE:
        return None
    row = session.exec(select(WorkspaceSession).where(
        WorkspaceSession.code_hash == _digest(code))).first()
    if row is None or row.token_hash is not None:
        return None
    if now - _aware(row.created_at, now) > timedelta(seconds=CODE_SECONDS):
        session.delete(row)
        session.flush()
        return None
    token = secrets.token_urlsafe(32)
    row.code_hash, row.token_hash, row.last_seen = None, _digest(token), now
    session.add(row)
    session.flush()
    return token


def _row_of(session: Session, token: str) -> WorkspaceSession | None:
    """Return the session row of a token, or None."""
    return session.exec(select(WorkspaceSession).where(
        WorkspaceSession.token_hash == _digest(token))).first()


def resume(*, session: Session, token: str | None, idle_minutes: int,
           now: datetime | None = None) -> Resumed:
    """Return the session's actor (last activity refreshed), or why not; ends idle sessions."""
    now = now or utcnow()
    row = _row_of(session, token) if token else None
    if row is None:
        return Resumed(None)
    idle = now - _aware(row.last_seen, now)
    if idle > timedelta(minutes=idle_minutes):
        session.delete(row)
        session.flush()
        return Resumed(None, "expired")
    actor = active_actor(session, row.username)
    if actor is None:
        session.delete(row)
        session.flush()
        return Resumed(None, "disabled")
    if idle > timedelta(seconds=TOUCH_SECONDS):
        row.last_seen = now
        session.add(row)
        session.flush()
    return Resumed(actor)


def peek(*, session: Session, token: str | None, idle_minutes: int,
         now: datetime | None = None) -> Resumed | None:
    """Return the sign-in when resuming needs no write (a read-only run), else None."""
    now = now or utcnow()
    row = _row_of(session, token) if token else None
    if row is None:
        return Resumed(None)
    if now - _aware(row.last_seen, now) > timedelta(seconds=TOUCH_SECONDS):
        return None  # expired or due for a touch: resume() in a write transaction
    actor = active_actor(session, row.username)
    return Resumed(actor) if actor is not None else None


def end(*, session: Session, token: str | None) -> bool:
    """Return True after deleting the session of a token (sign-out), False if there was none."""
    row = _row_of(session, token) if token else None
    if row is None:
        return False
    session.delete(row)
    session.flush()
    return True


def end_all(*, session: Session, username: str, keep_token: str | None = None) -> int:
    """Return how many sessions of a username were deleted, all but keep_token's if given."""
    query = delete(WorkspaceSession).where(col(WorkspaceSession.username) == username)
    if keep_token:
        query = query.where(or_(col(WorkspaceSession.token_hash).is_(None),
                                col(WorkspaceSession.token_hash) != _digest(keep_token)))
    result = session.exec(query)  # type: ignore[call-overload]
    return int(result.rowcount or 0)
