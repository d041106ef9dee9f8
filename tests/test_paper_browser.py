"""Real browser: staff enter a paper form; the form empties on a client change; replacing asks."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import col, select

from surveys import users
from surveys.access import SYSTEM
from surveys.clock import beijing_today
from surveys.db import read_session, run_write
from surveys.models import Response
from tests import factories
from tests.browser_support import require_browser, running_app, screenshot, sign_in
from tests.scans import png_scan
from tests.test_workspace_browser import PASSWORD, fresh_install


@pytest.fixture(autouse=True)
def _skip_without_browser() -> None:
    """Skip (or fail under REQUIRE_BROWSER=1) when Chromium or Playwright is missing."""
    require_browser()


def test_paper_entry_resets_per_client_and_asks_before_replacing(
    desktop_page: Any, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    ctx, env = fresh_install(tmp_path)
    today = beijing_today()
    year = today.year
    provider = factories.make_provider(ctx, "京安技防")
    web = factories.make_client(ctx, provider, "甲单位", years={year: 1})
    factories.make_client(ctx, provider, "乙单位", years={year: 1})
    factories.open_campaign(ctx, provider, year)
    factories.submit_web(ctx, provider, web, 80, year=year, today=today, when=today)
    run_write(ctx.engine, lambda s: users.create_user(
        session=s, actor=SYSTEM, username="clerk@jingan.test", password=PASSWORD, role="staff",
        provider_id=provider))
    (tmp_path / "scan.png").write_bytes(png_scan())
    page = desktop_page
    with running_app(env) as base:
        sign_in(page, base, "clerk@jingan.test", PASSWORD)
        page.get_by_role("link", name="纸质表录入").click()
        first_item = page.get_by_label("1. 服务业务管理能力 (0–10)")
        expect(first_item).to_be_visible(timeout=20000)
        main = page.get_by_test_id("stMain")
        chooser = main.get_by_role("combobox", name="用户单位")
        expect(chooser).to_have_value("乙单位 · 未打开")
        # type into the first client's form, then choose the other client
        first_item.fill("7")
        first_item.press("Tab")
        page.get_by_label("签字人姓名").fill("上一家的签字人")
        page.get_by_label("签字人姓名").press("Tab")
        option = page.get_by_role("option", name="甲单位 · 网上已答")
        for _attempt in range(3):  # a rerun may close the list just as it opens
            chooser.click()
            try:
                option.click(timeout=5000)
                break
            except Exception:
                screenshot(page, "paper-choose-client")
        expect(page.get_by_text("保存将生成第 2 版")).to_be_visible(timeout=20000)
        expect(page.get_by_label("1. 服务业务管理能力 (0–10)")).to_have_value("")
        expect(page.get_by_label("签字人姓名")).to_have_value("")
        screenshot(page, "paper-replace-warning")
        for index, score in enumerate(factories.scores_for_total(93)):
            box = page.get_by_test_id("stNumberInput").nth(index).locator("input")
            box.fill(str(score))
            box.press("Tab")
        for part, value in (("year", f"{today.year}"), ("month", f"{today.month:02d}"),
                            ("day", f"{today.day:02d}")):
            page.get_by_role("spinbutton", name=f"{part}, 评价日期").click()
            page.keyboard.type(value)
        page.get_by_label("签字人姓名").fill("周杰")
        page.locator("input[type=file]").set_input_files(str(tmp_path / "scan.png"))
        expect(page.get_by_role("button", name="Remove scan.png")).to_be_visible(timeout=20000)
        save = page.get_by_role("button", name="保存为第 2 版（替换第 1 版）")
        save.click()
        expect(page.get_by_text("输入有误，未作任何更改")).to_be_visible(timeout=20000)
        expect(page.get_by_test_id("stDataFrame").last).to_contain_text("更正原因")
        page.get_by_label("更正原因（必填：为什么替换已有的评价）").fill("用户单位来电更正")
        save.click()
        expect(page.get_by_text("已保存「甲单位」：总分 93，第 2 版")).to_be_visible(timeout=20000)
        expect(chooser).to_have_value("甲单位 · 纸质已录")
        screenshot(page, "paper-stored")
    with read_session(ctx.engine) as session:
        versions = session.exec(select(Response).where(Response.client_id == web)
                                .order_by(col(Response.version))).all()
    assert [(v.version, v.origin, v.total, v.reason) for v in versions] == [
        (1, "web", 80, ""), (2, "paper", 93, "用户单位来电更正")]
    assert versions[1].evaluation_date == today and versions[1].scan == png_scan()
    assert date(year, 1, 1) <= today
    ctx.engine.dispose()
