"""CLI: campaigns, links and paper-form import."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import typer

from cli.commands.common import (
    ACTOR,
    JsonOption,
    context,
    emit,
    public_base,
    read,
    read_import_file,
    write,
    write_output,
)
from surveys.clock import beijing_today

campaign_app = typer.Typer(help="Annual callback campaigns (年度回访).", no_args_is_help=True)
response_app = typer.Typer(help="Responses (paper forms).", no_args_is_help=True)

ProviderOpt = typer.Option(..., "--provider", help="Provider id.")
YearOpt = typer.Option(..., "--year", help="Campaign year (YYYY).")
BaseUrlOpt = typer.Option(None, "--base-url", help="Public base URL (default: "
                          "STAR_SURVEY_PUBLIC_URL, else this machine's network address and "
                          "the port `serve` runs on).")


@campaign_app.command("open")
def campaign_open(provider: int = ProviderOpt, year: int = YearOpt,
                  closes: datetime | None = typer.Option(None, formats=["%Y-%m-%d"],
                                                         help="Closing date YYYY-MM-DD."),
                  as_json: bool = JsonOption) -> None:
    """Open the year's campaign: one invitation per client with a contract that year."""
    from surveys import campaigns

    closes_on = closes.date() if closes else None
    campaign, added = write(lambda ctx, s: campaigns.open_campaign(
        session=s, actor=ACTOR, secret=ctx.link_secret, provider_id=provider, year=year,
        closes=closes_on))
    emit({"campaign_id": campaign.id, "year": campaign.year, "closes": str(campaign.closes),
          "invitations_added": added}, as_json,
         f"campaign {campaign.year} open until {campaign.closes}; {added} new invitations")


@campaign_app.command("close")
def campaign_close(provider: int = ProviderOpt, year: int = YearOpt,
                   as_json: bool = JsonOption) -> None:
    """Close the year's campaign: links then show receipts read-only."""
    from surveys import campaigns
    from surveys.anchoring import anchor_now

    campaign = write(lambda ctx, s: campaigns.close_campaign(session=s, actor=ACTOR,
                                                             provider_id=provider, year=year))
    ctx = context()
    anchored = anchor_now(engine=ctx.engine, settings=ctx.settings, provider_id=provider)
    if anchored.configured and not anchored.ok:
        typer.echo(f"警告 / warning: {anchored.message()}", err=True)
    emit({"campaign_id": campaign.id, "year": campaign.year, "open": False,
          "anchored": anchored.ok if anchored.configured else None}, as_json,
         f"campaign {campaign.year} closed" + (f"; {anchored.message()}"
                                               if anchored.configured else ""))


@campaign_app.command("reopen")
def campaign_reopen(provider: int = ProviderOpt, year: int = YearOpt,
                    reason: str = typer.Option(..., "--reason", help="Why it reopens (shown to "
                                               "the assessor in the evidence)."),
                    closes: datetime | None = typer.Option(None, formats=["%Y-%m-%d"],
                                                           help="New closing date YYYY-MM-DD."),
                    as_json: bool = JsonOption) -> None:
    """Reopen a closed campaign (administrators; the reason is audited and in the evidence)."""
    from surveys import campaigns

    campaign = write(lambda ctx, s: campaigns.reopen_campaign(
        session=s, actor=ACTOR, provider_id=provider, year=year, reason=reason,
        closes=closes.date() if closes else None))
    emit({"campaign_id": campaign.id, "year": campaign.year, "open": True,
          "closes": str(campaign.closes)}, as_json,
         f"campaign {campaign.year} reopened until {campaign.closes}")


def links(provider: int = ProviderOpt, year: int = YearOpt,
          base_url: str | None = BaseUrlOpt, as_json: bool = JsonOption) -> None:
    """Print each invited client's form link."""
    from surveys import invitations

    base = public_base(base_url)
    rows = read(lambda c, s: invitations.list_links(session=s, actor=ACTOR,
                                                    secret=c.link_secret, provider_id=provider,
                                                    year=year, base_url=base))
    emit(rows, as_json, "\n".join(f"{r['client_id']}\t{r['client']}\t{r['url']}" for r in rows))


@response_app.command("import")
def response_import_cmd(file: Path, provider: int = ProviderOpt, year: int = YearOpt,
                        as_json: bool = JsonOption) -> None:
    """Import paper forms from .csv or .xlsx (all rows or none); stored with origin 'paper'."""
    from surveys import response_import

    data = read_import_file(file)
    done = write(lambda ctx, s: response_import.import_paper_forms(
        session=s, actor=ACTOR, signer=ctx.signer, provider_id=provider, year=year, data=data,
        filename=file.name, today=beijing_today(), base_dir=file.resolve().parent))
    text = (f"{done.rows} 行 / rows: {done.stored} 份新录入 / new, {done.corrected} 份更正 / "
            f"corrected, {done.unchanged} 份未变 / unchanged" if done.changed else
            f"没有任何更改：{done.rows} 行与已存的评价表完全相同 / nothing changed: all "
            f"{done.rows} rows match the stored forms")
    emit({"stored": done.stored, "corrected": done.corrected, "unchanged": done.unchanged,
          "rows": done.rows, "changed": done.changed}, as_json, text)


@response_app.command("template")
def response_template_cmd(out: Path = typer.Argument(..., help="The .xlsx to write."),
                          as_json: bool = JsonOption) -> None:
    """Write the paper-form import template (.xlsx, notes and checks on every column)."""
    from surveys.import_templates import response_template_xlsx

    write_output(out, response_template_xlsx())
    emit({"file": str(out)}, as_json, f"导入模板已写入 / import template written: {out}")


def register(app: typer.Typer) -> None:
    """Add campaign, links and response commands to the app."""
    app.add_typer(campaign_app, name="campaign")
    app.add_typer(response_app, name="response")
    app.command()(links)
