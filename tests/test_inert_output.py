"""Text already stored is shown inert: no links from bare URLs, no markup, no stray backslashes,
no control character reaching a page's spreadsheet or a terminal."""

from __future__ import annotations

import json
import re
import time
import unicodedata
from pathlib import Path

import pytest
from sqlalchemy import text
from streamlit.testing.v1 import AppTest

from surveys import users
from surveys.access import SYSTEM
from surveys.context import Context
from surveys.db import run_write
from surveys.text import json_terminal_safe, markdown_literal, spreadsheet_safe, terminal_safe
from tests.factories import links, make_client, make_provider, open_campaign, submit

ROOT = Path(__file__).resolve().parents[1]
# What GitHub-flavoured Markdown turns into a link by itself (the renderer's autolinker): a
# scheme, www. or an e-mail address, each only after the start, a space or punctuation.
_CANDIDATE = re.compile(r"(?i)(https?://|ftp://|mailto:|www\.|[\w.+-]+@[\w-]+\.[\w-])")


class _Autolink:
    """The autolink-literal rule of GFM, enough to tell whether a text would become a link."""

    @staticmethod
    def search(source: str) -> bool:
        """Return True when some part of the source would be turned into a link."""
        for match in _CANDIDATE.finditer(source):
            before = source[match.start() - 1] if match.start() else " "
            if before.isspace() or unicodedata.category(before)[0] in "PSZ":
                return True
        return False


AUTOLINK = _Autolink()
HOSTILE = [
    "官网 http://evil.test/x?a=1 请点", "www.evil.test", "联系 bob@evil.test", "https://evil.test",
    "**粗体** [链接](javascript:alert(1)) :red[x] $x^2$ <b>b</b>", "C:\\dir\\file a_b_c",
    "甲\x0b乙\x1b[2J\u202e丙",
]
STORED_NAME = "甲\x0b乙 www.evil.test"  # a name stored before the text rule refused controls
# Checks of shapes and messages do not depend on the back-end: these run on SQLite only.
SQLITE_ONLY = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


@pytest.mark.parametrize("value", HOSTILE)
def test_markdown_literal_shows_the_text_and_links_nothing(value: str) -> None:
    shown = markdown_literal(value)
    assert not AUTOLINK.search(shown.replace("\\", ""))  # not even once escapes are read
    visible = re.sub(r"\\(.)", r"\1", shown).replace("\u2060", "")
    assert visible == terminal_safe(value).replace("\n", "  \n")
    assert "\x1b" not in shown and "\u202e" not in shown and "\x0b" not in shown


@pytest.mark.parametrize("value", ["甲\x0b乙", "\x00", "a\ufffeb", "tab\tand\nline"])
def test_spreadsheet_safe_keeps_what_a_cell_can_hold(value: str) -> None:
    from openpyxl import Workbook

    Workbook().active.append([spreadsheet_safe(value)])  # raises on what a cell cannot hold
    assert spreadsheet_safe("tab\tand\nline") == "tab\tand\nline"


def test_exact_escapes() -> None:
    assert markdown_literal("第一行\n见 www.x.cn") == "第一行  \n见 w\u2060ww\\.x\\.cn"
    assert spreadsheet_safe("甲\x0b乙\x00") == "甲\u240b乙\u2400"  # as the evidence shows them
    assert spreadsheet_safe("a\ufffeb\uffff") == "a\\ufffeb\\uffff"
    assert json_terminal_safe('{"a": "\x7f\x9b\u202e\u2028\u2066", "b": "甲\u3000"}') == (
        '{"a": "\\u007f\\u009b\\u202e\\u2028\\u2066", "b": "甲\u3000"}')


def test_json_terminal_safe_escapes_a_lone_surrogate() -> None:
    dumped = json.dumps({"a": "甲\ud800乙", "b": "\udfff"}, ensure_ascii=False)
    assert json_terminal_safe(dumped) == '{"a": "甲\\ud800乙", "b": "\\udfff"}'
    json_terminal_safe(dumped).encode("utf-8")  # no lone surrogate is left to fail the encoding
    assert json.loads(json_terminal_safe(dumped)) == {"a": "甲\ud800乙", "b": "\udfff"}


def test_terminal_safe_escapes_sequences() -> None:
    assert terminal_safe("a\x1b[2Jb\x07\x9b31m\u202ec\td\ne") == (
        "a\\x1b[2Jb\\x07\\x9b31m\\u202ec\td\ne")


@pytest.fixture
def stored_hostile(ctx: Context, monkeypatch: pytest.MonkeyPatch) -> dict[str, object]:
    """Return a provider and a client whose stored names hold URLs and a control character."""
    provider = make_provider(ctx, "京安 http://evil.test/x 官网 www.evil.test")
    client = make_client(ctx, provider, "甲单位", years={2026: 1000})
    other = make_client(ctx, provider, "乙单位", years={2026: 1000})
    open_campaign(ctx, provider, 2026)
    submit(ctx, provider, 2026, client, 90)
    with ctx.engine.begin() as conn:  # as a database from before the text rule might hold
        conn.execute(text("UPDATE client SET name = :n, manager = :m WHERE id = :i"),
                     {"n": STORED_NAME, "m": "mailto:x@evil.test", "i": client})
        conn.execute(text("UPDATE client SET name = :n WHERE id = :i"),
                     {"n": "乙单位 https://evil.test/form bob@evil.test", "i": other})
    monkeypatch.setenv("STAR_SURVEY_DB", ctx.settings.db_url)
    monkeypatch.setenv("STAR_SURVEY_DATA_DIR", str(ctx.settings.data_dir))
    monkeypatch.setenv("STAR_SURVEY_BASE_URL", "http://survey.test")
    run_write(ctx.engine, lambda s: users.create_user(
        session=s, actor=SYSTEM, username="admin@test", password="correct-horse-battery",
        role="admin"))
    token = next(link["url"] for link in links(ctx, provider, 2026)
                 if link["client_id"] == other).split("?t=")[1]
    return {"provider": provider, "client": client, "token": token}


def rendered(at: AppTest) -> list[str]:
    """Return the Markdown sources of the page's text elements."""
    return [str(e.value) for e in (*at.markdown, *at.caption, *at.info, *at.error,
                                   *at.success, *at.warning, *at.title, *at.subheader)]


@pytest.mark.parametrize("page", ["overview", "trends", "drilldown"])
@SQLITE_ONLY
def test_dashboard_pages_survive_stored_control_characters(stored_hostile: dict[str, object],
                                                           page: str) -> None:
    at = AppTest.from_file(str(ROOT / "pages" / f"{page}.py"), default_timeout=60)
    at.session_state["ws_user"] = "admin@test"
    at.session_state["ws_seen"] = time.time()
    at.run()
    assert not at.exception
    assert not any(AUTOLINK.search(source.replace("\\", "")) for source in rendered(at))


@SQLITE_ONLY
def test_the_public_form_shows_names_without_links(stored_hostile: dict[str, object]) -> None:
    at = AppTest.from_file(str(ROOT / "pages" / "client_form.py"), default_timeout=60)
    at.query_params["t"] = str(stored_hostile["token"])
    at.run()
    assert not at.exception
    sources = rendered(at)
    assert any("京安" in s for s in sources) and any("乙单位" in s for s in sources)
    assert not any(AUTOLINK.search(source.replace("\\", "")) for source in sources)
