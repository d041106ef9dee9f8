"""CLI: workspace accounts (user add, list, password, enable/disable, unlock, setup-code)."""

from __future__ import annotations

import os

import typer

from cli.commands.common import ACTOR, JsonOption, context, emit, read, write

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


@user_app.command("unlock")
def user_unlock(username: str) -> None:
    """Clear the sign-in lock of an account for every source address."""
    from surveys import users

    cleared = write(lambda ctx, s: users.unlock(session=s, actor=ACTOR, username=username))
    typer.echo(f"account {username} unlocked ({cleared} locked address(es) cleared)")


@user_app.command("setup-code")
def user_setup_code(new: bool = typer.Option(False, "--new", help="Replace the code.")) -> None:
    """Print the first-run set-up code (stored under the data directory); --new replaces it."""
    from surveys.setup_code import (
        discard_setup_code,
        load_or_create_setup_code,
        renew_setup_code,
        setup_code_path,
    )
    from surveys.users import count_users

    accounts = read(lambda ctx, s: count_users(s))
    path = setup_code_path(context().settings)
    if accounts:
        discard_setup_code(path)
        typer.echo("an account exists: set-up is closed (use `star-survey user add`)")
        raise typer.Exit(1)
    code = renew_setup_code(path) if new else load_or_create_setup_code(path)[0]
    typer.echo(f"STAR-SURVEY SET-UP CODE: {code}")


def register(app: typer.Typer) -> None:
    """Add the user commands to the app."""
    app.add_typer(user_app, name="user")
