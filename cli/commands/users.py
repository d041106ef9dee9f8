"""CLI: workspace accounts (user add, list, password, enable/disable)."""

from __future__ import annotations

import os

import typer

from cli.commands.common import ACTOR, JsonOption, emit, read, write

PASSWORD_ENV = "STAR_SURVEY_PASSWORD"
user_app = typer.Typer(help="Workspace accounts (admin, staff, assessor).", no_args_is_help=True)


def _password() -> str:
    """Return the password from STAR_SURVEY_PASSWORD, else a hidden prompt with confirmation."""
    from_env = os.environ.get(PASSWORD_ENV)
    if from_env:
        return from_env
    return str(typer.prompt("Password / 密码", hide_input=True, confirmation_prompt=True))


@user_app.command("add")
def user_add(username: str,
             role: str = typer.Option(..., help="admin, staff or assessor."),
             provider: int | None = typer.Option(None, help="Provider id (staff only)."),
             as_json: bool = JsonOption) -> None:
    """Add an account; the password comes from a hidden prompt or STAR_SURVEY_PASSWORD."""
    from surveys import users

    password = _password()
    account = write(lambda ctx, s: users.create_user(
        session=s, actor=ACTOR, username=username, password=password, role=role,
        provider_id=provider))
    emit({"id": account.id, "username": account.username, "role": account.role,
          "provider_id": account.provider_id}, as_json,
         f"account {account.username} ({account.role}) created")


@user_app.command("list")
def user_list(as_json: bool = JsonOption) -> None:
    """List accounts (never their password hashes)."""
    from surveys import users

    rows = read(lambda ctx, s: [
        {"username": a.username, "role": a.role, "provider_id": a.provider_id,
         "active": a.active, "failed_logins": a.failed_logins,
         "locked_until": a.locked_until}
        for a in users.list_users(session=s, actor=ACTOR)])
    emit(rows, as_json, "\n".join(
        f"{r['username']}\t{r['role']}\t{r['provider_id'] or ''}\t"
        f"{'active' if r['active'] else 'disabled'}" for r in rows))


@user_app.command("password")
def user_password(username: str) -> None:
    """Set an account's password (and unlock it)."""
    from surveys import users

    password = _password()
    write(lambda ctx, s: users.change_password(session=s, actor=ACTOR, username=username,
                                               new_password=password))
    typer.echo(f"password of {username} changed")


@user_app.command("disable")
def user_disable(username: str) -> None:
    """Disable an account: it can no longer sign in."""
    from surveys import users

    write(lambda ctx, s: users.set_active(session=s, actor=ACTOR, username=username,
                                          active=False))
    typer.echo(f"account {username} disabled")


@user_app.command("enable")
def user_enable(username: str) -> None:
    """Enable (and unlock) an account."""
    from surveys import users

    write(lambda ctx, s: users.set_active(session=s, actor=ACTOR, username=username,
                                          active=True))
    typer.echo(f"account {username} enabled")


def register(app: typer.Typer) -> None:
    """Add the user commands to the app."""
    app.add_typer(user_app, name="user")
