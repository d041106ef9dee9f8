"""Workspace: build and download a provider-year's evidence bundle for the assessor."""

from __future__ import annotations

import streamlit as st

from analytics.evidence_bundle import build_bundle
from analytics.evidence_data import collect_evidence
from pages.common import app_context, current_actor, current_lang, language_switch, public_url, t
from surveys.campaigns import list_campaigns
from surveys.db import read_session
from surveys.errors import SurveyError
from surveys.field_labels import in_language
from surveys.keys import fingerprint
from surveys.providers import list_providers
from surveys.text import markdown_literal

language_switch()
actor = current_actor()
ctx = app_context()
st.title(t("ev_title"))
st.caption(t("ev_intro"))
try:
    with read_session(ctx.engine) as session:
        providers = {int(p.id or 0): p.name for p in list_providers(session=session, actor=actor)}
except SurveyError:
    providers = {}
if not providers:
    st.info(t("ev_no_provider"))
    st.stop()
provider_id = st.selectbox(t("ev_provider"), options=list(providers), key="ev_provider",
                           format_func=lambda pid: f"{providers[pid]} (#{pid})")
with read_session(ctx.engine) as session:
    years = [c.year for c in list_campaigns(session=session, actor=actor,
                                            provider_id=provider_id)]
if not years:
    st.info(t("ev_no_campaign"))
    st.stop()
year = st.selectbox(t("ev_year"), options=years, key="ev_year")
st.text(f"{t('ev_fingerprint')}: {fingerprint(ctx.signer.public_key)}")

wanted = (provider_id, year)
if st.button(t("ev_build"), key="ev_build", type="primary"):
    bar = st.progress(0.0, text=t("ev_building"))

    def progress(done: int, total: int, _label: str) -> None:
        """Move the progress bar."""
        bar.progress(min(1.0, done / max(total, 1)), text=t("ev_building"))

    try:
        with read_session(ctx.engine) as session:
            data = collect_evidence(
                session=session, actor=actor, signer=ctx.signer, provider_id=provider_id,
                year=year, base_url=public_url())
        st.session_state["ev_bundle"] = (wanted, build_bundle(data, ctx.signer, progress,
                                                                pdf_settings=ctx.settings),
                                         len(data.current),
                                         data.head.record_hash if data.head else "",
                                         data.key_fingerprint)
    except SurveyError as exc:
        st.error(markdown_literal(in_language(str(exc), current_lang())))
    bar.empty()

built = st.session_state.get("ev_bundle")
if built and built[0] == wanted:
    _, content, forms, head, key_fingerprint = built
    st.success(t("ev_built").format(n=forms, size=len(content) // 1024))
    st.text(f"{t('ev_head')}: {head}\n{t('ev_fingerprint')}: {key_fingerprint}")
    st.download_button(t("ev_download"), data=content, key="ev_download",
                       file_name=f"evidence-{provider_id}-{year}.zip", mime="application/zip")
