"""web_first.py: the form's first screen in a client link's shell, and only there."""

from __future__ import annotations

import re
import urllib.request
from pathlib import Path

import pytest
import streamlit

from surveys.form_a1 import ITEMS, item_heading
from surveys.i18n import tr
from tests.browser_support import running_app
from web_first import first_screen, is_client_link, query_lang, with_first_screen


@pytest.mark.parametrize(("query", "client"), [
    (b"t=abc", True), (b"lang=en&t=abc", True), (b"t=", False), (b"", False),
    (b"h=abc", False), (b"format=t&at=x", False), (b"tab=clients", False)])
def test_only_a_query_with_a_token_is_a_client_link(query: bytes, client: bool) -> None:
    assert is_client_link(query) is client


@pytest.mark.parametrize(("query", "lang"), [
    (b"t=abc", "zh"), (b"t=abc&lang=en", "en"), (b"t=abc&lang=fr", "zh"),
    (b"lang=en&lang=zh&t=a", "zh"), (b"t=abc&lang=%FF", "zh")])
def test_the_first_screen_takes_the_links_language(query: bytes, lang: str) -> None:
    assert query_lang(query) == lang


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_first_screen_has_every_item_and_each_of_its_scores(lang: str) -> None:
    html = first_screen(lang).decode()
    for item in ITEMS:
        row = re.search(rf'<div data-item="{item.no}">(.*?)</div></div>', html)
        assert row is not None
        scores = re.findall(r'data-score="(\d+)">(\d+)</button>', row.group(1))
        assert scores == [(str(s), str(s)) for s in range(item.max_score + 1)]
        assert item_heading(item, lang) in row.group(1)
    assert tr("form_title", lang) in html and tr("form_first_loading", lang) in html
    buttons = sum(item.max_score + 1 for item in ITEMS)  # every item starts empty
    assert html.count('role="radio" aria-checked="false"') == buttons == html.count("<button")


def test_the_first_screen_comes_first_in_the_body() -> None:
    shell = b'<html lang="zh-CN"><head></head><body><div id="root"></div></body></html>'
    served = with_first_screen(shell, b"t=abc&lang=en")
    assert served.startswith(b'<html lang="en"><head></head><body>' + first_screen("en"))
    assert served.endswith(b'<div id="root"></div></body></html>')
    assert with_first_screen(shell, b"t=abc").startswith(b'<html lang="zh-CN">')
    titled = b'<html lang="zh-CN"><head><title>' + tr("app_title").encode() + b"</title>"
    assert b"<title>Security O&amp;M star evaluation</title>" in with_first_screen(
        titled, b"t=abc&lang=en")


def test_streamlits_stylesheet_no_longer_holds_the_first_screen_back() -> None:
    shell = (Path(streamlit.__file__).parent / "static" / "index.html").read_bytes()
    [href] = re.findall(rb'<link rel="stylesheet" crossorigin href="([^"]+)">', shell)
    served = with_first_screen(shell, b"t=abc")
    assert b'rel="stylesheet"' not in served.split(b"<body>")[0]
    swap = b"this.onload=null;this.rel='stylesheet'"
    preload = b'<link rel="preload" as="style" crossorigin href="' + href + b'" onload="'
    assert preload + swap + b'">' in served


def test_the_server_sends_it_to_client_links_only(tmp_path: Path) -> None:
    env = {"STAR_SURVEY_DB": f"sqlite:///{tmp_path / 'survey.db'}",
           "STAR_SURVEY_DATA_DIR": str(tmp_path / "data")}
    pages = {}
    with running_app(env) as base:
        for query in ("?t=abc", "?t=abc&lang=en", "", "?h=abc", "?format=t"):
            with urllib.request.urlopen(f"{base}/{query}", timeout=30) as reply:
                pages[query] = reply.read()
    assert first_screen("zh") in pages["?t=abc"] and first_screen("en") in pages["?t=abc&lang=en"]
    for query in ("", "?h=abc", "?format=t"):
        assert b'id="ss-first"' not in pages[query] and b'rel="stylesheet"' in pages[query]


def test_the_installed_streamlit_still_marks_what_the_hand_over_reads() -> None:
    """The hand-over reads the run's state and the widgets' key classes from Streamlit's page."""
    js = Path(streamlit.__file__).parent / "static" / "static" / "js"
    [bundle] = [p for p in js.glob("index.*.js") if re.fullmatch(r"index\.[\w\-]+\.js", p.name)]
    text = bundle.read_text(encoding="utf-8")
    assert '"data-test-script-state"' in text and "notRunning" in text and "`st-key-`" in text
    group = next(js.glob("ButtonGroup.*.js")).read_text(encoding="utf-8")
    assert "selectionMode" in group  # single choice: each pill is a radio of a radiogroup
