"""The benchmark's protocol-level phone: one session opens a link, reviews, confirms; no browser."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from sqlmodel import select

from bench.phones import Phone, keep_drafts
from surveys.db import read_session
from surveys.form_a1 import ITEMS
from surveys.i18n import tr
from surveys.models import Response
from tests.browser_support import free_port, running_app
from tests.form_driver import SCORES, install, server_env


async def _one_phone(base: str, token: str) -> tuple[float, list[str], list[str]]:
    """Return (seconds to receipt, texts after review, texts after confirming) of one phone."""
    async with Phone(base, token) as phone:
        await phone.open()
        reviewed = await phone.review()
        seconds = await phone.confirm()
        return seconds, reviewed.texts, phone.last.texts


def test_one_protocol_phone_stores_its_form_once(tmp_path: Path) -> None:
    installation = install(f"sqlite:///{tmp_path / 'one.db'}", tmp_path, 1)
    tokens = keep_drafts(installation.ctx, installation.urls, "协议")
    port = free_port()
    env = server_env(installation, tmp_path / "server", f"http://127.0.0.1:{port}")
    with running_app(env, port) as base, ThreadPoolExecutor(1) as pool:
        # a thread of its own: a browser test's sync Playwright may keep a loop in this one
        seconds, reviewed, confirmed = pool.submit(asyncio.run, _one_phone(base, tokens[0])).result()
    assert tr("form_confirm_title") in reviewed
    assert tr("form_saved") in confirmed
    assert 0 < seconds < 60
    with read_session(installation.ctx.engine) as session:
        rows = session.exec(select(Response)).all()
    assert len(rows) == 1
    assert [getattr(rows[0], f"item{item.no}") for item in ITEMS] == SCORES
    assert (rows[0].signer_name, rows[0].origin) == ("协议0", "web")
    installation.ctx.engine.dispose()
