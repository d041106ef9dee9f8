"""What the client sees around the form: no Streamlit menu or English, large tap targets, scrolling.

Streamlit's own frontend texts (uploader, connection-lost notice, "Running...") are English. The
public pages hide the header, menu and status widget and install a small script once per page
load that puts the page's language on <html lang>, replaces the few English strings Streamlit
shows with the session's language, and scrolls to what the client must see next.
"""

from __future__ import annotations

import json

import streamlit as st

from surveys.i18n import tr
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

SCRIPT = """
<script>
(function () {
  const cfg = %(cfg)s;
  document.documentElement.lang = cfg.lang;
  window.__ssCfg = cfg;
  if (window.__ssChrome) { window.__ssChrome(document.body); return; }
  const rules = [
    [/^Drag and drop files? here$/, () => window.__ssCfg.drop],
    [/per file/, () => window.__ssCfg.limit],
    [/^\\s*•\\s*[A-Z0-9, ]+$/, () => ""],
    [/^Skip to main content$/, () => window.__ssCfg.skip],
    [/^Browse files$/, () => window.__ssCfg.upload],
    [/^Upload$/, () => window.__ssCfg.upload],
    [/^File must be .* or smaller\\.?$/, () => window.__ssCfg.too_big],
    [/.*files? (type|types)? ?(is|are)? ?not allowed.*/i, () => window.__ssCfg.bad_type],
    [/^Press Enter to (apply|submit form)$/, () => ""],
    [/^Connection error$/, () => window.__ssCfg.offline],
    [/^Is Streamlit still running\\?.*/, () => window.__ssCfg.offline],
    [/^Connecting$/, () => window.__ssCfg.offline],
    [/Streamlit|internet|connection|server/i, () => ""],
    [/^Running\\.\\.\\.$/, () => ""],
  ];
  // Only Streamlit's own texts are rewritten: the uploader (not its label or the file's name),
  // the skip link, input hints, dialogs and the status widget. Names and answers
  // on the page are never touched, whatever they look like ("Upload", "Server ...").
  const OWN = '[data-testid="stFileUploader"],' +
    '[data-testid="stSkipToContent"],[data-testid="InputInstructions"],[role="dialog"],' +
    '[data-testid="stDialog"],[data-testid="stStatusWidget"]';
  const THEIRS = '[data-testid="stWidgetLabel"],[data-testid="stFileChipName"]';
  function fix(node) {
    if (window.__ssCfg.lang !== "zh-CN") { return; }
    const walker = document.createTreeWalker(node, NodeFilter.SHOW_TEXT);
    let text;
    while ((text = walker.nextNode())) {
      const value = text.nodeValue.trim();
      if (!value || !/[A-Za-z]/.test(value)) { continue; }
      const parent = text.parentElement;
      if (!parent || !parent.closest(OWN) || parent.closest(THEIRS)) { continue; }
      for (const [pattern, make] of rules) {
        if (pattern.test(value)) { text.nodeValue = make(); break; }
      }
    }
  }
  window.__ssChrome = fix;
  fix(document.body);
  // Our own notice while the server cannot be reached: Streamlit's status widget is hidden
  // with its header, and its "Connection error" dialog comes late or not at all.
  const banner = document.createElement("div");
  banner.setAttribute("role", "status");
  banner.style.cssText = "display:none;position:fixed;left:0;right:0;top:0;z-index:100000;" +
    "padding:12px 16px;background:#fff3cd;color:#664d03;font-size:16px;text-align:center;" +
    "box-shadow:0 2px 6px rgba(0,0,0,.15)";
  document.body.appendChild(banner);
  let misses = 0;
  function probe() {
    const base = window.location.pathname.replace(/[^/]*$/, "");
    fetch(base + "_stcore/health", {cache: "no-store"})
      .then((r) => { if (!r.ok) { throw new Error(String(r.status)); } misses = 0; })
      .catch(() => { misses += 1; })
      .finally(() => {
        banner.textContent = window.__ssCfg.offline;
        banner.style.display = misses >= 2 ? "block" : "none";
      });
  }
  setInterval(probe, 3000);
  new MutationObserver((records) => {
    for (const record of records) {
      for (const added of record.addedNodes) {
        fix(added.nodeType === 3 ? added.parentNode || document.body : added);
      }
      if (record.type === "characterData" && record.target.parentNode) {
        fix(record.target.parentNode);
      }
    }
  }).observe(document.body, {childList: true, subtree: true, characterData: true});
})();
</script>
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
    cfg = {"lang": "zh-CN" if lang == "zh" else "en",
           "drop": tr("form_js_drop", lang), "limit": tr("form_js_limit", lang),
           "upload": tr("form_js_upload", lang), "too_big": tr("form_js_too_big", lang),
           "bad_type": tr("form_js_bad_type", lang), "offline": tr("form_js_offline", lang),
           "skip": "跳到正文" if lang == "zh" else "Skip to main content"}
    st.html(SCRIPT % {"cfg": json.dumps(cfg, ensure_ascii=False)}, unsafe_allow_javascript=True)


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
