"""Streamlit's own English texts (uploader, input hints, dialogs, status) in the page's language.

Streamlit's frontend has no translations. Every page installs, once per page load, a small script
that sets <html lang>, rewrites the English texts Streamlit draws, but only inside Streamlit's own
parts (never a label, a name or an answer), and shows a notice of its own while the server cannot
be reached. The client form and the workspace pass their own words.
"""

from __future__ import annotations

import json

import streamlit as st

from surveys.i18n import tr

SCRIPT = """
<script>
(function () {
  const cfg = %(cfg)s;
  document.documentElement.lang = cfg.lang;
  window.__ssCfg = cfg;
  if (window.__ssChrome) { window.__ssChrome(document.body); return; }
  const rules = [
    [/^Drag and drop files? here$/, () => window.__ssCfg.drop],
    [/per file/, (v) => window.__ssCfg.limit.replace("{size}", size(v))],
    [/^\\s*•\\s*[A-Z0-9, ]+$/, (v) => window.__ssCfg.types ? v.replace("•", "·") : ""],
    [/^Skip to main content$/, () => window.__ssCfg.skip],
    [/^Browse files$/, () => window.__ssCfg.upload],
    [/^Upload$/, () => window.__ssCfg.upload],
    [/^File must be .* or smaller\\.?$/, () => window.__ssCfg.too_big],
    [/.*files? (type|types)? ?(is|are)? ?not allowed.*/i, () => window.__ssCfg.bad_type],
    [/^Press .*Enter to (apply|submit form)$/, () => ""],  // Enter, Ctrl+Enter, ⌘+Enter
    [/^Connection error$/, () => window.__ssCfg.offline],
    [/^Is Streamlit still running\\?.*/, () => window.__ssCfg.offline],
    [/^Connecting$/, () => window.__ssCfg.offline],
    [/Streamlit|internet|connection|server/i, () => ""],
    [/^Running\\.\\.\\.$/, () => ""],
    [/^Stop$/, () => window.__ssCfg.stop],
  ];
  function size(value) {  // "Limit 5MB per file" -> "5 MB"
    const found = value.match(/(\\d+(?:\\.\\d+)?)\\s*([KMG]?B)/);
    return found ? found[1] + " " + found[2] : "";
  }
  // Only Streamlit's own texts are rewritten: the uploader (not its label or the file's name)
  // and its error bubble, the skip link, input hints, dialogs, the status widget. Names, answers
  // and help texts are never touched, whatever they look like ("Upload", "Server ...").
  const OWN = '[data-testid="stFileUploader"],' +
    '[data-testid="stSkipToContent"],[data-testid="InputInstructions"],[role="dialog"],' +
    '[data-testid="stDialog"],[data-testid="stStatusWidget"],[data-testid="stTooltipErrorContent"]';
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
        if (pattern.test(value)) { text.nodeValue = make(value); break; }
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


WORDS = ("drop", "limit", "upload", "too_big", "bad_type", "offline")  # a page's own, by prefix
COMMON = ("stop", "skip")  # the same on every page: js_stop, js_skip


def localise_streamlit(lang: str, prefix: str = "js_", *, types: bool = True) -> None:
    """Install the script with the page's words (i18n keys prefix + WORDS; limit has {size}).

    ``types`` keeps the uploader's list of file types; the client form's words name them.
    """
    cfg: dict[str, object] = {key: tr(f"{prefix}{key}", lang) for key in WORDS}
    cfg |= {key: tr(f"js_{key}", lang) for key in COMMON}
    cfg |= {"lang": "zh-CN" if lang == "zh" else "en", "types": types}
    st.html(SCRIPT % {"cfg": json.dumps(cfg, ensure_ascii=False)}, unsafe_allow_javascript=True)
