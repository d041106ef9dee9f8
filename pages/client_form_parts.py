"""Pieces of the public client form: throttling bad links, the receipt, the score summary."""

from __future__ import annotations

import hashlib
import math
import time
import uuid
from collections.abc import Callable

import streamlit as st

from pages.common import app_context, t
from surveys.form_a1 import ITEMS, MAX_TOTAL, TOTAL_NAME_EN, TOTAL_NAME_ZH
from surveys.links import resolve_base_url
from surveys.models import Response
from surveys.receipts import receipt_filename, receipt_of, receipt_pdf
from surveys.text import markdown_literal
from surveys.throttle import Throttle

THROTTLE = Throttle()  # one per server process: bad links are counted per browser


def md_escape(text: str) -> str:
    """Return user text for st.markdown: specials escaped, never a link (surveys.text)."""
    return markdown_literal(text)


def browser_key() -> str:
    """Return the key bad links are counted under: the browser's cookie, else the session."""
    cookie = st.context.cookies.get("_streamlit_xsrf") if st.context.cookies else None
    if cookie:
        return "c:" + hashlib.sha256(cookie.encode()).hexdigest()[:24]
    if "form_throttle_key" not in st.session_state:
        st.session_state["form_throttle_key"] = uuid.uuid4().hex
    return "s:" + str(st.session_state["form_throttle_key"])


def guard_lookup(key: str) -> None:
    """Refuse (and stop) or slow down the token lookup according to the throttle."""
    verdict = THROTTLE.check(key, time.monotonic())
    if verdict.refuse:
        st.error(t("form_too_many").format(minutes=max(1, math.ceil(verdict.retry_after / 60))))
        st.stop()
    if verdict.wait:
        time.sleep(verdict.wait)


def refuse_link(key: str, token: str) -> None:
    """Count a bad link once per session and token, show the one plain message, stop."""
    seen: set[str] = st.session_state.setdefault("form_bad_seen", set())
    if token not in seen:
        seen.add(token)
        THROTTLE.record_failure(key, time.monotonic())
    st.error(t("invalid_link"))
    st.stop()


def lang() -> str:
    """Return the session's language."""
    return str(st.session_state.get("lang", "zh"))


def score_table(scores: tuple[int, ...] | list[int], total: int) -> str:
    """Return a Markdown table of the nine scores and the total."""
    en = lang() == "en"
    rows = [f"| {t('form_item')} | {t('form_max')} | {t('form_score')} |", "|---|---:|---:|"]
    rows += [f"| {item.no}. {item.name(lang())} | {item.max_score} | **{score}** |"
             for item, score in zip(ITEMS, scores, strict=True)]
    rows.append(f"| {TOTAL_NAME_EN if en else TOTAL_NAME_ZH} | {MAX_TOTAL} | **{total}** |")
    return "\n".join(rows)


def _pdf_maker(record: Response) -> Callable[[], bytes]:
    """Return a function that makes the receipt PDF when the client asks for it."""
    settings = app_context().settings
    verify_url = f"{resolve_base_url(settings.base_url, settings.port)}/?h={record.record_hash}"
    receipt, signature = receipt_of(record), record.signature_png

    def make() -> bytes:
        """Return the receipt PDF (runs on Streamlit's download thread)."""
        return receipt_pdf(receipt, signature_png=signature, verify_url=verify_url)

    return make


def render_receipt(record: Response) -> None:
    """Show the receipt of a stored version with its PDF download."""
    receipt = receipt_of(record)
    with st.container(border=True):
        st.subheader(t("form_receipt"))
        left, right = st.columns(2)
        left.metric(t("form_total"), f"{receipt.total} / {MAX_TOTAL}")
        right.metric(t("form_date"), receipt.evaluation_date.isoformat())
        st.markdown(f"{t('form_receipt_code')}: **`{receipt.code}`** · "
                    f"{t('form_version').format(version=receipt.version)}")
        st.markdown(score_table(receipt.scores, receipt.total))
        st.download_button(t("form_download"), data=_pdf_maker(record),
                           file_name=receipt_filename(receipt), mime="application/pdf",
                           key=f"form_dl_{record.record_hash[:12]}", width="stretch")
