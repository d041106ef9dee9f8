"""CLI: init, key show, serve."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import typer

from cli.commands.common import JsonOption, context, emit

APP_FILE = Path(__file__).resolve().parents[2] / "survey_app.py"


def init(as_json: bool = JsonOption) -> None:
    """Create or upgrade the database schema and the installation's keys (idempotent)."""
    from analytics.pdf_signing import ensure_pdf_identity
    from surveys.errors import SurveyError
    from surveys.keys import fingerprint
    from surveys.schema import upgrade

    ctx = context()
    revision = upgrade(ctx.engine)
    key = ctx.signer.public_key
    _ = ctx.link_secret
    try:
        pdf_cert = ensure_pdf_identity(ctx.settings).fingerprint  # signs evidence.pdf (tsa)
    except ValueError as exc:
        raise SurveyError(str(exc)) from exc
    emit({"revision": revision, "key_fingerprint": fingerprint(key),
          "pdf_cert_fingerprint": pdf_cert}, as_json,
         f"database ready (schema {revision}); signing key {fingerprint(key)[:16]}; "
         f"PDF certificate {pdf_cert[:16]}")


def key_show(as_json: bool = JsonOption) -> None:
    """Print the public key that verifies every signed record."""
    from surveys.keys import fingerprint, public_key_pem

    key = context().signer.public_key
    emit({"public_key_pem": public_key_pem(key), "fingerprint": fingerprint(key)}, as_json,
         public_key_pem(key) + f"fingerprint (SHA-256): {fingerprint(key)}")


def serve(port: int = typer.Option(8501, help="Port to listen on."),
          address: str = typer.Option("0.0.0.0", help="Address to bind.")) -> None:
    """Start the web app (Streamlit)."""
    command = [
        sys.executable, "-m", "web_server",  # survey_app.py, static files compressed
        "--server.port", str(port), "--server.address", address,
    ]
    from surveys.links import record_port
    from surveys.settings import get_settings

    record_port(get_settings().data_dir, port)  # links made by the CLI use this port
    env = {**os.environ, "STAR_SURVEY_PORT": str(port)}
    raise typer.Exit(subprocess.call(command, env=env))


def register(app: typer.Typer) -> None:
    """Add the system commands to the app."""
    app.command()(init)
    app.command()(serve)
    keys = typer.Typer(help="The signing key.", no_args_is_help=True)
    keys.command("show")(key_show)
    app.add_typer(keys, name="key")
