"""Workspace sign-in: username and password (throttled per account), or single sign-on."""

from __future__ import annotations

import streamlit as st

from pages.auth import SESSION_NOTICE, client_source, sign_in, sso_enabled
from pages.common import app_context, language_switch, t
from pages.session_cookie import clear_cookie_if_asked
from surveys.db import run_write
from surveys.users import authenticate

lang = language_switch()
clear_cookie_if_asked()  # after a sign-out: the browser drops its session cookie
st.title(t("ws_login_title"))
notice = st.session_state.get(SESSION_NOTICE)
if notice:
    st.info(t(str(notice)))
with st.form("ws_login"):
    username = st.text_input(t("ws_username"), key="ws_login_username")
    password = st.text_input(t("ws_password"), type="password", key="ws_login_password")
    submitted = st.form_submit_button(t("ws_sign_in"), type="primary")
if submitted:
    outcome = run_write(app_context().engine, lambda s: authenticate(
        session=s, username=username, password=password, source=client_source()))
    if outcome.actor is not None:
        sign_in(outcome.actor.username)
        st.rerun()
    else:
        st.error(outcome.en if lang == "en" else outcome.zh)
if sso_enabled():
    st.divider()
    st.button(t("ws_sso_sign_in"), key="ws_sso", on_click=st.login)
