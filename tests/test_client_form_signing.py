"""Signing and pressing 检查并提交 in one go: the pad's new drawing counts for that very press.

A phone whose pad update and review tap reach the server together (a fast finger, or a loaded
server that merges the two reruns) sends one rerun carrying both. Spoken here with the
benchmark's protocol-level phone (bench/phones.py), which sends exactly that message.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from bench.phones import Phone, token_of
from surveys.clock import beijing_today
from surveys.db import run_write
from surveys.drafts import Draft, save_draft
from surveys.form_a1 import ITEMS
from surveys.i18n import tr
from tests.browser_support import free_port, running_app
from tests.form_driver import SCORES, install, server_env


def _unsigned_draft(ctx: Any, url: str) -> str:
    """Return the link's token after keeping a filled-in draft that is not signed yet."""
    fields: dict[str, Any] = {f"item{i.no}": s for i, s in zip(ITEMS, SCORES, strict=True)}
    fields.update(signer_name="快手", base_id=None, correcting=False)
    token = token_of(url)
    draft = Draft(fields=fields, signature_json="", signature_png=None)
    assert run_write(ctx.engine, lambda s: save_draft(session=s, token=token, draft=draft,
                                                      today=beijing_today()))
    return token


async def _sign_and_review(base: str, token: str) -> list[str]:
    """Return the texts shown after one rerun carrying the first drawing and the review press."""
    async with Phone(base, token) as phone:
        opened = await phone.open()
        assert tr("form_signed") not in opened.texts
        try:
            return (await phone.review()).texts
        except AssertionError as exc:
            return [str(exc)]


def test_a_drawing_sent_with_the_review_press_counts(tmp_path: Path) -> None:
    installation = install(f"sqlite:///{tmp_path / 'sign.db'}", tmp_path, 1)
    token = _unsigned_draft(installation.ctx, installation.urls[0])
    port = free_port()
    env = server_env(installation, tmp_path / "server", f"http://127.0.0.1:{port}")
    with running_app(env, port) as base, ThreadPoolExecutor(1) as pool:
        texts = pool.submit(asyncio.run, _sign_and_review(base, token)).result()
    installation.ctx.engine.dispose()
    assert tr("form_confirm_title") in texts, texts
