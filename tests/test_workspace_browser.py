"""Real browser: first-run set-up with the printed code; staff open a campaign, get the QR sheet."""

from __future__ import annotations

import re
import time
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from pages.auth import SETUP_BANNER
from surveys import users
from surveys.access import SYSTEM
from surveys.context import Context, open_context
from surveys.db import read_session, run_write
from surveys.i18n import tr
from surveys.models import UserAccount
from surveys.schema import upgrade
from surveys.settings import Settings
from surveys.tabular import MAX_FILE_BYTES
from tests.browser_support import SERVER_LOGS, require_browser, running_app, screenshot, sign_in
from tests.factories import make_client, make_provider

PASSWORD = "correct-horse-battery"
HOSTILE = "<b>粗体</b><script>window.__pwned=1</script>"


def fresh_install(tmp_path: Path) -> tuple[Context, dict[str, str]]:
    """Return a migrated, empty SQLite installation and the environment that serves it."""
    settings = Settings(db_url=f"sqlite:///{tmp_path / 'survey.db'}", data_dir=tmp_path / "data",
                        base_url="http://survey.test")
    ctx = open_context(settings)
    upgrade(ctx.engine)
    env = {"STAR_SURVEY_DB": settings.db_url, "STAR_SURVEY_DATA_DIR": str(settings.data_dir),
           "STAR_SURVEY_BASE_URL": "http://survey.test"}
    return ctx, env


def printed_setup_code(base: str, timeout: float = 30) -> str:
    """Return the set-up code the server printed in its output."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        text = SERVER_LOGS[base].read_text(errors="replace")
        if f"{SETUP_BANNER}: " in text:
            return text.split(f"{SETUP_BANNER}: ")[1].split()[0]
        time.sleep(0.2)
    raise AssertionError("the server never printed a set-up code")


def test_first_run_setup_with_the_code_from_the_terminal(desktop_page: Any, tmp_path: Path) -> None:
    require_browser()
    from playwright.sync_api import expect

    ctx, env = fresh_install(tmp_path)
    page = desktop_page
    with running_app(env) as base:
        page.goto(base)
        code_box = page.get_by_label("设置码")
        expect(code_box).to_be_visible(timeout=30000)
        screenshot(page, "workspace-setup")
        code = printed_setup_code(base)
        code_box.fill("000000-000000-000000")
        page.get_by_label("用户名").fill("boss@example.com")
        page.get_by_label("密码", exact=True).fill(PASSWORD)
        page.get_by_label("再次输入密码").fill(PASSWORD)
        page.get_by_role("button", name="创建管理员").click()
        expect(page.get_by_text("输入有误，未作任何更改")).to_be_visible(timeout=20000)
        with read_session(ctx.engine) as session:
            assert users.count_users(session) == 0
        code_box.fill(code)
        page.get_by_role("button", name="创建管理员").click()
        expect(page.get_by_role("button", name="退出登录")).to_be_visible(timeout=30000)
        page.get_by_role("link", name="服务单位").click()
        expect(page.get_by_role("button", name="载入演示数据")).to_be_visible(timeout=20000)
        screenshot(page, "workspace-after-setup")
    with read_session(ctx.engine) as session:
        assert [a.username for a in users.list_users(session=session, actor=SYSTEM)] == [
            "boss@example.com"]
        assert session.get(UserAccount, 1).role == "admin"  # type: ignore[union-attr]
    ctx.engine.dispose()


def test_staff_opens_campaign_and_downloads_qr_sheet(desktop_page: Any, tmp_path: Path) -> None:
    require_browser()
    from playwright.sync_api import expect

    ctx, env = fresh_install(tmp_path)
    year = date.today().year
    mine = make_provider(ctx, "京安技防")
    theirs = make_provider(ctx, "别家公司")
    make_client(ctx, mine, "北京市第一人民医院", key_unit=True, years={year: 120000})
    make_client(ctx, mine, HOSTILE, years={year: 50000})
    make_client(ctx, theirs, "别家的客户", years={year: 1})
    run_write(ctx.engine, lambda s: users.create_user(
        session=s, actor=SYSTEM, username="clerk@jingan.test", password=PASSWORD, role="staff",
        provider_id=mine))
    page = desktop_page
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    with running_app(env) as base:
        sign_in(page, base, "clerk@jingan.test", PASSWORD)
        page.get_by_role("link", name="回访活动").click()
        open_button = page.get_by_role("button", name="开启回访")
        expect(open_button).to_be_visible(timeout=20000)
        expect(page.get_by_label("服务单位")).to_have_count(0)  # staff: no provider selector
        open_button.click()
        expect(page.get_by_text("回访已开启，新邀请 2 个用户单位")).to_be_visible(timeout=20000)
        expect(page.get_by_test_id("stCode").filter(has_text="http://survey.test/?t=").first
               ).to_be_visible(timeout=30000)  # the links; the messages section shows them too
        page.get_by_role("button", name="生成二维码汇总页（PDF）").click()
        download_button = page.get_by_role("button", name="下载二维码汇总页")
        expect(download_button).to_be_visible(timeout=30000)
        with page.expect_download() as info:
            download_button.click()
        pdf = Path(info.value.path()).read_bytes()
        screenshot(page, "workspace-campaign-staff")
        assert page.evaluate("() => window.__pwned") is None
        assert page.locator("b", has_text="粗体").count() == 0
    assert pdf.startswith(b"%PDF-") and len(pdf) > 1000
    assert dialogs == []
    ctx.engine.dispose()


def test_a_new_password_signs_the_other_browser_out_and_keeps_this_one(
    browser: Any, desktop_page: Any, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    ctx, env = fresh_install(tmp_path)
    provider = make_provider(ctx, "京安技防")
    run_write(ctx.engine, lambda s: users.create_user(
        session=s, actor=SYSTEM, username="clerk@jingan.test", password=PASSWORD, role="staff",
        provider_id=provider))
    other = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    elsewhere, here = other.new_page(), desktop_page
    with running_app(env) as base:
        sign_in(elsewhere, base, "clerk@jingan.test", PASSWORD)
        sign_in(here, base, "clerk@jingan.test", PASSWORD)
        here.get_by_role("link", name="账户").click()
        here.get_by_role("textbox", name="当前密码").fill(PASSWORD)
        here.get_by_role("textbox", name="新密码").fill("a-brand-new-passphrase")
        here.get_by_role("textbox", name="再次输入密码").fill("a-brand-new-passphrase")
        here.get_by_role("button", name="保存").click()
        expect(here.get_by_text("已保存。")).to_be_visible(timeout=20000)
        here.reload()
        expect(here.get_by_role("button", name="退出登录")).to_be_visible(timeout=30000)
        elsewhere.reload()
        expect(elsewhere.get_by_label("用户名")).to_be_visible(timeout=30000)
        expect(elsewhere.get_by_role("button", name="退出登录")).to_have_count(0)
    other.close()
    ctx.engine.dispose()


def test_streamlit_s_own_texts_in_the_workspace_are_chinese(desktop_page: Any,
                                                            tmp_path: Path) -> None:
    require_browser()
    from playwright.sync_api import expect

    ctx, env = fresh_install(tmp_path)
    mine = make_provider(ctx, "京安技防")
    run_write(ctx.engine, lambda s: users.create_user(
        session=s, actor=SYSTEM, username="clerk@jingan.test", password=PASSWORD, role="staff",
        provider_id=mine))
    page = desktop_page
    with running_app(env) as base:
        sign_in(page, base, "clerk@jingan.test", PASSWORD)
        page.get_by_role("link", name="用户单位").click()
        page.get_by_role("tab", name="从 CSV/XLSX 导入").click()
        uploader = page.get_by_test_id("stFileUploader")
        expect(uploader).to_be_visible(timeout=20000)
        page.wait_for_timeout(500)  # the page's script rewrites what Streamlit drew
        shown = uploader.evaluate(  # an icon's name is drawn as its glyph, not as a word
            "(u) => { const c = u.cloneNode(true); c.querySelectorAll("
            "'[data-testid=stIconMaterial]').forEach((i) => i.remove()); return c.innerText; }")
        assert f"单个文件不超过 {MAX_FILE_BYTES // 1024 // 1024} MB" in shown and "上传文件" in shown
        uploader.locator("input[type=file]").set_input_files(files=[{  # over the limit
            "name": "big.csv", "mimeType": "text/csv", "buffer": b"x" * (MAX_FILE_BYTES + 1)}])
        uploader.get_by_text("big.csv").hover()
        page.wait_for_timeout(1000)
        said = " ".join(page.get_by_test_id("stTooltipErrorContent").all_inner_texts())
        assert tr("js_too_big") in said and not re.findall(r"[A-Za-z]{2,}", said), said
        assert set(re.findall(r"[A-Za-z]{2,}", shown)) <= {"MB", "CSV", "XLSX"}, shown
        page.get_by_role("tab", name="新增用户单位").click()
        page.get_by_label("名称").first.fill("新单位")
        hint = page.get_by_test_id("InputInstructions").first
        expect(hint).to_be_attached(timeout=10000)
        page.wait_for_timeout(300)
        assert re.findall(r"[A-Za-z]{2,}", hint.inner_text()) == []
        expect(page.get_by_test_id("stMainMenu")).to_be_hidden()  # "Made with Streamlit", ...
    ctx.engine.dispose()


@pytest.fixture(autouse=True)
def _skip_without_browser() -> None:
    """Skip (or fail under REQUIRE_BROWSER=1) when Chromium or Playwright is missing."""
    require_browser()
