"""The dashboard in a real Chromium: overview and trends render at phone width (screenshots)."""

from __future__ import annotations

from typing import Any

import pytest

from surveys import demo, users
from surveys.access import SYSTEM
from surveys.context import Context
from surveys.db import run_write
from tests.browser_support import PHONE, running_app, screenshot

pytestmark = pytest.mark.browser
PASSWORD = "correct-horse-battery"


def sign_in_if_asked(page: Any) -> None:
    """Fill the workspace login form when the app shows one (accounts, issue 6)."""
    home = page.get_by_role("heading", name="安防运维服务星级评价")
    password = page.locator("input[type=password]")
    home.or_(password).first.wait_for(timeout=60000)  # the script ran: home page or login
    if password.count() == 0:
        return  # no login page: the workspace is open
    page.locator("input[type=text]").first.fill("admin@test")
    password.fill(PASSWORD)
    password.press("Enter")
    home.wait_for(timeout=60000)


def open_page(page: Any, title: str, link: str) -> None:
    """Follow the sidebar link to a workspace page and wait for its title."""
    page.locator(f"[data-testid=stSidebarNav] a[href$='/{link}']").click()
    page.get_by_role("heading", name=title).wait_for(timeout=60000)


def test_overview_and_trends_at_phone_width(ctx: Context, desktop_page: Any) -> None:
    if ctx.engine.dialect.name != "sqlite":
        pytest.skip("one browser run is enough; it uses the SQLite database")
    run_write(ctx.engine, lambda s: demo.load_demo(session=s, actor=SYSTEM, signer=ctx.signer,
                                                   secret=ctx.link_secret))
    run_write(ctx.engine, lambda s: users.create_user(
        session=s, actor=SYSTEM, username="admin@test", password=PASSWORD, role="admin"))
    env = {"STAR_SURVEY_DB": ctx.settings.db_url,
           "STAR_SURVEY_DATA_DIR": str(ctx.settings.data_dir),
           "STAR_SURVEY_BASE_URL": "http://survey.test"}
    page = desktop_page
    with running_app(env) as base:
        page.goto(base + "/")
        sign_in_if_asked(page)
        page.get_by_test_id("stSidebarNav").wait_for(timeout=30000)
        open_page(page, "星级概览", "overview")
        page.get_by_test_id("stMetric").first.wait_for(timeout=60000)
        page.get_by_test_id("stDataFrame").last.wait_for(timeout=60000)
        page.set_viewport_size(PHONE)
        page.wait_for_timeout(800)
        overview = screenshot(page, "dashboard-overview-phone")
        assert page.get_by_role("heading", name="回访进度").count() == 1
        assert page.get_by_role("heading", name="按第5章绩效表现可申请星级").count() == 1
        assert page.get_by_test_id("stMetric").count() == 3

        page.set_viewport_size({"width": 1280, "height": 900})
        open_page(page, "评价趋势", "trends")
        charts = page.locator("[data-testid=stVegaLiteChart]")
        charts.nth(3).wait_for(timeout=60000)
        page.set_viewport_size(PHONE)
        page.wait_for_timeout(1500)
        assert charts.count() == 4
        assert page.locator("[data-testid=stVegaLiteChart] canvas, "
                            "[data-testid=stVegaLiteChart] svg").count() >= 4
        width = charts.first.bounding_box()["width"]
        assert width <= PHONE["width"]  # the chart fits the phone screen
        trends = screenshot(page, "dashboard-trends-phone")
    assert overview.stat().st_size > 10_000 and trends.stat().st_size > 10_000
