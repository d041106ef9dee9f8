"""In a real Chromium: URLs and Markdown typed into names show as plain text on the public form,
not as links, and without stray backslashes (Streamlit's Markdown autolinks bare URLs); names
that look like Streamlit's own English texts ("Upload", "server") are shown as typed, never
translated or blanked by the page's localisation script."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from surveys.context import open_context
from surveys.schema import upgrade
from surveys.settings import Settings
from tests.browser_support import free_port, require_browser, running_app
from tests.factories import links, make_client, make_provider, open_campaign

PROVIDER = "京安 http://evil.test/x?a=1 官网 www.evil.test"
CLIENT = "乙单位 bob@evil.test https://evil.test/form **粗体** C:\\dir"
NAMES = [(PROVIDER, CLIENT), ("Streamlit Internet Server Connection 安防", "Upload"),
         ("Running...", "Browse files")]


@pytest.mark.browser
@pytest.mark.parametrize("provider_name, client_name", NAMES)
def test_names_with_urls_render_as_plain_text(provider_name: str, client_name: str,
                                              tmp_path: Path, phone_page: Any) -> None:
    require_browser()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {"STAR_SURVEY_DB": f"sqlite:///{tmp_path / 'survey.db'}",
           "STAR_SURVEY_DATA_DIR": str(tmp_path / "data"), "STAR_SURVEY_BASE_URL": base}
    ctx = open_context(Settings(db_url=env["STAR_SURVEY_DB"], data_dir=tmp_path / "data",
                                base_url=base))
    upgrade(ctx.engine)
    provider = make_provider(ctx, provider_name)
    make_client(ctx, provider, client_name, years={2026: 1})
    open_campaign(ctx, provider, 2026)
    url = links(ctx, provider, 2026)[0]["url"].replace("http://survey.test", base)
    ctx.engine.dispose()
    with running_app(env, port=port):
        page = phone_page
        page.goto(url)
        page.locator(".st-key-form_w_item1").wait_for()
        page.wait_for_timeout(500)  # the localisation script acts on what was added
        shown = page.locator("[data-testid=stMarkdownContainer]")
        text = "\n".join(shown.all_inner_texts()).replace("\u2060", "")
        assert provider_name in text and client_name in text
        hrefs = [a.get_attribute("href") or "" for a in shown.locator("a").all()]
        assert [h for h in hrefs if not h.startswith("#")] == []  # heading anchors only
        assert "\\." not in text and "\\:" not in text
