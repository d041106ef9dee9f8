"""Annual callback campaigns: open, close, reopen (admin); each client's link and QR (writers)."""

from __future__ import annotations

from datetime import date

import streamlit as st

from analytics.labels import cell
from pages.common import app_context, current_actor, current_lang, language_switch, public_url, t
from pages.reach_section import reach_section
from pages.ws import attempt, can_write, flash, provider_scope, show_flash
from surveys.anchoring import anchor_now
from surveys.campaigns import (
    MAX_REOPEN_REASON,
    close_campaign,
    list_campaigns,
    open_campaign,
    reopen_campaign,
)
from surveys.clock import beijing_today
from surveys.db import read_session
from surveys.invitations import reissue_campaign_links, reissue_invitation, revoke_invitation
from surveys.links import link_warnings
from surveys.progress import campaign_progress, progress_overview
from surveys.qr import SHEET_NAME, campaign_cards, qr_png, qr_sheet_pdf, safe_filename

language_switch()
actor = current_actor()
ctx = app_context()
st.title(t("nav_campaigns"))
show_flash()
base_url = public_url()


@st.cache_data(ttl=60, show_spinner=False)
def base_url_warnings(url: str) -> list[str]:
    """Return what is wrong with the links' base URL (the public URL is not per-user data)."""
    return link_warnings(url)


provider_id = provider_scope(actor, "ws_campaigns_scope")
if provider_id is None:
    st.stop()
writable = can_write(actor, provider_id)
if writable:  # the people who hand out links learn when phones cannot open them
    for problem in base_url_warnings(base_url):
        st.warning(t(f"cli_link_{problem}").format(url=base_url))
with read_session(ctx.engine) as session:
    campaigns = list_campaigns(session=session, actor=actor, provider_id=provider_id)
lang = current_lang()
st.dataframe([{t("ws_year"): c.year, t("ws_opens"): c.opens, t("ws_closes"): c.closes,
               t("ws_is_open"): cell(c.is_open, "is_open", lang)} for c in campaigns],
             hide_index=True, width="stretch")

if writable:
    with st.expander(t("ws_campaign_open"), expanded=not campaigns), st.form("ws_campaign_open"):
        year = st.number_input(t("ws_year"), min_value=2000, max_value=2100,
                               value=beijing_today().year, step=1, key="ws_campaign_year")
        set_closes = st.checkbox(t("ws_set_closes"), key="ws_campaign_set_closes")
        closes = st.date_input(t("ws_closes"), value=date(beijing_today().year, 12, 31),
                               key="ws_campaign_closes")
        if st.form_submit_button(t("ws_campaign_open_button"), type="primary"):
            opened = attempt(lambda s: open_campaign(
                session=s, actor=actor, secret=ctx.link_secret, provider_id=provider_id,
                year=int(year), closes=closes if set_closes else None))
            if opened is not None:
                st.session_state["ws_campaign_pick"] = int(year)
                flash(t("ws_campaign_opened").format(added=opened[1]))
                st.rerun()

if not campaigns:
    st.stop()
years = [c.year for c in campaigns]
if st.session_state.get("ws_campaign_pick") not in years:
    st.session_state["ws_campaign_pick"] = years[0]
chosen_year = st.selectbox(t("ws_campaign"), options=years, key="ws_campaign_pick")
campaign = next(c for c in campaigns if c.year == chosen_year)
if writable and campaign.is_open and st.button(t("ws_campaign_close"), key="ws_campaign_close"):
    if attempt(lambda s: close_campaign(session=s, actor=actor, provider_id=provider_id,
                                        year=chosen_year)) is not None:
        anchor_now(engine=ctx.engine, settings=ctx.settings, provider_id=provider_id)
        st.rerun()
if actor.is_admin and not campaign.is_open:
    with st.expander(t("cli_reopen")), st.form("cli_reopen"):
        reason = st.text_area(t("cli_reopen_reason"), max_chars=MAX_REOPEN_REASON,
                              key="cli_reopen_reason")
        new_closes = st.checkbox(t("cli_reopen_set_closes"), key="cli_reopen_set_closes")
        reopen_closes = st.date_input(t("ws_closes"), value=campaign.closes,
                                      key="cli_reopen_closes")
        if st.form_submit_button(t("cli_reopen_button"), type="primary"):
            if attempt(lambda s: reopen_campaign(
                    session=s, actor=actor, provider_id=provider_id, year=chosen_year,
                    reason=reason, closes=reopen_closes if new_closes else None)) is not None:
                flash(t("cli_reopened"))
                st.rerun()

with read_session(ctx.engine) as session:  # links are credentials: writers only
    progress = (campaign_progress(session=session, actor=actor, secret=ctx.link_secret,
                                  provider_id=provider_id, year=chosen_year, base_url=base_url)
                if writable else
                progress_overview(session=session, actor=actor, provider_id=provider_id,
                                  year=chosen_year))
st.subheader(t("ws_progress"))
st.dataframe([{t("ws_client"): p.client, t("ws_key_unit"): cell(p.key_unit, "key_unit", lang),
               t("ws_status"): t(f"ws_status_{p.status}"), t("ws_versions"): p.versions,
               t("ws_revoked"): cell(p.revoked, "revoked", lang)} for p in progress],
             hide_index=True, width="stretch")
if not progress:
    st.info(t("ws_no_invitations"))
    st.stop()
if not writable:  # an assessor sees progress only: no link, no QR code
    st.stop()



def confirm(kind: str, target: int | None) -> None:
    """Ask before a link action: the action runs only after the confirm button."""
    st.session_state["cli_pending"] = (kind, target, provider_id, chosen_year)


def run_pending(kind: str, target: int | None) -> str | None:
    """Return the success message after the confirmed link action, None if it was refused."""
    if kind == "revoke" and target is not None:
        done = attempt(lambda s: revoke_invitation(session=s, actor=actor, invitation_id=target))
        return None if done is None else t("cli_revoked_done")
    if kind == "reissue" and target is not None:
        done = attempt(lambda s: reissue_invitation(session=s, actor=actor,
                                                    secret=ctx.link_secret, invitation_id=target))
        return None if done is None else t("cli_reissued_done")
    counts = attempt(lambda s: reissue_campaign_links(session=s, actor=actor,
                                                      secret=ctx.link_secret,
                                                      provider_id=provider_id, year=chosen_year))
    return None if counts is None else t("cli_reissued_all_done").format(count=counts[0])


def confirmation(kinds: tuple[str, ...], target: int | None) -> None:
    """Show the pending link action of these kinds (for this target) with confirm / cancel."""
    pending = st.session_state.get("cli_pending")
    if not pending or pending[0] not in kinds or tuple(pending[1:]) != (
            target, provider_id, chosen_year):
        return
    kind = pending[0]
    live = sum(1 for p in progress if not p.revoked)
    st.warning(t(f"cli_confirm_{kind}").format(
        client=by_id[target].client if target is not None else "", count=live))
    yes, no = st.columns(2)
    if yes.button(t("cli_confirm_yes"), key="cli_confirm_yes", type="primary"):
        st.session_state.pop("cli_pending", None)
        message = run_pending(kind, target)
        if message is not None:
            st.session_state.pop("ws_sheet", None)
            flash(message)
            st.rerun()
    if no.button(t("cli_confirm_cancel"), key="cli_confirm_cancel"):
        st.session_state.pop("cli_pending", None)
        st.rerun()


by_id = {p.invitation_id: p for p in progress}
if st.button(t("ws_sheet_prepare"), key="ws_sheet_prepare"):
    with read_session(ctx.engine) as session:
        cards = campaign_cards(session=session, actor=actor, secret=ctx.link_secret,
                               provider_id=provider_id, year=chosen_year, base_url=base_url)
    st.session_state["ws_sheet"] = (provider_id, chosen_year, qr_sheet_pdf(cards))
sheet = st.session_state.get("ws_sheet")
if sheet and sheet[:2] == (provider_id, chosen_year):
    st.download_button(t("ws_sheet_download"), data=sheet[2], file_name=SHEET_NAME,
                       mime="application/pdf", key="ws_sheet_download", type="primary")

if st.button(t("cli_reissue_all"), key="cli_reissue_all"):
    confirm("reissue_all", None)
    st.rerun()
confirmation(("reissue_all",), None)

st.subheader(t("ws_client_link"))
pick = st.selectbox(t("ws_client"), options=list(by_id), key="ws_link_pick",
                    format_func=lambda iid: by_id[iid].client)
item = by_id[pick]
if item.url:
    st.code(item.url, language=None)
    st.download_button(t("ws_qr_download"), data=qr_png(item.url),
                       file_name=f"{safe_filename(item.client, f'client-{item.client_id}')}.png",
                       mime="image/png", key="ws_qr_download")
else:
    st.warning(t("ws_link_revoked"))
left, right = st.columns(2)
if item.url and left.button(t("ws_link_revoke"), key="ws_link_revoke"):
    confirm("revoke", pick)
    st.rerun()
if right.button(t("ws_link_reissue"), key="ws_link_reissue"):
    confirm("reissue", pick)
    st.rerun()
confirmation(("revoke", "reissue"), pick)  # right below the button that asked
reach_section(actor, provider_id, chosen_year)  # reachA: messages and letters
