"""The star-survey command line: thin commands over the domain functions.

Start-up stays light: ``COMMANDS`` names each top-level command's module in ``cli/commands`` and
its one-line help, so ``star-survey --help`` imports no command module, and running a command
imports only its own module; each command imports the domain (SQLModel, fpdf, pandas,
analytics) inside its body. A new command: its module's ``register`` adds it, and one line
here names it (``tests/test_cli_startup.py`` checks the two agree).
"""

from __future__ import annotations

import importlib
import os
import sys
from typing import Any

import typer
from typer.core import TyperCommand, TyperGroup

# name -> (module in cli/commands, the first line of its help)
COMMANDS: dict[str, tuple[str, str]] = {
    "init": ("system", "Create or upgrade the database schema and the installation's keys "
             "(idempotent)."),
    "serve": ("system", "Start the web app (Streamlit)."),
    "links": ("campaign", "Print each invited client's form link."),
    "report": ("reporting", "Print a provider's report for a year (counts, mean, items, star "
               "level)."),
    "demo": ("reporting", "Fill the database with a realistic demo provider (ten clients, three "
             "years)."),
    "export": ("evidence", "Write a provider-year's evidence bundle (PDF, spreadsheets, scans, "
               "signed manifest)."),
    "sample": ("evidence", "Pick clients for the assessor to call and ask for the receipt code "
               "they kept."),
    "verify": ("verifying", "Check hashes, signatures, the chain and its timestamps; exit 1 "
               "naming every problem."),
    "qr": ("qr", "Write one QR PNG per invited client and qr-sheet.pdf (A4 cut-out cards)."),
    "backup": ("maintenance", "Write a consistent backup of the database to OUT; writes may go "
               "on meanwhile."),
    "anchor": ("anchoring", "Timestamp each chain head at every TSA of STAR_SURVEY_TSA_URL; exit "
               "1 if any fails."),
    "messages": ("reach", "Write each invited client's short message (link, deadline, contact) "
                 "to send or paste."),  # reachA
    "letters": ("reach", "Write one A4 invitation letter per invited client (QR code, link, "
                "deadline, contact)."),  # reachA
    "remind": ("outreach", "Start a reminder wave and send it (e-mail), or list it to print; "
               "--dry-run only shows."),  # reachB
    "send": ("outreach", "Send the queued e-mail that is due now (retries included) and print "
             "what happened."),  # reachB
    "key": ("system", "The signing key."),
    "provider": ("registry", "Providers (服务单位)."),
    "client": ("registry", "Client units (用户单位)."),
    "campaign": ("campaign", "Annual callback campaigns (年度回访)."),
    "response": ("campaign", "Responses (paper forms)."),
    "link": ("link", "One client's form link: revoke or reissue (链接撤销/重新生成)."),
    "user": ("users", "Workspace accounts (admin, staff, assessor)."),
}


class LazyGroup(TyperGroup):
    """The top-level group: a command's module is imported when that command is looked up."""

    listing = False  # while the group's own --help is printed, commands are placeholders

    def list_commands(self, ctx: typer.Context) -> list[str]:  # type: ignore[override]
        """Return every command name, in the table's order."""
        return list(COMMANDS)

    def get_command(self, ctx: typer.Context, cmd_name: str) -> TyperCommand | None:  # type: ignore[override]
        """Return the command, importing its module first (a placeholder while listing)."""
        if cmd_name not in COMMANDS:
            return None
        if self.listing:
            return TyperCommand(cmd_name, short_help=COMMANDS[cmd_name][1])
        if cmd_name not in self.commands:
            holder = typer.Typer()
            importlib.import_module(f"cli.commands.{COMMANDS[cmd_name][0]}").register(holder)
            self.commands.update(typer.main.get_group(holder).commands)
        return self.commands.get(cmd_name)  # type: ignore[return-value]

    def format_help(self, ctx: typer.Context, formatter: Any) -> None:  # type: ignore[override]
        """Print the top-level help from the table, importing no command module."""
        self.listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self.listing = False


app = typer.Typer(cls=LazyGroup, help="star-survey: T/BAX Table A.1 annual client evaluations.",
                  no_args_is_help=True, add_completion=False)


@app.callback()
def _root(debug: bool = typer.Option(False, "--debug", help="Show the full traceback when a "
                                     "command fails unexpectedly.")) -> None:
    """star-survey: T/BAX Table A.1 annual client evaluations."""


def _run(args: list[str]) -> int:
    """Return the exit status of one command; every failure is reported in one line.

    Refused input (exit 1) names every bad field; a usage error exits 2; anything unexpected
    prints one line and exits 1, with the traceback only under ``--debug``.
    """
    from typer._click.exceptions import ClickException, NoArgsIsHelpError

    from cli.commands.common import complain
    from surveys.errors import SurveyError, ValidationFailed

    try:
        code = app(args=args, prog_name="star-survey", standalone_mode=False)
    except ValidationFailed as exc:
        complain("错误 / error: 输入有误，未作任何更改 / input rejected, nothing was changed")
        for error in exc.errors:
            complain(f"  - {error}")
        return 1
    except SurveyError as exc:
        complain(f"错误 / error: {' '.join(str(exc).split())}")
        return 1
    except NoArgsIsHelpError as exc:
        exc.show()
        return exc.exit_code
    except ClickException as exc:  # usage errors: unknown command or option, bad value
        ctx = getattr(exc, "ctx", None)
        where = f" ({ctx.command_path} --help)" if ctx is not None else ""
        complain(f"错误 / error: {' '.join(exc.format_message().split())}{where}")
        return exc.exit_code
    except (KeyboardInterrupt, typer.Abort):
        complain("已中断 / interrupted")
        return 130
    except Exception as exc:
        if "--debug" in args:
            raise
        from cli.failures import describe

        complain(f"错误 / error: {describe(exc)} (--debug 显示详情 / --debug shows details)")
        return 1
    return code if isinstance(code, int) else 0


def main(argv: list[str] | None = None) -> None:
    """Run the CLI and exit with its status; files it creates are owner-only (umask 077)."""
    previous = os.umask(0o077)  # also inherited by the server `serve` starts
    try:
        status = _run(list(sys.argv[1:] if argv is None else argv))
    finally:
        os.umask(previous)
    sys.exit(status)


if __name__ == "__main__":
    main()
