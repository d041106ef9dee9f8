"""CLI: QR codes of the campaign's client links (one PNG per client and a printable sheet)."""

from __future__ import annotations

from pathlib import Path

import typer

from cli.commands.common import ACTOR, JsonOption, emit, public_base, read


def qr(provider: int = typer.Option(..., "--provider", help="Provider id."),
       year: int = typer.Option(..., "--year", help="Campaign year (YYYY)."),
       out: Path = typer.Option(..., "--out", help="Folder for the PNGs and qr-sheet.pdf."),
       base_url: str | None = typer.Option(None, "--base-url", help="Public base URL (default: "
                                           "STAR_SURVEY_PUBLIC_URL, else the served port)."),
       as_json: bool = JsonOption) -> None:
    """Write one QR PNG per invited client and qr-sheet.pdf (A4 cut-out cards)."""
    from surveys.qr import SHEET_NAME, campaign_cards, png_names, qr_png, qr_sheet_pdf

    base = public_base(base_url)
    cards = read(lambda c, s: campaign_cards(session=s, actor=ACTOR, secret=c.link_secret,
                                             provider_id=provider, year=year, base_url=base))
    out.mkdir(parents=True, exist_ok=True)
    files = []
    for card, name in zip(cards, png_names(cards), strict=True):
        (out / name).write_bytes(qr_png(card.url))
        files.append({"client_id": card.client_id, "client": card.client, "file": name,
                      "url": card.url})
    (out / SHEET_NAME).write_bytes(qr_sheet_pdf(cards))
    emit({"out": str(out), "sheet": SHEET_NAME, "codes": files}, as_json,
         f"{len(files)} QR codes and {SHEET_NAME} written to {out}")


def register(app: typer.Typer) -> None:
    """Add the qr command to the app."""
    app.command("qr")(qr)
