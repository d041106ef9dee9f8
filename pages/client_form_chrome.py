"""What the client sees around the form: no Streamlit menu or English, large tap targets, scrolling.

The public pages hide the header, menu and status widget, put Streamlit's own English texts in
the session's language (pages/streamlit_texts.py), scroll to what the client must see next, and
let the browser remember whether the link showed a form (read by the first screen).
"""

from __future__ import annotations

import json

import streamlit as st

from pages.streamlit_texts import localise_streamlit
from web_first import NO_FORM_KEY_JS

CSS = """
<style>
header[data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stMainMenu"],
[data-testid="stDecoration"], [data-testid="stStatusWidget"], footer,
[data-testid="stAppDeployButton"] { display: none !important; }
.block-container, [data-testid="stMainBlockContainer"] {
  padding-top: 1rem !important; padding-left: 0.9rem !important; padding-right: 0.9rem !important;
}
[data-testid="stButtonGroup"] button { min-height: 44px; min-width: 44px; font-size: 1.05rem; }
[class*="st-key-form_w_item"] [role="radiogroup"] { gap: 0.4rem; }
[class*="st-key-form_w_item"] [role="radio"] { flex: 0 0 calc((100% - 2.4rem) / 7); padding: 0; }
[class*="st-key-form_w_item"] [role="radio"] p { font-size: 1.05rem; }
[class*="st-key-fld_"], .st-key-form_confirm_box, .st-key-form_notice_box,
.st-key-form_review_box { scroll-margin-top: 12px; }
h1 { font-size: 2rem !important; }
h2, h3 { font-size: 1.3rem !important; }
[data-testid="stFileUploaderDropzone"] [data-testid="stIconMaterial"] { display: none; }
.stButton button, .stDownloadButton button { min-height: 48px; font-size: 1.05rem; }
[class*="st-key-fld_"] [data-testid="stAlert"] { margin-top: -0.4rem; }
.st-key-form_qr_box img { image-rendering: pixelated; }
</style>
"""

SCROLL = """
<script>
(function () {
  const target = %(target)s, nonce = %(nonce)s;
  let tries = 0;
  function go() {
    const el = document.querySelector(target);
    if (el) { el.scrollIntoView({block: "start", behavior: "auto"}); return; }
    if (tries++ < 40) { setTimeout(go, 50); }
  }
  setTimeout(go, 30);
})();
</script>
"""

REMEMBER = """
<script>
(function () {
  try {
    if (%(form)s) { localStorage.removeItem(%(key)s); } else { localStorage.setItem(%(key)s, "1"); }
  } catch (e) {}
})();
</script>
"""


def install_chrome(lang: str) -> None:
    """Hide Streamlit's menu and branding; localise its own texts; set <html lang>."""
    st.html(CSS)
    localise_streamlit(lang, "form_js_", types=False)


def install_public_chrome(lang: str) -> None:
    """Hide Streamlit's menu and branding on a public page other than the form (verification)."""
    st.html(CSS)
    localise_streamlit(lang)


def scroll_to(key: str) -> None:
    """Bring the container with this key (st.container(key=...)) to the top of the viewport."""
    nonce = st.session_state.get("form_scroll_nonce", 0) + 1
    st.session_state["form_scroll_nonce"] = nonce
    st.html(SCROLL % {"target": json.dumps(f".st-key-{key}"), "nonce": nonce},
            unsafe_allow_javascript=True)


def remember_link(shows_form: bool) -> None:
    """Let this browser remember whether the link showed a form (read by the first screen)."""
    st.html(REMEMBER % {"form": json.dumps(shows_form), "key": NO_FORM_KEY_JS},
            unsafe_allow_javascript=True)
