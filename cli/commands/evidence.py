"""CLI: export a provider-year's evidence bundle; pick clients for the assessor to call."""

from __future__ import annotations

from pathlib import Path

import typer

from cli.commands.common import (
    ACTOR,
    JsonOption,
    complain,
    context,
    emit,
    one_line,
    public_base,
    read,
    read_file,
)


def export(provider: int = typer.Option(..., "--provider", help="Provider id."),
           year: int = typer.Option(..., "--year", help="Campaign year (YYYY)."),
           out: Path = typer.Option(..., "--out", help="The bundle to write (.zip)."),
           base_url: str | None = typer.Option(
               None, "--base-url", help="Public base URL of the verification page (default: "
               "STAR_SURVEY_PUBLIC_URL, else the served port)."),
           as_json: bool = JsonOption) -> None:
    """Write a provider-year's evidence bundle (PDF, spreadsheets, scans, signed manifest)."""
    from analytics.evidence_bundle import build_bundle
    from analytics.evidence_data import collect_evidence
    from surveys.anchoring import anchor_now

    ctx = context()
    base = public_base(base_url)
    anchored = anchor_now(engine=ctx.engine, settings=ctx.settings, provider_id=provider)
    if anchored.configured and not anchored.ok:
        typer.echo(f"警告 / warning: {anchored.message()}", err=True)
    data = read(lambda c, s: collect_evidence(session=s, actor=ACTOR, signer=c.signer,
                                              provider_id=provider, year=year, base_url=base))
    bundle = build_bundle(data, ctx.signer, pdf_settings=ctx.settings)
    out.write_bytes(bundle)
    emit({"file": str(out), "bytes": len(bundle), "responses": len(data.current),
          "head_hash": data.head.record_hash if data.head else None,
          "key_fingerprint": data.key_fingerprint}, as_json,
         f"{out}: {len(data.current)} forms of {year}, {len(bundle)} bytes; "
         f"key {data.key_fingerprint[:16]}")


def sample(file: Path = typer.Argument(..., help="The evidence bundle (.zip)."),
           n: int = typer.Option(5, "--n", min=1, max=1000, help="How many clients to pick."),
           seed: str = typer.Option(..., "--seed", help="Any text; the same seed and bundle "
                                    "always give the same clients."),
           as_json: bool = JsonOption) -> None:
    """Pick clients for the assessor to call and ask for the receipt code they kept."""
    from analytics.bundle_verify import read_manifest
    from analytics.witnesses import sample_witnesses

    manifest = read_manifest(read_file(file))
    if manifest is None:
        raise typer.BadParameter(f"{file}: no readable manifest.json (run star-survey verify)")
    problems: list[str] = []
    chosen = sample_witnesses(manifest, n, seed, problems)
    if problems:  # a malformed form could hide a client from the draw: pick no one
        complain("错误 / error: manifest.json 有误，未抽样 / the manifest is malformed; no clients "
                 "were picked (run star-survey verify)")
        for problem in dict.fromkeys(problems):
            complain(f"  - {one_line(problem)}")
        raise typer.Exit(1)
    rows = [w.__dict__ for w in chosen]
    lines = ["\t".join(one_line(str(part)) for part in (
        w.client_id, w.name, f"{w.manager} {w.phone}", f"签字人 {w.signer} {w.signer_phone}"))
        for w in chosen]
    emit(rows, as_json, "\n".join(lines) + "\n(ask each for the receipt code on its receipt; "
         "put them in a CSV client,receipt and run: star-survey verify BUNDLE --receipts FILE)")


def register(app: typer.Typer) -> None:
    """Add the evidence commands (export, sample) to the app."""
    app.command()(export)
    app.command()(sample)
