"""Pieces of the public client form: throttling bad links, the receipt, the score summary."""

from __future__ import annotations

import io
import math
import threading
import time
from collections.abc import Callable

import streamlit as st
from PIL import Image

from pages.common import public_url, t
from surveys.form_a1 import ITEMS, MAX_TOTAL, TOTAL_NAME_EN, TOTAL_NAME_ZH
from surveys.models import Response
from surveys.qr import qr_png
from surveys.receipts import receipt_filename, receipt_of, receipt_pdf, receipt_png
from surveys.text import markdown_literal
from surveys.throttle import Throttle

THROTTLE = Throttle()  # one per server process: bad links are counted per client address


class _Every:
    """Says when a periodic job is due; one per process (page files re-run, modules do not)."""

    def __init__(self, seconds: float) -> None:
        self.seconds, self.last = seconds, float("-inf")
        self._lock = threading.Lock()

    def due(self, now: float) -> bool:
        """Return True at most once per period."""
        with self._lock:
            if now - self.last < self.seconds:
                return False
            self.last = now
            return True


PURGE_CLOCK = _Every(600.0)  # drafts of revoked links and closed campaigns, every 10 minutes


def md_escape(text: str) -> str:
    """Return user text for st.markdown: specials escaped, never a link (surveys.text)."""
    return markdown_literal(text)


def browser_key() -> str:
    """Return the key bad links are counted under: the client's address, which a reload keeps.

    uvicorn takes the address from X-Forwarded-For only when the connection comes from a
    trusted proxy (FORWARDED_ALLOW_IPS, default loopback); Streamlit reports loopback as None.
    """
    address = st.context.ip_address
    return "ip:" + (address if isinstance(address, str) and address else "loopback")


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


def verify_url(record: Response) -> str:
    """Return the public verification link of a stored version."""
    base = public_url()
    return f"{base}/?h={record.record_hash}"


def _verify_qr(record_hash: str, url: str) -> tuple[bytes, int]:
    """Return the verification QR code and its width in pixels, made once per session and version."""
    kept = st.session_state.get("form_qr")
    if not kept or kept[0] != record_hash:
        png = qr_png(url, box_size=4, border=2, mask_pattern=2)
        with Image.open(io.BytesIO(png)) as image:  # reads the header only
            kept = (record_hash, png, image.width)
        st.session_state["form_qr"] = kept
    return bytes(kept[1]), int(kept[2])


def _pdf_maker(record: Response) -> Callable[[], bytes]:
    """Return a function that makes the receipt PDF when the client asks for it."""
    url, receipt = verify_url(record), receipt_of(record)
    signature, seal = record.signature_png, record.seal_image

    def make() -> bytes:
        """Return the receipt PDF (runs on Streamlit's download thread)."""
        return receipt_pdf(receipt, signature_png=signature, verify_url=url, seal_image=seal)

    return make


def render_receipt(record: Response) -> None:
    """Show the receipt of a stored version: code, facts, verification link and QR, PDF, PNG."""
    receipt = receipt_of(record)
    with st.container(border=True, key="form_receipt_box"):
        st.subheader(t("form_receipt"))
        st.markdown(f"{t('form_receipt_code')}: **`{receipt.code}`** · "
                    f"{t('form_version').format(version=receipt.version)}")
        st.markdown(f"{t('form_total')}: **{receipt.total} / {MAX_TOTAL}** · "
                    f"{t('form_date')}: **{receipt.evaluation_date.isoformat()}**")
        signer = md_escape(receipt.signer_name) + (
            f"（{md_escape(receipt.signer_title)}）" if receipt.signer_title else "")
        lines = [f"{t('form_signer_line')}: {signer}",
                 f"{t('form_submitted_at')}: {receipt.beijing_time(lang())}"]
        if receipt.comment:
            lines.append(f"{t('form_comment_line')}: {md_escape(receipt.comment)}")
        st.markdown("  \n".join(lines))
        if record.seal_image:
            st.image(record.seal_image, caption=t("form_seal_line"), width=160)
        st.markdown(score_table(receipt.scores, receipt.total))
        url = verify_url(record)
        st.markdown(f"**{t('form_verify')}**: [{url}]({url})")
        qr, width = _verify_qr(record.record_hash, url)
        with st.container(key="form_qr_box"):  # its own size, as made: sharp and scannable
            st.image(qr, width=width, output_format="PNG", caption=t("form_verify_help"))
        st.download_button(t("form_download"), data=_pdf_maker(record),
                           file_name=receipt_filename(receipt), mime="application/pdf",
                           key=f"form_dl_{record.record_hash[:12]}", width="stretch")
        shown = st.session_state.get("form_png_for") == record.record_hash
        if shown or st.button(t("form_image"), width="stretch", key="form_png_btn"):
            st.session_state["form_png_for"] = record.record_hash
            st.image(receipt_png(receipt, signature_png=record.signature_png,
                                 seal_image=record.seal_image, verify_url=url),
                     caption=t("form_image_help"), width="stretch")


def render_gone(reason: str, provider: dict[str, str]) -> None:
    """Say that the link stopped working mid-fill, that nothing was saved, and whom to call."""
    st.error(t("form_gone_revoked" if reason == "revoked" else "form_gone_closed"))
    phone = f"（{provider.get('phone')}）" if provider.get("phone") else ""
    st.warning(t("form_gone_nothing") + "\n\n" + t("form_gone_contact").format(
        provider=md_escape(provider.get("name", "")), phone=md_escape(phone)))
