"""Public record verification (/?h=<record hash or receipt code>): stored unaltered and signed?"""

from __future__ import annotations

import streamlit as st

from pages.client_form_chrome import install_public_chrome
from pages.common import app_context, current_lang, language_switch, t
from surveys.clock import beijing_text
from surveys.db import read_session
from surveys.record_check import check_record
from surveys.records import receipt_code

install_public_chrome(current_lang())  # a client scans this from the receipt: no menu, no English
lang = language_switch(st, labelled=False)
st.title(t("ev_verify_title"))
wanted = str(st.query_params.get("h", "")).strip()[:100]
with st.form("verify_lookup"):
    typed = st.text_input(t("ev_verify_prompt"), value=wanted, max_chars=100)
    if st.form_submit_button(t("ev_verify_check")) and typed.strip() != wanted:
        st.query_params["h"] = typed.strip()
        st.rerun()
if wanted:
    ctx = app_context()
    with read_session(ctx.engine) as session:
        found = check_record(session, wanted, ctx.signer.public_key)
    if found is None:
        st.warning(t("ev_verify_missing"))
    else:
        if found.ok:
            st.success(t("ev_verify_ok"))
        else:
            st.error(t("ev_verify_bad"))
        if found.superseded:
            how = t(f"ev_how_{found.superseded_by_origin}")
            st.warning(t("ev_verify_replaced").format(
                at=beijing_text(found.superseded_at, lang), how=how))
        st.text("\n".join([
            f"{t('ev_provider_name')}: {found.provider_name}",
            f"{t('ev_client_name')}: {found.client_name}",
            f"{t('ev_eval_date')}: {found.evaluation_date.isoformat()}",
            f"{t('ev_total')}: {found.total}",
            f"{t('ev_version')}: {found.version}",
            f"{t('ev_origin')}: {t(f'origin_{found.origin}')}",
            f"{t('ev_stored_at')}: {beijing_text(found.submitted_at, lang)}",
            f"{t('ev_receipt')}: {receipt_code(found.record_hash)}",
            f"{t('ev_hash')}: {found.record_hash}",
        ]))
