"""Benchmark 5: 50 phone sessions confirm at the same moment against one server: time to receipt.

The server gets the first core of this 2-core machine to itself; the phones run on the other.
Two kinds of phone, each against a fresh server and database of its own:

* Protocol phones (bench/phones.py, bench/st_client.py): each a Streamlit session speaking the
  websocket protocol directly, from one event loop in this process. Each sends the BackMsg a
  browser sends at confirm (every widget's value and the button's trigger) and times the receipt
  on the wire: from its BackMsg leaving to the ForwardMsg with the receipt arriving. No page is
  drawn, so the harness costs little and the figure is the server's answer. Set
  STAR_SURVEY_BURST_MORE=100 for a second protocol burst of that many phones.
* Browser pages: headless Chromium pages, with the pages' drawing (renderer and GPU processes)
  at the lowest priority on their core: the browser process, which timestamps the websocket
  frames, is not starved by 50 pages drawing. The *shown* times include 50 pages drawing on one
  shared core (25-32 s of CPU), which is why the protocol phones were added; the *on the wire*
  times are CDP's timestamps. STAR_SURVEY_BURST_BROWSERS=0 leaves them out.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from bench import Row

T = TypeVar("T")

SESSIONS = int(os.environ.get("STAR_SURVEY_BURST", "50"))
MORE = int(os.environ.get("STAR_SURVEY_BURST_MORE", "0"))  # a second protocol burst, 0: none
BROWSERS = os.environ.get("STAR_SURVEY_BURST_BROWSERS", "1") not in ("0", "no", "false")
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
    await page.goto(url, timeout=300000)  # 50 pages loading on one core: the default 30 s failed once
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


def _served(clients: int, work: Callable[[str, Any], T]) -> tuple[T, str]:
    """Return work(base URL, installation) against a fresh server and database, and a note.

    The note says how many forms were stored (each exactly once: one per client), that the
    chain is linear and verifies, and where server and phones ran.
    """
    from sqlalchemy import func
    from sqlmodel import select

    from surveys.db import read_session
    from surveys.models import Response
    from tests.browser_support import free_port, running_app
    from tests.fault_support import chain_is_linear, verify_ok
    from tests.form_driver import install, server_env

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        installation = install(f"sqlite:///{folder / 'b.db'}", folder, clients)
        port = free_port()
        env = server_env(installation, folder / "server", f"http://127.0.0.1:{port}")
        affinity = os.sched_getaffinity(0)
        with running_app(env, port) as base:
            placed = _server_core(port)
            try:
                result = work(base, installation)
            finally:
                os.sched_setaffinity(0, affinity)
        engine = installation.ctx.engine
        with read_session(engine) as session:
            stored = session.exec(select(func.count()).select_from(Response)).one()
        assert stored == clients, f"{stored} forms stored for {clients} clients"
        chain_is_linear(engine, installation.provider_id)
        verify_ok(engine, installation.ctx.signer)
        engine.dispose()
    return result, f"{stored} of {clients} stored once, chain verifies; {placed}"


def _protocol_rows(phones: int) -> list[Row]:
    """Return p95 and median time to receipt on the wire of protocol phones confirming at once."""
    from bench.phones import burst, keep_drafts

    def work(base: str, installation: Any) -> tuple[list[float], float, float]:
        tokens = keep_drafts(installation.ctx, installation.urls, "签字人")
        return asyncio.run(burst(base, tokens))

    (times, alone, cpu), note = _served(phones + 1, work)
    note += (f"; protocol-level phones (one event loop, {cpu:.2f} s of its CPU in the burst): "
             f"the same BackMsg a browser sends at confirm, no rendering; worst {max(times):.2f} s")
    case = f"{phones} protocol phones confirm at once"
    return [
        Row("5 burst", f"{case}: p95 on the wire", statistics.quantiles(times, n=20)[18], "s",
            alone, "one session alone", "< 3 s", note),
        Row("5 burst", f"{case}: median on the wire", statistics.median(times), "s", alone,
            "one session alone", "", note),
    ]


def _browser_rows() -> list[Row]:
    """Return median, p95 and worst time to receipt of browser pages confirming at once."""
    (pairs, (alone, alone_wire)), note = _served(
        SESSIONS + 1, lambda base, installation: asyncio.run(_burst(base, installation.urls)))
    wire = [w for _, w in pairs]
    times = [shown for shown, _ in pairs]
    wire_note = note + "; click leaving the browser to receipt arriving (CDP), no rendering"
    case = f"{SESSIONS} browser pages confirm at once"
    return [
        Row("5 burst", f"{case}: p95 on the wire", statistics.quantiles(wire, n=20)[18], "s",
            alone_wire, "one session alone", "< 3 s", wire_note),
        Row("5 burst", f"{case}: median on the wire", statistics.median(wire), "s", alone_wire,
            "one session alone", "", wire_note),
        Row("5 burst", f"{case}: median time to receipt", statistics.median(times), "s", alone,
            "one session alone", "", note),
        Row("5 burst", f"{case}: p95 time to receipt", statistics.quantiles(times, n=20)[18], "s",
            alone, "one session alone", "< 3 s", note),
        Row("5 burst", f"{case}: worst time to receipt", max(times), "s", alone,
            "one session alone", "", note),
    ]


def run() -> list[Row]:
    """Return the burst's rows: protocol phones (50, optionally more), then browser pages."""
    rows = _protocol_rows(SESSIONS)
    if MORE:
        rows += _protocol_rows(MORE)
    return rows + (_browser_rows() if BROWSERS else [])
