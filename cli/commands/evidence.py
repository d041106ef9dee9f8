"""CLI: verify the database or an evidence bundle; export a provider-year's evidence bundle."""

from __future__ import annotations

from pathlib import Path

import typer

from cli.commands.common import ACTOR, JsonOption, context, emit, read, read_file
from surveys.links import resolve_base_url


def verify(file: Path | None = typer.Argument(None, help="An evidence bundle (.zip) to check "
                                                "offline; without it, the whole database."),
           receipts: Path | None = typer.Option(
               None, "--receipts", help="CSV of (client, receipt) codes read out by clients: "
               "each must name the client's current version in the bundle."),
           expect_key: str | None = typer.Option(
               None, "--expect-key", help="The published key fingerprint (SHA-256 hex): fail "
               "when the records are signed with another key."),
           as_json: bool = JsonOption) -> None:
    """Check hashes, signatures and the chain; exit 1 naming every bad record."""
    if file is not None:
        _verify_bundle(file, as_json, receipts, expect_key)
        return
    if receipts is not None:
        raise typer.BadParameter("--receipts checks a bundle: give the bundle file too")
    from surveys.verify import verify_database

    result = read(lambda ctx, s: verify_database(s, ctx.signer.public_key))
    problems = [p.message for p in result.problems]
    if expect_key and expect_key.strip().lower() != result.key_fingerprint:
        problems.append(_key_problem(expect_key, result.key_fingerprint))
    data = {"ok": not problems, "records": result.records, "providers": result.providers,
            "key_fingerprint": result.key_fingerprint, "heads": result.heads,
            "problems": problems}
    summary = result.summary() if not problems or result.problems else \
        result.summary().replace("; OK", f"; FAILED: {len(problems)} problem(s)")
    emit(data, as_json, "\n".join([summary] + [f"  - {p}" for p in problems]))
    if problems:
        raise typer.Exit(1)


def _key_problem(expected: str, actual: str) -> str:
    """Return the message for records signed with a key other than the published one."""
    return (f"key: the records are signed with key {actual}, not the published {expected.strip()}"
            " (a bundle re-signed with another key)")


def _verify_bundle(file: Path, as_json: bool, receipts: Path | None,
                   expect_key: str | None) -> None:
    """Check an evidence bundle offline; exit 1 naming what fails."""
    from analytics.bundle_verify import read_manifest, verify_bundle
    from analytics.witnesses import check_receipts, read_receipt_codes

    data = read_file(file)
    result = verify_bundle(data)
    if expect_key and expect_key.strip().lower() != result.key_fingerprint:
        result.problems.append(_key_problem(expect_key, result.key_fingerprint))
    if receipts is not None:
        try:
            rows = read_receipt_codes(read_file(receipts))
        except ValueError as exc:
            raise typer.BadParameter(f"{receipts}: {exc}") from exc
        found = check_receipts(read_manifest(data) or {}, rows)
        result.problems += found
        result.notes.append(f"receipts: {len(rows)} code(s) read out by clients checked, "
                            f"{len(found)} differ")
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
    chosen = sample_witnesses(manifest, n, seed)
    rows = [w.__dict__ for w in chosen]
    lines = [f"{w.client_id}\t{w.name}\t{w.manager} {w.phone}\t签字人 {w.signer} {w.signer_phone}"
             for w in chosen]
    emit(rows, as_json, "\n".join(lines) + "\n(ask each for the receipt code on its receipt; "
         "put them in a CSV client,receipt and run: star-survey verify BUNDLE --receipts FILE)")


def register(app: typer.Typer) -> None:
    """Add the evidence commands (verify, export, sample) to the app."""
    app.command()(verify)
    app.command()(export)
    app.command()(sample)
