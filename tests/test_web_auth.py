"""Real browser: the sign-in survives a reload, ends at sign-out, and lives in this browser only.

Issue 12 item 8 and issue 13 item 8: a Streamlit session id (from a websocket or an upload URL
in a proxy log) replayed from another browser resumes nothing.
"""

from __future__ import annotations

import hashlib
import time
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from surveys import users
from surveys.access import SYSTEM
from surveys.context import Context
from surveys.db import read_session, run_write
from surveys.models import WorkspaceSession
from tests.browser_support import require_browser, running_app, screenshot, sign_in
from tests.factories import make_provider
from tests.test_workspace_browser import fresh_install
from web_auth import safe_next

PASSWORD = "correct-horse-battery"
# Wraps the page's WebSocket so that it presents another session id (what a replay does).
REPLAY = """
(() => {
  const Real = window.WebSocket;
  window.WebSocket = function (url, protocols) {
    const list = Array.isArray(protocols) ? protocols.slice() : [protocols];
    while (list.length < 3) { list.push(""); }
    list[2] = %r;
    return new Real(url, list);
  };
  window.WebSocket.prototype = Real.prototype;
  Object.assign(window.WebSocket, Real);
})();
"""


def staff_install(tmp_path: Path) -> tuple[Context, dict[str, str]]:
    """Return an installation with one provider and a staff account of it."""
    ctx, env = fresh_install(tmp_path)
    provider = make_provider(ctx, "京安技防")
    run_write(ctx.engine, lambda s: users.create_user(
        session=s, actor=SYSTEM, username="clerk@jingan.test", password=PASSWORD, role="staff",
        provider_id=provider))
    return ctx, env


def watch_session_ids(page: Any) -> list[str]:
    """Return a list filled with the Streamlit session ids the server announces to the page."""
    found: list[str] = []

    def frame(payload: Any) -> None:
        if isinstance(payload, bytes | bytearray):
            try:
                message = ForwardMsg.FromString(bytes(payload))
            except Exception:
                return
            if message.HasField("new_session"):
                found.append(message.new_session.initialize.session_id)

    page.on("websocket", lambda ws: ws.on("framereceived", frame))
    return found


def wait_until(page: Any, found: list[str], timeout: float = 20) -> list[str]:
    """Return found once it holds something (frames arrive while Playwright waits)."""
    deadline = time.monotonic() + timeout
    while not found and time.monotonic() < deadline:
        page.wait_for_timeout(100)
    return found


def sign_in_as_clerk(page: Any, base: str) -> None:
    """Sign in through the login form as a person would."""
    sign_in(page, base, "clerk@jingan.test", PASSWORD)


def session_cookie(page: Any) -> dict[str, Any] | None:
    """Return the browser's ss_session cookie, or None."""
    return next((c for c in page.context.cookies() if c["name"] == "ss_session"), None)


def stored_sessions(ctx: Context) -> list[WorkspaceSession]:
    """Return the server-side session rows."""
    with read_session(ctx.engine) as session:
        return list(session.exec(select(WorkspaceSession)).all())


def test_sign_in_survives_a_reload_and_sign_out_ends_it(desktop_page: Any, tmp_path: Path) -> None:
    require_browser()
    from playwright.sync_api import expect

    ctx, env = staff_install(tmp_path)
    page = desktop_page
    with running_app(env) as base:
        sign_in_as_clerk(page, base)
        expect(page.get_by_text("您所在的服务单位：京安技防")).to_be_visible(timeout=20000)
        cookie = session_cookie(page)
        assert cookie is not None
        assert cookie["httpOnly"] and cookie["sameSite"] == "Strict" and not cookie["secure"]
        assert page.evaluate("() => document.cookie").find("ss_session") == -1
        token = cookie["value"].split(".")[0]
        [row] = stored_sessions(ctx)
        assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
        page.get_by_role("link", name="用户单位").click()
        expect(page).to_have_url(f"{base}/clients", timeout=20000)
        page.reload()
        expect(page.get_by_role("button", name="退出登录")).to_be_visible(timeout=30000)
        expect(page).to_have_url(f"{base}/clients")
        expect(page.get_by_label("用户名")).to_have_count(0)
        expect(page.get_by_text("Page not found")).to_have_count(0)
        screenshot(page, "workspace-reload-still-signed-in")
        page.get_by_role("button", name="退出登录").click()
        expect(page.get_by_label("用户名")).to_be_visible(timeout=30000)
        deadline = time.monotonic() + 20
        while session_cookie(page) is not None and time.monotonic() < deadline:
            time.sleep(0.2)
        assert session_cookie(page) is None
        assert stored_sessions(ctx) == []
        page.reload()
        expect(page.get_by_label("用户名")).to_be_visible(timeout=30000)
        expect(page.get_by_role("button", name="退出登录")).to_have_count(0)
        expect(page.get_by_text("Page not found")).to_have_count(0)
    ctx.engine.dispose()


def test_a_session_id_replayed_from_another_browser_resumes_nothing(
    browser: Any, tmp_path: Path
) -> None:
    require_browser()
    from playwright.sync_api import expect

    ctx, env = staff_install(tmp_path)
    victim_context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    attacker_context = browser.new_context(viewport={"width": 1280, "height": 900},
                                           locale="zh-CN")
    try:
        victim = victim_context.new_page()
        victim_ids = watch_session_ids(victim)
        with running_app(env) as base:
            sign_in_as_clerk(victim, base)
            victim.get_by_role("link", name="用户单位").click()
            expect(victim).to_have_url(f"{base}/clients", timeout=20000)
            stolen = wait_until(victim, victim_ids)[-1]
            # The attacker's own browser, presenting the victim's session id on its websocket.
            attacker = attacker_context.new_page()
            attacker_ids = watch_session_ids(attacker)
            attacker.add_init_script(REPLAY % stolen)
            attacker.goto(f"{base}/clients")
            expect(attacker.get_by_label("用户名")).to_be_visible(timeout=30000)
            expect(attacker.get_by_role("button", name="退出登录")).to_have_count(0)
            assert wait_until(attacker, attacker_ids) and stolen not in attacker_ids
            # The upload URL of the victim's session, with the attacker's own XSRF cookie.
            xsrf = next(c["value"] for c in attacker_context.cookies()
                        if c["name"] == "_streamlit_xsrf")
            upload = attacker_context.request.put(
                f"{base}/_stcore/upload_file/{stolen}/stolen-file",
                headers={"X-Xsrftoken": xsrf, "Origin": base},
                multipart={"file": {"name": "a.png", "mimeType": "image/png",
                                    "buffer": b"\x89PNG\r\n\x1a\n"}})
            assert upload.status == 403
            # The victim is still signed in, in the same session.
            victim.reload()
            expect(victim.get_by_role("button", name="退出登录")).to_be_visible(timeout=30000)
            screenshot(attacker, "workspace-replayed-session-refused")
    finally:
        victim_context.close()
        attacker_context.close()
    ctx.engine.dispose()


@pytest.mark.parametrize(("target", "expected"), [
    ("/clients", "/clients"),
    ("/clients?lang=en", "/clients?lang=en"),
    ("//evil.example/x", "/"),
    ("https://evil.example/", "/"),
    ("/\\evil.example", "/"),
    ("/a\r\nSet-Cookie: x=1", "/"),
    (None, "/"),
])
def test_the_redirect_after_sign_in_stays_on_this_site(target: str | None, expected: str) -> None:
    assert safe_next(target, "/") == expected


@pytest.fixture(autouse=True)
def _skip_without_browser(request: pytest.FixtureRequest) -> None:
    """Skip the browser tests (or fail under REQUIRE_BROWSER=1) without Chromium."""
    if "redirect" not in request.node.name and "cookie_route" not in request.node.name:
        require_browser()


def _post(url: str, body: str, headers: dict[str, str]) -> tuple[int, dict[str, str]]:
    """Return the status and headers of a POST (redirects not followed)."""
    import urllib.error
    import urllib.request

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: Any, **kwargs: Any) -> None:
            return None

    request = urllib.request.Request(url, data=body.encode(), method="POST", headers={
        "Content-Type": "application/x-www-form-urlencoded", **headers})
    try:
        with urllib.request.build_opener(NoRedirect).open(request, timeout=10) as reply:
            return reply.status, {k.lower(): v for k, v in reply.headers.items()}
    except urllib.error.HTTPError as error:
        return error.code, {k.lower(): v for k, v in error.headers.items()}


def test_the_cookie_route_spends_a_code_once_and_marks_https_cookies_secure(
    tmp_path: Path
) -> None:
    from surveys.workspace_sessions import mint_sign_in

    ctx, env = staff_install(tmp_path)

    def code() -> str:
        return run_write(ctx.engine, lambda s: mint_sign_in(session=s,
                                                             username="clerk@jingan.test"))

    with running_app(env) as base:
        fresh = code()
        # nginx on this machine says the visitor came over https (trusted from loopback only).
        status, headers = _post(f"{base}/auth/session", f"code={fresh}&next=/clients",
                                {"X-Forwarded-Proto": "https", "Origin": "https://"
                                 + base.split("//")[1]})
        assert status == 303 and headers["location"] == "/clients"
        cookie = headers["set-cookie"]
        assert cookie.startswith("ss_session=") and "HttpOnly" in cookie
        assert "SameSite=Strict" in cookie and "Secure" in cookie
        again = _post(f"{base}/auth/session", f"code={fresh}", {})
        assert again[0] == 303 and "set-cookie" not in again[1]  # spent
        plain = _post(f"{base}/auth/session", f"code={code()}", {})
        assert "Secure" not in plain[1]["set-cookie"]  # plain http: no Secure flag
        foreign = _post(f"{base}/auth/session", f"code={code()}",
                        {"Origin": "https://evil.example"})
        assert foreign[0] == 403 and "set-cookie" not in foreign[1]
        value = cookie.split(";")[0].split("=", 1)[1]
        out = _post(f"{base}/auth/logout", "", {"Cookie": f"ss_session={value}"})
        assert out[0] == 303 and "Max-Age=0" in out[1]["set-cookie"]
    with read_session(ctx.engine) as session:
        live = [r for r in session.exec(select(WorkspaceSession)).all() if r.token_hash]
    assert len(live) == 1  # the logout ended the https one; the plain-http one remains
    ctx.engine.dispose()
