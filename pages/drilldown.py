"""Drill-down: one client's forms across years, and one form in full with its versions."""

from __future__ import annotations

import streamlit as st

from analytics.forms import client_forms, form_detail, provider_clients
from analytics.labels import for_display, localise
from pages.common import app_context, current_actor, language_switch, t
from pages.dash_select import choose_provider_year, plain
from surveys.clock import beijing_text
from surveys.db import read_session
from surveys.form_a1 import CLIENT_HEADER

lang = language_switch()
st.title(t("dash_drill_title"))
with read_session(app_context().engine) as session:
    actor = current_actor()
    provider_id, _year = choose_provider_year(session, actor)
    clients = provider_clients(session=session, actor=actor, provider_id=provider_id)
    if clients.empty:
        st.info(t("dash_no_clients"))
        st.stop()
    names = dict(zip(clients["client_id"].astype(int), clients["name"], strict=True))
    client_id = st.selectbox(t("dash_choose_client"), options=list(names),
                             format_func=lambda cid: names[cid], key=f"dash_client_{provider_id}")
    forms = client_forms(session=session, actor=actor, client_id=int(client_id))
    if forms.empty:
        st.info(t("dash_no_data"))
        st.stop()
    st.subheader(t("dash_forms_of_client"))
    st.dataframe(for_display(localise(forms, lang, drop=("response_id",))), hide_index=True,
                 width="stretch")
    labels = {int(r.response_id): f"{r.year} · {t('dash_total')} {r.total}"
              for r in forms.itertuples()}
    response_id = st.selectbox(t("dash_choose_form"), options=list(labels),
                               format_func=lambda rid: labels[rid], key=f"dash_form_{client_id}")
    form = form_detail(session=session, actor=actor, response_id=int(response_id))

st.subheader(f"{t('dash_form')} {form.year} (v{form.version})")
for key, zh, en in CLIENT_HEADER:
    st.markdown(f"**{en if lang == 'en' else zh}:** {plain(form.header.get('client', {}).get(key, ''))}")
st.dataframe(for_display(localise(form.items, lang)), hide_index=True, width="stretch")
left, right = st.columns(2)
left.metric(t("dash_total"), form.total)
right.metric(t("dash_eval_date"), form.evaluation_date.isoformat())
who = t("dash_by_client") if form.origin == "web" else plain(form.entered_by)
st.markdown(f"**{t('dash_signer')}:** {plain(form.signer_name)} {plain(form.signer_title)} · "
            f"**{t('dash_origin')}:** {t(f'origin_{form.origin}')} · **{t('dash_entered_by')}:** "
            f"{who} · **{t('dash_submitted')}:** {beijing_text(form.submitted_at, lang)}")
if form.reason:
    st.markdown(f"**{t('dash_reason')}:**")
    st.text(form.reason)
if form.comment:
    st.markdown(f"**{t('dash_comment')}:**")
    st.text(form.comment)
if form.signature_png:
    st.image(form.signature_png, caption=t("dash_signature"), width=240)
if form.seal_image:
    st.image(form.seal_image, caption=t("dash_seal"), width=160)
st.markdown(f"**{t('dash_history')}**")
st.dataframe(for_display(localise(form.versions, lang, drop=("response_id", "record_hash"))),
             hide_index=True, width="stretch")
