"""Server-side workspace sessions: one-time codes, signed cookies, inactivity (injected clock)."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from sqlmodel import select

from surveys import users
from surveys import workspace_sessions as ws
from surveys.access import SYSTEM, Actor
from surveys.context import Context
from surveys.db import read_session, run_write
from surveys.models import WorkspaceSession, utcnow
from tests.workspace_support import ensure_user

MINUTES = 30


def mint(ctx: Context, username: str, now: object = None) -> str:
    """Return a one-time code minted for the user."""
    return run_write(ctx.engine, lambda s: ws.mint_sign_in(
        session=s, username=username, now=now, idle_minutes=MINUTES))  # type: ignore[arg-type]


def exchange(ctx: Context, code: str, now: object = None) -> str | None:
    """Return the token the code buys (or None)."""
    return run_write(ctx.engine, lambda s: ws.exchange_code(
        session=s, code=code, now=now))  # type: ignore[arg-type]


def resume(ctx: Context, token: str | None, now: object) -> ws.Resumed:
    """Return the resumed sign-in at a moment."""
    return run_write(ctx.engine, lambda s: ws.resume(
        session=s, token=token, idle_minutes=MINUTES, now=now))  # type: ignore[arg-type]


def rows(ctx: Context) -> list[WorkspaceSession]:
    """Return every stored session row."""
    with read_session(ctx.engine) as session:
        return list(session.exec(select(WorkspaceSession)).all())


def test_a_code_buys_one_session_once_and_only_hashes_are_stored(ctx: Context) -> None:
    ensure_user(ctx, "clerk@example.com")
    now = utcnow()
    code = mint(ctx, "clerk@example.com", now)
    token = exchange(ctx, code, now + timedelta(seconds=5))
    assert token is not None and token != code
    assert exchange(ctx, code, now + timedelta(seconds=6)) is None  # spent
    [row] = rows(ctx)
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest() and row.code_hash is None
    assert token not in repr(row.__dict__)
    assert resume(ctx, token, now + timedelta(minutes=1)).actor == Actor(
        "clerk@example.com", "admin")


def test_a_stale_code_buys_nothing(ctx: Context) -> None:
    ensure_user(ctx, "clerk@example.com")
    now = utcnow()
    code = mint(ctx, "clerk@example.com", now)
    assert exchange(ctx, code, now + timedelta(seconds=ws.CODE_SECONDS + 1)) is None
    assert exchange(ctx, "made-up-code", now) is None
    assert rows(ctx) == []


def test_inactivity_ends_the_session_but_activity_keeps_it(ctx: Context) -> None:
    ensure_user(ctx, "clerk@example.com")
    now = utcnow()
    token = exchange(ctx, mint(ctx, "clerk@example.com", now), now)
    moment = now
    for _ in range(4):  # active every 20 minutes for over an hour: still signed in
        moment += timedelta(minutes=20)
        assert resume(ctx, token, moment).actor is not None
    late = moment + timedelta(minutes=MINUTES, seconds=1)
    assert resume(ctx, token, late) == ws.Resumed(None, "expired")
    assert rows(ctx) == []  # the row is gone: the cookie resumes nothing any more
    assert resume(ctx, token, late).actor is None


def test_sign_out_and_a_disabled_account_end_the_session(ctx: Context) -> None:
    ensure_user(ctx, "clerk@example.com")
    ensure_user(ctx, "other@example.com")
    now = utcnow()
    mine = exchange(ctx, mint(ctx, "clerk@example.com", now), now)
    theirs = exchange(ctx, mint(ctx, "other@example.com", now), now)
    assert run_write(ctx.engine, lambda s: ws.end(session=s, token=mine)) is True
    assert resume(ctx, mine, now).actor is None
    run_write(ctx.engine, lambda s: users.set_active(
        session=s, actor=SYSTEM, username="other@example.com", active=False))
    assert resume(ctx, theirs, now) == ws.Resumed(None, "disabled")
    assert rows(ctx) == []


@pytest.mark.parametrize("tamper", [
    lambda v: v[:-1] + ("A" if v[-1] != "A" else "B"),   # signature changed
    lambda v: "x" + v,                                    # token changed
    lambda v: v.split(".")[0],                            # no signature
    lambda v: v + "." + v,                                # extra part
    lambda v: "",
    lambda v: "a" * 300 + "." + "b",
])
def test_only_a_cookie_signed_with_the_installation_key_is_read(tamper: object) -> None:
    key = ws.cookie_key(b"installation secret")
    value = ws.cookie_value(key, "tok3n")
    assert ws.token_from_cookie(key, value) == "tok3n"
    assert ws.token_from_cookie(ws.cookie_key(b"another installation"), value) is None
    assert ws.token_from_cookie(key, tamper(value)) is None  # type: ignore[operator]


def test_a_recent_session_is_read_without_a_write_and_a_due_one_is_not(ctx: Context) -> None:
    ensure_user(ctx, "clerk@example.com")
    now = utcnow()
    token = exchange(ctx, mint(ctx, "clerk@example.com", now), now)
    with read_session(ctx.engine) as session:
        fresh = ws.peek(session=session, token=token, idle_minutes=MINUTES,
                        now=now + timedelta(seconds=ws.TOUCH_SECONDS - 1))
        due = ws.peek(session=session, token=token, idle_minutes=MINUTES,
                      now=now + timedelta(seconds=ws.TOUCH_SECONDS + 1))
        unknown = ws.peek(session=session, token="nope", idle_minutes=MINUTES, now=now)
    assert fresh == ws.Resumed(Actor("clerk@example.com", "admin"))
    assert due is None and unknown == ws.Resumed(None)


def test_a_password_reset_by_an_administrator_signs_the_account_out_everywhere(
    ctx: Context
) -> None:
    ensure_user(ctx, "clerk@example.com")
    now = utcnow()
    first = exchange(ctx, mint(ctx, "clerk@example.com", now), now)
    second = exchange(ctx, mint(ctx, "clerk@example.com", now), now)
    run_write(ctx.engine, lambda s: users.change_password(
        session=s, actor=Actor("clerk@example.com", "admin"), username="clerk@example.com",
        new_password="my-own-new-password", old_password="correct-horse-battery"))
    # changing one's own without naming this browser's session: every browser out
    assert resume(ctx, first, now).actor is None and resume(ctx, second, now).actor is None
    first = exchange(ctx, mint(ctx, "clerk@example.com", now), now)
    run_write(ctx.engine, lambda s: users.change_password(
        session=s, actor=SYSTEM, username="clerk@example.com",
        new_password="set-by-the-admin-1"))
    assert resume(ctx, first, now).actor is None and resume(ctx, second, now).actor is None
    assert rows(ctx) == []


def test_changing_ones_own_password_signs_out_every_other_browser(ctx: Context) -> None:
    ensure_user(ctx, "clerk@example.com")
    now = utcnow()
    here = exchange(ctx, mint(ctx, "clerk@example.com", now), now)
    elsewhere = exchange(ctx, mint(ctx, "clerk@example.com", now), now)
    pending = mint(ctx, "clerk@example.com", now)  # a code not exchanged yet: no token
    ensure_user(ctx, "other@example.com")
    other = exchange(ctx, mint(ctx, "other@example.com", now), now)
    run_write(ctx.engine, lambda s: users.change_password(
        session=s, actor=Actor("clerk@example.com", "admin"), username="clerk@example.com",
        new_password="my-own-new-password", old_password="correct-horse-battery",
        keep_token=here))
    assert resume(ctx, here, now).actor == Actor("clerk@example.com", "admin")
    assert resume(ctx, elsewhere, now).actor is None and exchange(ctx, pending, now) is None
    assert resume(ctx, other, now).actor is not None  # someone else's sessions stay
