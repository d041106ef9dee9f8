"""Reminders: the response rate with the waves, who still owes an answer, waves by e-mail or print."""

from __future__ import annotations

import streamlit as st

from analytics.outreach import response_rate
from analytics.outreach_chart import response_rate_chart
from pages.common import app_context, current_actor, current_lang, language_switch, t
from pages.outreach_parts import mail_worker, send_log_table, wave_form, wave_status
from pages.ws import can_write, provider_scope, show_flash
from surveys.campaigns import list_campaigns
from surveys.db import read_session
from surveys.waves import list_waves, owed_answers

language_switch()
actor = current_actor()
ctx = app_context()
lang = current_lang()
st.title(t("outreach_nav"))
show_flash()
if st.session_state.get("outreach_notice"):
    st.success(st.session_state["outreach_notice"])
provider_id = provider_scope(actor, "outreach_scope")
if provider_id is None:
    st.stop()
writable = can_write(actor, provider_id)
with read_session(ctx.engine) as session:
    campaigns = list_campaigns(session=session, actor=actor, provider_id=provider_id)
if not campaigns:
    st.info(t("outreach_no_campaign"))
    st.stop()
years = [c.year for c in campaigns]
year = st.selectbox(t("outreach_year"), options=years, key="outreach_year")
campaign = next(c for c in campaigns if c.year == year)
worker = mail_worker() if writable else None

with read_session(ctx.engine) as session:
    rates, wave_marks = response_rate(session=session, actor=actor, provider_id=provider_id,
                                      year=year)
    owed = owed_answers(session=session, actor=actor, provider_id=provider_id, year=year)
    waves = list_waves(session=session, actor=actor, provider_id=provider_id, year=year)
last = rates.iloc[-1]
st.metric(t("outreach_rate_now"), f"{last['rate']:.1f}%",
          help=t("outreach_rate_help").format(answered=last["answered"], invited=last["invited"]))
st.altair_chart(response_rate_chart(rates, wave_marks, lang), width="stretch")

st.subheader(t("outreach_owed"))
if owed:
    st.dataframe([{t("outreach_client"): c.client, t("outreach_state"): t(f"outreach_state_{c.state}"),
                   t("outreach_manager"): c.manager, t("outreach_phone"): c.phone,
                   t("outreach_email"): c.email or t("outreach_no_email")} for c in owed],
                 hide_index=True, width="stretch")
else:
    st.success(t("outreach_owed_none"))

if writable and campaign.is_open and owed:
    wave_form(actor, provider_id, year, worker, len(waves) + 1)
elif writable and not campaign.is_open:
    st.info(t("outreach_closed"))

wave_status(actor, waves, writable, worker)
send_log_table(actor, provider_id, year, waves)
