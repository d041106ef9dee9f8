"""Sign-in cookies and browser binding for the served app (installed by web_server.py).

Streamlit cannot set an HTTP-only cookie from a script, so three small things live in front of
it, as ASGI middleware plus one wrapped Streamlit call:

* `POST <base>/auth/session` (form field `code`, optional `next`): exchanges the one-time code a
  sign-in run minted (surveys/workspace_sessions.py) for the session cookie `ss_session`
  (signed, HttpOnly, SameSite=Strict, Secure over https) and redirects to `next` (a path on this
  site) with 303. `POST <base>/auth/logout` deletes the server-side session and the cookie.
* Every page load gets an HttpOnly `ss_browser` cookie (a random id) if it has none. A websocket
  that presents an existing Streamlit session id resumes that session only from the browser that
  opened it (`Runtime.connect_session` is wrapped); any other gets a new, empty session. Uploads
  to `/_stcore/upload_file/<session id>/...` are refused (403) from any other browser, so a
  session id from a proxy log or another device gives nothing.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import secrets
import threading
import urllib.parse
from collections import OrderedDict
from collections.abc import Awaitable, Callable, MutableMapping
from functools import lru_cache
from http.cookies import SimpleCookie
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from surveys.context import Context

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

BROWSER_COOKIE = "ss_browser"
MAX_BODY = 4096
MAX_BINDINGS = 50_000
LOG = logging.getLogger("star_survey.web_auth")
_NOT_PAGES = ("/_stcore/", "/static/", "/media/", "/component/", "/app/static/")


class Bindings:
    """Which browser (hash of its ss_browser cookie) opened each Streamlit session; bounded."""

    def __init__(self, limit: int = MAX_BINDINGS) -> None:
        self._items: OrderedDict[str, str] = OrderedDict()
        self._limit = limit
        self._lock = threading.Lock()

    def bind(self, session_id: str, browser: str | None) -> None:
        """Remember the browser of a session (the oldest entries go first when full)."""
        if not browser:
            return
        with self._lock:
            self._items[session_id] = browser
            self._items.move_to_end(session_id)
            while len(self._items) > self._limit:
                self._items.popitem(last=False)

    def belongs(self, session_id: str, browser: str | None) -> bool:
        """Return True when the session was opened by this browser."""
        with self._lock:
            bound = self._items.get(session_id)
        return bool(browser) and bound is not None and secrets.compare_digest(bound, browser or "")


BINDINGS = Bindings()


def browser_id(cookies: MutableMapping[str, str] | dict[str, str] | Any) -> str | None:
    """Return the hash of a request's ss_browser cookie, or None."""
    value = cookies.get(BROWSER_COOKIE) if cookies is not None else None
    if not isinstance(value, str) or not 16 <= len(value) <= 100:
        return None
    return hashlib.sha256(value.encode()).hexdigest()


def bind_sessions() -> None:
    """Wrap Runtime.connect_session: resume a session id only from the browser that opened it."""
    from streamlit.runtime.runtime import Runtime

    original = Runtime.connect_session
    if getattr(original, "_star_survey", False):
        return

    def connect_session(self: Runtime, client: Any, user_info: Any,
                        existing_session_id: str | None = None,
                        session_id_override: str | None = None) -> str:
        browser = browser_id(_client_cookies(client))
        if existing_session_id and not BINDINGS.belongs(existing_session_id, browser):
            LOG.warning("a websocket presented a session id opened by another browser: "
                        "a new session was started instead")
            existing_session_id = None
        session_id = original(self, client, user_info, existing_session_id, session_id_override)
        BINDINGS.bind(session_id, browser)
        return session_id

    connect_session._star_survey = True  # type: ignore[attr-defined]
    Runtime.connect_session = connect_session  # type: ignore[method-assign]


def _client_cookies(client: Any) -> Any:
    """Return the cookies of a websocket client's handshake (Streamlit keeps them on its context)."""
    context = getattr(client, "client_context", None)
    cookies = getattr(context, "cookies", None)
    return cookies if cookies is not None else getattr(client, "cookies", None)


def _headers(scope: Scope) -> dict[str, str]:
    """Return the request headers, lower-cased names (the last value wins)."""
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}


def _cookies(headers: dict[str, str]) -> dict[str, str]:
    """Return the request's cookies."""
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(headers.get("cookie", ""))
    except Exception:
        return {}
    return {name: morsel.value for name, morsel in jar.items()}


def _cookie(name: str, value: str, path: str, *, secure: bool, same_site: str,
            max_age: int | None = None) -> bytes:
    """Return a Set-Cookie header value (HttpOnly always)."""
    parts = [f"{name}={value}", f"Path={path}", "HttpOnly", f"SameSite={same_site}"]
    if secure:
        parts.append("Secure")
    if max_age is not None:
        parts.append(f"Max-Age={max_age}")
    return "; ".join(parts).encode("latin-1")


@lru_cache(maxsize=4)
def _context(db_url: str) -> Context:
    """Return the installation context for the configured database (one per process)."""
    from surveys.context import open_context

    return open_context()


def _installation() -> Context:
    """Return the context of the database the environment names."""
    from surveys.settings import get_settings

    return _context(get_settings().db_url)


def _exchange(code: str) -> str | None:
    """Return the signed cookie value for a fresh code, or None."""
    from surveys.db import run_write
    from surveys.workspace_sessions import cookie_key, cookie_value, exchange_code

    ctx = _installation()
    token = run_write(ctx.engine, lambda s: exchange_code(session=s, code=code))
    return cookie_value(cookie_key(ctx.link_secret), token) if token else None


def _end(value: str | None) -> None:
    """Delete the server-side session of a cookie value (if it is one)."""
    from surveys.db import run_write
    from surveys.workspace_sessions import cookie_key, end, token_from_cookie

    ctx = _installation()
    token = token_from_cookie(cookie_key(ctx.link_secret), value)
    if token:
        run_write(ctx.engine, lambda s: end(session=s, token=token))


def safe_next(target: str | None, base: str) -> str:
    """Return a redirect target on this site: a path under base, never another host."""
    if (not target or not target.startswith(base) or target.startswith("//")
            or "\\" in target or len(target) > 2000 or any(ord(c) < 32 for c in target)):
        return base
    return target


async def _read_form(receive: Receive) -> dict[str, str] | None:
    """Return the urlencoded body's fields, or None when it is too large."""
    body = b""
    while True:
        message = await receive()
        body += bytes(message.get("body", b""))
        if len(body) > MAX_BODY:
            return None
        if not message.get("more_body"):
            break
    fields = urllib.parse.parse_qs(body.decode("latin-1"), max_num_fields=10)
    return {key: values[0] for key, values in fields.items()}


async def _reply(send: Send, status: int, headers: list[tuple[bytes, bytes]]) -> None:
    """Send a response without a body."""
    await send({"type": "http.response.start", "status": status,
                "headers": [*headers, (b"content-length", b"0"),
                            (b"cache-control", b"no-store")]})
    await send({"type": "http.response.body", "body": b""})


def _same_origin(headers: dict[str, str]) -> bool:
    """Return True unless the request names an Origin other than this site."""
    origin = headers.get("origin")
    if origin is None:
        return True
    return urllib.parse.urlsplit(origin).netloc == headers.get("host", "")


class AuthRoutes:
    """ASGI middleware: /auth/session and /auth/logout, the browser cookie, bound uploads."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Handle the auth routes and upload binding; add ss_browser to page loads."""
        if scope.get("type") != "http":
            await self.app(scope, receive, send)
            return
        path, method = str(scope.get("path", "")), str(scope.get("method", ""))
        headers = _headers(scope)
        cookies = _cookies(headers)
        secure = scope.get("scheme") == "https"
        for route in ("auth/session", "auth/logout"):
            if path.endswith("/" + route) and method == "POST":
                base = path[: -len(route)]
                await self._auth(route, base, headers, cookies, secure, receive, send)
                return
        if "/_stcore/upload_file/" in path and method in ("PUT", "DELETE"):
            session_id = path.split("/_stcore/upload_file/", 1)[1].split("/")[0]
            if not BINDINGS.belongs(session_id, browser_id(cookies)):
                LOG.warning("an upload named a session opened by another browser: refused")
                await _reply(send, 403, [])
                return
        if (method != "GET" or BROWSER_COOKIE in cookies
                or any(part in path for part in _NOT_PAGES)):
            await self.app(scope, receive, send)
            return
        fresh = _cookie(BROWSER_COOKIE, secrets.token_urlsafe(24), "/", secure=secure,
                        same_site="Lax")

        async def with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []),
                                                  (b"set-cookie", fresh)]}
            await send(message)

        await self.app(scope, receive, with_cookie)

    async def _auth(self, route: str, base: str, headers: dict[str, str],
                    cookies: dict[str, str], secure: bool, receive: Receive,
                    send: Send) -> None:
        """Exchange a code for the session cookie, or end the session; redirect with 303."""
        from surveys.workspace_sessions import COOKIE_NAME

        form = await _read_form(receive)
        if form is None or not _same_origin(headers):
            await _reply(send, 403, [])
            return
        target = safe_next(form.get("next"), base).encode("latin-1", "replace")
        if route == "auth/logout":
            await asyncio.to_thread(_end, cookies.get(COOKIE_NAME))
            gone = _cookie(COOKIE_NAME, "", base, secure=secure, same_site="Strict", max_age=0)
            await _reply(send, 303, [(b"location", target), (b"set-cookie", gone)])
            return
        value = await asyncio.to_thread(_exchange, form.get("code", ""))
        extra = [(b"set-cookie", _cookie(COOKIE_NAME, value, base, secure=secure,
                                         same_site="Strict"))] if value else []
        await _reply(send, 303, [(b"location", target), *extra])
