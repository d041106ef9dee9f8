"""web_server.py: Streamlit's internal endpoints closed to the public (issue 13 item 14)."""

from __future__ import annotations

import asyncio
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

import web_server
from tests.browser_support import running_app


def _get(url: str) -> int:
    """Return the HTTP status of a GET."""
    try:
        with urllib.request.urlopen(url, timeout=10) as reply:
            return int(reply.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def test_metrics_are_not_public_on_the_served_app(tmp_path: Path) -> None:
    env = {"STAR_SURVEY_DB": f"sqlite:///{tmp_path / 'survey.db'}",
           "STAR_SURVEY_DATA_DIR": str(tmp_path / "data"), "STAR_SURVEY_DEV_MODE": ""}
    with running_app(env) as base:
        assert _get(f"{base}/_stcore/health") == 200
        assert _get(f"{base}/_stcore/metrics") == 404
        assert _get(f"{base}/_stcore/metrics/") == 404
        assert _get(f"{base}/some/page/_stcore/metrics") == 404


def _call(path: str) -> tuple[int, bool]:
    """Return the status GuardRoutes sends for a GET of path and whether Streamlit was asked."""
    reached: list[bool] = []
    sent: list[dict[str, Any]] = []

    async def inner(scope: Any, receive: Any, send: Any) -> None:
        reached.append(True)
        await send({"type": "http.response.start", "status": 200, "headers": []})

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b""}

    scope = {"type": "http", "method": "GET", "path": path, "headers": []}
    # A thread of its own: a browser test's sync Playwright may keep a loop running in this one.
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, web_server.GuardRoutes(inner)(scope, receive, send)).result()
    return int(sent[0]["status"]), bool(reached)


def test_developer_mode_opens_the_metrics(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(web_server.DEV_MODE_ENV, raising=False)
    assert _call("/_stcore/metrics") == (404, False)
    assert _call("/_stcore/health") == (200, True)
    monkeypatch.setenv(web_server.DEV_MODE_ENV, "1")
    assert _call("/_stcore/metrics") == (200, True)


def test_the_first_visitor_after_a_start_cannot_run_a_page_file_directly(
    desktop_page: Any, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    from surveys import users
    from surveys.access import SYSTEM
    from surveys.db import run_write
    from tests.browser_support import require_browser
    from tests.test_workspace_browser import fresh_install

    require_browser()
    ctx, env = fresh_install(tmp_path)
    run_write(ctx.engine, lambda s: users.create_user(
        session=s, actor=SYSTEM, username="boss@example.com", password="correct-horse-battery",
        role="admin"))
    page = desktop_page
    with running_app(env) as base:
        # The very first request of the process names a page file of pages/.
        page.goto(f"{base}/clients")
        expect(page.get_by_label("用户名")).to_be_visible(timeout=30000)
        expect(page.get_by_text("还没有服务单位")).to_have_count(0)
        expect(page.get_by_text("client form chrome")).to_have_count(0)  # no v1 page list
        expect(page.get_by_text("Page not found")).to_have_count(0)
    ctx.engine.dispose()


def _serve_twice(path: str, accept: str) -> tuple[list[list[dict[str, Any]]], int]:
    """Return what CompressStatic sent for two GETs of path, and how often Streamlit was asked."""
    asked: list[str] = []
    body = b"console.log('star-survey');\n" * 200

    async def inner(scope: Any, receive: Any, send: Any) -> None:
        asked.append(scope["path"])
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"application/javascript"),
                                (b"cache-control", b"public, max-age=31536000"),
                                (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b""}

    async def twice() -> list[list[dict[str, Any]]]:
        middleware, replies = web_server.CompressStatic(inner), []
        for _ in range(2):
            sent: list[dict[str, Any]] = []

            async def send(message: dict[str, Any], sent: list[dict[str, Any]] = sent) -> None:
                sent.append(message)

            scope = {"type": "http", "method": "GET", "path": path, "query_string": b"",
                     "headers": [(b"accept-encoding", accept.encode())]}
            await middleware(scope, receive, send)
            replies.append(sent)
        return replies

    with ThreadPoolExecutor(1) as pool:
        replies = pool.submit(asyncio.run, twice()).result()
    return replies, len(asked)


def test_a_static_file_is_read_and_compressed_once_then_served_from_memory() -> None:
    import gzip

    replies, asked = _serve_twice("/static/js/index.abc123.js", "gzip, deflate, br")
    assert asked == 1, "the second request was answered from memory without Streamlit"
    assert replies[0] == replies[1]
    headers = dict(replies[1][0]["headers"])
    assert headers[b"content-encoding"] == b"gzip" and headers[b"vary"] == b"Accept-Encoding"
    assert headers[b"cache-control"] == b"public, max-age=31536000"
    body = replies[1][1]["body"]
    assert headers[b"content-length"] == str(len(body)).encode()
    assert gzip.decompress(body) == b"console.log('star-survey');\n" * 200


@pytest.mark.parametrize(("path", "accept"), [
    ("/static/js/index.abc123.js", "identity"),  # no gzip asked: Streamlit answers each time
    ("/media/0123abcd.png", "gzip"),              # media are per session: never kept
    ("/", "gzip"),                                 # the shell: never kept
])
def test_only_compressed_static_files_are_kept(path: str, accept: str) -> None:
    _, asked = _serve_twice(path, accept)
    assert asked == 2


def test_uvicorns_connections_send_small_writes_at_once() -> None:
    """Streamlit binds its socket with protocol 0, so asyncio leaves Nagle on: a reply's body
    then waits for the browser's delayed ACK (~40 ms per reply and per websocket burst)."""
    import socket

    import uvicorn
    from uvicorn.protocols.http.h11_impl import H11Protocol
    from uvicorn.server import ServerState

    web_server.send_without_delay()

    async def app(scope: Any, receive: Any, send: Any) -> None:
        return None

    async def accepted_nodelay() -> int:
        config = uvicorn.Config(app, http="h11", lifespan="off", log_level="error")
        config.load()
        state = ServerState()
        listening = socket.socket(socket.AF_INET, socket.SOCK_STREAM)  # proto 0, as Streamlit
        listening.bind(("127.0.0.1", 0))
        listening.listen()
        listening.setblocking(False)
        loop = asyncio.get_running_loop()
        server = await loop.create_server(lambda: H11Protocol(config, state, {}), sock=listening)
        client = socket.create_connection(listening.getsockname())
        for _ in range(200):
            if state.connections:
                break
            await asyncio.sleep(0.01)
        (connection,) = state.connections
        value = connection.transport.get_extra_info("socket").getsockopt(  # type: ignore[attr-defined]
            socket.IPPROTO_TCP, socket.TCP_NODELAY)
        client.close()
        server.close()
        return int(value)

    with ThreadPoolExecutor(1) as pool:
        assert pool.submit(asyncio.run, accepted_nodelay()).result() == 1
