"""The star-survey command line: thin commands over the domain functions."""

from __future__ import annotations

import sys

import typer

from surveys.cli_commands import (
    anchoring,
    campaign,
    evidence,
    maintenance,
    qr,
    registry,
    reporting,
    system,
)
from surveys.cli_commands.users import register as register_user_commands
from surveys.errors import SurveyError, ValidationFailed

app = typer.Typer(help="star-survey: T/BAX Table A.1 annual client evaluations.",
                  no_args_is_help=True, add_completion=False)
system.register(app)
registry.register(app)
campaign.register(app)
reporting.register(app)
evidence.register(app)
register_user_commands(app)
qr.register(app)
maintenance.register(app)
anchoring.register(app)


def main(argv: list[str] | None = None) -> None:
    """Run the CLI; domain errors go to stderr with exit status 1."""
    try:
        app(args=argv, prog_name="star-survey")
    except ValidationFailed as exc:
        typer.echo("错误 / error: 输入有误，未作任何更改 / input rejected, nothing was changed",
                   err=True)
        for error in exc.errors:
            typer.echo(f"  - {error}", err=True)
        sys.exit(1)
    except SurveyError as exc:
        typer.echo(f"错误 / error: {exc}", err=True)
        sys.exit(1)


if __name__ == "__main__":
    main()
