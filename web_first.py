"""The client form's first screen, sent inside the HTML shell of a client link.

Streamlit draws the form only after its JavaScript has loaded, the websocket is open, the script
has run and React has rendered ~30 widgets (docs/performance.md, "Client form" (c)). The shell
of a client link therefore carries the nine score rows of Table A.1 as plain HTML: a client can
tap scores the moment the page arrives, also on a slow network. Nothing here is per client and
nothing is sent anywhere: the rows are the public Table A.1, the taps stay in the page (and in
sessionStorage, so a reload keeps them).

When Streamlit's form is drawn, the script below hands over: it removes the first screen, taps
each chosen score on Streamlit's own score buttons (so the choice takes the form's one path:
widget state, rerun, server-side draft), and scrolls the form so the row last tapped stays where
it was. A tap on the first screen overrides the kept draft for that item only. If the link
shows no form (a receipt, an invalid or closed link), the first screen is removed and its taps
are dropped: there was no form to fill. The page remembers in localStorage (under a hash of the
token) that the link showed no form, so the next opening in this browser shows only "opening,
please wait" instead of nine empty rows that a receipt then replaces.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from html import escape
from urllib.parse import parse_qs

from surveys.form_a1 import ITEMS, item_heading
from surveys.i18n import DEFAULT_LANG, LANGS, tr

FIRST_ID = "ss-first"
# The localStorage key under which this browser remembers that a link showed no form (a receipt,
# an invalid or closed link; pages/client_form_chrome.py writes it on every run): a JavaScript
# expression. The key is a hash of the token, so the link itself is not kept.
NO_FORM_KEY_JS = ('((t) => { let h = 0x811c9dc5; for (let i = 0; i < t.length; i++) {'
                  ' h = Math.imul(h ^ t.charCodeAt(i), 0x01000193) >>> 0; }'
                  ' return "ss-no-form:" + h.toString(36); })'
                  '(new URLSearchParams(location.search).get("t") || "")')

CSS = """<style>
#ss-first{position:fixed;top:0;right:0;bottom:0;left:0;z-index:99990;overflow-y:auto;
overscroll-behavior:contain;background:#fff;color:#2f2d2b;-webkit-text-size-adjust:100%;font-size:16px;
font-family:"PingFang SC","Hiragino Sans GB","Microsoft YaHei","Noto Sans CJK SC",
"Noto Sans SC",system-ui,sans-serif}
#ss-first .ss-in{max-width:736px;margin:0 auto;padding:16px 14.4px 160px;box-sizing:border-box}
#ss-first h1{font-size:2rem;font-weight:700;line-height:1.2;margin:0;padding:20px 0 16px}
#ss-first h3{font-size:1.3rem;font-weight:600;line-height:1.2;margin:0;padding:12px 0 10px}
#ss-first p{font-size:14px;line-height:1.6;margin:0 0 12px;color:rgba(47,45,43,.65)}
#ss-first .ss-wait{color:#664d03;background:#fff3cd;border-radius:8px;padding:8px 12px}
#ss-first .ss-label{font-size:14px;line-height:22.4px;margin:18px 0 4px}
#ss-first .ss-label b{color:#9e303b;font-weight:400}
#ss-first [role=radiogroup]{display:flex;flex-wrap:wrap;gap:.4rem}
#ss-first [role=radio]{flex:0 0 calc((100% - 2.4rem)/7);min-height:44px;min-width:44px;
margin:0;padding:0;border:1px solid #dcd8d4;border-radius:9999px;background:#fff;color:inherit;
font:inherit;font-size:1.05rem;touch-action:manipulation;-webkit-tap-highlight-color:transparent}
#ss-first [role=radio][aria-checked=true]{color:#c53948;background:rgba(197,57,72,.1);
border-color:#c53948}
#ss-first p.ss-open,.ss-no-form #ss-first [data-item],.ss-no-form #ss-first h3,
.ss-no-form #ss-first p{display:none}
.ss-no-form #ss-first p.ss-open{display:block}
</style>"""

# Comes before the rows and listens on the document, so a tap is kept however early it comes;
# START, right after the rows, shows the kept taps and waits for Streamlit's form to hand over.
SCRIPT = """<script>
(() => {
  let box = null;
  const items = %(items)s;
  const store = "ss-first:" + (new URLSearchParams(location.search).get("t") || "");
  let picked = {}, last = null, idle = 0;
  try {  // the link showed no form last time here (a receipt): no rows to tap, only "opening"
    if (localStorage.getItem(%(no_form_key)s) === "1") {
      document.documentElement.classList.add("ss-no-form");
    }
  } catch (e) {}
  try { picked = JSON.parse(sessionStorage.getItem(store) || "{}") || {}; } catch (e) { picked = {}; }
  function keep() { try { sessionStorage.setItem(store, JSON.stringify(picked)); } catch (e) {} }
  function forget() { try { sessionStorage.removeItem(store); } catch (e) {} }
  function stop(row, at) {  // one Tab stop per row (a radio group): the given or chosen button
    const buttons = [...row.querySelectorAll("[data-score]")];
    const chosen = at || buttons.find((b) => b.getAttribute("aria-checked") === "true");
    for (const button of buttons) {
      button.tabIndex = button === (chosen || buttons[0]) ? 0 : -1;
    }
  }
  function show() {
    for (const row of box.querySelectorAll("[data-item]")) {
      for (const button of row.querySelectorAll("[data-score]")) {
        const on = picked[row.dataset.item] === Number(button.dataset.score);
        button.setAttribute("aria-checked", on ? "true" : "false");
      }
      stop(row, row.contains(document.activeElement) ? document.activeElement : null);
    }
  }
  document.addEventListener("click", (event) => {  // on the document: no tap comes too early
    const button = event.target.closest && event.target.closest("#ss-first [data-score]");
    if (!button) { return; }
    box = box || document.getElementById("ss-first");
    const item = button.closest("[data-item]").dataset.item, score = Number(button.dataset.score);
    if (picked[item] === score) {  // a tap on the chosen one clears it: the item is untouched
      delete picked[item];
    } else {
      picked[item] = score;
    }
    last = item;
    keep();
    show();
  });
  document.addEventListener("keydown", (event) => {  // arrows move along a row (radio group)
    const step = {ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1}[event.key];
    const button = step && event.target.closest && event.target.closest("#ss-first [data-score]");
    if (!button) { return; }
    const row = [...button.parentElement.querySelectorAll("[data-score]")];
    const next = row[(row.indexOf(button) + step + row.length) %% row.length];
    stop(button.closest("[data-item]"), next);
    next.focus();
    event.preventDefault();
  });
  function handOver(groups) {
    let anchor = null;
    const row = last !== null ? box.querySelector('[data-item="' + last + '"]')
      : box.scrollTop > 0 ? [...box.querySelectorAll("[data-item]")]
        .find((r) => r.getBoundingClientRect().bottom > 0) : null;
    if (row) { anchor = [row.dataset.item, row.getBoundingClientRect().top]; }
    const focused = box.contains(document.activeElement) ? document.activeElement : null;
    const focus = focused && focused.dataset.score !== undefined
      ? [focused.closest("[data-item]").dataset.item, focused.dataset.score] : null;
    box.remove();
    document.documentElement.classList.remove("ss-no-form");
    const button = (item, score) => [...groups[items.indexOf(Number(item))]
      .querySelectorAll('[role="radio"]')].find((b) => b.textContent.trim() === String(score));
    for (const [item, score] of Object.entries(picked)) {  // only scores chosen here
      const wanted = button(item, score);
      if (wanted && wanted.getAttribute("aria-checked") !== "true") { wanted.click(); }
    }
    forget();
    if (focus) { const same = button(focus[0], focus[1]); if (same) { same.focus(); } }
    if (anchor) {
      const target = document.querySelector(".st-key-fld_item" + anchor[0]);
      if (target) {
        target.scrollIntoView({block: "start"});
        const off = target.getBoundingClientRect().top - anchor[1];
        for (let el = target.parentElement; el; el = el.parentElement) {
          if (el.scrollHeight > el.clientHeight && getComputedStyle(el).overflowY !== "visible") {
            el.scrollTop += off; break;
          }
          if (el === document.documentElement) { window.scrollBy(0, off); }
        }
      }
    }
  }
  self.__ssFirst = () => {  // called right after the rows (module docstring)
    box = document.getElementById("ss-first");
    if (box) { show(); wait(); }
  };
  function wait() {
    const groups = items.map((no) =>
      document.querySelector(".st-key-form_w_item" + no + ' [role="radiogroup"]'));
    const app = document.querySelector('[data-testid="stApp"]');
    const ran = app && app.getAttribute("data-test-script-state") === "notRunning";
    if (ran && groups.every((g) => g && g.querySelector('[role="radio"]'))) {
      handOver(groups); return;  // after the run that drew them: a tap's rerun interrupts none
    }
    // The rows' containers are drawn with the run's first commit, their buttons only once the
    // pills' code has arrived: while the containers are there, the form is coming, however late.
    const none = ran && app.querySelector('[data-testid="stElementContainer"]')
      && !app.querySelector(".st-key-fld_item1");
    idle = none ? idle + 1 : 0;
    if (idle >= 20) {
      box.remove(); forget(); document.documentElement.classList.remove("ss-no-form"); return;
    }  // a second with no form: none to fill
    setTimeout(wait, 50);
  }
})();
</script>"""
START = "<script>self.__ssFirst && self.__ssFirst();</script>"
NO_SCRIPT = "<noscript><style>#ss-first{display:none}</style></noscript>"  # the shell's notice shows


def query_lang(query_string: bytes) -> str:
    """Return the language a link asks for (&lang=en), else the default."""
    wanted = parse_qs(query_string.decode("latin-1")).get("lang", [DEFAULT_LANG])[-1]
    return wanted if wanted in LANGS else DEFAULT_LANG


def is_client_link(query_string: bytes) -> bool:
    """Return True when a query string carries a client token (t=...), as survey_app routes."""
    return any(parse_qs(query_string.decode("latin-1")).get("t", []))


def _row(no: int, lang: str) -> str:
    """Return one item's heading and its score buttons."""
    item = ITEMS[no - 1]
    heading = escape(item_heading(item, lang))
    buttons = "".join(f'<button type="button" role="radio" aria-checked="false" '
                      f'tabindex="{0 if score == 0 else -1}" data-score="{score}">{score}</button>'
                      for score in range(item.max_score + 1))
    return (f'<div data-item="{no}"><div class="ss-label" id="ss-l{no}">{heading} <b>*</b></div>'
            f'<div role="radiogroup" aria-labelledby="ss-l{no}">{buttons}</div></div>')


@lru_cache(maxsize=len(LANGS))
def first_screen(lang: str) -> bytes:
    """Return the first screen's HTML for a language: style, the nine score rows, the script."""
    rows = "".join(_row(item.no, lang) for item in ITEMS)
    body = (f'<div id="{FIRST_ID}" lang="{"en" if lang == "en" else "zh-CN"}"><div class="ss-in">'
            f'<h1>{escape(tr("form_title", lang))}</h1>'
            f'<p class="ss-wait" role="status">{escape(tr("form_first_loading", lang))}</p>'
            f'<p class="ss-wait ss-open" role="status">{escape(tr("form_first_opening", lang))}</p>'
            f'<h3>{escape(tr("form_items", lang))}</h3>'
            f'<p>{escape(tr("form_tap_score", lang))}</p>{rows}'
            f'<p>{escape(tr("form_first_rest", lang))}</p></div></div>')
    script = SCRIPT % {"items": json.dumps([item.no for item in ITEMS]),
                       "no_form_key": NO_FORM_KEY_JS}
    return (CSS + NO_SCRIPT + script + body + START).encode()


# Streamlit's stylesheet blocks the first paint (and every inline script) until it has loaded:
# ~0.3 s here, longer on a phone's network. The first screen brings its own style, and Streamlit
# draws nothing before its scripts and the websocket, so its stylesheet is fetched at once
# (preload, high priority) and applied when it arrives instead of holding the first screen back.
_STYLESHEET = re.compile(rb'<link rel="stylesheet"( crossorigin)? href="(\./static/css/[\w.\-]+\.css)">')


def with_first_screen(shell: bytes, query_string: bytes) -> bytes:
    """Return a client link's shell: the first screen at the start of its body, nothing blocking.

    A link that asks for English (&lang=en) gets `<html lang="en">` from the start.
    """
    lang = query_lang(query_string)
    if lang == "en":
        shell = shell.replace(b'<html lang="zh-CN">', b'<html lang="en">', 1).replace(
            f"<title>{tr('app_title')}</title>".encode(),
            f"<title>{escape(tr('app_title', 'en'))}</title>".encode(), 1)
    shell = _STYLESHEET.sub(b'<link rel="preload" as="style"\\1 href="\\2" '
                            b'onload="this.onload=null;this.rel=\'stylesheet\'">', shell)
    return shell.replace(b"<body>", b"<body>" + first_screen(lang), 1)
