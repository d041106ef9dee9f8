"""Providers: administrators add them; each provider's Table A.1 header fields (its profile)."""

from __future__ import annotations

import streamlit as st

from pages.common import app_context, current_actor, language_switch, t
from pages.ws import attempt, can_write, flash, offer_demo, provider_scope, show_flash
from surveys.db import read_session
from surveys.providers import create_provider, get_provider, list_providers, update_provider

FIELDS = ("name", "department", "manager", "phone")

language_switch()
actor = current_actor()
st.title(t("nav_providers"))
show_flash()
offer_demo(actor)
with read_session(app_context().engine) as session:
    rows = [{t("ws_col_id"): p.id, **{t(f"ws_field_{f}"): getattr(p, f) for f in FIELDS}}
            for p in list_providers(session=session, actor=actor)]
if rows:
    st.dataframe(rows, hide_index=True, width="stretch")

if actor.is_admin:
    with st.expander(t("ws_provider_add")), st.form("ws_provider_add", clear_on_submit=True):
        new = {f: st.text_input(t(f"ws_field_{f}"), key=f"ws_provider_new_{f}") for f in FIELDS}
        if st.form_submit_button(t("ws_save")):
            created = attempt(lambda s: create_provider(session=s, actor=actor, **new))
            if created is not None:
                flash(t("ws_saved"))
                st.rerun()

st.subheader(t("ws_provider_profile"))
provider_id = provider_scope(actor, "ws_provider_scope")
if provider_id is not None:
    with read_session(app_context().engine) as session:
        provider = get_provider(session=session, actor=actor, provider_id=provider_id)
    if can_write(actor, provider_id):
        with st.form(f"ws_provider_edit_{provider_id}"):
            values = {f: st.text_input(t(f"ws_field_{f}"), value=getattr(provider, f),
                                       key=f"ws_provider_{provider_id}_{f}") for f in FIELDS}
            if st.form_submit_button(t("ws_save")):
                changed = attempt(lambda s: update_provider(
                    session=s, actor=actor, provider_id=provider_id, fields=values))
                if changed is not None:
                    st.success(t("ws_saved"))
    else:
        st.dataframe([{t(f"ws_field_{f}"): getattr(provider, f) for f in FIELDS}],
                     hide_index=True, width="stretch")
        st.caption(t("ws_read_only"))
