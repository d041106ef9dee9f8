"""Signing in to the workspace from AppTests (see docs/accounts.md)."""

from __future__ import annotations

import time

import pytest
from streamlit.testing.v1 import AppTest

from surveys import users
from surveys.access import SYSTEM
from surveys.context import Context
from surveys.db import read_session, run_write

TEST_PASSWORD = "correct-horse-battery"


def point_app_at(monkeypatch: pytest.MonkeyPatch, ctx: Context) -> None:
    """Make the app (app_context, get_settings) use the test's database and data directory."""
    monkeypatch.setenv("STAR_SURVEY_DB", ctx.settings.db_url)
    monkeypatch.setenv("STAR_SURVEY_DATA_DIR", str(ctx.settings.data_dir))
    monkeypatch.setenv("STAR_SURVEY_BASE_URL", ctx.settings.base_url or "http://survey.test")


def ensure_user(ctx: Context, username: str, role: str = "admin",
                provider_id: int | None = None, password: str = TEST_PASSWORD) -> str:
    """Return the username after creating the account if it does not exist yet."""
    with read_session(ctx.engine) as session:
        if users.find_account(session, username) is not None:
            return username
    run_write(ctx.engine, lambda s: users.create_user(
        session=s, actor=SYSTEM, username=username, password=password, role=role,
        provider_id=provider_id))
    return username


def signed_in(at: AppTest, ctx: Context, username: str = "admin@test", role: str = "admin",
              provider_id: int | None = None) -> AppTest:
    """Return the AppTest with a real account signed in (session keys ws_user and ws_seen)."""
    ensure_user(ctx, username, role, provider_id)
    at.session_state["ws_user"] = username
    at.session_state["ws_seen"] = time.time()
    return at


def login_through_form(at: AppTest, username: str, password: str = TEST_PASSWORD) -> AppTest:
    """Return the AppTest after typing the credentials into the login form and submitting."""
    at.text_input(key="ws_login_username").input(username)
    at.text_input(key="ws_login_password").input(password)
    submit_form(at, "ws_login")
    at.run()
    if "ws_user" in at.session_state:
        at.run()  # the page reruns itself after signing in
    return at


def submit_form(at: AppTest, form: str) -> None:
    """Click the submit button of the named form."""
    for button in at.button:
        if button.proto.form_id == form:
            button.click()
            return
    raise AssertionError(f"no submit button in form {form}")
