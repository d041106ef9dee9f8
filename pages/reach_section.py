"""The campaign's messages (SMS files, a copyable text per client) and invitation letters."""

from __future__ import annotations

import streamlit as st

from pages.common import app_context, public_url, t
from pages.ws import can_write, literal, show_failure
from surveys.access import Actor
from surveys.clock import beijing_today
from surveys.db import read_session
from surveys.errors import SurveyError
from surveys.letters import LETTERS_NAME, campaign_letters, letters_pdf
from surveys.messages import XLSX_MIME, campaign_messages, export_messages, sms_rows


def reach_section(actor: Actor, provider_id: int, year: int) -> None:
    """Render message downloads, per-client texts and letters for writers (else nothing)."""
    if not can_write(actor, provider_id):  # links are credentials
        return
    messages_part(actor, provider_id, year)
    letters_button(actor, provider_id, year)


def messages_part(actor: Actor, provider_id: int, year: int) -> None:
    """Render the SMS downloads and one copyable message per client."""
    ctx = app_context()
    base_url = public_url()
    st.subheader(t("reach_messages"))
    reminder = st.toggle(t("reach_reminder"), key="reach_reminder", help=t("reach_reminder_help"))
    try:
        with read_session(ctx.engine) as session:
            found = campaign_messages(session=session, actor=actor, secret=ctx.link_secret,
                                      provider_id=provider_id, year=year, base_url=base_url,
                                      reminder=reminder)
    except SurveyError as exc:
        show_failure(exc)
        return
    if not found:
        st.info(t("reach_no_messages"))
        return
    rows, left_out = sms_rows(found)
    stem = f"messages-{year}" + ("-reminder" if reminder else "")
    cols = st.columns(3)
    cols[0].download_button(t("reach_sms_csv").format(n=len(rows)), key="reach_sms_csv",
                            data=lambda: export_messages(found, ".csv"), file_name=f"{stem}.csv",
                            mime="text/csv", disabled=not rows)
    cols[1].download_button(t("reach_sms_xlsx").format(n=len(rows)), key="reach_sms_xlsx",
                            data=lambda: export_messages(found, ".xlsx"),
                            file_name=f"{stem}.xlsx", mime=XLSX_MIME, disabled=not rows)
    cols[2].download_button(t("reach_all_txt").format(n=len(found)), key="reach_all_txt",
                            data=lambda: export_messages(found, ".txt"), file_name=f"{stem}.txt",
                            mime="text/plain")
    if left_out:
        st.caption(t("reach_without_mobile").format(
            n=len(left_out), names=literal("、".join(m.client for m in left_out))))
    by_id = {m.client_id: m for m in found}
    pick = st.selectbox(t("reach_pick_client"), options=list(by_id), key="reach_pick",
                        format_func=lambda cid: by_id[cid].client)
    chosen = by_id.get(pick, found[0])
    st.caption(t("reach_copy_help").format(n=len(chosen.text)))
    st.code(chosen.text, language=None, wrap_lines=True)


def letters_button(actor: Actor, provider_id: int, year: int) -> None:
    """Render the button that makes the letters PDF, then its download."""
    ctx = app_context()
    st.subheader(t("reach_letters"))
    st.caption(t("reach_letters_help"))
    if st.button(t("reach_letters_prepare"), key="reach_letters_prepare"):
        base_url = public_url()
        try:
            with read_session(ctx.engine) as session:
                found = campaign_letters(session=session, actor=actor, secret=ctx.link_secret,
                                         provider_id=provider_id, year=year, base_url=base_url)
        except SurveyError as exc:
            show_failure(exc)
            return
        with st.spinner(t("reach_letters_making")):
            st.session_state["reach_letters"] = (provider_id, year,
                                                 letters_pdf(found, today=beijing_today()))
    made = st.session_state.get("reach_letters")
    if made and made[:2] == (provider_id, year):
        st.download_button(t("reach_letters_download"), data=made[2], file_name=LETTERS_NAME,
                           mime="application/pdf", key="reach_letters_download", type="primary")
