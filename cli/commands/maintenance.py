"""CLI: backup (a consistent copy while the app keeps taking forms)."""

from __future__ import annotations

from pathlib import Path

import typer

from cli.commands.common import JsonOption, context, emit


def backup(out: Path = typer.Argument(..., help="The file to write (SQLite copy or pg_dump file)."),
           overwrite: bool = typer.Option(False, "--overwrite", help="Replace an existing file."),
           as_json: bool = JsonOption) -> None:
    """Write a consistent backup of the database to OUT; writes may go on meanwhile."""
    from surveys.backup import backup_database

    result = backup_database(context().engine, out, overwrite=overwrite)
    forms = "" if result.responses is None else f", {result.responses} 份评价表 / forms"
    emit({"path": str(result.path), "method": result.method, "responses": result.responses,
          "bytes": result.size}, as_json,
         f"备份完成 / backup written: {result.path} ({result.method}, {result.size} bytes{forms})")


def register(app: typer.Typer) -> None:
    """Add the maintenance commands (backup) to the app."""
    app.command()(backup)
