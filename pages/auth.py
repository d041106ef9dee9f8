"""Workspace sign-in state: who is signed in, inactivity expiry, the first-run set-up code, SSO.

Served by a real Streamlit server, the sign-in lives only in the browser's HTTP-only cookie and
the server-side session behind it (pages/session_cookie.py): session state proves nothing.
AppTests (no browser, no cookies) use two session keys instead, documented in docs/accounts.md:
``ws_user`` holds the signed-in username and ``ws_seen`` the time (``time.time()``) of the last
page run. Either way the account is re-read from the database on every run, so a disabled
account or a changed role takes effect at once.
"""

from __future__ import annotations

import logging
import sys
import time

import streamlit as st

from pages.context import app_context
from pages.session_cookie import browser_bound, end_browser_session, hand_over, resume_from_cookie
from surveys.access import Actor
from surveys.db import read_session
from surveys.settings import get_settings
from surveys.setup_code import load_or_create_setup_code, setup_code_path
from surveys.users import active_actor, count_users

SESSION_USER = "ws_user"
SESSION_SEEN = "ws_seen"
SESSION_NOTICE = "ws_notice"
SSO_HANDED_OVER = "ws_sso_handed_over"
SETUP_BANNER = "STAR-SURVEY SET-UP CODE"
_REASONS = {"expired": "ws_session_expired", "disabled": "ws_account_disabled"}
LOG = logging.getLogger("star_survey.setup")


_ANNOUNCED: set[str] = set()  # codes printed by this process (a module global: no cache clears it)


def setup_code() -> str:
    """Return the installation's set-up code, stored once under data/ and printed by the server.

    Nothing a visitor sends (a reload, Streamlit's "clear cache") makes a new one: only the
    administrator does, from the server (`star-survey user setup-code --new`).
    """
    if not needs_setup():
        return ""  # an account exists: set-up is closed and no code is made or kept
    code, _created = load_or_create_setup_code(setup_code_path(get_settings()))
    if code not in _ANNOUNCED:
        _ANNOUNCED.add(code)
        line = "=" * 64
        banner = (f"\n{line}\n  {SETUP_BANNER}: {code}\n"
                  f"  Enter it on the workspace set-up page to create the first administrator.\n"
                  f"  在工作台初始设置页面输入此设置码，以创建第一个管理员账户。\n"
                  f"  (also: star-survey user setup-code)\n{line}\n")
        print(banner, file=sys.stdout, flush=True)
        LOG.warning("no account yet: the %s was printed on this server's standard output",
                    SETUP_BANNER)
    return code


def client_source() -> str:
    """Return the address failed sign-ins are counted under (the websocket's peer).

    uvicorn takes it from X-Forwarded-For only when the connection comes from a trusted proxy
    (FORWARDED_ALLOW_IPS, default loopback: nginx on this machine); loopback is reported as None.
    """
    address = st.context.ip_address
    return "ip:" + (address if isinstance(address, str) and address else "loopback")


def needs_setup() -> bool:
    """Return True while no account exists (the first-run set-up page is shown)."""
    with read_session(app_context().engine) as session:
        return count_users(session) == 0


def sign_in(username: str) -> None:
    """Sign the user in: in a browser through the session cookie (this run stops), else the tab."""
    st.session_state.pop(SESSION_NOTICE, None)
    if browser_bound():
        hand_over(username)
    st.session_state[SESSION_USER] = username
    st.session_state[SESSION_SEEN] = time.time()


def sign_out(notice: str | None = None) -> None:
    """Forget the signed-in user: the server-side session is deleted, the cookie dropped."""
    if browser_bound():
        end_browser_session()
    for key in (SESSION_USER, SESSION_SEEN):
        st.session_state.pop(key, None)
    if notice:
        st.session_state[SESSION_NOTICE] = notice


def sso_enabled() -> bool:
    """Return True when single sign-on ([auth] in secrets.toml) is configured."""
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all
        return False


def _sso_username() -> str | None:
    """Return the e-mail the identity provider vouched for, or None."""
    if not sso_enabled():
        return None
    try:
        if not st.user.is_logged_in:
            return None
        email = st.user.get("email")
    except Exception:
        return None
    return str(email) if email else None


def signed_in_actor() -> Actor | None:
    """Return the signed-in actor, or None (not signed in, expired or disabled account)."""
    if browser_bound():
        return _cookie_actor()
    return _tab_actor()


def _cookie_actor() -> Actor | None:
    """Return the actor of this browser's session cookie; after SSO, start one first."""
    resumed = resume_from_cookie()
    if resumed.actor is not None:
        st.session_state[SESSION_USER] = resumed.actor.username
        return resumed.actor
    st.session_state.pop(SESSION_USER, None)
    if resumed.reason in _REASONS:
        st.session_state[SESSION_NOTICE] = _REASONS[resumed.reason]
    sso_user = _sso_username()
    if sso_user is not None and not st.session_state.get(SSO_HANDED_OVER):
        with read_session(app_context().engine) as session:
            actor = active_actor(session, sso_user)
        if actor is None:
            st.session_state[SESSION_NOTICE] = "ws_sso_no_account"
            return None
        st.session_state[SSO_HANDED_OVER] = True  # once per tab: never a redirect loop
        sign_in(actor.username)
    return None


def _tab_actor() -> Actor | None:
    """Return the actor kept in session state (AppTests: no browser, no cookie)."""
    username = st.session_state.get(SESSION_USER)
    if username is None:
        sso_user = _sso_username()
        if sso_user is None:
            return None
        with read_session(app_context().engine) as session:
            actor = active_actor(session, sso_user)
        if actor is None:
            st.session_state[SESSION_NOTICE] = "ws_sso_no_account"
            return None
        sign_in(actor.username)
        return actor
    seen = float(st.session_state.get(SESSION_SEEN) or 0)
    now = time.time()
    if now - seen > get_settings().session_minutes * 60:
        sign_out("ws_session_expired")
        return None
    with read_session(app_context().engine) as session:
        actor = active_actor(session, str(username))
    if actor is None:
        sign_out("ws_account_disabled")
        return None
    st.session_state[SESSION_SEEN] = now
    return actor
