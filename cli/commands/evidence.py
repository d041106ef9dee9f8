"""CLI: verify the database or an evidence bundle; export a provider-year's evidence bundle."""

from __future__ import annotations

from pathlib import Path

import typer

from cli.commands.common import ACTOR, JsonOption, context, emit, read, read_file
from surveys.links import resolve_base_url


def verify(file: Path | None = typer.Argument(None, help="An evidence bundle (.zip) to check "
                                                "offline; without it, the whole database."),
           as_json: bool = JsonOption) -> None:
    """Check hashes, signatures and the chain; exit 1 naming every bad record."""
    if file is not None:
        _verify_bundle(file, as_json)
        return
    from surveys.verify import verify_database

    result = read(lambda ctx, s: verify_database(s, ctx.signer.public_key))
    data = {"ok": result.ok, "records": result.records, "providers": result.providers,
            "key_fingerprint": result.key_fingerprint, "heads": result.heads,
            "problems": [p.message for p in result.problems]}
    lines = [result.summary()] + [f"  - {p.message}" for p in result.problems]
    emit(data, as_json, "\n".join(lines))
    if not result.ok:
        raise typer.Exit(1)


def _verify_bundle(file: Path, as_json: bool) -> None:
    """Check an evidence bundle offline; exit 1 naming what fails."""
    from analytics.bundle_verify import verify_bundle

    data = read_file(file)
    result = verify_bundle(data)
    lines = [result.summary()] + [f"  - {p}" for p in result.problems]
    lines += [f"  note: {n}" for n in result.notes]
    emit({"ok": result.ok, "records": result.records, "key_fingerprint": result.key_fingerprint,
          "head": result.head, "problems": result.problems}, as_json, "\n".join(lines))
    if not result.ok:
        raise typer.Exit(1)


def export(provider: int = typer.Option(..., "--provider", help="Provider id."),
           year: int = typer.Option(..., "--year", help="Campaign year (YYYY)."),
           out: Path = typer.Option(..., "--out", help="The bundle to write (.zip)."),
           base_url: str | None = typer.Option(None, "--base-url", help="Public base URL of "
                                               "the verification page (default: configured)."),
           as_json: bool = JsonOption) -> None:
    """Write a provider-year's evidence bundle (PDF, spreadsheets, scans, signed manifest)."""
    from analytics.evidence_bundle import build_bundle
    from analytics.evidence_data import collect_evidence

    ctx = context()
    base = resolve_base_url(base_url or ctx.settings.base_url, ctx.settings.port)
    data = read(lambda c, s: collect_evidence(session=s, actor=ACTOR, signer=c.signer,
                                              provider_id=provider, year=year, base_url=base))
    bundle = build_bundle(data, ctx.signer, pdf_settings=ctx.settings)
    out.write_bytes(bundle)
    emit({"file": str(out), "bytes": len(bundle), "responses": len(data.current),
          "head_hash": data.head.record_hash if data.head else None,
          "key_fingerprint": data.key_fingerprint}, as_json,
         f"{out}: {len(data.current)} forms of {year}, {len(bundle)} bytes; "
         f"key {data.key_fingerprint[:16]}")


def register(app: typer.Typer) -> None:
    """Add the evidence commands (verify, export) to the app."""
    app.command()(verify)
    app.command()(export)
