"""Accounts: argon2 hashes, roles, throttled and locked sign-in, passwords, first admin, CLI."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, select
from typer.testing import CliRunner

from cli.main import app as cli_app
from surveys import users
from surveys.access import SYSTEM, Actor
from surveys.context import Context
from surveys.db import read_session, run_write
from surveys.errors import Conflict, PermissionDenied, ValidationFailed
from surveys.models import AuditEntry, UserAccount, utcnow
from tests import factories

PASSWORD = "correct-horse-battery"


def add(ctx: Context, username: str, role: str = "admin", provider_id: int | None = None,
        actor: Actor = SYSTEM) -> UserAccount:
    """Return a new account made through the domain."""
    return run_write(ctx.engine, lambda s: users.create_user(
        session=s, actor=actor, username=username, password=PASSWORD, role=role,
        provider_id=provider_id))


def login(ctx: Context, username: str, password: str, **kw: object) -> users.LoginOutcome:
    """Return the outcome of one sign-in attempt (stored like the login page does)."""
    return run_write(ctx.engine, lambda s: users.authenticate(
        session=s, username=username, password=password, **kw))  # type: ignore[arg-type]


def account(ctx: Context, username: str) -> UserAccount:
    """Return the stored account."""
    with read_session(ctx.engine) as session:
        found = users.find_account(session, username)
    assert found is not None
    return found


def test_password_is_stored_as_argon2id_hash_and_add_is_audited(ctx: Context) -> None:
    add(ctx, "alice@example.com")
    stored = account(ctx, "alice@example.com")
    assert stored.password_hash.startswith("$argon2id$") and PASSWORD not in stored.password_hash
    with read_session(ctx.engine) as session:
        entry = session.exec(select(AuditEntry)).one()
    assert entry.action == "user_add" and "password" not in entry.after_json


@pytest.mark.parametrize(("username", "password", "role", "field"), [
    ("", PASSWORD, "admin", "username"),
    ("has space", PASSWORD, "admin", "username"),
    ("x" * 201, PASSWORD, "admin", "username"),
    ("ok", "short", "admin", "password"),
    ("ok", PASSWORD, "root", "role"),
    ("ok", PASSWORD, "staff", "provider"),
])
def test_bad_accounts_are_refused_naming_the_field(
    ctx: Context, username: str, password: str, role: str, field: str
) -> None:
    with pytest.raises(ValidationFailed) as caught:
        run_write(ctx.engine, lambda s: users.create_user(
            session=s, actor=SYSTEM, username=username, password=password, role=role))
    assert field in {e.field for e in caught.value.errors}
    with read_session(ctx.engine) as session:
        assert users.count_users(session) == 0


def test_duplicate_username_and_non_admin_creators_refused(ctx: Context) -> None:
    provider = factories.make_provider(ctx)
    add(ctx, "clerk", "staff", provider)
    with pytest.raises(ValidationFailed):
        add(ctx, "clerk")
    for creator in (Actor("clerk", "staff", provider), Actor("a", "assessor")):
        with pytest.raises(PermissionDenied):
            add(ctx, "new-admin", actor=creator)
    assert account(ctx, "clerk").provider_id == provider


def test_sign_in_success_failure_unknown_and_disabled(ctx: Context) -> None:
    provider = factories.make_provider(ctx)
    add(ctx, "clerk", "staff", provider)
    good = login(ctx, "clerk", PASSWORD)
    assert good.actor == Actor("clerk", "staff", provider)
    assert login(ctx, "clerk", "wrong-password").actor is None
    assert login(ctx, "nobody", PASSWORD).actor is None
    run_write(ctx.engine, lambda s: users.set_active(session=s, actor=SYSTEM, username="clerk",
                                                     active=False))
    assert login(ctx, "clerk", PASSWORD).actor is None
    with read_session(ctx.engine) as session:
        assert users.active_actor(session, "clerk") is None


def test_repeated_failures_slow_down_then_lock_the_pair(ctx: Context) -> None:
    add(ctx, "alice")
    now = utcnow()
    here = "ip:203.0.113.7"
    for _attempt in range(users.SLOW_AFTER):
        outcome = login(ctx, "alice", "wrong-password", source=here, now=now)
    assert outcome.retry_at is not None and outcome.retry_at > now
    # While the wait runs even the right password is refused from that address...
    assert login(ctx, "alice", PASSWORD, source=here, now=now).actor is None
    # ...afterwards it works and resets the counter.
    later = outcome.retry_at + timedelta(seconds=1)
    assert login(ctx, "alice", PASSWORD, source=here, now=later).actor is not None
    assert account(ctx, "alice").failed_logins == 0
    moment = later
    for _ in range(users.LOCK_AFTER):
        outcome = login(ctx, "alice", "wrong-password", source=here, now=moment)
        if outcome.retry_at is not None:
            moment = max(moment, outcome.retry_at + timedelta(seconds=1))
    assert account(ctx, "alice").failed_logins == users.LOCK_AFTER
    assert outcome.retry_at is not None
    locked_from = outcome.retry_at - timedelta(minutes=users.LOCK_MINUTES)
    assert login(ctx, "alice", PASSWORD, source=here,
                 now=locked_from + timedelta(minutes=5)).actor is None
    run_write(ctx.engine, lambda s: users.set_active(session=s, actor=SYSTEM, username="alice",
                                                     active=True))
    assert login(ctx, "alice", PASSWORD, source=here, now=moment).actor is not None


def test_a_stranger_failing_ten_times_does_not_lock_the_owner_out(ctx: Context) -> None:
    add(ctx, "admin@example.com")
    now = utcnow()
    stranger, owner = "ip:198.51.100.66", "ip:192.0.2.10"
    moment = now
    for attempt in range(users.LOCK_AFTER):
        outcome = login(ctx, "admin@example.com", "guess-guess-guess", source=stranger,
                        now=moment)
        if outcome.retry_at is not None and attempt < users.LOCK_AFTER - 1:
            moment = max(moment, outcome.retry_at + timedelta(seconds=1))
    assert outcome.retry_at is not None
    assert outcome.retry_at >= moment + timedelta(minutes=users.LOCK_MINUTES - 1)
    # The stranger's address is locked, even with the right password...
    assert login(ctx, "admin@example.com", PASSWORD, source=stranger, now=moment).actor is None
    # ...the administrator from another address signs in at once.
    assert login(ctx, "admin@example.com", PASSWORD, source=owner,
                 now=moment).actor == Actor("admin@example.com", "admin")
    # Unknown usernames are counted the same way (no hint which names exist).
    for _ in range(users.LOCK_AFTER):
        unknown = login(ctx, "nobody@example.com", "guess-guess-guess", source=stranger,
                        now=moment)
    assert unknown.retry_at is not None


def test_unlock_clears_every_address_from_the_cli_and_is_audited(
    ctx: Context, cli_env: dict[str, str]
) -> None:
    add(ctx, "alice")
    now = utcnow()
    for source in ("ip:198.51.100.1", "ip:198.51.100.2"):
        for _ in range(users.LOCK_AFTER):
            login(ctx, "alice", "wrong-password", source=source, now=now)
    assert login(ctx, "alice", PASSWORD, source="ip:198.51.100.1", now=now).actor is None
    done = CliRunner().invoke(cli_app, ["user", "unlock", "alice"], env=cli_env)
    assert done.exit_code == 0, done.output
    assert "2 locked" in done.output
    for source in ("ip:198.51.100.1", "ip:198.51.100.2"):
        assert login(ctx, "alice", PASSWORD, source=source, now=now).actor is not None
    with read_session(ctx.engine) as session:
        assert "user_unlock" in [e.action for e in session.exec(select(AuditEntry)).all()]
    with pytest.raises(PermissionDenied):
        run_write(ctx.engine, lambda s: users.unlock(
            session=s, actor=Actor("alice", "assessor"), username="alice"))


@pytest.mark.parametrize("name", ["adm\x00in", "admin\x0b", "\x1b[31madmin", "admin\u202e"])
def test_a_control_character_in_a_login_name_gets_the_plain_message(
    ctx: Context, name: str
) -> None:
    add(ctx, "admin")
    outcome = login(ctx, name, PASSWORD)  # PostgreSQL refused a NUL with SQL text before
    assert outcome.actor is None
    assert "用户名" in outcome.zh and "控制字符" in outcome.zh and "U+" in outcome.en
    assert "sql" not in outcome.en.lower() and "0x00" not in outcome.en
    assert login(ctx, "admin", PASSWORD).actor is not None


def test_change_password_own_needs_old_one_others_need_admin(ctx: Context) -> None:
    provider = factories.make_provider(ctx)
    add(ctx, "clerk", "staff", provider)
    add(ctx, "other", "staff", provider)
    me = Actor("clerk", "staff", provider)

    def change(actor: Actor, username: str, new: str, old: str | None) -> object:
        return run_write(ctx.engine, lambda s: users.change_password(
            session=s, actor=actor, username=username, new_password=new, old_password=old))

    with pytest.raises(ValidationFailed):
        change(me, "clerk", "brand-new-password", "wrong-old-password")
    with pytest.raises(PermissionDenied):
        change(me, "other", "brand-new-password", PASSWORD)
    change(me, "clerk", "brand-new-password", PASSWORD)
    assert login(ctx, "clerk", "brand-new-password").actor is not None
    change(SYSTEM, "other", "admin-set-password", None)
    assert login(ctx, "other", "admin-set-password").actor is not None


def test_first_admin_needs_the_code_and_only_once(ctx: Context) -> None:
    def first(code: str, username: str) -> UserAccount:
        return run_write(ctx.engine, lambda s: users.create_first_admin(
            session=s, setup_code=code, expected_code="ABC-123", username=username,
            password=PASSWORD))

    with pytest.raises(ValidationFailed):
        first("WRONG", "boss")
    created = first(" ABC-123 ", "boss")
    assert created.role == "admin"
    with pytest.raises(Conflict):
        first("ABC-123", "intruder")
    with Session(ctx.engine) as session:
        assert [a.username for a in session.exec(select(UserAccount)).all()] == ["boss"]


def test_cli_user_add_reads_password_from_env_or_hidden_prompt(
    ctx: Context, cli_env: dict[str, str]
) -> None:
    provider = factories.make_provider(ctx)
    runner = CliRunner()
    done = runner.invoke(cli_app, ["user", "add", "clerk", "--role", "staff", "--provider",
                                   str(provider)],
                         env={**cli_env, "STAR_SURVEY_PASSWORD": PASSWORD})
    assert done.exit_code == 0, done.output
    assert PASSWORD not in done.output
    prompted = runner.invoke(cli_app, ["user", "add", "boss", "--role", "admin"], env=cli_env,
                             input="another-long-pass\nanother-long-pass\n")
    assert prompted.exit_code == 0, prompted.output
    assert "another-long-pass" not in prompted.output
    assert login(ctx, "clerk", PASSWORD).actor == Actor("clerk", "staff", provider)
    assert login(ctx, "boss", "another-long-pass").actor == Actor("boss", "admin")


def test_the_account_list_shows_locked_out_addresses_and_recent_failures(ctx: Context) -> None:
    add(ctx, "admin@example.com")
    add(ctx, "clerk@example.com", "staff", factories.make_provider(ctx))
    moment = utcnow()
    for attempt in range(users.LOCK_AFTER):
        outcome = login(ctx, "clerk@example.com", "guess-guess-guess", source="ip:198.51.100.7",
                        now=moment)
        if attempt < users.LOCK_AFTER - 1:  # wait out each slow-down, not the lock
            moment = max(moment, (outcome.retry_at or moment) + timedelta(seconds=1))
    login(ctx, "clerk@example.com", "guess-guess-guess", source="ip:192.0.2.1", now=moment)
    with read_session(ctx.engine) as s:
        rows = {r.username: r for r in users.account_rows(session=s, actor=SYSTEM, now=moment)}
        later = users.account_rows(session=s, actor=SYSTEM,
                                   now=moment + timedelta(minutes=users.LOCK_MINUTES + 1))
        with pytest.raises(PermissionDenied):
            users.account_rows(session=s, actor=Actor("clerk@example.com", "staff", 1))
    clerk = rows["clerk@example.com"]
    assert (clerk.failed_logins, clerk.locked_sources, clerk.active) == (
        users.LOCK_AFTER + 1, 1, True)
    assert (rows["admin@example.com"].failed_logins, rows["admin@example.com"].locked_sources) \
        == (0, 0)
    assert [r.locked_sources for r in later if r.username == "clerk@example.com"] == [0]
