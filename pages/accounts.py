"""Accounts: change your own password; administrators add, enable and disable accounts."""

from __future__ import annotations

import streamlit as st

from analytics.labels import cell
from pages.common import app_context, current_actor, current_lang, language_switch, t
from pages.session_cookie import cookie_token
from pages.ws import attempt
from surveys.access import ROLES
from surveys.db import read_session
from surveys.providers import list_providers
from surveys.users import MIN_PASSWORD, account_rows, change_password, create_user, set_active

language_switch()
actor = current_actor()
st.title(t("ws_nav_accounts"))

st.subheader(t("ws_password_change"))
with st.form("ws_password", clear_on_submit=True):
    old = st.text_input(t("ws_password_old"), type="password", key="ws_pw_old")
    new = st.text_input(t("ws_password_new"), type="password", key="ws_pw_new",
                        help=t("ws_password_help").format(n=MIN_PASSWORD))
    again = st.text_input(t("ws_password_again"), type="password", key="ws_pw_again")
    if st.form_submit_button(t("ws_save")):
        if new != again:
            st.error(t("ws_password_mismatch"))
        elif attempt(lambda s: change_password(session=s, actor=actor, username=actor.username,
                                               new_password=new, old_password=old,
                                               keep_token=cookie_token())):
            st.success(t("ws_saved"))

if not actor.is_admin:
    st.stop()
engine = app_context().engine
with read_session(engine) as session:
    accounts = account_rows(session=session, actor=actor)
    providers = {int(p.id or 0): p.name for p in list_providers(session=session, actor=actor)}
st.subheader(t("ws_accounts_list"))
st.dataframe([{t("ws_username"): a.username, t("ws_role"): t(f"ws_role_{a.role}"),
               t("ws_provider"): providers.get(a.provider_id or 0, ""),
               t("ws_active"): cell(a.active, "active", current_lang()),
               t("ws_failed_logins"): a.failed_logins, t("ws_locked_sources"): a.locked_sources}
              for a in accounts], hide_index=True, width="stretch")

with st.expander(t("ws_account_add")), st.form("ws_account_add", clear_on_submit=True):
    username = st.text_input(t("ws_username"), key="ws_acc_username")
    role = st.selectbox(t("ws_role"), options=ROLES, key="ws_acc_role",
                        format_func=lambda r: t(f"ws_role_{r}"))
    provider = st.selectbox(t("ws_provider_for_staff"), options=[0, *providers],
                            key="ws_acc_provider",
                            format_func=lambda pid: providers.get(pid, "—"))
    password = st.text_input(t("ws_password"), type="password", key="ws_acc_password",
                             help=t("ws_password_help").format(n=MIN_PASSWORD))
    if st.form_submit_button(t("ws_save")):
        if attempt(lambda s: create_user(session=s, actor=actor, username=username,
                                         password=password, role=role,
                                         provider_id=provider or None)) is not None:
            st.success(t("ws_saved"))
            st.rerun()

names = [a.username for a in accounts if a.username != actor.username]
if names:
    st.subheader(t("ws_account_toggle"))
    who = st.selectbox(t("ws_username"), options=names, key="ws_acc_toggle_user")
    target = next(a for a in accounts if a.username == who)
    label = t("ws_disable") if target.active else t("ws_enable")
    if st.button(label, key="ws_acc_toggle"):
        if attempt(lambda s: set_active(session=s, actor=actor, username=who,
                                        active=not target.active)) is not None:
            st.rerun()
