"""Workspace accounts: argon2 password hashes, roles, sign-in throttling and lockout."""

from __future__ import annotations

import hmac
import unicodedata
from dataclasses import dataclass
from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import func, text
from sqlmodel import Session, col, select

from surveys import login_guard
from surveys.access import ROLES, Actor, require_admin
from surveys.audit import record_change
from surveys.errors import Conflict, FieldError, NotFound, PermissionDenied, ValidationFailed
from surveys.models import Provider, UserAccount, utcnow
from surveys.text import TextRule, clean_text

USERNAME_RULE = TextRule("username", "用户名", "Username", 200, required=True)
HASHER = PasswordHasher()
MIN_PASSWORD, MAX_PASSWORD = 10, 200
MAX_USERNAME = 200
SLOW_AFTER = login_guard.SLOW_AFTER  # failures of a (username, source) pair before waits
LOCK_AFTER = login_guard.LOCK_AFTER  # ... before that pair is locked for LOCK_MINUTES
LOCK_MINUTES = login_guard.LOCK_MINUTES
# Verified against when the username is unknown, so both cases cost the same time.
_DUMMY_HASH = HASHER.hash("star-survey: no such account")
ACCOUNT_FIELDS = ("id", "username", "role", "provider_id", "active", "failed_logins",
                  "locked_until", "created_at")


@dataclass(frozen=True)
class LoginOutcome:
    """The result of one sign-in attempt: the actor, or why not (and until when)."""

    actor: Actor | None
    zh: str = ""
    en: str = ""
    retry_at: datetime | None = None


def _public(account: UserAccount) -> dict[str, object]:
    """Return the account's fields without the password hash (for the audit log)."""
    return {key: getattr(account, key) for key in ACCOUNT_FIELDS}


def check_username(username: str) -> str:
    """Return the username stripped and NFC-normalised, or raise ValidationFailed."""
    name = clean_text(username, USERNAME_RULE)  # the one text rule first: names the character
    if not name or len(name) > MAX_USERNAME or any(unicodedata.category(c)[0] in "CZ"
                                                   for c in name):
        raise ValidationFailed([FieldError(
            "username", f"用户名应为 1–{MAX_USERNAME} 个字符，不含空格或控制字符",
            f"the username must be 1-{MAX_USERNAME} characters without spaces or control characters")])
    return name


def check_password(password: str) -> str:
    """Return the password if it is long enough, or raise ValidationFailed."""
    if not MIN_PASSWORD <= len(password or "") <= MAX_PASSWORD:
        raise ValidationFailed([FieldError(
            "password", f"密码长度应为 {MIN_PASSWORD}–{MAX_PASSWORD} 个字符",
            f"the password must be {MIN_PASSWORD}-{MAX_PASSWORD} characters long")])
    return password


def _check_role(session: Session, role: str, provider_id: int | None) -> int | None:
    """Return the provider id the role needs (staff: an existing provider; others: None)."""
    if role not in ROLES:
        raise ValidationFailed([FieldError("role", f"角色无效：{role!r}",
                                           f"invalid role {role!r} (admin, staff, assessor)")])
    if role != "staff":
        return None
    if provider_id is None or session.get(Provider, provider_id) is None:
        raise ValidationFailed([FieldError("provider", "服务单位员工必须属于一个已存在的服务单位",
                                           "a staff account needs an existing provider")])
    return provider_id


def count_users(session: Session) -> int:
    """Return how many accounts exist (0 means the first-run set-up is still open)."""
    return int(session.exec(select(func.count()).select_from(UserAccount)).one())


def find_account(session: Session, username: str) -> UserAccount | None:
    """Return the account of that username, or None."""
    name = unicodedata.normalize("NFC", (username or "").strip())
    return session.exec(select(UserAccount).where(UserAccount.username == name)).first()


def actor_of(account: UserAccount) -> Actor:
    """Return the actor an account acts as."""
    return Actor(username=account.username, role=account.role, provider_id=account.provider_id)


def active_actor(session: Session, username: str) -> Actor | None:
    """Return the actor of an active account (re-checked on every page run), or None."""
    account = find_account(session, username)
    if account is None or not account.active:
        return None
    return actor_of(account)


def _insert(session: Session, actor: Actor, username: str, password: str, role: str,
            provider_id: int | None) -> UserAccount:
    """Return a new account after checking its fields; recorded in the audit log."""
    name = check_username(username)
    check_password(password)
    provider = _check_role(session, role, provider_id)
    if find_account(session, name) is not None:
        raise ValidationFailed([FieldError("username", f"用户名「{name}」已存在",
                                           f"the username '{name}' is taken")])
    account = UserAccount(username=name, password_hash=HASHER.hash(password), role=role,
                          provider_id=provider)
    session.add(account)
    session.flush()
    record_change(session, actor, "user_add", "user_account", account.id, provider, None,
                  _public(account))
    return account


def create_user(
    *, session: Session, actor: Actor, username: str, password: str, role: str,
    provider_id: int | None = None,
) -> UserAccount:
    """Return a new account (administrators only)."""
    require_admin(actor)
    return _insert(session, actor, username, password, role, provider_id)


def create_first_admin(
    *, session: Session, setup_code: str, expected_code: str, username: str, password: str
) -> UserAccount:
    """Return the first administrator; only while no account exists and with the server's code."""
    if not expected_code or not hmac.compare_digest(setup_code.strip().encode(),
                                                    expected_code.encode()):
        raise ValidationFailed([FieldError("setup_code", "设置码不正确（见服务器终端输出）",
                                           "wrong set-up code (see the server's terminal output)")])
    if session.get_bind().dialect.name == "postgresql":  # two first visitors at once: one wins
        session.exec(text("LOCK TABLE user_account IN SHARE ROW EXCLUSIVE MODE"))  # type: ignore[call-overload]
    if count_users(session) > 0:
        raise Conflict("已有账户，初始设置已关闭 / an account exists; set-up is closed")
    bootstrap = Actor(username=check_username(username), role="admin")
    return _insert(session, bootstrap, username, password, "admin", None)


def _refused(username: str, password: str) -> LoginOutcome:
    """Return the plain refusal after spending the time a known account would cost."""
    try:
        HASHER.verify(_DUMMY_HASH, password or "-")
    except VerificationError:
        pass
    return LoginOutcome(None, "用户名或密码不正确", "wrong username or password")


def _wait_message(until: datetime) -> LoginOutcome:
    """Return the refusal of an attempt made while its (username, source) pair must wait."""
    return LoginOutcome(None, f"尝试次数过多，请于 {until:%H:%M:%S} UTC 之后再试",
                        f"too many attempts; try again after {until:%H:%M:%S} UTC", until)


def authenticate(
    *, session: Session, username: str, password: str, source: str = "unknown",
    now: datetime | None = None,
) -> LoginOutcome:
    """Return who signed in, or why not; failures count per (username, source) (run in a write).

    The username goes through the one text rule first, so a NUL or control character gets the
    rule's plain message naming the field and never reaches the database.
    """
    now = now or utcnow()
    try:
        name = clean_text(username, USERNAME_RULE)
    except ValidationFailed as failed:
        error = failed.errors[0]
        return LoginOutcome(None, error.zh, error.en)
    until = login_guard.locked_until(session, name, source, now)
    if until is not None:
        return _wait_message(until)
    account = find_account(session, name)
    if account is None or not account.active:
        outcome = _refused(name, password)
        until = login_guard.record_failure(session, name, source, now)
        return LoginOutcome(None, outcome.zh, outcome.en, until)
    try:
        HASHER.verify(account.password_hash, password or "")
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        until = login_guard.record_failure(session, name, source, now)
        account.failed_logins += 1
        session.add(account)
        session.flush()
        return LoginOutcome(None, "用户名或密码不正确", "wrong username or password", until)
    login_guard.clear_failures(session, name, source)
    account.failed_logins, account.locked_until = 0, None
    if HASHER.check_needs_rehash(account.password_hash):
        account.password_hash = HASHER.hash(password)
    session.add(account)
    session.flush()
    return LoginOutcome(actor_of(account))


def unlock(*, session: Session, actor: Actor, username: str) -> int:
    """Return how many locked (username, source) pairs were cleared; administrators only."""
    require_admin(actor)
    account = find_account(session, username)
    if account is None:
        raise NotFound(f"账户 {username} 不存在 / no account {username}")
    cleared = login_guard.clear_failures(session, account.username)
    before = _public(account)
    account.failed_logins, account.locked_until = 0, None
    session.add(account)
    session.flush()
    record_change(session, actor, "user_unlock", "user_account", account.id,
                  account.provider_id, before, _public(account))
    return cleared


def change_password(
    *, session: Session, actor: Actor, username: str, new_password: str,
    old_password: str | None = None, keep_token: str | None = None,
) -> UserAccount:
    """Return the account with a new password: its owner (with the old one) or an admin.

    Every sign-in session of the account ends, in every browser, except the one of keep_token
    (the owner's browser making the change): a password changed because it leaked also throws
    out whoever signed in with it. A reset by someone else keeps none.
    """
    account = find_account(session, username)
    if account is None:
        raise NotFound(f"账户 {username} 不存在 / no account {username}")
    if not actor.is_admin:
        if actor.username != account.username:
            raise PermissionDenied(f"{actor.username} may not change {username}'s password")
        try:
            HASHER.verify(account.password_hash, old_password or "")
        except (VerificationError, InvalidHashError) as exc:
            raise ValidationFailed([FieldError("old_password", "原密码不正确",
                                               "the current password is wrong")]) from exc
    account.password_hash = HASHER.hash(check_password(new_password))
    account.failed_logins, account.locked_until = 0, None
    login_guard.clear_failures(session, account.username)
    from surveys.workspace_sessions import end_all  # that module imports this one

    end_all(session=session, username=account.username,
            keep_token=keep_token if actor.username == account.username else None)
    session.add(account)
    session.flush()
    record_change(session, actor, "password_change", "user_account", account.id,
                  account.provider_id, None, {"username": account.username})
    return account


def set_active(*, session: Session, actor: Actor, username: str, active: bool) -> UserAccount:
    """Return the account enabled or disabled (and unlocked); administrators only."""
    require_admin(actor)
    account = find_account(session, username)
    if account is None:
        raise NotFound(f"账户 {username} 不存在 / no account {username}")
    before = _public(account)
    account.active, account.failed_logins, account.locked_until = active, 0, None
    login_guard.clear_failures(session, account.username)
    session.add(account)
    session.flush()
    record_change(session, actor, "user_enable" if active else "user_disable", "user_account",
                  account.id, account.provider_id, before, _public(account))
    return account


def list_users(*, session: Session, actor: Actor) -> list[UserAccount]:
    """Return every account by username (administrators only)."""
    require_admin(actor)
    return list(session.exec(select(UserAccount).order_by(col(UserAccount.username))).all())


@dataclass(frozen=True)
class AccountRow:
    """One account as the administrator's list shows it."""

    username: str
    role: str
    provider_id: int | None
    active: bool
    failed_logins: int  # recent failed sign-ins over every source address
    locked_sources: int  # source addresses locked out of this username right now


def account_rows(*, session: Session, actor: Actor, now: datetime | None = None
                 ) -> list[AccountRow]:
    """Return every account with its recent failures and locked-out addresses (admins only)."""
    moment = now or utcnow()
    return [AccountRow(a.username, a.role, a.provider_id, a.active,
                       login_guard.failures_of(session, a.username),
                       login_guard.locked_sources(session, a.username, moment))
            for a in list_users(session=session, actor=actor)]
