"""Real-browser test support: start the app on a free port, drive Debian's Chromium."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("STAR_SURVEY_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]
PHONE = {"width": 390, "height": 844}
ARTIFACTS = ROOT / "tests" / "artifacts"
SERVER_LOGS: dict[str, Path] = {}  # base URL -> file with the server's stdout and stderr


def require_browser() -> None:
    """Skip (or, under REQUIRE_BROWSER=1, fail) when Chromium or Playwright is missing."""
    problem = None
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        problem = "the playwright package is not installed"
    if problem is None and not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        problem = f"no Chromium at {CHROMIUM} (apt-get install chromium)"
    if problem:
        if os.environ.get("REQUIRE_BROWSER", "").lower() in ("1", "true", "yes"):
            pytest.fail(problem + " and REQUIRE_BROWSER=1")
        pytest.skip(problem)


def free_port() -> int:
    """Return a free TCP port on the loopback interface."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_healthy(base: str, process: subprocess.Popen[bytes], log: Path,
                       seconds: float = 60) -> None:
    """Return once base answers /_stcore/health; raise with the server's log if it never does."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as reply:
                if reply.read() == b"ok":
                    return
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"the app did not start:\n{log.read_text(errors='replace')}")
        time.sleep(0.2)


@contextmanager
def running_app(env: dict[str, str], port: int | None = None) -> Iterator[str]:
    """Yield the base URL of survey_app.py served as `serve` does; its output: SERVER_LOGS[base]."""
    port = port or free_port()
    command = [
        sys.executable, "-m", "web_server", "--server.port", str(port),
        "--server.address", "127.0.0.1",
    ]
    full_env = {**os.environ, **env, "STAR_SURVEY_PORT": str(port)}
    log = tempfile.NamedTemporaryFile(prefix=f"star-survey-{port}-", suffix=".log", delete=False)
    process = subprocess.Popen(command, cwd=ROOT, env=full_env, stdout=log,
                               stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    SERVER_LOGS[base] = Path(log.name)
    try:
        wait_until_healthy(base, process, Path(log.name))
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Yield a headless Debian Chromium driven by Playwright (one per test session)."""
    require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS,
                                              headless=True)
        yield instance
        instance.close()


@pytest.fixture
def phone_page(browser: object) -> Iterator[object]:
    """Yield a fresh page with a phone-sized viewport (390 x 844, touch)."""
    context = browser.new_context(viewport=PHONE, device_scale_factor=2,  # type: ignore[attr-defined]
                                  has_touch=True, is_mobile=True, locale="zh-CN")
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def desktop_page(browser: object) -> Iterator[object]:
    """Yield a fresh page with a desktop viewport (1280 x 900)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900},  # type: ignore[attr-defined]
                                  locale="zh-CN")
    page = context.new_page()
    yield page
    context.close()


def screenshot(page: object, name: str) -> Path:
    """Return the path of a full-length screenshot saved under tests/artifacts/."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    height = page.evaluate(  # type: ignore[attr-defined]
        "() => (document.querySelector('[data-testid=stMain]') || document.body).scrollHeight")
    size = page.viewport_size  # type: ignore[attr-defined]
    page.set_viewport_size({"width": size["width"], "height": max(size["height"], height)})  # type: ignore[attr-defined]
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)  # type: ignore[attr-defined]
    page.set_viewport_size(size)  # type: ignore[attr-defined]
    return path


def sign_in(page: Any, base: str, username: str, password: str) -> None:
    """Open the workspace at base and sign in as a person would (waits for 退出登录)."""
    from playwright.sync_api import expect

    page.goto(base)
    expect(page.get_by_label("用户名")).to_be_visible(timeout=30000)
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("button", name="退出登录")).to_be_visible(timeout=30000)
