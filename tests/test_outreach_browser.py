"""Real browser: staff start an e-mail wave on the reminders page; a client opens its mailed link."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from surveys import users
from surveys.access import SYSTEM
from surveys.context import open_context
from surveys.db import run_write
from surveys.schema import upgrade
from surveys.settings import Settings
from tests.browser_support import free_port, require_browser, running_app, screenshot, sign_in
from tests.factories import submit
from tests.outreach_support import YEAR, outreach_campaign
from tests.smtp_support import SmtpServer, smtp_server  # noqa: F401

PASSWORD = "correct-horse-battery"
LINK = re.compile(r"http://127\.0\.0\.1:\d+/\?t=[A-Za-z0-9_-]{22}")


@pytest.mark.browser
def test_staff_send_a_wave_and_the_client_opens_the_mailed_link(
        tmp_path: Path, desktop_page: Any, phone_page: Any,
        smtp_server: SmtpServer) -> None:  # noqa: F811
    require_browser()
    from playwright.sync_api import expect

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    settings = Settings(db_url=f"sqlite:///{tmp_path / 'survey.db'}", data_dir=tmp_path / "data",
                        base_url=base)
    ctx = open_context(settings)
    upgrade(ctx.engine)
    provider_id, ids = outreach_campaign(ctx)
    submit(ctx, provider_id, YEAR, ids["甲医院"], 92)
    run_write(ctx.engine, lambda s: users.create_user(
        session=s, actor=SYSTEM, username="clerk@jingan.test", password=PASSWORD, role="staff",
        provider_id=provider_id))
    env = {"STAR_SURVEY_DB": settings.db_url, "STAR_SURVEY_DATA_DIR": str(settings.data_dir),
           "STAR_SURVEY_BASE_URL": base, "STAR_SURVEY_SMTP_URL": smtp_server.url,
           "STAR_SURVEY_SMTP_FROM": "callback@jingan.test"}
    page = desktop_page
    with running_app(env, port=port):
        sign_in(page, base, "clerk@jingan.test", PASSWORD)
        page.get_by_role("link", name="催办提醒").click()
        expect(page.get_by_text("尚未作答的用户单位")).to_be_visible(timeout=30000)
        expect(page.locator("[data-testid=stVegaLiteChart]")).to_be_visible(timeout=30000)
        expect(page.get_by_text("将提醒 3 个用户单位，其中 2 个有电子邮箱")).to_be_visible()
        page.get_by_text("预览邮件").click()
        expect(page.get_by_text("【提醒】", exact=False).or_(
            page.get_by_text("【邀请】", exact=False)).first).to_be_visible()
        start = page.get_by_role("button", name="发起本轮提醒")
        expect(start).to_be_disabled()
        page.get_by_text("我已核对预览，确认发起").click()
        expect(start).to_be_enabled(timeout=10000)
        start.click()
        expect(page.get_by_text("第1轮已发起：3 个用户单位")).to_be_visible(timeout=30000)
        expect(page.get_by_text("发送进度：3 / 3")).to_be_visible(timeout=60000)
        expect(page.get_by_text("发送日志")).to_be_visible(timeout=30000)
        screenshot(page, "outreach-after-wave")
        received = {r.rcpt_tos[0]: r for r in smtp_server.handler.received}
        assert sorted(received) == ["bing@client.test", "yi@client.test"]
        text = received["yi@client.test"].message.get_body(("plain",)).get_content()
        [link] = LINK.findall(text)
        phone_page.goto(link)
        expect(phone_page.get_by_text("乙银行").first).to_be_visible(timeout=30000)
        screenshot(phone_page, "outreach-mailed-link")
    ctx.engine.dispose()


@pytest.fixture(autouse=True)
def _skip_without_browser() -> None:
    """Skip (or fail under REQUIRE_BROWSER=1) when Chromium or Playwright is missing."""
    require_browser()
