"""The mail thread: sends a queued wave in the background, wakes when poked, stops cleanly."""

from __future__ import annotations

import time
from typing import Any

from surveys.access import SYSTEM
from surveys.context import Context
from surveys.db import read_session, run_write
from surveys.mail_worker import start_mail_worker
from surveys.send_log import wave_progress
from surveys.waves import create_wave
from tests.outreach_support import YEAR, outreach_campaign
from tests.smtp_support import SmtpServer, smtp_server  # noqa: F401
from tests.test_mail_queue import mail_ctx


def test_the_worker_sends_a_queued_wave_in_the_background(ctx: Context,
                                                          smtp_server: SmtpServer  # noqa: F811
                                                          ) -> None:
    assert start_mail_worker(ctx) is None  # e-mail off: no thread
    provider_id, _ids = outreach_campaign(ctx)
    worker = start_mail_worker(mail_ctx(ctx, smtp_server.url), interval=3600)
    assert worker is not None
    try:
        wave_id = run_write(ctx.engine, lambda s: create_wave(
            session=s, actor=SYSTEM, provider_id=provider_id, year=YEAR,
            selection="unanswered", channel="email").id)
        worker.poke()
        deadline = time.monotonic() + 30
        while len(smtp_server.handler.received) < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        worker.stop(timeout=30)
    assert not worker.thread.is_alive()
    assert len(smtp_server.handler.received) == 3
    with read_session(ctx.engine) as s:
        assert wave_progress(session=s, actor=SYSTEM, wave_id=wave_id) == {"sent": 3,
                                                                           "no_address": 1}


def test_an_unusable_setting_is_logged_once(ctx: Context, caplog: Any) -> None:
    worker = start_mail_worker(mail_ctx(ctx, "http://not-smtp.example"), interval=0.01)
    assert worker is not None
    time.sleep(0.5)
    worker.stop(timeout=10)
    warnings = [r for r in caplog.records if "STAR_SURVEY_SMTP_URL" in r.getMessage()]
    assert len(warnings) == 1 and warnings[0].levelname == "WARNING"


def test_the_app_sends_what_was_queued_before_a_restart_without_the_reminders_page(
        ctx: Context, smtp_server: SmtpServer, monkeypatch: Any) -> None:  # noqa: F811
    from pathlib import Path

    from streamlit.testing.v1 import AppTest

    from surveys.mail_worker import STARTED
    from tests.workspace_support import point_app_at

    provider_id, _ids = outreach_campaign(ctx)
    run_write(ctx.engine, lambda s: create_wave(  # queued while no app process was running
        session=s, actor=SYSTEM, provider_id=provider_id, year=YEAR, selection="unanswered",
        channel="email"))
    point_app_at(monkeypatch, ctx)
    monkeypatch.setenv("STAR_SURVEY_SMTP_URL", smtp_server.url)
    before = len(STARTED)
    app = AppTest.from_file(str(Path(__file__).resolve().parents[1] / "survey_app.py"),
                            default_timeout=30)
    app.run()  # the sign-in page: nobody opens the reminders page
    assert not app.exception
    try:
        deadline = time.monotonic() + 30
        while len(smtp_server.handler.received) < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(smtp_server.handler.received) == 3
    finally:
        for worker in STARTED[before:]:
            worker.stop(timeout=30)
            worker.ctx.engine.dispose()
