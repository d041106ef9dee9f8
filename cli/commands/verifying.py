"""CLI: verify the whole database, or an evidence bundle offline, including its timestamps."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from cli.commands.common import JsonOption, context, emit, one_line, read, read_file


def verify(file: Path | None = typer.Argument(None, help="An evidence bundle (.zip) to check "
                                                "offline; without it, the whole database."),
           receipts: Path | None = typer.Option(
               None, "--receipts", help="CSV of (client, receipt) codes read out by clients: "
               "each must name the client's current version in the bundle."),
           expect_key: str | None = typer.Option(
               None, "--expect-key", help="The published key fingerprint (SHA-256 hex): fail "
               "when the records are signed with another key."),
           max_anchor_delay: float = typer.Option(
               24.0, "--max-anchor-delay", min=0.0, help="Hours allowed between a record's "
               "stored time and its first trusted timestamp; later is flagged."),
           tsa_root: list[Path] | None = typer.Option(
               None, "--tsa-root", help="PEM/DER certificate of a TSA root you trust "
               "(repeatable; default STAR_SURVEY_TSA_ROOTS)."),
           as_json: bool = JsonOption) -> None:
    """Check hashes, signatures, the chain and its timestamps; exit 1 naming every problem."""
    from datetime import timedelta

    from surveys.tsa import load_roots

    delay = timedelta(hours=max_anchor_delay)
    try:
        roots = load_roots(tsa_root or list(context().settings.tsa_roots)) or None
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from exc
    if file is not None:
        _bundle(file, as_json, receipts, expect_key, delay, roots)
    elif receipts is not None:
        raise typer.BadParameter("--receipts checks a bundle: give the bundle file too")
    else:
        _database(as_json, expect_key, delay, roots)


def _key_problem(expected: str, actual: str) -> str:
    """Return the message for records signed with a key other than the published one."""
    return (f"key: the records are signed with key {actual}, not the published {expected.strip()}"
            " (a bundle re-signed with another key)")


def _anchoring_lines(anchoring: dict[int, dict[int, Any]]) -> tuple[list[str], list[dict[str, Any]]]:
    """Return per-record lines and rows: when each record was first covered by a timestamp."""
    from surveys.verify_anchors import describe

    lines, rows = [], []
    for pid, first in sorted(anchoring.items()):
        for seq, found in sorted(first.items()):
            lines.append(f"  provider {pid} seq {seq}: {describe(found)}")
            rows.append({"provider_id": pid, "seq": seq,
                         "first_anchored": found.gen_time.isoformat() if found else None,
                         "delay_seconds": found.delay.total_seconds() if found else None,
                         "tsa_url": found.tsa_url if found else None})
    return lines, rows


def _database(as_json: bool, expect_key: str | None, delay: Any, roots: Any) -> None:
    """Check every stored record and anchor; exit 1 naming each problem."""
    from surveys.verify import verify_database

    ctx = context()
    result = read(lambda c, s: verify_database(
        s, c.signer.public_key, trusted_roots=roots, max_anchor_delay=delay,
        expect_anchors=bool(c.settings.tsa_urls)))
    problems = [p.message for p in result.problems]
    if expect_key and expect_key.strip().lower() != result.key_fingerprint:
        problems.append(_key_problem(expect_key, result.key_fingerprint))
    lines, rows = _anchoring_lines(result.anchoring)
    if not ctx.settings.tsa_urls and not any(v for f in result.anchoring.values()
                                             for v in f.values()):
        lines = ["  records are NOT independently anchored (no STAR_SURVEY_TSA_URL)"]
    state = "OK" if not problems else f"FAILED: {len(problems)} problem(s)"
    summary = (f"{result.records} records of {result.providers} provider(s) checked; "
               f"key {result.key_fingerprint[:16]}; {state}")
    emit({"ok": not problems, "records": result.records, "providers": result.providers,
          "key_fingerprint": result.key_fingerprint, "heads": result.heads,
          "problems": problems, "anchoring": rows}, as_json,
         "\n".join([summary, *[f"  - {one_line(p)}" for p in problems], "timestamps:", *lines]))
    if problems:
        raise typer.Exit(1)


def _bundle(file: Path, as_json: bool, receipts: Path | None, expect_key: str | None,
            delay: Any, roots: Any) -> None:
    """Check an evidence bundle offline; exit 1 naming what fails."""
    from analytics.bundle_verify import read_manifest, verify_bundle
    from analytics.witnesses import check_receipts, read_receipt_codes

    data = read_file(file)
    result = verify_bundle(data, max_anchor_delay=delay, trusted_roots=roots)
    if expect_key and expect_key.strip().lower() != result.key_fingerprint:
        result.problems.append(_key_problem(expect_key, result.key_fingerprint))
    if receipts is not None:
        try:
            rows = read_receipt_codes(read_file(receipts))
        except ValueError as exc:
            raise typer.BadParameter(f"{receipts}: {exc}") from exc
        malformed: list[str] = []
        found = check_receipts(read_manifest(data) or {}, rows, malformed)
        result.problems += [p for p in dict.fromkeys(malformed) if p not in result.problems]
        result.problems += found
        result.notes.append(f"receipts: {len(rows)} code(s) read out by clients checked, "
                            f"{len(found)} differ")
    lines = [result.summary()] + [f"  - {one_line(p)}" for p in result.problems]
    lines += [f"  note: {one_line(n)}" for n in result.notes]
    emit({"ok": result.ok, "records": result.records, "key_fingerprint": result.key_fingerprint,
          "head": result.head, "problems": result.problems, "notes": result.notes}, as_json,
         "\n".join(lines))
    if not result.ok:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add the verify command to the app."""
    app.command()(verify)
