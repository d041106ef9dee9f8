"""The served app's sign-in: a server-side session found from the browser's HTTP-only cookie.

Under a real Streamlit server the signed-in user is never taken from session state: every run
reads the `ss_session` cookie the websocket was opened with (`st.context.cookies`), checks its
signature and resumes the server-side session (surveys/workspace_sessions.py). Signing in mints
a one-time code and has the browser post it to web_server's `/auth/session`, which sets the
cookie and reloads the page; signing out deletes the session and asks `/auth/logout` to drop the
cookie. AppTests have no browser and no cookies: pages/auth.py keeps their sign-in in session
state (`browser_bound()` is False there).
"""

from __future__ import annotations

import json
from typing import NoReturn

import streamlit as st
from streamlit import runtime

from pages.context import app_context
from surveys.db import read_session, run_write
from surveys.i18n import DEFAULT_LANG, tr
from surveys.settings import get_settings
from surveys.workspace_sessions import (
    COOKIE_NAME,
    Resumed,
    cookie_key,
    end,
    mint_sign_in,
    peek,
    resume,
    token_from_cookie,
)

CLEAR_COOKIE = "ws_clear_cookie"
SIGN_IN_SCRIPT = """
<script>
(function () {
  const base = window.location.pathname.replace(/[^/]*$/, "");
  const form = document.createElement("form");
  form.method = "POST";
  form.action = base + "auth/session";
  form.style.display = "none";
  const fields = {code: %(code)s, next: window.location.pathname + window.location.search};
  for (const name of Object.keys(fields)) {
    const input = document.createElement("input");
    input.type = "hidden"; input.name = name; input.value = fields[name];
    form.appendChild(input);
  }
  document.body.appendChild(form);
  form.submit();
})();
</script>
"""
SIGN_OUT_SCRIPT = """
<script>
(function () {
  const base = window.location.pathname.replace(/[^/]*$/, "");
  fetch(base + "auth/logout", {method: "POST", credentials: "same-origin", cache: "no-store",
    headers: {"Content-Type": "application/x-www-form-urlencoded"}, body: "n=%(nonce)s"});
})();
</script>
"""


def browser_bound() -> bool:
    """Return True when this run serves a browser through a real Streamlit server.

    AppTest stands a mock (made with spec=Runtime, so isinstance would pass) in for the runtime:
    only the exact class counts.
    """
    from streamlit.runtime.runtime import Runtime

    return runtime.exists() and type(runtime.get_instance()) is Runtime


def cookie_token() -> str | None:
    """Return the token of the session cookie this websocket was opened with, if well signed."""
    value = st.context.cookies.get(COOKIE_NAME)
    return token_from_cookie(cookie_key(app_context().link_secret), value)


def resume_from_cookie() -> Resumed:
    """Return this browser's sign-in (last activity refreshed at most every 30 s)."""
    token = cookie_token()
    if token is None:
        return Resumed(None)
    engine, minutes = app_context().engine, get_settings().session_minutes
    with read_session(engine) as session:
        seen = peek(session=session, token=token, idle_minutes=minutes)
    if seen is not None:
        return seen
    return run_write(engine, lambda s: resume(session=s, token=token, idle_minutes=minutes))


def hand_over(username: str) -> NoReturn:
    """Have the browser exchange a fresh one-time code for the session cookie; stop this run."""
    message = tr("sess_signing_in", str(st.session_state.get("lang") or DEFAULT_LANG))
    minutes = get_settings().session_minutes
    code = run_write(app_context().engine, lambda s: mint_sign_in(
        session=s, username=username, idle_minutes=minutes))
    st.info(message)
    st.html(SIGN_IN_SCRIPT % {"code": json.dumps(code)}, unsafe_allow_javascript=True)
    st.stop()


def end_browser_session() -> None:
    """Delete this browser's server-side session; the next run asks the browser to drop the cookie."""
    token = cookie_token()
    if token is not None:
        run_write(app_context().engine, lambda s: end(session=s, token=token))
    st.session_state[CLEAR_COOKIE] = st.session_state.get(CLEAR_COOKIE, 0) + 1


def clear_cookie_if_asked() -> None:
    """Render the script that drops the cookie once after a sign-out."""
    nonce = st.session_state.pop(CLEAR_COOKIE, None)
    if nonce is not None:
        st.html(SIGN_OUT_SCRIPT % {"nonce": int(nonce)}, unsafe_allow_javascript=True)
