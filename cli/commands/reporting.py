"""CLI: report and demo."""

from __future__ import annotations

from typing import Any

import typer

from cli.commands.common import ACTOR, JsonOption, emit, read, write


def report(provider: int = typer.Option(..., "--provider", help="Provider id."),
           year: int = typer.Option(..., "--year", help="Year (YYYY)."),
           as_json: bool = JsonOption) -> None:
    """Print a provider's report for a year (counts, mean, items, star level)."""
    from analytics.report import provider_year_report

    data = read(lambda ctx, s: provider_year_report(session=s, actor=ACTOR,
                                                    provider_id=provider, year=year))
    lines = [
        f"provider {data['provider_id']}, {data['year']}: {data['responses']} of "
        f"{data['invited']} invited responded",
        f"mean total {data['mean_total']} (min {data['min_total']}, max {data['max_total']}); "
        f"star by score: {data['star_by_score']}",
    ]
    lines += [f"  {i['no']}. {i['name']} (max {i['max']}): {i['mean']}" for i in data["items"]]
    lines += eligibility_lines(data["eligibility"])
    emit(data, as_json, "\n".join(lines))


def eligibility_lines(eligibility: dict[str, Any]) -> list[str]:
    """Return the text lines of the §5 eligibility: the star, then every check per level."""
    lines = [f"eligible star (§5): {eligibility['star']}"]
    for c in eligibility["criteria"]:
        required = "-" if c["required"] is None else c["required"]
        lines.append(f"  {c['star']}* {c['key']}: required {required}, actual {c['actual']}"
                     f" -> {'met' if c['met'] else 'NOT met'}")
    return lines


def demo_cmd(as_json: bool = JsonOption) -> None:
    """Fill the database with a realistic demo provider (ten clients, three years)."""
    from surveys import demo

    summary = write(lambda ctx, s: demo.load_demo(session=s, actor=ACTOR, signer=ctx.signer,
                                                  secret=ctx.link_secret))
    emit(summary, as_json, f"demo provider {summary['provider_id']} with "
         f"{summary['clients']} clients and {summary['responses']} responses")


def register(app: typer.Typer) -> None:
    """Add the reporting commands to the app."""
    app.command()(report)
    app.command("demo")(demo_cmd)
