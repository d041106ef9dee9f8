"""Paper forms: staff type in a signed paper Table A.1 and upload its scan (origin 'paper')."""

from __future__ import annotations

import streamlit as st

from pages.common import app_context, current_actor, current_lang, language_switch, t
from pages.ws import attempt, can_write, literal, provider_scope
from surveys.campaigns import list_campaigns
from surveys.clock import beijing_today
from surveys.db import read_session
from surveys.form_a1 import ITEMS
from surveys.import_templates import response_template_xlsx
from surveys.paper_entry import PaperClient, enter_paper_form, paper_clients
from surveys.uploads import MAX_SCAN_BYTES

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def form_id(year: int, client_id: int) -> str:
    """Return the key of the entry form: new per year, client and stored form (a fresh form)."""
    saves = int(st.session_state.get("ws_paper_saves", 0))
    return f"ws_paper_{year}_{client_id}_{saves}"


def state_text(client: PaperClient) -> str:
    """Return the client's state in the session's language."""
    return t(f"paper_state_{client.state}")


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
st.caption(t("paper_scan_rule"))
st.download_button(t("paper_template"), data=response_template_xlsx, key="paper_template",
                   file_name="star-survey-paper-forms-template.xlsx", mime=XLSX_MIME)
done = st.session_state.pop("ws_paper_done", None)
if done:
    st.session_state["ws_paper_client"] = done["client_id"]  # shows the client's new state
    st.success(t("paper_stored").format(**{**done, "client": literal(done["client"])}))
    st.code(done["hash"], language=None)
year = st.selectbox(t("ws_campaign"), options=years, key="ws_paper_year")
with read_session(ctx.engine) as session:
    listed = {c.client_id: c for c in paper_clients(
        session=session, actor=actor, provider_id=provider_id, year=year)}
if not listed:
    st.info(t("ws_no_invitations"))
    st.stop()
with st.expander(f"{t('paper_clients')} ({len(listed)})"):
    st.dataframe([{t("ws_client"): c.name, t("paper_col_state"): state_text(c),
                   t("paper_col_version"): str(c.version or "—"),
                   t("paper_col_total"): "—" if c.total is None else str(c.total)}
                  for c in listed.values()], hide_index=True, width="stretch")
labels = {cid: f"{c.name} · {state_text(c)}" for cid, c in listed.items()}
client_id = st.selectbox(t("ws_client"), options=list(listed), key="ws_paper_client",
                         format_func=labels.__getitem__)
chosen = listed[client_id]
seen = st.session_state.get("ws_paper_seen")  # what the form showed when it was filled in
st.session_state["ws_paper_seen"] = (year, client_id, chosen.version)
if chosen.version:
    st.warning(t("paper_replace_warning").format(
        client=literal(chosen.name), state=state_text(chosen), version=chosen.version,
        total=chosen.total, next=chosen.version + 1))

key = form_id(year, client_id)
with st.form(key, clear_on_submit=False):
    raw: dict[str, object] = {}
    for item in ITEMS:
        raw[f"item{item.no}"] = st.number_input(
            f"{item.no}. {item.name(lang)} (0–{item.max_score})", min_value=0,
            max_value=item.max_score, value=None, step=1, key=f"{key}_item{item.no}")
    raw["evaluation_date"] = st.date_input(t("ws_eval_date"), value=None, key=f"{key}_date")
    raw["signer_name"] = st.text_input(t("ws_signer_name"), key=f"{key}_signer")
    raw["signer_title"] = st.text_input(t("ws_signer_title"), key=f"{key}_title")
    raw["signer_phone"] = st.text_input(t("ws_signer_phone"), key=f"{key}_phone")
    raw["comment"] = st.text_area(t("ws_comment"), key=f"{key}_comment")
    scan = st.file_uploader(t("ws_scan").format(mb=MAX_SCAN_BYTES // 1024 // 1024),
                            type=["png", "jpg", "jpeg", "pdf"], key=f"{key}_scan",
                            max_upload_size=MAX_SCAN_BYTES // 1024 // 1024)
    reason = st.text_area(t("paper_reason"), key=f"{key}_reason") if chosen.version else ""
    label = t("paper_submit_replace").format(next=chosen.version + 1, version=chosen.version) \
        if chosen.version else t("paper_submit_new")
    submitted = st.form_submit_button(label, type="primary", key=f"{key}_submit")
if submitted:
    shown = seen[2] if seen and seen[:2] == (year, client_id) else chosen.version
    data = scan.getvalue() if scan is not None else None
    name = scan.name if scan is not None else ""
    stored = attempt(lambda s: enter_paper_form(
        session=s, actor=actor, signer=ctx.signer, provider_id=provider_id, year=year,
        client_id=client_id, raw=raw, scan=data, scan_name=name, today=beijing_today(),
        reason=reason, replaces_version=shown))
    if stored is not None:
        st.session_state["ws_paper_done"] = {"client": chosen.name, "client_id": client_id,
                                             "total": stored.total,
                                             "version": stored.version,
                                             "hash": stored.record_hash}
        st.session_state["ws_paper_saves"] = int(st.session_state.get("ws_paper_saves", 0)) + 1
        st.rerun()
