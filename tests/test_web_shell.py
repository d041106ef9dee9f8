"""web_shell.py: the shell a phone gets, and the main bundle whose form widgets render at once."""

from __future__ import annotations

import gzip
import re
import urllib.request
from pathlib import Path

import pytest
import streamlit

from tests.browser_support import running_app
from web_shell import FORM_CHUNKS, is_bundle, lazy_chunks, patch_bundle, public_shell

STATIC_JS = Path(streamlit.__file__).parent / "static" / "static" / "js"
LAZY = (b"hg=(0,U.lazy)(()=>H(()=>import(`./ButtonGroup.CZAouSUd.js`),__vite__mapDeps([141,1]),"
        b"import.meta.url)),x=(0,$n.lazy)(()=>a$(()=>import(`./Text-Input.ab_c.js`),[]))")


def _installed_bundle() -> bytes:
    """Return the installed Streamlit's main bundle."""
    [bundle] = [p for p in STATIC_JS.glob("index.*.js") if is_bundle(f"/static/js/{p.name}")]
    return bundle.read_bytes()


def test_each_lazy_element_takes_a_loaded_module_first() -> None:
    patched = patch_bundle(LAZY)
    assert patched == (
        b"hg=(0,U.lazy)(()=>self.__ssEager?.['ButtonGroup.CZAouSUd.js']||H(()=>import("
        b"`./ButtonGroup.CZAouSUd.js`),__vite__mapDeps([141,1]),import.meta.url)),"
        b"x=(0,$n.lazy)(()=>self.__ssEager?.['Text-Input.ab_c.js']||a$(()=>import("
        b"`./Text-Input.ab_c.js`),[]))")
    assert lazy_chunks(LAZY) == {"ButtonGroup.CZAouSUd.js", "Text-Input.ab_c.js"}
    assert patch_bundle(b"const a = import(`./X.js`);") == b"const a = import(`./X.js`);"


@pytest.mark.parametrize(("path", "bundle"), [
    ("/static/js/index.DormvYxC.js", True),
    ("/survey/static/js/index.Dorm-v_C.js", True),
    ("/static/js/index.esm.CnlgfcEa.js", False),
    ("/static/js/ButtonGroup.CZAouSUd.js", False),
    ("/static/js/index.DormvYxC.js.map", False),
    ("/static/css/index.DormvYxC.js", False),
])
def test_only_the_main_bundle_is_rewritten(path: str, bundle: bool) -> None:
    assert is_bundle(path) is bundle


def test_the_installed_streamlit_still_has_the_shape_the_rewrite_expects() -> None:
    """An upgrade that changes how elements are loaded fails here instead of going slow quietly."""
    js = _installed_bundle()
    lazy = lazy_chunks(js)
    assert len(lazy) == js.count(b".lazy)(") and len(lazy) >= 30
    patched = patch_bundle(js)
    assert patched.count(b"self.__ssEager?.[") == len(lazy)
    names = {name.split(".")[0] for name in lazy}
    for element in ("ButtonGroup", "TextInput", "TextArea", "DateInput", "FileUploader",
                    "Progress", "ComponentInstance", "Html", "Button", "ImageList",
                    "DownloadButton"):
        assert element in names and element in FORM_CHUNKS


def test_a_client_link_shell_loads_the_forms_lazy_chunks_at_once() -> None:
    html = b'<html><head><script type="module" src="./static/js/index.X.js"></script></head></html>'
    shell = public_shell(html)
    [names] = re.findall(rb"for \(const name of (\[.*?\])\)", shell)
    assert b'"ButtonGroup.' in names and b'"TextInput.' in names and b'"ComponentInstance.' in names
    assert b'"PlotlyChart.' not in names  # only what the form and its receipt show
    assert shell.index(b"__ssEager") > shell.index(b"static/js/index.X.js")


def test_the_served_bundle_and_shell_carry_the_eager_path(tmp_path: Path) -> None:
    env = {"STAR_SURVEY_DB": f"sqlite:///{tmp_path / 'survey.db'}",
           "STAR_SURVEY_DATA_DIR": str(tmp_path / "data")}
    with running_app(env) as base:
        with urllib.request.urlopen(f"{base}/?t=abc", timeout=30) as reply:
            shell = reply.read()
        [src] = re.findall(rb'src="\./(static/js/index\.[\w\-]+\.js)"', shell)
        request = urllib.request.Request(f"{base}/{src.decode()}",
                                         headers={"Accept-Encoding": "gzip"})
        with urllib.request.urlopen(request, timeout=30) as reply:
            served = gzip.decompress(reply.read())
            etag = reply.headers.get("ETag")
        with urllib.request.urlopen(f"{base}/", timeout=30) as reply:
            staff = reply.read()
    assert b"self.__ssEager" in shell and b"self.__ssEager" not in staff
    assert served == patch_bundle(_installed_bundle()) and etag is None
