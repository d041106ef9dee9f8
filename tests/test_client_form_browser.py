"""The client form in a real phone-sized Chromium: QR -> form -> signature -> receipt -> correction."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from sqlmodel import col, select

from surveys.access import SYSTEM
from surveys.campaigns import close_campaign
from surveys.context import open_context
from surveys.db import read_session, run_write
from surveys.form_a1 import ITEMS
from surveys.i18n import tr
from surveys.models import Response
from surveys.qr import safe_filename
from surveys.receipts import receipt_of
from surveys.schema import upgrade
from surveys.settings import Settings
from surveys.signature import png_is_blank
from tests.browser_support import ROOT, free_port, require_browser, running_app, screenshot
from tests.factories import links, make_client, make_provider, open_campaign, submit
from tests.form_driver import sign, tap_score

pytestmark = pytest.mark.browser
YEAR = date.today().year
SCORES = [10, 5, 15, 5, 10, 10, 15, 15, 13]


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """Yield a running app on a SQLite file with two providers' campaigns and their QR codes."""
    require_browser()
    tmp = tmp_path_factory.mktemp("form-browser")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {"STAR_SURVEY_DB": f"sqlite:///{tmp / 'survey.db'}",
           "STAR_SURVEY_DATA_DIR": str(tmp / "data"), "STAR_SURVEY_BASE_URL": base}
    ctx = open_context(Settings(db_url=env["STAR_SURVEY_DB"], data_dir=tmp / "data",
                                base_url=base))
    upgrade(ctx.engine)
    provider = make_provider(ctx)
    clients = {name: make_client(ctx, provider, name, years={YEAR: 10000})
               for name in ("北京市第一医院", "朝阳银行", "西城中学")}
    open_campaign(ctx, provider, YEAR)
    closed = make_provider(ctx, "海淀安防技术有限公司")
    closed_client = make_client(ctx, closed, "海淀实验学校", years={YEAR: 1})
    open_campaign(ctx, closed, YEAR)
    closed_record = submit(ctx, closed, YEAR, closed_client, 91, when=date(YEAR, 1, 2))
    run_write(ctx.engine, lambda s: close_campaign(session=s, actor=SYSTEM, provider_id=closed,
                                                   year=YEAR))
    out = tmp / "qr"
    result = subprocess.run([sys.executable, "-m", "cli", "qr", "--provider",
                             str(provider), "--year", str(YEAR), "--out", str(out)],
                            cwd=ROOT, env={**os.environ, **env}, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    with running_app(env, port=port) as url:
        assert url == base
        yield {"ctx": ctx, "base": base, "qr": out, "clients": clients,
               "closed_url": links(ctx, closed, YEAR)[0]["url"].replace("http://survey.test", base),
               "closed_record": closed_record}
    ctx.engine.dispose()


def qr_url(app: dict[str, Any], client: str) -> str:
    """Return the link decoded from the client's QR PNG."""
    from pyzbar.pyzbar import decode

    png = (app["qr"] / f"{safe_filename(client)}.png").read_bytes()
    found = [s.data.decode() for s in decode(Image.open(io.BytesIO(png)))]
    assert len(found) == 1 and found[0].startswith(app["base"] + "/?t=")
    return found[0]


def versions(app: dict[str, Any], client: str) -> list[Response]:
    """Return the stored versions of a client's form, oldest first."""
    with read_session(app["ctx"].engine) as s:
        return list(s.exec(select(Response).where(Response.client_id == app["clients"][client])
                           .order_by(col(Response.version))).all())


def fill_scores(page: Any, scores: list[int | None]) -> None:
    """Tap each score (no keyboard) and wait until the page shows it chosen."""
    for item, score in zip(ITEMS, scores, strict=True):
        if score is not None:
            tap_score(page, item.no, score)


def no_horizontal_scroll(page: Any) -> None:
    """Assert the page fits the phone's width."""
    width = page.evaluate("() => Math.max(document.documentElement.scrollWidth,"
                          " document.body.scrollWidth)")
    assert width <= 390, width


def open_form(page: Any, url: str) -> None:
    """Open a link and wait for the app to render it."""
    page.goto(url)
    page.get_by_text("2026" if YEAR == 2026 else str(YEAR), exact=False).first.wait_for()


def test_qr_to_signed_form_to_receipt_then_correction(app: dict[str, Any], phone_page: Any) -> None:
    page = phone_page
    open_form(page, qr_url(app, "北京市第一医院"))
    page.get_by_text("北京安防维保有限公司").first.wait_for()
    fill_scores(page, SCORES)  # type: ignore[arg-type]
    page.get_by_text("已评 9/9 项 · 当前总分 98 / 100").wait_for()
    page.get_by_label(tr("form_signer_name")).fill("李四")
    page.get_by_label(tr("form_signer_name")).press("Tab")
    sign(page)
    no_horizontal_scroll(page)
    page.get_by_role("button", name=tr("form_review")).click()
    page.get_by_text(tr("form_confirm_title")).wait_for()
    screenshot(page, "client-form-filled-phone")
    assert versions(app, "北京市第一医院") == []
    page.get_by_role("button", name=tr("form_confirm")).click()
    page.get_by_text(tr("form_saved")).wait_for()
    [record] = versions(app, "北京市第一医院")
    assert (record.total, record.origin, record.signer_name) == (98, "web", "李四")
    assert not png_is_blank(record.signature_png)
    page.get_by_text(receipt_of(record).code).wait_for()
    page.get_by_role("button", name=tr("form_download")).wait_for()
    page.locator(".st-key-form_w_item1").wait_for(state="detached")
    no_horizontal_scroll(page)
    screenshot(page, "client-form-receipt-phone")
    # opening the link again shows the receipt; a correction stores version 2
    open_form(page, qr_url(app, "北京市第一医院"))
    page.get_by_text(receipt_of(record).code).wait_for()
    page.get_by_role("button", name=tr("form_correct")).click()
    tap_score(page, 9, 15)
    page.get_by_text("当前总分 100 / 100").wait_for()
    sign(page)
    page.get_by_role("button", name=tr("form_review")).click()
    page.get_by_role("button", name=tr("form_confirm")).click()
    page.get_by_text(tr("form_saved")).wait_for()
    first, second = versions(app, "北京市第一医院")
    assert (first.total, second.total, second.version, second.supersedes_id) == (98, 100, 2,
                                                                                   first.id)


def test_blank_signature_and_missing_item_are_refused(app: dict[str, Any],
                                                      phone_page: Any) -> None:
    page = phone_page
    open_form(page, qr_url(app, "朝阳银行"))
    fill_scores(page, [10, 5, 15, 5, None, 10, 15, 15, 15])
    page.get_by_label(tr("form_signer_name")).fill("王五")
    page.get_by_label(tr("form_signer_name")).press("Tab")
    sign(page)
    page.get_by_role("button", name=tr("form_clear_signature")).click()  # back to a blank pad
    page.get_by_text(tr("form_signed")).wait_for(state="detached")
    page.get_by_role("button", name=tr("form_review")).click()
    page.get_by_text(tr("form_errors_above").format(n=2)).wait_for()
    item5 = page.locator(".st-key-fld_item5 [data-testid=stAlert]").inner_text()
    assert "维修质量总体印象" in item5 and "未评分" in item5
    assert "签名" in page.locator(".st-key-fld_signature [data-testid=stAlert]").inner_text()
    assert page.locator(".st-key-fld_item1 [data-testid=stAlert]").count() == 0
    from playwright.sync_api import expect

    # the page is brought to the first error (a smooth scroll after the errors render)
    expect(page.locator(".st-key-fld_item5")).to_be_in_viewport(timeout=10000)
    assert not page.get_by_role("button", name=tr("form_confirm")).count()
    assert versions(app, "朝阳银行") == []


def test_bad_token_shows_only_the_plain_message(app: dict[str, Any], phone_page: Any) -> None:
    page = phone_page
    page.goto(f"{app['base']}/?t={'Z' * 22}")
    page.get_by_text(tr("invalid_link")).wait_for()
    assert page.locator("[class*=st-key-form_w_item]").count() == 0
    assert page.get_by_text("北京安防维保有限公司").count() == 0


def test_closed_campaign_shows_read_only_receipt(app: dict[str, Any], phone_page: Any) -> None:
    page = phone_page
    open_form(page, app["closed_url"])
    page.get_by_text(receipt_of(app["closed_record"]).code).wait_for()
    page.get_by_text(tr("form_readonly")).wait_for()
    with page.expect_download() as download:
        page.get_by_role("button", name=tr("form_download")).click()
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF-")
    assert download.value.suggested_filename == f"回执-海淀实验学校-{YEAR}-v1.pdf"
    assert page.get_by_role("button", name=tr("form_correct")).count() == 0
    assert page.locator("[class*=st-key-form_w_item]").count() == 0
    no_horizontal_scroll(page)
    screenshot(page, "client-form-closed-phone")


def test_two_tabs_store_one_version(app: dict[str, Any], phone_page: Any,
                                    desktop_page: Any) -> None:
    url = qr_url(app, "西城中学")
    for page in (phone_page, desktop_page):
        open_form(page, url)
        fill_scores(page, SCORES)  # type: ignore[arg-type]
        page.get_by_label(tr("form_signer_name")).fill("赵六")
        page.get_by_label(tr("form_signer_name")).press("Tab")
        if page is desktop_page:  # the second tab shows the first one's draft, already signed:
            page.get_by_role("button", name=tr("form_clear_signature")).click()  # sign anew, so
            page.get_by_text(tr("form_signed")).wait_for(state="detached")  # sign() waits for it
        sign(page)
        page.get_by_role("button", name=tr("form_review")).click()
        page.get_by_role("button", name=tr("form_confirm")).wait_for()
    screenshot(desktop_page, "client-form-desktop")
    phone_page.get_by_role("button", name=tr("form_confirm")).click()
    phone_page.get_by_text(tr("form_saved")).wait_for()
    desktop_page.get_by_role("button", name=tr("form_confirm")).click()
    desktop_page.get_by_text(tr("form_conflict")).wait_for()
    [record] = versions(app, "西城中学")
    desktop_page.get_by_text(receipt_of(record).code).wait_for()
