"""Workspace home: what the product is and where to start."""

from __future__ import annotations

import streamlit as st

from pages.common import app_context, current_actor, language_switch, t
from pages.ws import literal, offer_demo, show_flash
from surveys.db import read_session
from surveys.providers import get_provider, list_providers

lang = language_switch()
st.title(t("app_title"))
show_flash()
actor = current_actor()
offer_demo(actor)  # an empty workspace offers the demo provider
with read_session(app_context().engine) as session:
    providers = list_providers(session=session, actor=actor)
    employer = (get_provider(session=session, actor=actor, provider_id=actor.provider_id)
                if actor.role == "staff" and actor.provider_id is not None else None)
if employer is not None:  # staff see whose data they work on (shown as plain text)
    st.subheader(t("sess_works_for") + literal(employer.name), anchor=False)
if lang == "en":
    st.write(f"{len(providers)} provider(s) registered. Use the menu to manage clients, "
             "run the annual callback and see star eligibility.")
else:
    st.write(f"已登记 {len(providers)} 家服务单位。请从左侧菜单管理用户单位、开展年度回访、查看星级评定。")
