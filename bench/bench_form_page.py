"""Benchmark 4: the client form at phone size in headless Chromium: time to usable, bytes moved.

"Usable" is the first screen (web_first.py): the nine score rows, sent in the HTML shell, that
take taps at once and hand them to the form. "The whole form drawn" waits until Streamlit has
drawn its own form and the first screen has handed over.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import Row

HELLO = 'import streamlit as st\n\nst.write("你好 hello")\n'
REPEAT = 5  # fresh browser contexts per page; the median of each figure is reported


def _measure(browser: Any, url: str, ready: Any, settled: Any) -> tuple[float, float, float]:
    """Return (cold seconds, cold KiB, warm seconds) until ready(page) returns, one context.

    The bytes are counted until settled(page) returns and half a second after: the whole load.
    """
    from tests.form_driver import PHONE

    context = browser.new_context(**PHONE)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    moved = [0.0]
    cdp.on("Network.loadingFinished", lambda e: moved.__setitem__(0, moved[0] + e["encodedDataLength"]))
    cdp.on("Network.webSocketFrameReceived",
           lambda e: moved.__setitem__(0, moved[0] + len(e["response"]["payloadData"])))
    started = time.perf_counter()
    page.goto(url, wait_until="commit")  # ready() is the clock's end, not the load event
    ready(page)
    cold = time.perf_counter() - started
    settled(page)
    page.wait_for_timeout(500)
    kib = moved[0] / 1024
    started = time.perf_counter()
    page.goto(url, wait_until="commit")
    ready(page)
    warm = time.perf_counter() - started
    settled(page)
    context.close()
    return cold, kib, warm


def _medians(samples: list[tuple[float, float, float]]) -> tuple[float, float, float]:
    """Return the median of each figure over the samples."""
    cold, kib, warm = zip(*samples, strict=True)
    return statistics.median(cold), statistics.median(kib), statistics.median(warm)


def run() -> list[Row]:
    """Return time-to-usable and bytes of the form page against a one-line Streamlit page."""
    from playwright.sync_api import sync_playwright

    from tests.browser_support import CHROMIUM, CHROMIUM_ARGS, free_port, running_app
    from tests.form_driver import install, server_env

    def form_ready(page: Any) -> None:  # the first score can be tapped, on either screen
        page.locator("#ss-first [data-item='1'] [data-score='0'], "  # warm: may be handed over
                     ".st-key-form_w_item1 [role=radio]").first.wait_for(timeout=60000)

    def form_drawn(page: Any) -> None:  # Streamlit has drawn the form and taken over
        page.locator(".st-key-form_w_item1").get_by_role("radio", name="0", exact=True).wait_for(
            timeout=60000)
        page.locator("#ss-first").wait_for(state="detached", timeout=60000)

    def hello_ready(page: Any) -> None:
        page.get_by_text("你好 hello").wait_for(timeout=60000)

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        installation = install(f"sqlite:///{folder / 'f.db'}", folder, 1)
        (folder / "hello.py").write_text(HELLO)
        port = free_port()
        env = server_env(installation, folder / "server", f"http://127.0.0.1:{port}")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            with running_app(env, port) as base:
                url = installation.urls[0].replace("http://survey.test", base)
                _measure(browser, url, form_drawn, form_drawn)  # the first run compiles pages
                form = _medians([_measure(browser, url, form_ready, form_drawn)
                                 for _ in range(REPEAT)])
                drawn = _medians([_measure(browser, url, form_drawn, form_drawn)
                                  for _ in range(REPEAT)])
            with _hello_app(folder / "hello.py") as base:
                _measure(browser, base, hello_ready, hello_ready)
                hello = _medians([_measure(browser, base, hello_ready, hello_ready)
                                  for _ in range(REPEAT)])
            browser.close()
        installation.ctx.engine.dispose()
    return [
        Row("4 form page", "phone, cold cache: navigation to usable form (first screen)",
            form[0], "s", hello[0], "one-line Streamlit page", "<= 1.2x baseline",
            f"median of {REPEAT}; web_first.py"),
        Row("4 form page", "phone, cold cache: navigation to the whole form drawn", drawn[0], "s",
            hello[0], "one-line Streamlit page", "", f"median of {REPEAT}; Streamlit took over"),
        Row("4 form page", "phone, cold cache: bytes transferred", form[1], "KiB", hello[1],
            "one-line Streamlit page", "<= 40 % of 3.36 MB",
            "HTTP encoded + websocket frames (CDP)"),
        Row("4 form page", "phone, warm cache: navigation to usable form", form[2], "s", hello[2],
            "one-line Streamlit page", "", f"median of {REPEAT}"),
    ]


def _hello_app(script: Path) -> Any:
    """Return a context manager serving a one-line Streamlit script (the baseline)."""
    import os
    import subprocess
    import sys
    import urllib.request
    from contextlib import contextmanager

    from tests.browser_support import free_port

    port = free_port()

    @contextmanager
    def serving() -> Any:
        command = [sys.executable, "-m", "streamlit", "run", str(script), "--server.headless",
                   "true", "--server.port", str(port), "--server.address", "127.0.0.1",
                   "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"]
        process = subprocess.Popen(command, env=dict(os.environ), stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
        try:
            for _ in range(300):
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health") as r:
                        if r.read() == b"ok":
                            break
                except OSError:
                    time.sleep(0.2)
            yield f"http://127.0.0.1:{port}"
        finally:
            process.terminate()
            process.wait(timeout=10)

    return serving()
