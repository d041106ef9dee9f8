"""The first-run set-up code: stored once, unchanged by anything a visitor sends (issue 13 item 9)."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
import streamlit as st
from sqlmodel import select
from streamlit.testing.v1 import AppTest
from typer.testing import CliRunner

from cli.main import app as cli_app
from pages.auth import SETUP_BANNER
from surveys.context import Context
from surveys.db import read_session
from surveys.models import UserAccount
from surveys.setup_code import load_or_create_setup_code, renew_setup_code, setup_code_path
from tests.workspace_support import TEST_PASSWORD, point_app_at, submit_form

APP = str(Path(__file__).resolve().parents[1] / "survey_app.py")


def printed_code(out: str) -> str:
    """Return the last set-up code in the captured server output."""
    return out.split(f"{SETUP_BANNER}: ")[-1].split()[0]


def test_the_code_is_stored_once_private_and_renewed_only_on_request(tmp_path: Path) -> None:
    path = tmp_path / "data" / "setup-code"
    first, created = load_or_create_setup_code(path)
    assert created and len(first) == 20
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_or_create_setup_code(path) == (first, False)
    renewed = renew_setup_code(path)
    assert renewed != first and load_or_create_setup_code(path) == (renewed, False)


def test_clearing_the_caches_keeps_the_code_the_server_printed(
    ctx: Context, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    point_app_at(monkeypatch, ctx)
    AppTest.from_file(APP, default_timeout=60).run()
    code = printed_code(capsys.readouterr().out)
    # What Streamlit does on an anonymous "clear cache" message (AppSession.handle_clear_cache).
    st.cache_data.clear()
    st.cache_resource.clear()
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    at.text_input(key="ws_setup_code").input(code)
    at.text_input(key="ws_setup_username").input("boss")
    at.text_input(key="ws_setup_password").input(TEST_PASSWORD)
    at.text_input(key="ws_setup_again").input(TEST_PASSWORD)
    submit_form(at, "ws_setup")
    at.run()
    assert not at.exception
    with read_session(ctx.engine) as session:
        assert [a.username for a in session.exec(select(UserAccount)).all()] == ["boss"]
    assert not setup_code_path(ctx.settings).exists()  # no longer needed once an admin exists


def test_the_administrator_prints_or_renews_the_code_from_the_server(
    ctx: Context, cli_env: dict[str, str]
) -> None:
    runner = CliRunner()
    shown = runner.invoke(cli_app, ["user", "setup-code"], env=cli_env)
    assert shown.exit_code == 0, shown.output
    code = printed_code(shown.output)
    assert load_or_create_setup_code(setup_code_path(ctx.settings))[0] == code
    again = runner.invoke(cli_app, ["user", "setup-code"], env=cli_env)
    assert printed_code(again.output) == code
    renewed = runner.invoke(cli_app, ["user", "setup-code", "--new"], env=cli_env)
    assert renewed.exit_code == 0 and printed_code(renewed.output) != code
