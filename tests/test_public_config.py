"""Streamlit configured for the public (issue 13 §6-7): no error details, minimal chrome, bounds."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from surveys.i18n import tr
from web_shell import localise_shell, public_shell

CONFIG = Path(__file__).resolve().parents[1] / ".streamlit" / "config.toml"


def test_streamlit_is_configured_for_anonymous_visitors() -> None:
    config = tomllib.loads(CONFIG.read_text())
    assert config["client"]["showErrorDetails"] == "none"  # no traceback to a browser
    assert config["client"]["toolbarMode"] == "minimal"     # no menu, no "Made with Streamlit"
    assert config["server"]["maxUploadSize"] == 20          # the product's limit, not 200 MB
    assert config["server"]["maxMessageSize"] <= 50
    assert config["server"]["enableWebsocketCompression"] is True
    assert config["runner"]["postScriptGC"] is False


def test_the_shell_is_chinese_and_a_client_link_loads_no_web_font() -> None:
    html = (b'<!DOCTYPE html>\n<html lang="en">\n<head><link rel="preload" '
            b'href="./static/media/SourceSansVF-Upright.ttf.X.woff2" as="font" />'
            b"<title>Streamlit</title></head><body></body></html>")
    shell = localise_shell(html)
    assert b'lang="zh-CN"' in shell and b"Streamlit" not in shell and b"SourceSans" not in shell
    public = public_shell(shell)
    assert b'local("Noto Sans CJK SC")' in public and b"modulepreload" in public


def test_an_error_on_a_public_page_shows_one_plain_message(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STAR_SURVEY_DB", "postgresql+psycopg://nobody@127.0.0.1:1/none")
    at = AppTest.from_file(str(CONFIG.parents[1] / "survey_app.py"), default_timeout=30)
    at.query_params["h"] = "0" * 64
    at.run()
    assert not at.exception
    assert [e.value for e in at.error] == [tr("public_error")]
