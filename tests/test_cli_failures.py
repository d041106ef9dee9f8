"""Every CLI failure ends with one clear line on stderr and a non-zero exit; --debug shows more."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from surveys.context import Context
from tests import factories

ROOT = Path(__file__).resolve().parents[1]


def _run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """Return the finished `python -m cli ARGS` process."""
    return subprocess.run([sys.executable, "-m", "cli", *args], cwd=ROOT,
                          env={**os.environ, **env}, capture_output=True, text=True,
                          check=False, timeout=120)


def _lines(text: str) -> list[str]:
    """Return the non-blank lines of text other than warnings (e.g. about the public URL)."""
    return [line for line in text.splitlines()
            if line.strip() and not line.startswith("警告 / warning:")]


@pytest.fixture
def corrupt_env(tmp_path: Path) -> dict[str, str]:
    """Return an environment whose SQLite database file is garbage."""
    db = tmp_path / "survey.db"
    db.write_bytes(b"this is not a database, just bytes " * 200)
    return {"STAR_SURVEY_DB": f"sqlite:///{db}", "STAR_SURVEY_DATA_DIR": str(tmp_path / "data"),
            "STAR_SURVEY_PUBLIC_URL": "http://survey.test"}


@pytest.mark.parametrize("args", [
    ("report", "--provider", "1", "--year", "2026"),
    ("provider", "list", "--json"),
    ("links", "--provider", "1", "--year", "2026"),
    ("link", "revoke", "--client", "1", "--year", "2026"),
    ("verify",),
    ("init",),
])
def test_a_corrupt_database_file_is_one_line(corrupt_env: dict[str, str],
                                             args: tuple[str, ...]) -> None:
    done = _run(corrupt_env, *args)
    assert done.returncode not in (0, None) and done.stdout == ""
    assert len(_lines(done.stderr)) == 1, done.stderr
    assert "Traceback" not in done.stderr and "not a database" in done.stderr


def test_debug_shows_the_traceback(corrupt_env: dict[str, str]) -> None:
    done = _run(corrupt_env, "--debug", "report", "--provider", "1", "--year", "2026")
    assert done.returncode != 0 and "Traceback" in done.stderr


@pytest.fixture
def filled(ctx: Context, cli_env: dict[str, str]) -> tuple[dict[str, str], int]:
    """Return the CLI environment of a database with a provider's answered 2026 campaign."""
    _ctx, provider, client = factories.invited_client(ctx)
    factories.submit(ctx, provider, 2026, client, 90)
    return cli_env, provider


@pytest.mark.parametrize("command", ["export", "qr", "backup", "client template",
                                     "response template"])
def test_an_unwritable_output_path_is_one_line(filled: tuple[dict[str, str], int],
                                               tmp_path: Path, command: str) -> None:
    env, provider = filled
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    out = str(blocker / "sub" / "out.zip")  # a path under a regular file cannot be written
    scope = ("--provider", str(provider), "--year", "2026")
    args = {"export": ("export", *scope, "--out", out), "qr": ("qr", *scope, "--out", out),
            "backup": ("backup", out), "client template": ("client", "template", out),
            "response template": ("response", "template", out)}[command]
    done = _run(env, *args)
    assert done.returncode not in (0, None) and done.stdout == ""
    assert len(_lines(done.stderr)) == 1, done.stderr
    assert "Traceback" not in done.stderr and str(blocker) in _lines(done.stderr)[0]


@pytest.mark.parametrize("args", [
    ("link", "reissue", "--client", "1", "--year", "2026", "--bogus"),
    ("report", "--provider", "x", "--year", "2026"),
    ("nosuch",),
])
def test_usage_errors_are_one_line_with_exit_2(corrupt_env: dict[str, str],
                                               args: tuple[str, ...]) -> None:
    done = _run(corrupt_env, *args)
    assert done.returncode == 2 and done.stdout == ""
    assert len(_lines(done.stderr)) == 1, done.stderr
