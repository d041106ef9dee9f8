"""Public client form behind ?t=<token>: Table A.1 on a phone, signed, with a receipt to keep.

One rerun per tap; the submission itself runs in the confirm button's callback, so confirming
costs one rerun that already shows the receipt. What the client enters is saved as a server-side
draft after every change (surveys/drafts.py; docs/client-form.md) and restored on reload.
"""

from __future__ import annotations

import logging
import time
import uuid
from datetime import date

import streamlit as st

from pages.client_form_chrome import install_chrome, remember_link, scroll_to
from pages.client_form_fields import (
    apply_values,
    current_draft,
    draft_digest,
    first_error_key,
    raw_values,
    render_fields,
    restore_signature,
    review_digest,
    sync_signature,
)
from pages.client_form_parts import (
    PURGE_CLOCK,
    browser_key,
    guard_lookup,
    md_escape,
    refuse_link,
    render_gone,
    render_receipt,
    score_table,
)
from pages.common import app_context, current_lang, t
from surveys.clock import beijing_today
from surveys.db import read_session, run_write
from surveys.drafts import discard_draft, load_draft, purge_drafts, save_draft
from surveys.errors import Conflict, ValidationFailed
from surveys.form_a1 import ITEMS
from surveys.i18n import LANGS, tr
from surveys.web_form import (
    CampaignClosed,
    FormState,
    InvalidLink,
    link_gone_reason,
    load_form_state,
    note_opened,
    review_web_form,
    submit_web_form,
)

LOG = logging.getLogger("star_survey.client_form")


def start_form(state: FormState, token: str, correcting: bool) -> None:
    """Fill the widgets: empty, the latest version (correction) or the kept draft, in that order."""
    for key in [k for k in st.session_state if str(k).startswith("form_w_")]:
        del st.session_state[key]
    latest = state.latest
    st.session_state.update(form_key=uuid.uuid4().hex, form_valid=False, form_errors=[],
                            form_seal=None, form_seal_removed=False, form_seal_previous=False,
                            form_correcting=correcting)
    fields: dict[str, object] = {name: state.client.get(name, "") for name in
                                 ("department", "manager", "phone")}
    if correcting and latest is not None:
        fields.update({f"item{i.no}": getattr(latest, f"item{i.no}") for i in ITEMS})
        fields.update({n: getattr(latest, n) for n in ("signer_name", "signer_title",
                                                       "signer_phone", "comment")})
        fields["evaluation_date"] = latest.evaluation_date.isoformat()
        st.session_state.update(form_seal=latest.seal_image,
                                form_seal_previous=latest.seal_image is not None)
    signature: tuple[bytes | None, str] = (None, "")
    with read_session(app_context().engine) as session:
        draft = load_draft(session=session, token=token, today=beijing_today())
    base = latest.id if latest is not None else None
    if draft is not None and draft.fields.get("base_id") == base:
        correcting = correcting or (bool(draft.fields.get("correcting")) and latest is not None)
        st.session_state["form_correcting"] = correcting
        fields.update(draft.fields)
        signature = (draft.signature_png, draft.signature_json)
        st.session_state.update(form_seal=draft.seal_image,
                                form_seal_removed=bool(draft.fields.get("seal_removed")),
                                form_seal_previous=False, form_notice="form_draft_restored")
    apply_values(fields, state)
    restore_signature(*signature)
    st.session_state["form_saved_digest"] = draft_digest(current_draft(base, correcting))


def on_review(token: str) -> None:
    """Check the whole form; show the confirmation, or each error at its field."""
    sync_signature()
    raw, edits, attachments = raw_values()
    try:
        with read_session(app_context().engine) as session:
            review_web_form(session=session, token=token, raw=raw, header_edits=edits,
                            attachments=attachments, today=beijing_today())
    except ValidationFailed as exc:
        st.session_state.update(form_valid=False, form_errors=exc.errors,
                                form_scroll=first_error_key(exc.errors))
        return
    except (CampaignClosed, InvalidLink):
        return  # the run that follows says what happened to the link
    st.session_state.update(form_valid=True, form_errors=[], form_scroll="form_confirm_box",
                            form_valid_digest=review_digest())


def on_confirm(state: FormState, token: str) -> None:
    """Store the form once; the run that follows shows the receipt at the top."""
    ctx = app_context()
    sync_signature()
    raw, edits, attachments = raw_values()
    supersedes = state.latest.id if state.latest is not None else None
    try:
        run_write(ctx.engine, lambda s: submit_web_form(
            session=s, signer=ctx.signer, token=token, raw=raw, header_edits=edits,
            attachments=attachments, submission_key=str(st.session_state["form_key"]),
            supersedes_id=supersedes, today=beijing_today()))
    except ValidationFailed as exc:
        st.session_state.update(form_valid=False, form_errors=exc.errors,
                                form_scroll=first_error_key(exc.errors))
        return
    except (CampaignClosed, InvalidLink):
        st.session_state["form_valid"] = False
        return
    except Conflict:
        st.session_state["form_notice"] = "form_conflict"
    else:
        st.session_state["form_notice"] = "form_saved"
    st.session_state.update(form_for=None, form_correcting=False, form_valid=False,
                            form_scroll="form_notice_box")


def on_cancel(token: str) -> None:
    """Leave the correction: drop its draft and show the receipt again."""
    run_write(app_context().engine, lambda s: discard_draft(session=s, token=token,
                                                            today=beijing_today()))
    st.session_state.update(form_correcting=False, form_for=None)


def keep_draft(state: FormState, token: str, correcting: bool) -> None:
    """Save the form as the link's draft when it changed since the last save."""
    base = state.latest.id if state.latest is not None else None
    draft = current_draft(base, correcting)
    digest = draft_digest(draft)
    if digest == st.session_state.get("form_saved_digest"):
        return
    try:
        run_write(app_context().engine, lambda s: save_draft(session=s, token=token, draft=draft,
                                                             today=beijing_today()))
        st.session_state["form_saved_digest"] = digest
    except ValidationFailed:
        LOG.warning("draft of invitation %s over its size bound; not kept", state.invitation_id)


def maybe_purge(today: date) -> None:
    """Delete drafts of revoked links and closed campaigns, at most every PURGE_EVERY seconds."""
    if PURGE_CLOCK.due(time.monotonic()):  # module state survives reruns (this file does not)
        run_write(app_context().engine, lambda s: purge_drafts(session=s, today=today))


def render_form(state: FormState, token: str, correcting: bool) -> None:
    """Render the inputs, the review button and, once checked, the confirmation."""
    provider = state.provider
    st.caption(f"{t('form_provider_block')}: " + " · ".join(
        md_escape(provider[k]) for k in ("name", "department", "manager", "phone") if provider[k]))
    render_fields(state)
    keep_draft(state, token, correcting)
    if st.session_state.get("form_valid") and (st.session_state.get("form_valid_digest")
                                               != review_digest()):
        st.session_state["form_valid"] = False  # changed since it was checked
    errors = st.session_state.get("form_errors", [])
    with st.container(key="form_review_box"):
        if errors:
            st.error(t("form_errors_above").format(n=len(errors)))
        if correcting:
            st.button(t("form_cancel"), on_click=on_cancel, args=(token,), width="stretch")
        st.button(t("form_review"), type="primary", width="stretch", on_click=on_review,
                  args=(token,), key="form_review_btn")
    if st.session_state.get("form_valid"):
        raw, _, _ = raw_values()
        scores = [int(raw[f"item{i.no}"]) for i in ITEMS]
        with st.container(border=True, key="form_confirm_box"):
            st.subheader(t("form_confirm_title"))
            st.caption(t("form_confirm_help"))
            st.button(t("form_confirm"), type="primary", width="stretch", on_click=on_confirm,
                      args=(state, token), key="form_confirm_btn")
            st.markdown(score_table(scores, sum(scores)))


def run_page() -> bool:
    """Render the form, the receipt, or the one invalid-link message; True when it is the form."""
    token = str(st.query_params.get("t", ""))
    key = browser_key()
    guard_lookup(key)
    today = beijing_today()
    ctx = app_context()
    gone = None
    with read_session(ctx.engine) as session:
        state = load_form_state(session=session, token=token, today=today)
        if state is None and st.session_state.get("form_open_token") == token:
            gone = link_gone_reason(session=session, token=token, today=today)
    if state is None:
        if gone:
            render_gone(gone, st.session_state.get("form_provider", {}))
            return False
        refuse_link(key, token)
        return False
    st.session_state.update(form_open_token=token, form_provider=state.provider)
    if state.first_open:
        run_write(ctx.engine, lambda s: note_opened(session=s, invitation_id=state.invitation_id))
    maybe_purge(today)
    st.title(t("form_title"))
    st.markdown(t("form_intro").format(client=f"**{md_escape(state.client['name'])}**",
                                       provider=f"**{md_escape(state.provider['name'])}**",
                                       year=state.year))
    st.caption(t("form_standard"))
    latest_id = state.latest.id if state.latest is not None else None
    wanted = st.session_state.get("form_correcting", False)
    if st.session_state.get("form_for") != (token, latest_id):
        if st.session_state.get("form_for") is not None:  # another tab or device stored one
            st.session_state.update(form_notice="form_conflict")
            wanted = False
        if state.accepts and (wanted or state.latest is None or st.session_state.get(
                "form_fresh", True)):  # a fresh session may hold a correction's draft
            start_form(state, token, wanted and state.latest is not None)
        st.session_state.update(form_for=(token, latest_id), form_fresh=False)
    if wanted and not state.accepts:
        render_gone("closed", state.provider)
    correcting = bool(st.session_state.get("form_correcting")) and state.accepts
    notice = st.session_state.pop("form_notice", None)
    if notice:
        with st.container(key="form_notice_box"):
            (st.success if notice in ("form_saved", "form_draft_restored") else st.warning)(
                t(notice))
    receipt = None if correcting else state.latest
    if receipt is not None:
        render_receipt(receipt)
        if state.accepts:
            st.caption(t("form_correct_help"))
            st.button(t("form_correct"), width="stretch", on_click=lambda: st.session_state.update(
                form_correcting=True, form_for=None))
        else:
            st.info(t("form_readonly"))
    else:
        st.caption(t("form_required_note"))
        render_form(state, token, correcting)
    target = st.session_state.pop("form_scroll", None)
    if target:
        scroll_to(target)
    return receipt is None  # the form is shown


def keep_lang_in_url() -> None:
    """Put the chosen language in the URL (&lang=en), so a reload keeps it."""
    if st.session_state.get("lang") == "en":
        st.query_params["lang"] = "en"
    else:
        st.query_params.pop("lang", None)


def main() -> None:
    """Run the page; any unexpected error becomes one plain message (and a log entry)."""
    lang = current_lang()
    install_chrome(lang)
    st.segmented_control(tr("language", lang), options=list(LANGS), key="lang", required=True,
                         on_change=keep_lang_in_url, label_visibility="collapsed",
                         format_func=lambda code: "中文" if code == "zh" else "English")
    try:
        remember_link(run_page())
    except Exception:
        LOG.exception("client form failed")
        st.error(t("form_error_plain"))


main()
