"""Benchmark 5: 50 phone sessions confirm at the same moment against one server: time to receipt.

The phones are headless Chromium pages on the same 2-core machine as the server, so the figure
includes the browsers' own work of drawing the receipt (real phones bring their own CPUs).
"""

from __future__ import annotations

import asyncio
import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import Row

SESSIONS = int(os.environ.get("STAR_SURVEY_BURST", "50"))


async def _fill(browser: Any, url: str, signer: str) -> Any:
    """Return a page with the form filled and signed, at the confirmation step."""
    from surveys.form_a1 import ITEMS
    from surveys.i18n import tr
    from tests.form_driver import PHONE, SCORES

    context = await browser.new_context(**PHONE)
    page = await context.new_page()
    await _watch_frames(page)
    await page.goto(url)
    for item, score in zip(ITEMS, SCORES, strict=True):  # one tap per item, as on a phone
        await page.locator(f".st-key-form_w_item{item.no}").get_by_role(
            "radio", name=str(score), exact=True).tap(timeout=300000)
        await page.locator(f".st-key-form_w_item{item.no} [role=radio][aria-checked=true]").wait_for(
            timeout=300000)
    await page.get_by_label(tr("form_signer_name")).fill(signer)
    await page.get_by_label(tr("form_signer_name")).press("Tab")
    canvas = page.locator("canvas.upper-canvas")
    await canvas.scroll_into_view_if_needed(timeout=300000)
    box = await canvas.bounding_box()
    await page.mouse.move(box["x"] + 30, box["y"] + 100)
    await page.mouse.down()
    for dx, dy in ((70, 40), (110, 110), (160, 50), (220, 120)):
        await page.mouse.move(box["x"] + dx, box["y"] + dy, steps=4)
    await page.mouse.up()
    await page.get_by_text(tr("form_signed")).wait_for(timeout=300000)
    await page.get_by_role("button", name=tr("form_review")).click(timeout=300000)
    await page.get_by_role("button", name=tr("form_confirm")).wait_for(timeout=300000)
    return page


async def _watch_frames(page: Any) -> None:
    """Record the page's websocket frames with the browser's network timestamps (CDP)."""
    import base64

    from surveys.i18n import tr

    marker = tr("form_saved").encode()
    frames: dict[str, list[tuple[float, bool]]] = {"sent": [], "received": []}
    page.frames_log = frames  # type: ignore[attr-defined]
    cdp = await page.context.new_cdp_session(page)
    await cdp.send("Network.enable")

    def received(event: dict[str, Any]) -> None:
        payload = event["response"]["payloadData"]
        data = base64.b64decode(payload) if event["response"]["opcode"] == 2 else payload.encode()
        frames["received"].append((event["timestamp"], marker in data))

    cdp.on("Network.webSocketFrameSent",
           lambda event: frames["sent"].append((event["timestamp"], False)))
    cdp.on("Network.webSocketFrameReceived", received)


def _wire_seconds(page: Any, sent_before: int) -> float:
    """Return seconds from the confirm click leaving the browser to the receipt arriving."""
    frames = page.frames_log
    clicked = frames["sent"][sent_before][0]
    arrived = next(t for t, has_receipt in frames["received"] if has_receipt and t >= clicked)
    return float(arrived - clicked)


async def _confirm(page: Any) -> tuple[float, float]:
    """Return (seconds until the receipt shows on the page, seconds on the wire)."""
    from surveys.i18n import tr

    sent_before = len(page.frames_log["sent"])
    started = time.perf_counter()
    await page.get_by_role("button", name=tr("form_confirm")).click()
    await page.get_by_text(tr("form_saved")).wait_for(timeout=600000)
    return time.perf_counter() - started, _wire_seconds(page, sent_before)


async def _burst(base: str, urls: list[str]) -> tuple[list[tuple[float, float]], tuple[float, float]]:
    """Return (each session's (shown, wire) time to receipt in the burst, one session's alone)."""
    from playwright.async_api import async_playwright

    from tests.browser_support import CHROMIUM, CHROMIUM_ARGS

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        alone_page = await _fill(browser, urls[0].replace("http://survey.test", base), "单独")
        alone = await _confirm(alone_page)
        pages = []
        for start in range(1, SESSIONS + 1, 5):  # fill in groups of five to spare the 2 cores
            pages += await asyncio.gather(*[
                _fill(browser, url.replace("http://survey.test", base), f"签字人{n}")
                for n, url in enumerate(urls[start:start + 5], start)])
        times = await asyncio.gather(*[_confirm(page) for page in pages])
        await browser.close()
    return list(times), alone


def run() -> list[Row]:
    """Return median, p95 and worst time to receipt of simultaneous confirmations."""
    from sqlalchemy import func
    from sqlmodel import select

    from surveys.db import read_session
    from surveys.models import Response
    from tests.browser_support import free_port, running_app
    from tests.fault_support import chain_is_linear, verify_ok
    from tests.form_driver import install, server_env

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        installation = install(f"sqlite:///{folder / 'b.db'}", folder, SESSIONS + 1)
        port = free_port()
        env = server_env(installation, folder / "server", f"http://127.0.0.1:{port}")
        with running_app(env, port) as base:
            pairs, (alone, alone_wire) = asyncio.run(_burst(base, installation.urls))
        engine = installation.ctx.engine
        with read_session(engine) as session:
            stored = session.exec(select(func.count()).select_from(Response)).one()
        chain_is_linear(engine, installation.provider_id)
        verify_ok(engine, installation.ctx.signer)
        engine.dispose()
    note = f"{stored} of {SESSIONS + 1} stored once, chain verifies"
    wire = [w for _, w in pairs]
    times = [shown for shown, _ in pairs]
    wire_note = note + "; click leaving the browser to receipt arriving (CDP), no rendering"
    rows = [
        Row("5 burst", f"{SESSIONS} sessions confirm at once: p95 on the wire",
            statistics.quantiles(wire, n=20)[18], "s", alone_wire, "one session alone", "< 3 s",
            wire_note),
        Row("5 burst", f"{SESSIONS} sessions confirm at once: median on the wire",
            statistics.median(wire), "s", alone_wire, "one session alone", "", wire_note),
    ]
    return rows + [
        Row("5 burst", f"{SESSIONS} sessions confirm at once: median time to receipt",
            statistics.median(times), "s", alone, "one session alone", "", note),
        Row("5 burst", f"{SESSIONS} sessions confirm at once: p95 time to receipt",
            statistics.quantiles(times, n=20)[18], "s", alone, "one session alone", "< 3 s", note),
        Row("5 burst", f"{SESSIONS} sessions confirm at once: worst time to receipt", max(times),
            "s", alone, "one session alone", "", note),
    ]
