"""Public record verification (/?h=<record hash>): is this record stored unaltered and signed?"""

from __future__ import annotations

import streamlit as st

from pages.common import app_context, language_switch, t
from surveys.db import read_session
from surveys.records import receipt_code
from surveys.verify import check_record

language_switch(st)
st.title(t("ev_verify_title"))
wanted = str(st.query_params.get("h", "")).strip()
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
        st.info(t("ev_verify_superseded"))
    st.text("\n".join([
        f"{t('ev_provider_name')}: {found.provider_name}",
        f"{t('ev_client_name')}: {found.client_name}",
        f"{t('ev_eval_date')}: {found.evaluation_date.isoformat()}",
        f"{t('ev_total')}: {found.total}",
        f"{t('ev_version')}: {found.version}",
        f"{t('ev_receipt')}: {receipt_code(found.record_hash)}",
        f"{t('ev_hash')}: {found.record_hash}",
    ]))
