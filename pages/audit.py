"""The audit log: every change made by a person, filtered; nothing here changes it."""

from __future__ import annotations

import json
from datetime import datetime, time

import streamlit as st

from pages.common import app_context, current_actor, current_lang, language_switch, t
from pages.ws import provider_scope
from surveys.audit import AuditFilters, list_audit
from surveys.clock import BEIJING, beijing_text
from surveys.db import read_session
from surveys.field_labels import field_label

ACTIONS = ("", "provider_create", "provider_update", "client_create", "client_update",
           "contract_set", "client_import", "campaign_open", "campaign_close", "link_revoke",
           "link_reissue", "paper_submit", "paper_import", "user_add", "password_change",
           "user_enable", "user_disable", "user_unlock", "campaign_reopen", "import_submit",
           "wave_create")


def word(kind: str, code: str) -> str:
    """Return an action or record kind in the session's language (an unknown code as stored)."""
    text = t(f"paper_{kind}_{code}")
    return code if text == f"paper_{kind}_{code}" else text


def readable(snapshot: str) -> str:
    """Return a stored before/after snapshot as 'label: value' lines (the JSON if not a dict)."""
    try:
        fields = json.loads(snapshot) if snapshot else {}
    except ValueError:
        return snapshot
    if not isinstance(fields, dict):
        return snapshot
    lang = current_lang()
    return "\n".join(f"{field_label(key, lang)}: "
                     f"{value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)}"
                     for key, value in fields.items())

language_switch()
actor = current_actor()
st.title(t("nav_audit"))
scope_all = actor.role != "staff" and st.checkbox(t("ws_audit_all"), value=True,
                                                  key="ws_audit_all")
provider_id = None if scope_all else provider_scope(actor, "ws_audit_scope")
left, middle, right = st.columns(3)
username = left.text_input(t("ws_username"), key="ws_audit_user").strip()
action = middle.selectbox(t("ws_action"), options=ACTIONS, key="ws_audit_action",
                          format_func=lambda a: word("action", a) if a else t("ws_any"))
dates = right.date_input(t("ws_period"), value=(), key="ws_audit_dates")
since = until = None
if isinstance(dates, tuple) and len(dates) == 2:
    since = datetime.combine(dates[0], time.min, tzinfo=BEIJING)  # Beijing calendar days
    until = datetime.combine(dates[1], time.max, tzinfo=BEIJING)
filters = AuditFilters(provider_id=provider_id, username=username or None,
                       action=action or None, since=since, until=until)
with read_session(app_context().engine) as session:
    entries = list_audit(session, actor, filters)
st.caption(t("ws_audit_count").format(n=len(entries)))
st.dataframe([{t("paper_col_at"): beijing_text(e.at, current_lang()), t("ws_username"): e.username,
               t("ws_action"): word("action", e.action), t("ws_entity"): word("entity", e.entity),
               t("ws_col_id"): str(e.entity_id or ""), t("ws_provider"): str(e.provider_id or ""),
               t("ws_before"): readable(e.before_json), t("ws_after"): readable(e.after_json)}
              for e in entries], hide_index=True, width="stretch")
