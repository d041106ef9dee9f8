"""Score trends: yearly mean against the star lines, months of a year, items, clients x years."""

from __future__ import annotations

import streamlit as st

from analytics.charts import client_heatmap, item_share_chart, monthly_mean_chart, yearly_mean_chart
from analytics.trends import provider_trends
from pages.common import app_context, current_actor, language_switch, t
from pages.dash_select import choose_provider_year, downloads
from surveys.db import read_session

lang = language_switch()
st.title(t("dash_trends_title"))
with read_session(app_context().engine) as session:
    actor = current_actor()
    provider_id, year = choose_provider_year(session, actor)
    trends = provider_trends(session=session, actor=actor, provider_id=provider_id, year=year)

if trends.yearly.empty:
    st.info(t("dash_no_data"))
    st.stop()
st.altair_chart(yearly_mean_chart(trends.yearly, lang), width="stretch")
if not trends.monthly.empty:
    st.altair_chart(monthly_mean_chart(trends.monthly, lang), width="stretch")
st.altair_chart(item_share_chart(trends.items, lang), width="stretch")
st.altair_chart(client_heatmap(trends.clients, lang), width="stretch")
downloads({"yearly": trends.yearly, "monthly": trends.monthly, "items": trends.items,
           "clients": trends.clients}, stem=f"trends-{provider_id}-{year}")
