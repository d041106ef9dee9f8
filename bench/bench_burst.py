"""Benchmark 5: 50 phone sessions confirm at the same moment against one server: time to receipt.

The phones are headless Chromium pages on the same 2-core machine as the server. Real phones
bring their own CPUs, so the server gets the first core to itself and the phones (Chromium,
Playwright and this harness) the others, with the pages' drawing (renderer and GPU processes)
at the lowest priority there: the browser process, which timestamps the websocket frames, is
not starved by 50 pages drawing. The *shown* times therefore include 50 pages drawing on one
shared core; the *on the wire* times are the server's answer as a phone's network sees it.
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
DRAWING = (b"--type=renderer", b"--type=gpu-process")


def _processes(marker: bytes) -> list[tuple[int, bytes]]:
    """Return (pid, command line) of every process whose command line contains marker."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                command = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if marker in command:
                found.append((int(entry.name), command))
    return found


def _pin(pid: int, cores: set[int]) -> None:
    """Put every thread of a process on these cores (threads started later inherit it)."""
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            os.sched_setaffinity(int(task.name), cores)
        except OSError:
            pass


def _server_core(port: int) -> str:
    """Give the server on port the first core and this harness the rest; return a note."""
    cores = sorted(os.sched_getaffinity(0))
    if len(cores) < 2:
        return "not pinned: one core"
    for pid, command in _processes(f"--server.port\0{port}".encode()):
        if b"web_server" in command:
            _pin(pid, {cores[0]})
    os.sched_setaffinity(0, set(cores[1:]))  # Playwright and Chromium, started later, inherit
    return f"server on core {cores[0]}, phones on {len(cores) - 1} other core(s)"


def _drawing_last(chromium: str) -> None:
    """Lower the phones' drawing processes to the lowest priority on their cores."""
    for pid, command in _processes(chromium.encode()):
        if any(kind in command for kind in DRAWING):
            try:
                os.setpriority(os.PRIO_PROCESS, pid, 19)
            except OSError:
                pass


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
        _drawing_last(Path(CHROMIUM).name)
        alone = await _confirm(alone_page)
        pages = []
        for start in range(1, SESSIONS + 1, 5):  # fill in groups of five to spare the 2 cores
            pages += await asyncio.gather(*[
                _fill(browser, url.replace("http://survey.test", base), f"签字人{n}")
                for n, url in enumerate(urls[start:start + 5], start)])
        _drawing_last(Path(CHROMIUM).name)
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
        affinity = os.sched_getaffinity(0)
        with running_app(env, port) as base:
            placed = _server_core(port)
            try:
                pairs, (alone, alone_wire) = asyncio.run(_burst(base, installation.urls))
            finally:
                os.sched_setaffinity(0, affinity)
        engine = installation.ctx.engine
        with read_session(engine) as session:
            stored = session.exec(select(func.count()).select_from(Response)).one()
        chain_is_linear(engine, installation.provider_id)
        verify_ok(engine, installation.ctx.signer)
        engine.dispose()
    note = f"{stored} of {SESSIONS + 1} stored once, chain verifies; {placed}"
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
