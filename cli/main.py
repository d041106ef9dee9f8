"""The star-survey command line: thin commands over the domain functions.

Start-up stays light: command modules import typer only, and each command imports the domain
(SQLModel, fpdf, pandas, analytics) when it runs, so ``star-survey --help`` starts quickly.
"""

from __future__ import annotations

import sys

import typer

from cli.commands import (
    anchoring,
    campaign,
    evidence,
    link,
    maintenance,
    outreach,
    qr,
    reach,
    registry,
    reporting,
    system,
    users,
    verifying,
)

app = typer.Typer(help="star-survey: T/BAX Table A.1 annual client evaluations.",
                  no_args_is_help=True, add_completion=False)
for module in (system, registry, campaign, link, reporting, evidence, verifying, users, qr, maintenance,
               anchoring):
    module.register(app)
reach.register(app)  # reachA: messages, letters
outreach.register(app)  # reachB: remind, send


def main(argv: list[str] | None = None) -> None:
    """Run the CLI; domain errors go to stderr with exit status 1."""
    from cli.commands.common import complain
    from surveys.errors import SurveyError, ValidationFailed

    try:
        app(args=argv, prog_name="star-survey")
    except ValidationFailed as exc:
        complain("错误 / error: 输入有误，未作任何更改 / input rejected, nothing was changed")
        for error in exc.errors:
            complain(f"  - {error}")
        sys.exit(1)
    except SurveyError as exc:
        complain(f"错误 / error: {exc}")
        sys.exit(1)


if __name__ == "__main__":
    main()
