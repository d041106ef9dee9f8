"""The HTML shell and main bundle the browser gets: Chinese, no web fonts, the form's widgets eager.

Streamlit's frontend loads each element type (pills, text input, date, uploader...) with
`React.lazy`. React suspends the first time it renders a lazy component, even when its module is
already in the browser, shows a skeleton, and reveals suspended content at most every 500 ms
(React 18's FALLBACK_THROTTLE_MS). On the client form this held every score row back ~400 ms
after the title with the browser idle. Two parts remove that wait on a client link:

* the public shell preloads the form's chunks and imports them as soon as the page's scripts
  have run (`EAGER`), keeping each module in `self.__ssEager` as an already-resolved thenable;
* the main bundle (`index.*.js`) is served with every `React.lazy(() => import("./X.js"))`
  rewritten to take that thenable first (`patch_bundle`). React's lazy reads a thenable that
  resolves synchronously as loaded, so the widget renders at once. Where `__ssEager` is not set
  (staff pages) or a chunk is not loaded yet, the original import runs, as before.

`tests/test_web_shell.py` checks that the installed Streamlit's bundle still has the shape the
rewrite expects, so an upgrade that changes it fails a test instead of going slow silently.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

PAGE_TITLE = "安防运维服务星级评价"


_PRELOAD = re.compile(rb'<link\s+rel="preload"[^>]*SourceSans[^>]*/>\s*', re.S)


def localise_shell(html: bytes) -> bytes:
    """Return Streamlit's index.html with lang="zh-CN", the app's title, no web-font preload."""
    return (_PRELOAD.sub(b"", html).replace(b'<html lang="en">', b'<html lang="zh-CN">', 1)
            .replace(b"<title>Streamlit</title>", f"<title>{PAGE_TITLE}</title>".encode(), 1)
            .replace(b"You need to enable JavaScript to run this app.",
                     "请在浏览器中启用 JavaScript。".encode(), 1))


# The public form shows no Material icon (client_form_chrome.py hides the uploader's) and uses the
# phone's Chinese fonts: local-only faces declared after Streamlit's stylesheet win the match, so
# the client's phone downloads neither Streamlit's icon font (366 KB), Source Sans (166 KB) nor,
# for the receipt code, Source Code (~100 KB): the phone's own monospace font shows it.
PUBLIC_FONTS = (
    b'<style>@font-face{font-family:"Material Symbols Rounded";font-display:block;'
    b'src:local("Material Symbols Rounded")}'
    b'@font-face{font-family:"Source Sans";font-weight:100 900;'
    b'src:local("PingFang SC"),local("Microsoft YaHei"),local("Noto Sans CJK SC")}'
    b'@font-face{font-family:"Source Code Pro";font-weight:100 900;font-style:normal;'
    b'src:local("Menlo"),local("Consolas"),local("Roboto Mono"),local("DejaVu Sans Mono")}'
    b'</style>')


# The elements of the form and its receipt (pills, text inputs, date, uploader, signature pad,
# images, download button) are lazy chunks the browser would fetch one after another once the
# first delta names them; the public shell preloads them and imports them at once (EAGER).
FORM_CHUNKS = ("ButtonGroup", "ReorderedSegments", "TextInput", "TextArea", "DateInput",
               "DateField", "FileUploader", "Progress", "BidiComponent", "ComponentInstance",
               "Heading", "Alert", "Html", "Button", "ImageList", "DownloadButton")
_IMPORT = re.compile(rb'(?:from|import)\s*"\./([\w.\-]+\.js)"')


def _form_preloads(static_js: Path, shell: bytes) -> bytes:
    """Return <link rel=modulepreload> tags for the form's chunks and everything they import."""
    wanted = [p.name for prefix in FORM_CHUNKS for p in sorted(static_js.glob(f"{prefix}.*.js"))]
    seen: set[str] = set()
    while wanted:
        name = wanted.pop()
        if name in seen or not (static_js / name).is_file():
            continue
        seen.add(name)
        wanted += [m.decode() for m in _IMPORT.findall((static_js / name).read_bytes())]
    tags = [f'<link rel="modulepreload" crossorigin href="./static/js/{name}">'.encode()
            for name in sorted(seen) if name.encode() not in shell]
    return b"".join(tags)


@lru_cache(maxsize=1)
def _preloads_for(shell: bytes) -> bytes:
    """Return the form's preload tags and eager script for this build (computed once)."""
    import streamlit

    static_js = Path(streamlit.__file__).parent / "static" / "static" / "js"
    return _form_preloads(static_js, shell) + _eager_script(static_js)


def public_shell(html: bytes) -> bytes:
    """Return the shell for a client link: the phone's fonts, the form's chunks preloaded."""
    return html.replace(b"</head>", PUBLIC_FONTS + _preloads_for(html) + b"</head>", 1)


# Each lazy element of Streamlit 1.67's main bundle: `(0,X.lazy)(()=>H(()=>import(`./Name.hash.js`)`.
_LAZY = re.compile(rb"\(0,([\w$]+)\.lazy\)\(\(\)=>([\w$]+)\(\(\)=>import\(`\./([\w.\-]+\.js)`\)")
_BUNDLE = re.compile(r"/static/js/index\.[\w\-]+\.js$")


def is_bundle(path: str) -> bool:
    """Return True for the path of Streamlit's main bundle (static/js/index.<hash>.js)."""
    return _BUNDLE.search(path) is not None


def patch_bundle(js: bytes) -> bytes:
    """Return the main bundle with each lazy element taking an already-loaded module first."""
    return _LAZY.sub(rb"(0,\1.lazy)(()=>self.__ssEager?.['\3']||\2(()=>import(`./\3`)", js)


def lazy_chunks(js: bytes) -> set[str]:
    """Return the file names of the chunks the main bundle loads lazily."""
    return {m.group(3).decode() for m in _LAZY.finditer(js)}


# Runs after Streamlit's own module script (module scripts run in document order): imports the
# form's lazy chunks relative to the main bundle's own address, so each is the very module the
# bundle would import, and keeps each as a thenable that resolves synchronously.
EAGER = """<script type="module">
(() => {
  const main = document.querySelector('script[type="module"][src*="/static/js/index."]');
  if (!main) { return; }
  const kept = self.__ssEager = self.__ssEager || {};
  for (const name of %s) {
    import(new URL(name, main.src).href).then((module) => {
      kept[name] = {then(resolve) { resolve(module); return this; }};
    }, () => {});
  }
})();
</script>"""


def _eager_script(static_js: Path) -> bytes:
    """Return the script that loads the form's lazy chunks at once (names of this build)."""
    import json

    bundles = [p for p in static_js.glob("index.*.js") if is_bundle(f"/static/js/{p.name}")]
    lazy = lazy_chunks(bundles[0].read_bytes()) if len(bundles) == 1 else set()
    names = sorted(p.name for prefix in FORM_CHUNKS for p in static_js.glob(f"{prefix}.*.js")
                   if p.name in lazy)
    return (EAGER % json.dumps(names)).encode()
