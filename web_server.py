"""Serve survey_app.py with Streamlit: static files gzip-compressed once, the page in Chinese.

`python -m web_server [streamlit flags]` is what `star-survey serve`, the browser tests and the
benchmarks start. It is `streamlit run survey_app.py` plus one ASGI middleware in front of
Streamlit's own:

* Streamlit 1.67 deliberately serves its 3.4 MB of JavaScript and CSS uncompressed (it would
  re-compress on every request). Here each static file is compressed once, kept in memory
  (bounded) and served with `Content-Encoding: gzip` to browsers that ask for it; later requests
  for it are answered from memory without Streamlit reading the file again (a burst of phones
  fetches the same chunks at the same moment).
* The HTML shell says `<html lang="zh-CN">` and carries the app's Chinese title, so a phone
  (and WeChat's title bar) never shows "Streamlit" or an English page before the script runs.
  On a client link it also preloads the form's widgets, and the main bundle is served so that
  they render without React's suspense wait: web_shell.py says how.
* The workspace's sign-in cookie, `/auth/session` and `/auth/logout`, and the binding of
  Streamlit session ids to the browser that opened them: web_auth.py.
* Streamlit's v1 "pages/ folder" mode is switched off: only survey_app.py routes.
* Every connection is set TCP_NODELAY (`send_without_delay`): Streamlit's own socket leaves
  Nagle's algorithm on, which added ~40 ms to most replies and websocket bursts.
* `/_stcore/metrics` (Streamlit's session and cache figures) answers 404 unless developer mode
  is on (`STAR_SURVEY_DEV_MODE=1`): it is no business of the public.

Client addresses: uvicorn rewrites the peer from `X-Forwarded-For` only when the connection
comes from an address in `FORWARDED_ALLOW_IPS` (default `127.0.0.1,::1`, i.e. nginx on the same
machine; see docs/client-form.md).
"""

from __future__ import annotations

import gzip
import os
import socket
import sys
import threading
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any

from web_first import is_client_link, with_first_screen
from web_shell import is_bundle, localise_shell, patch_bundle, public_shell

APP_FILE = Path(__file__).resolve().parent / "survey_app.py"
COMPRESSIBLE = ("text/", "application/javascript", "application/json", "image/svg+xml",
                "application/wasm", "font/ttf", "application/x-font-ttf")
MIN_SIZE = 1024
CACHE_LIMIT = 64 * 1024 * 1024   # compressed bytes kept in memory at most

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


Header = tuple[bytes, bytes]


class _Cache:
    """Compressed static replies by path (content-hashed file names never change); bounded."""

    def __init__(self, limit: int = CACHE_LIMIT) -> None:
        self._items: dict[str, tuple[list[Header], bytes]] = {}
        self._size = 0
        self._limit = limit
        self._lock = threading.Lock()

    def get(self, key: str) -> tuple[list[Header], bytes] | None:
        """Return the headers and compressed body kept for key, or None."""
        with self._lock:
            return self._items.get(key)

    def put(self, key: str, headers: list[Header], body: bytes) -> None:
        """Keep a compressed reply unless the cache is full."""
        with self._lock:
            if key not in self._items and self._size + len(body) <= self._limit:
                self._items[key] = (headers, body)
                self._size += len(body)


async def _send_reply(send: Send, status: int, headers: list[Header], body: bytes) -> None:
    """Send a whole HTTP reply."""
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class CompressStatic:
    """ASGI middleware: gzip and localise the shell; gzip static files once, then reply from memory."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.cache = _Cache()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass everything through except GET of pages and /static/ files."""
        path = str(scope.get("path", ""))
        if (scope.get("type") != "http" or scope.get("method") != "GET"
                or "/_stcore/" in path or "/media/" in path or "/component/" in path):
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1")
                   for k, v in scope.get("headers", [])}
        wants_gzip = "gzip" in headers.get("accept-encoding", "") and "range" not in headers
        kept = self.cache.get(path) if wants_gzip and "/static/" in path else None
        if kept is not None:
            await _send_reply(send, 200, *kept)
            return
        start: dict[str, Any] = {}
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
            elif message["type"] == "http.response.body":
                chunks.append(bytes(message.get("body", b"")))

        await self.app(scope, receive, capture)
        query = bytes(scope.get("query_string", b""))
        await self._reply(send, path, start, b"".join(chunks), wants_gzip,
                          query if is_client_link(query) else None)

    async def _reply(self, send: Send, path: str, start: dict[str, Any], body: bytes,
                     wants_gzip: bool, client_query: bytes | None) -> None:
        """Send the captured response, localised and compressed where that applies."""
        headers = [(k, v) for k, v in start.get("headers", [])
                   if k.lower() not in (b"content-length",)]
        kind = dict((k.lower(), v) for k, v in headers).get(b"content-type", b"").decode()
        status = int(start.get("status", 200))
        if status == 200 and kind.startswith("text/html"):
            body = localise_shell(body)
            if client_query is not None:  # a client link: the form's first screen comes at once
                body = with_first_screen(public_shell(body), client_query)
        if status == 200 and is_bundle(path):  # its lazy elements take preloaded modules first
            body = patch_bundle(body)
            headers = [(k, v) for k, v in headers
                       if k.lower() not in (b"etag", b"last-modified", b"accept-ranges")]
        if (status == 200 and wants_gzip and len(body) >= MIN_SIZE
                and kind.startswith(COMPRESSIBLE)
                and not any(k.lower() == b"content-encoding" for k, _ in headers)):
            body = gzip.compress(body, compresslevel=9, mtime=0)
            headers = [(k, v) for k, v in headers if k.lower() not in (b"etag", b"accept-ranges")]
            headers += [(b"content-encoding", b"gzip"), (b"vary", b"Accept-Encoding"),
                        (b"content-length", str(len(body)).encode())]
            if "/static/" in path:
                self.cache.put(path, headers, body)
        else:
            headers.append((b"content-length", str(len(body)).encode()))
        await _send_reply(send, status, headers, body)


DEV_MODE_ENV = "STAR_SURVEY_DEV_MODE"
CLOSED_PATHS = ("/_stcore/metrics",)


def developer_mode() -> bool:
    """Return True when STAR_SURVEY_DEV_MODE is on (internal endpoints then stay open)."""
    return os.environ.get(DEV_MODE_ENV, "").lower() in ("1", "true", "yes")


async def not_found(send: Send) -> None:
    """Send a bare 404 with no body worth reading."""
    await send({"type": "http.response.start", "status": 404,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                            (b"content-length", b"9")]})
    await send({"type": "http.response.body", "body": b"not found"})


class GuardRoutes:
    """ASGI middleware: close Streamlit's internal endpoints to the public."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer 404 for closed paths (unless in developer mode); pass everything else on."""
        path = str(scope.get("path", ""))
        if (scope.get("type") == "http" and path.rstrip("/").endswith(CLOSED_PATHS)
                and not developer_mode()):
            await not_found(send)
            return
        await self.app(scope, receive, send)


def _no_delay(transport: Any) -> None:
    """Switch off Nagle's algorithm on a TCP connection (small writes leave at once)."""
    sock = transport.get_extra_info("socket")
    if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:  # the peer may already be gone
            pass


def send_without_delay() -> None:
    """Make every connection uvicorn accepts send without Nagle's delay (TCP_NODELAY).

    Streamlit binds its listening socket itself with protocol 0, and asyncio switches Nagle off
    only for sockets that say IPPROTO_TCP: a reply written as headers then body waited for the
    browser's delayed ACK, ~40 ms for each reply after the first on a connection and for
    websocket messages sent in quick succession.
    """
    import importlib

    for module, name in (("h11_impl", "H11Protocol"), ("httptools_impl", "HttpToolsProtocol")):
        try:  # httptools is used instead of h11 when it is installed
            protocol = getattr(importlib.import_module(f"uvicorn.protocols.http.{module}"), name)
        except ImportError:
            continue
        if not getattr(protocol.connection_made, "_star_survey", False):
            protocol.connection_made = _without_delay(protocol.connection_made)


def _without_delay(original: Callable[[Any, Any], None]) -> Callable[[Any, Any], None]:
    """Return connection_made that sets TCP_NODELAY before calling the original."""

    def connection_made(self: Any, transport: Any) -> None:
        _no_delay(transport)
        original(self, transport)

    connection_made._star_survey = True  # type: ignore[attr-defined]
    return connection_made


def install() -> None:
    """Put GuardRoutes, AuthRoutes and CompressStatic in front of Streamlit's middleware stack."""
    from starlette.middleware import Middleware
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.web.server.starlette import starlette_app

    from web_auth import AuthRoutes, bind_sessions

    # pages/ holds survey_app.py's page files, routed by its st.navigation only. Left to
    # itself, Streamlit would treat the folder as a v1 multipage app until the first run calls
    # st.navigation: the first visitor after a start could run /clients, /setup... directly,
    # past the router and the sign-in gate.
    PagesManager.uses_pages_directory = False
    bind_sessions()
    send_without_delay()
    original = starlette_app.create_streamlit_middleware
    if getattr(original, "_star_survey", False):
        return

    def with_compression() -> list[Middleware]:
        return [Middleware(GuardRoutes), Middleware(AuthRoutes), Middleware(CompressStatic),
                *original()]

    with_compression._star_survey = True  # type: ignore[attr-defined]
    starlette_app.create_streamlit_middleware = with_compression  # type: ignore[assignment]


def main(argv: list[str] | None = None) -> None:
    """Run `streamlit run survey_app.py` with the compressing middleware installed."""
    from streamlit.web import cli

    install()
    sys.argv = ["streamlit", "run", str(APP_FILE), *(sys.argv[1:] if argv is None else argv)]
    cli.main()


if __name__ == "__main__":
    main()
