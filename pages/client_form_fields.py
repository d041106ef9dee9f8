"""The client form's inputs: tap-to-score items, signer, signature pad, seal photo, date, comment.

Every input keeps its value in st.session_state under a `form_w_` key (the signature and the
seal under `form_sig` / `form_seal`), so the page can save them as the server-side draft
(surveys/drafts.py) and restore them after a reload, a killed tab or a lost connection.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
from collections.abc import Mapping
from datetime import date
from typing import Any

import numpy as np
import streamlit as st
from PIL import Image

from pages.client_form_parts import lang
from pages.common import t
from surveys.clock import beijing_today
from surveys.drafts import Draft
from surveys.errors import FieldError, ValidationFailed
from surveys.form_a1 import ITEMS, item_heading
from surveys.responses import Attachments
from surveys.signature import trim_signature
from surveys.uploads import MAX_IMAGE_BYTES, check_image
from surveys.web_form import EDITABLE_HEADER, FormState

W = "form_w_"  # prefix of this form's widget keys
TEXTS = (("signer_name", 100), ("signer_title", 100), ("signer_phone", 50))
HEADER_LABELS = {"department": ("用户主管部门名称", "Responsible department"),
                 "manager": ("主管负责人", "Person in charge"), "phone": ("联系电话", "Phone")}
CANVAS = {"width": 340, "height": 170}


def item_title(no: int) -> str:
    """Return an item's label, marked required (English labels keep the Chinese name)."""
    return item_heading(ITEMS[no - 1], lang()) + " :red[*]"


def field_errors(name: str) -> None:
    """Show the errors of one field right where it is."""
    for error in st.session_state.get("form_errors", []):
        if error.field == name:
            st.error(error.en if lang() == "en" else error.zh)


def raw_values() -> tuple[dict[str, Any], dict[str, str], Attachments]:
    """Return the form's raw fields, header edits and attachments from the session."""
    state = st.session_state
    raw: dict[str, Any] = {f"item{i.no}": state.get(f"{W}item{i.no}") for i in ITEMS}
    raw.update({name: state.get(W + name, "") for name, _ in TEXTS})
    raw["evaluation_date"] = state.get(W + "date")
    raw["comment"] = state.get(W + "comment", "")
    edits = {name: str(state.get(W + name, "")) for name in EDITABLE_HEADER}
    sig = state.get("form_sig") or {}
    return raw, edits, Attachments(signature_png=sig.get("png"), seal_image=state.get("form_seal"))


def current_draft(base_id: int | None, correcting: bool) -> Draft:
    """Return what the form holds now, as a draft."""
    raw, edits, attachments = raw_values()
    fields = {**raw, **edits, "base_id": base_id, "correcting": correcting,
              "seal_removed": bool(st.session_state.get("form_seal_removed"))}
    sig = st.session_state.get("form_sig") or {}
    return Draft(fields=fields, signature_json=sig.get("json", ""),
                 signature_png=attachments.signature_png, seal_image=attachments.seal_image)


def draft_digest(draft: Draft) -> str:
    """Return a digest that changes whenever the draft does."""
    digest = hashlib.sha256(json.dumps(draft.fields, sort_keys=True, default=str).encode())
    for part in (draft.signature_json.encode(), draft.signature_png or b"", draft.seal_image or b""):
        digest.update(hashlib.sha256(part).digest())
    return digest.hexdigest()


def review_digest() -> str:
    """Return a digest of what the confirmation shows and checks (scores, texts, seal)."""
    raw, edits, attachments = raw_values()
    digest = hashlib.sha256(json.dumps([raw, edits], sort_keys=True, default=str).encode())
    digest.update(hashlib.sha256(attachments.seal_image or b"").digest())
    digest.update(b"signed" if attachments.signature_png else b"")
    return digest.hexdigest()


def apply_values(fields: dict[str, Any], state: FormState) -> None:
    """Put stored values (a draft's or the latest version's) into the widgets."""
    for item in ITEMS:
        value = fields.get(f"item{item.no}")
        ok = isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= item.max_score
        st.session_state[f"{W}item{item.no}"] = value if ok else None
    for name in [n for n, _ in TEXTS] + ["comment", *EDITABLE_HEADER]:
        if isinstance(fields.get(name), str):
            st.session_state[W + name] = fields[name]
    first, last = state.date_bounds(beijing_today())
    try:
        chosen = date.fromisoformat(str(fields.get("evaluation_date")))
    except ValueError:
        chosen = last
    st.session_state[W + "date"] = min(max(chosen, first), last)


def restore_signature(png: bytes | None, strokes: str) -> None:
    """Give the pad the kept strokes (redrawn on a fresh canvas) and keep the kept PNG."""
    st.session_state["form_pad"] = st.session_state.get("form_pad", 0) + 1
    st.session_state["form_sig"] = {"png": png, "json": strokes, "seen": None}
    st.session_state["form_sig_initial"] = strokes


def clear_signature() -> None:
    """Give the signer an empty pad (a new canvas widget)."""
    restore_signature(None, "")
    st.session_state["form_valid"] = False


def _pad_key() -> str:
    """Return the widget key of the signature pad shown now."""
    return f"form_sig_{st.session_state['form_key']}_{st.session_state.get('form_pad', 0)}"


def _take_drawing(url: str | None, strokes: Any) -> None:
    """Keep the trimmed PNG and the strokes of a drawing the pad sent, when it is a new one."""
    sig = st.session_state.setdefault("form_sig", {"png": None, "json": "", "seen": None})
    if not url or url == sig.get("seen") or ";base64," not in url:
        return
    try:
        with Image.open(io.BytesIO(base64.b64decode(url.split(";base64,", 1)[1]))) as image:
            png = trim_signature(np.asarray(image))
    except (OSError, ValueError, Image.DecompressionBombError):
        return  # not a picture: the form stays unsigned and says so at review
    st.session_state["form_sig"] = {
        "png": png, "seen": url, "json": json.dumps(strokes, separators=(",", ":")) if png else ""}


def sync_signature() -> None:
    """Take the pad's latest drawing from its widget state.

    Callbacks run before the page's script: when a drawing and a press of 检查并提交 or 确认提交
    arrive in one rerun, the press must see the drawing the pad holds, not the one before.
    """
    value = st.session_state.get(_pad_key()) if "form_key" in st.session_state else None
    drawing = value.get("drawing") if isinstance(value, Mapping) else None
    if isinstance(drawing, Mapping):
        _take_drawing(drawing.get("data"), drawing.get("raw"))


def _signature_pad() -> None:
    """Render the pad; keep the trimmed PNG and the strokes whenever the drawing changes."""
    from streamlit_drawable_canvas import st_canvas

    st.session_state.setdefault("form_pad", 0)
    strokes = st.session_state.get("form_sig_initial") or ""
    canvas = st_canvas(stroke_width=3, stroke_color="#111111", background_color="#ffffff",
                       initial_drawing=json.loads(strokes) if strokes else None,
                       drawing_mode="freedraw", return_image_data=True, key=_pad_key(), **CANVAS)
    _take_drawing(canvas._image_data_url, canvas.json_data)  # None until the pad sends one


def _seal_uploaded(key: str) -> None:
    """Check a new seal photo at once: keep it re-encoded, or say why not (at the field)."""
    upload = st.session_state.get(key)
    st.session_state["form_seal_up"] = st.session_state.get("form_seal_up", 0) + 1  # frees it
    st.session_state["form_errors"] = [e for e in st.session_state.get("form_errors", [])
                                       if e.field != "seal"]
    if upload is None:
        return
    try:
        st.session_state["form_seal"] = check_image(upload.getvalue(), field="seal")
        st.session_state["form_seal_removed"] = False
    except ValidationFailed as exc:
        st.session_state["form_errors"] = [*st.session_state["form_errors"], *exc.errors]


def _remove_seal() -> None:
    """Drop the seal photo (also one kept from the previous version)."""
    st.session_state.update(form_seal=None, form_seal_removed=True, form_seal_previous=False)


def _seal() -> None:
    """Render the seal photo: uploader, or the kept photo with a remove button."""
    with st.container(key="fld_seal"):
        key = f"form_seal_file_{st.session_state.get('form_seal_up', 0)}"
        seal = st.session_state.get("form_seal")
        st.file_uploader(t("form_seal"), type=["png", "jpg", "jpeg", "heic", "heif", "webp"],
                         key=key, on_change=_seal_uploaded, args=(key,),
                         max_upload_size=MAX_IMAGE_BYTES // 1024 // 1024)
        st.caption(t("form_seal_help"))
        field_errors("seal")
        if seal:
            st.image(seal, width=120)
            st.caption(t("form_seal_previous") if st.session_state.get("form_seal_previous")
                       else t("form_seal_attached"))
            st.button(t("form_seal_remove"), on_click=_remove_seal, key="form_seal_rm")


def render_fields(state: FormState) -> None:
    """Render every input of the form, each with its errors right below it."""
    with st.container(border=True):
        st.markdown(f"**{t('form_client_block')}**")
        st.text_input(("用户单位名称" if lang() == "zh" else "Client unit"),
                      value=state.client["name"], disabled=True)
        for name in EDITABLE_HEADER:
            with st.container(key=f"fld_{name}"):
                st.text_input(HEADER_LABELS[name][lang() == "en"], key=W + name,
                              max_chars=200 if name == "department" else 100)
                field_errors(name)
    st.subheader(t("form_items"))
    st.caption(t("form_tap_score"))
    for item in ITEMS:
        with st.container(key=f"fld_item{item.no}"):
            st.pills(item_title(item.no), options=list(range(item.max_score + 1)),
                     key=f"{W}item{item.no}", width="stretch")
            field_errors(f"item{item.no}")
    given: list[int] = [v for v in (st.session_state.get(f"{W}item{i.no}") for i in ITEMS)
                        if v is not None]
    st.progress(len(given) / len(ITEMS),
                text=t("form_running").format(done=len(given), total=int(sum(given))))
    st.subheader(t("form_signer"))
    for name, limit in TEXTS:
        with st.container(key=f"fld_{name}"):
            label = t("form_" + name) + (" :red[*]" if name == "signer_name" else "")
            st.text_input(label, key=W + name, max_chars=limit)
            field_errors(name)
    with st.container(key="fld_signature"):
        st.markdown(f"**{t('form_signature')}** :red[*]")
        _signature_pad()
        signed = bool((st.session_state.get("form_sig") or {}).get("png"))
        st.caption(t("form_signed") if signed else t("form_signature_help"))
        field_errors("signature")
        st.button(t("form_clear_signature"), on_click=clear_signature, key="form_clear_sig")
    _seal()
    first, last = state.date_bounds(beijing_today())
    with st.container(key="fld_date"):
        st.date_input(t("form_date") + " :red[*]", min_value=first, max_value=last,
                      key=W + "date", format="YYYY-MM-DD")
        field_errors("date")
    with st.container(key="fld_comment"):
        st.text_area(t("form_comment"), key=W + "comment", max_chars=2000)
        field_errors("comment")


def first_error_key(errors: list[FieldError]) -> str:
    """Return the container key of the first field (in page order) that has an error."""
    order = [*EDITABLE_HEADER, *[f"item{i.no}" for i in ITEMS], *[n for n, _ in TEXTS],
             "signature", "seal", "date", "comment"]
    named = {error.field for error in errors}
    return next((f"fld_{name}" for name in order if name in named), "form_review_box")
