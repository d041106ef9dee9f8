"""Paper forms: staff type in a signed paper Table A.1 and upload its scan (origin 'paper')."""

from __future__ import annotations

import streamlit as st

from pages.common import app_context, current_actor, current_lang, language_switch, t
from pages.ws import attempt, can_write, provider_scope
from surveys.campaigns import list_campaigns
from surveys.clock import beijing_today
from surveys.db import read_session
from surveys.form_a1 import ITEMS
from surveys.invitations import list_invitations
from surveys.paper_entry import enter_paper_form
from surveys.uploads import MAX_SCAN_BYTES

language_switch()
lang = current_lang()
actor = current_actor()
ctx = app_context()
st.title(t("nav_paper"))
provider_id = provider_scope(actor, "ws_paper_scope")
if provider_id is None:
    st.stop()
if not can_write(actor, provider_id):
    st.info(t("ws_read_only"))
    st.stop()
with read_session(ctx.engine) as session:
    years = [c.year for c in list_campaigns(session=session, actor=actor, provider_id=provider_id)]
if not years:
    st.info(t("ws_no_campaigns"))
    st.stop()
year = st.selectbox(t("ws_campaign"), options=years, key="ws_paper_year")
with read_session(ctx.engine) as session:
    invited = {int(c.id or 0): c.name for _inv, c in list_invitations(
        session=session, actor=actor, provider_id=provider_id, year=year)}
if not invited:
    st.info(t("ws_no_invitations"))
    st.stop()
client_id = st.selectbox(t("ws_client"), options=list(invited), key="ws_paper_client",
                         format_func=lambda cid: f"{invited[cid]} (#{cid})")

with st.form(f"ws_paper_{year}_{client_id}", clear_on_submit=False):
    raw: dict[str, object] = {}
    for item in ITEMS:
        raw[f"item{item.no}"] = st.number_input(
            f"{item.no}. {item.name(lang)} (0–{item.max_score})", min_value=0,
            max_value=item.max_score, value=None, step=1, key=f"ws_paper_item{item.no}")
    raw["evaluation_date"] = st.date_input(t("ws_eval_date"), value=None, key="ws_paper_date")
    raw["signer_name"] = st.text_input(t("ws_signer_name"), key="ws_paper_signer")
    raw["signer_title"] = st.text_input(t("ws_signer_title"), key="ws_paper_title")
    raw["signer_phone"] = st.text_input(t("ws_signer_phone"), key="ws_paper_phone")
    raw["comment"] = st.text_area(t("ws_comment"), key="ws_paper_comment")
    scan = st.file_uploader(t("ws_scan").format(mb=MAX_SCAN_BYTES // 1024 // 1024),
                            type=["png", "jpg", "jpeg", "pdf"], key="ws_paper_scan")
    submitted = st.form_submit_button(t("ws_paper_submit"), type="primary")
if submitted:
    data = scan.getvalue() if scan is not None else None
    name = scan.name if scan is not None else ""
    stored = attempt(lambda s: enter_paper_form(
        session=s, actor=actor, signer=ctx.signer, provider_id=provider_id, year=year,
        client_id=client_id, raw=raw, scan=data, scan_name=name, today=beijing_today()))
    if stored is not None:
        st.success(t("ws_paper_stored").format(total=stored.total, version=stored.version))
        st.code(stored.record_hash, language=None)
