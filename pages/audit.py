"""The audit log: every change made by a person, filtered; nothing here changes it."""

from __future__ import annotations

from datetime import UTC, datetime, time

import streamlit as st

from pages.common import app_context, current_actor, language_switch, t
from pages.ws import provider_scope
from surveys.audit import AuditFilters, list_audit
from surveys.db import read_session

ACTIONS = ("", "provider_create", "provider_update", "client_create", "client_update",
           "contract_set", "client_import", "campaign_open", "campaign_close", "link_revoke",
           "link_reissue", "paper_submit", "paper_import", "user_add", "password_change",
           "user_enable", "user_disable")

language_switch()
actor = current_actor()
st.title(t("nav_audit"))
scope_all = actor.role != "staff" and st.checkbox(t("ws_audit_all"), value=True,
                                                  key="ws_audit_all")
provider_id = None if scope_all else provider_scope(actor, "ws_audit_scope")
left, middle, right = st.columns(3)
username = left.text_input(t("ws_username"), key="ws_audit_user").strip()
action = middle.selectbox(t("ws_action"), options=ACTIONS, key="ws_audit_action",
                          format_func=lambda a: a or t("ws_any"))
dates = right.date_input(t("ws_period"), value=(), key="ws_audit_dates")
since = until = None
if isinstance(dates, tuple) and len(dates) == 2:
    since = datetime.combine(dates[0], time.min, tzinfo=UTC)
    until = datetime.combine(dates[1], time.max, tzinfo=UTC)
filters = AuditFilters(provider_id=provider_id, username=username or None,
                       action=action or None, since=since, until=until)
with read_session(app_context().engine) as session:
    entries = list_audit(session, actor, filters)
st.caption(t("ws_audit_count").format(n=len(entries)))
st.dataframe([{t("ws_at"): e.at, t("ws_username"): e.username, t("ws_action"): e.action,
               t("ws_entity"): e.entity, t("ws_col_id"): e.entity_id,
               t("ws_provider"): e.provider_id, t("ws_before"): e.before_json,
               t("ws_after"): e.after_json} for e in entries],
             hide_index=True, width="stretch")
