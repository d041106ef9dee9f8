"""First run: create the first administrator with the set-up code the server printed."""

from __future__ import annotations

import streamlit as st

from pages.auth import SETUP_BANNER, setup_code, sign_in
from pages.common import app_context, language_switch, t
from pages.ws import attempt
from surveys.settings import get_settings
from surveys.setup_code import discard_setup_code, setup_code_path
from surveys.users import MIN_PASSWORD, create_first_admin

language_switch()
expected = setup_code()  # stored once under data/; only the administrator renews it
st.title(t("ws_setup_title"))
st.write(t("ws_setup_intro"))
st.info(t("ws_setup_where").format(banner=SETUP_BANNER))
with st.form("ws_setup"):
    code = st.text_input(t("ws_setup_code"), key="ws_setup_code")
    username = st.text_input(t("ws_username"), key="ws_setup_username")
    password = st.text_input(t("ws_password"), type="password", key="ws_setup_password",
                             help=t("ws_password_help").format(n=MIN_PASSWORD))
    again = st.text_input(t("ws_password_again"), type="password", key="ws_setup_again")
    submitted = st.form_submit_button(t("ws_setup_create"), type="primary")
if submitted:
    if password != again:
        st.error(t("ws_password_mismatch"))
    else:
        account = attempt(lambda s: create_first_admin(
            session=s, setup_code=code, expected_code=expected, username=username,
            password=password))
        if account is not None:
            app_context()  # the engine stays warm for the first workspace page
            discard_setup_code(setup_code_path(get_settings()))
            sign_in(account.username)
            st.rerun()
