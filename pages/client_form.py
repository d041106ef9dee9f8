"""Public client form behind ?t=<token>: Table A.1 on a phone, signed, with a receipt to keep."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import streamlit as st

from pages.client_form_parts import (
    browser_key,
    guard_lookup,
    lang,
    md_escape,
    refuse_link,
    render_receipt,
    score_table,
)
from pages.common import app_context, language_switch, t
from surveys.clock import beijing_today
from surveys.db import read_session, run_write
from surveys.errors import Conflict, ValidationFailed
from surveys.form_a1 import ITEMS, item_label
from surveys.responses import Attachments
from surveys.signature import trim_signature
from surveys.uploads import MAX_IMAGE_BYTES
from surveys.web_form import (
    EDITABLE_HEADER,
    CampaignClosed,
    FormState,
    InvalidLink,
    load_form_state,
    note_opened,
    review_web_form,
    submit_web_form,
)

W = "form_w_"  # prefix of this form's widget keys
HEADER_LABELS = {"department": ("用户主管部门名称", "Responsible department"),
                 "manager": ("主管负责人", "Person in charge"), "phone": ("联系电话", "Phone")}


def score_label(no: int) -> str:
    """Return the accessible label of an item's score input (always with the Chinese name)."""
    item = ITEMS[no - 1]
    return item_label(item) if lang() == "zh" else f"{item_label(item, 'en')} · {item.name_zh}"


def reset_form(state: FormState, prefill: bool) -> None:
    """Clear the widgets (or fill them from the latest version) and start a new submission."""
    for key in [k for k in st.session_state if str(k).startswith(W)]:
        del st.session_state[key]
    st.session_state["form_key"] = uuid.uuid4().hex
    st.session_state["form_review"] = False
    for name in EDITABLE_HEADER:
        st.session_state[W + name] = state.client.get(name, "")
    latest = state.latest
    if prefill and latest is not None:
        for item in ITEMS:
            st.session_state[f"{W}item{item.no}"] = getattr(latest, f"item{item.no}")
        for name in ("signer_name", "signer_title", "signer_phone", "comment"):
            st.session_state[W + name] = getattr(latest, name)
        st.session_state[W + "date"] = latest.evaluation_date


def start_correction(state: FormState) -> None:
    """Open the form again, filled with the latest version (a new signature is needed)."""
    reset_form(state, prefill=True)
    st.session_state["form_correcting"] = True


def cancel_correction() -> None:
    """Go back to the receipt without changing anything."""
    st.session_state.update(form_correcting=False, form_review=False, form_for=None)


def clear_signature() -> None:
    """Give the signer an empty pad (a new canvas widget)."""
    st.session_state["form_pad"] = st.session_state.get("form_pad", 0) + 1
    st.session_state["form_review"] = False


def show_errors(exc: ValidationFailed) -> None:
    """Show every problem in the session's language."""
    lines = [f"- {error.en if lang() == 'en' else error.zh}" for error in exc.errors]
    st.error(t("form_fix") + "\n" + "\n".join(lines))


def collect(state: FormState, today: date) -> tuple[dict[str, Any], dict[str, str], Attachments]:
    """Render the form's inputs and return the raw fields, header edits and attachments."""
    from streamlit_drawable_canvas import st_canvas

    with st.container(border=True):
        st.markdown(f"**{t('form_client_block')}**")
        st.text_input(("用户单位名称" if lang() == "zh" else "Client unit"),
                      value=state.client["name"], disabled=True)
        edits = {name: st.text_input(HEADER_LABELS[name][lang() == "en"], key=W + name,
                                     max_chars=200 if name == "department" else 100)
                 for name in EDITABLE_HEADER}
    st.subheader(t("form_items"))
    st.caption(t("form_items_help"))
    raw: dict[str, Any] = {}
    for item in ITEMS:
        raw[f"item{item.no}"] = st.number_input(
            score_label(item.no), min_value=0, max_value=item.max_score, value=None, step=1,
            key=f"{W}item{item.no}", placeholder=t("form_placeholder").format(max=item.max_score))
    given = [v for v in raw.values() if v is not None]
    st.progress(len(given) / len(ITEMS),
                text=t("form_running").format(done=len(given), total=int(sum(given))))
    st.subheader(t("form_signer"))
    for name, limit in (("signer_name", 100), ("signer_title", 100), ("signer_phone", 50)):
        raw[name] = st.text_input(t("form_" + name), key=W + name, max_chars=limit)
    st.markdown(f"**{t('form_signature')}**")
    pad = st.session_state.setdefault("form_pad", 0)
    canvas = st_canvas(stroke_width=3, stroke_color="#111111", background_color="#ffffff",
                       height=160, width=320, drawing_mode="freedraw", return_image_data=True,
                       key=f"form_sig_{st.session_state['form_key']}_{pad}")
    signature = trim_signature(canvas.image_data) if canvas is not None else None
    st.caption(t("form_signed") if signature else t("form_signature_help"))
    st.button(t("form_clear_signature"), on_click=clear_signature)
    seal = st.file_uploader(t("form_seal"), type=["png", "jpg", "jpeg", "webp", "gif", "bmp"],
                            key=f"form_seal_{st.session_state['form_key']}",
                            max_upload_size=MAX_IMAGE_BYTES // 1024 // 1024)
    first, last = state.date_bounds(today)
    if W + "date" not in st.session_state:
        st.session_state[W + "date"] = last
    raw["evaluation_date"] = st.date_input(t("form_date"), min_value=first, max_value=last,
                                           key=W + "date")
    raw["comment"] = st.text_area(t("form_comment"), key=W + "comment", max_chars=2000)
    attachments = Attachments(signature_png=signature,
                              seal_image=seal.getvalue() if seal is not None else None)
    return raw, edits, attachments


def confirm_and_submit(state: FormState, token: str, today: date, raw: dict[str, Any],
                       edits: dict[str, str], attachments: Attachments) -> None:
    """Check the form, show the confirmation, and store it once confirmed."""
    ctx = app_context()
    try:
        with read_session(ctx.engine) as session:
            valid = review_web_form(session=session, token=token, raw=raw, header_edits=edits,
                                    attachments=attachments, today=today)
    except ValidationFailed as exc:
        st.session_state["form_review"] = False
        show_errors(exc)
        return
    with st.container(border=True):
        st.subheader(t("form_confirm_title"))
        st.markdown(score_table([valid.scores[i.no] for i in ITEMS], valid.total))
        if not st.button(t("form_confirm"), type="primary", width="stretch"):
            return
    supersedes = state.latest.id if state.latest is not None else None
    try:
        run_write(ctx.engine, lambda s: submit_web_form(
            session=s, signer=ctx.signer, token=token, raw=raw, header_edits=edits,
            attachments=attachments, submission_key=str(st.session_state["form_key"]),
            supersedes_id=supersedes, today=today))
        st.session_state["form_notice"] = "form_saved"
    except ValidationFailed as exc:
        show_errors(exc)
        return
    except (CampaignClosed, InvalidLink):
        st.session_state["form_notice"] = "form_closed_now"
    except Conflict:
        st.session_state["form_notice"] = "form_conflict"
    st.session_state["form_correcting"] = False
    st.session_state["form_review"] = False
    st.session_state["form_for"] = None
    st.rerun()


def main() -> None:
    """Render the form, the receipt, or the one invalid-link message."""
    language_switch(st)
    token = str(st.query_params.get("t", ""))
    key = browser_key()
    guard_lookup(key)
    today = beijing_today()
    ctx = app_context()
    with read_session(ctx.engine) as session:
        state = load_form_state(session=session, token=token, today=today)
    if state is None:
        refuse_link(key, token)
        return
    if state.first_open:
        run_write(ctx.engine, lambda s: note_opened(session=s, invitation_id=state.invitation_id))
    st.title(t("form_title"))
    st.markdown(t("form_intro").format(client=f"**{md_escape(state.client['name'])}**",
                                       provider=f"**{md_escape(state.provider['name'])}**",
                                       year=state.year))
    st.caption(t("form_standard"))
    latest_id = state.latest.id if state.latest is not None else None
    pending = st.session_state.get("form_for")
    if pending is not None and pending != (token, latest_id):
        # another tab or device stored a version while this form was open
        st.session_state.update(form_for=None, form_correcting=False, form_review=False)
        st.session_state.setdefault("form_notice", "form_conflict")
    notice = st.session_state.pop("form_notice", None)
    if notice:
        (st.success if notice == "form_saved" else st.warning)(t(notice))
    correcting = st.session_state.get("form_correcting", False) and state.accepts
    if state.latest is not None and not correcting:
        render_receipt(state.latest)
        if state.accepts:
            st.caption(t("form_correct_help"))
            st.button(t("form_correct"), on_click=start_correction, args=(state,),
                      width="stretch")
        else:
            st.info(t("form_readonly"))
        return
    if st.session_state.get("form_for") is None:
        st.session_state["form_for"] = (token, latest_id)
        if not correcting:
            reset_form(state, prefill=False)
    provider = state.provider
    st.caption(f"{t('form_provider_block')}: " + " · ".join(
        md_escape(provider[k]) for k in ("name", "department", "manager", "phone") if provider[k]))
    raw, edits, attachments = collect(state, today)
    if correcting:
        st.button(t("form_cancel"), on_click=cancel_correction, width="stretch")
    if st.button(t("form_review"), type="primary", width="stretch"):
        st.session_state["form_review"] = True
    if st.session_state.get("form_review"):
        confirm_and_submit(state, token, today, raw, edits, attachments)


main()
