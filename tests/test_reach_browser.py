"""Real browser: staff copy one client's message, download the bulk-SMS sheet and the letters PDF
from the campaigns page; the letter's QR code opens that client's form."""

from __future__ import annotations

import io
import subprocess
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from openpyxl import load_workbook
from PIL import Image
from pyzbar.pyzbar import decode
from sqlmodel import Session

from surveys import campaigns, invitations, users
from surveys.access import SYSTEM
from surveys.db import run_write
from tests.browser_support import require_browser, running_app, screenshot, sign_in
from tests.factories import make_client, make_provider
from tests.test_workspace_browser import PASSWORD, fresh_install


@pytest.fixture(autouse=True)
def _skip_without_browser() -> None:
    """Skip (or fail under REQUIRE_BROWSER=1) when Chromium or Playwright is missing."""
    require_browser()


def test_staff_copy_a_message_and_download_sms_sheet_and_letters(desktop_page: Any,
                                                                 tmp_path: Path) -> None:
    from playwright.sync_api import expect

    ctx, env = fresh_install(tmp_path)
    year = date.today().year
    mine = make_provider(ctx, "京安技防")
    hospital = make_client(ctx, mine, "北京市第一人民医院", years={year: 120000})
    run_write(ctx.engine, lambda s: campaigns.open_campaign(
        session=s, actor=SYSTEM, secret=ctx.link_secret, provider_id=mine, year=year,
        closes=date(year, 12, 20)))
    run_write(ctx.engine, lambda s: users.create_user(
        session=s, actor=SYSTEM, username="clerk@jingan.test", password=PASSWORD, role="staff",
        provider_id=mine))
    page = desktop_page
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    with running_app(env) as base:
        sign_in(page, base, "clerk@jingan.test", PASSWORD)
        page.get_by_role("link", name="回访活动").click()
        message = page.get_by_test_id("stCode").filter(has_text="尊敬的北京市第一人民医院")
        expect(message).to_be_visible(timeout=30000)
        message.hover()
        message.get_by_role("button").first.click()
        copied = page.evaluate("() => navigator.clipboard.readText()")
        with page.expect_download() as info:
            page.get_by_role("button", name="短信群发 Excel（1 条）").click()
        sheet = load_workbook(io.BytesIO(Path(info.value.path()).read_bytes())).worksheets[0]
        page.get_by_role("button", name="生成邀请函 PDF").click()
        download = page.get_by_role("button", name="下载邀请函 PDF")
        expect(download).to_be_visible(timeout=30000)
        with page.expect_download() as info:
            download.click()
        letters = tmp_path / "letters.pdf"
        letters.write_bytes(Path(info.value.path()).read_bytes())
        screenshot(page, "campaign-reach-section")
    assert copied.startswith("尊敬的北京市第一人民医院") and f"{year}年12月20日" in copied
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows == [["姓名", "手机号码", "短信内容"], ["北京市第一人民医院", "13800000000", copied]]
    text = subprocess.run(["pdftotext", str(letters), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "北京市第一人民医院" in text and f"{year}年12月20日" in "".join(text.split())
    subprocess.run(["pdftoppm", "-png", "-r", "150", str(letters), str(tmp_path / "p")],
                   check=True)
    [code] = decode(Image.open(next(tmp_path.glob("p-*.png"))))
    link = code.data.decode()
    assert link in copied
    with Session(ctx.engine) as s:
        view = invitations.resolve_token(session=s, token=parse_qs(urlsplit(link).query)["t"][0])
    assert view is not None and view.client.id == hospital
    ctx.engine.dispose()
