"""The background anchoring thread, and submissions that never wait for the TSA."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest

from surveys.anchor_queries import anchors_for
from surveys.anchor_worker import start_worker
from surveys.context import Context
from surveys.db import read_session, run_write
from surveys.models import AnchorSchedule, Response
from surveys.responses import Attachments
from surveys.web_form import submit_web_form
from tests.anchor_support import YEAR, with_tsa
from tests.factories import TODAY, links, make_client, make_provider, open_campaign
from tests.test_web_form import raw_form, signature_png
from tests.tsa_support import LocalTSA, closed_port_url


def wait_for(condition: Callable[[], bool], what: str, seconds: float = 30) -> None:
    """Poll until condition holds; fail naming what was awaited."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting for {what}")
        time.sleep(0.05)


@pytest.fixture
def invited(ctx: Context) -> dict[str, Any]:
    """Return a provider whose two clients each hold a form link."""
    provider = make_provider(ctx)
    for name in ("北京市第一医院", "北京市第二中学"):
        make_client(ctx, provider, name, years={YEAR: 10000})
    open_campaign(ctx, provider, YEAR)
    tokens = [row["url"].split("?t=")[1] for row in links(ctx, provider, YEAR)]
    return {"provider": provider, "tokens": tokens}


def submit_form(ctx: Context, token: str, key: str) -> Response:
    """Return the version stored by a client's web form."""
    return run_write(ctx.engine, lambda s: submit_web_form(
        session=s, signer=ctx.signer, token=token, raw=raw_form(), header_edits={},
        attachments=Attachments(signature_png=signature_png()), submission_key=key,
        supersedes_id=None, today=TODAY))


def anchors(ctx: Context, provider: int) -> list[Any]:
    """Return the provider's anchors."""
    with read_session(ctx.engine) as s:
        return anchors_for(s, provider)


def test_no_worker_without_a_tsa(ctx: Context) -> None:
    assert start_worker(ctx.engine, ctx.settings) is None


def test_a_submission_completes_while_the_tsa_request_hangs(
        ctx: Context, invited: dict[str, Any], local_tsa: LocalTSA) -> None:
    """The worker's request is in flight (held at the TSA) while a client submits."""
    provider, (first, second) = invited["provider"], invited["tokens"]
    url = local_tsa.url("rsa")
    submit_form(ctx, first, "k1")
    worker = None
    try:
        with local_tsa.hold(url):
            worker = start_worker(ctx.engine, with_tsa(ctx, url), interval=0.1)
            assert worker is not None
            wait_for(lambda: local_tsa.count(url) == 1, "the worker's request to reach the TSA")
            stored = submit_form(ctx, second, "k2")
            assert stored.seq == 2 and anchors(ctx, provider) == []
        wait_for(lambda: anchors(ctx, provider) != [], "the token to be stored")
    finally:
        if worker is not None:
            worker.stop(15)
    assert worker is not None and not worker.thread.is_alive()
    assert [a.head_seq for a in anchors(ctx, provider)] == [1]  # seq 2 waits for the next minute


def test_a_submission_completes_while_the_tsa_is_down(
        ctx: Context, invited: dict[str, Any]) -> None:
    provider, url = invited["provider"], closed_port_url()
    worker = start_worker(ctx.engine, with_tsa(ctx, url), interval=0.1)
    assert worker is not None
    try:
        stored = [submit_form(ctx, token, f"k{n}") for n, token in enumerate(invited["tokens"])]
        wait_for(lambda: failures(ctx, provider, url) >= 1, "the worker to fail once")
    finally:
        worker.stop(15)
    assert [r.seq for r in stored] == [1, 2]
    assert anchors(ctx, provider) == []


def failures(ctx: Context, provider: int, url: str) -> int:
    """Return the consecutive failures recorded for a provider and TSA."""
    with read_session(ctx.engine) as s:
        row = s.get(AnchorSchedule, (provider, url))
    return row.failures if row else 0


def test_the_app_starts_one_worker_per_database(
        ctx: Context, monkeypatch: pytest.MonkeyPatch, local_tsa: LocalTSA) -> None:
    from pathlib import Path

    from streamlit.testing.v1 import AppTest

    from surveys.anchor_worker import STARTED
    from tests.anchor_support import provider_with_records
    from tests.workspace_support import point_app_at

    provider = provider_with_records(ctx)
    point_app_at(monkeypatch, ctx)
    monkeypatch.setenv("STAR_SURVEY_TSA_URL", local_tsa.url("rsa"))
    app = AppTest.from_file(str(Path(__file__).resolve().parents[1] / "survey_app.py"),
                            default_timeout=30)
    app.run()
    app.run()
    assert not app.exception
    mine = [w for w in STARTED if str(w.engine.url) == str(ctx.engine.url)]
    try:
        assert len(mine) == 1 and mine[0].thread.is_alive()
        wait_for(lambda: anchors(ctx, provider) != [], "the app's worker to anchor the head")
    finally:
        for worker in mine:
            worker.stop(15)
            worker.engine.dispose()  # the app's cached engine: close its pooled connections


def test_a_tick_costs_one_query_while_nothing_changes(
        ctx: Context, local_tsa: LocalTSA) -> None:
    from datetime import UTC, datetime, timedelta

    from sqlalchemy import event

    from surveys.anchor_worker import AnchorWorker
    from tests.anchor_support import add_record, provider_with_records

    provider = provider_with_records(ctx)
    url = local_tsa.url("rsa")
    clock = [datetime(2026, 11, 29, 8, 0, tzinfo=UTC)]
    worker = AnchorWorker(ctx.engine, with_tsa(ctx, url), clock=lambda: clock[0])
    statements: list[str] = []
    event.listen(ctx.engine, "before_cursor_execute",
                 lambda _c, _cur, sql, *_a: statements.append(sql))
    worker.tick()
    assert [a.head_seq for a in anchors(ctx, provider)] == [2]
    statements.clear()
    worker.tick()
    worker.tick()
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) == 2
    add_record(ctx, provider)
    clock[0] += timedelta(seconds=10)
    worker.tick()  # new record, but the TSA was asked 10 s ago: it waits
    assert local_tsa.count(url) == 1
    clock[0] += timedelta(seconds=55)
    worker.tick()
    assert [a.head_seq for a in anchors(ctx, provider)] == [2, 3] and local_tsa.count(url) == 2
