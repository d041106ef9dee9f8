"""The public client form page (AppTest): what a link shows, errors, receipts, throttling.

Drawing a signature needs a real browser (tests/test_client_form_browser.py); here stored
versions are made through the domain function the page calls.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from pages.client_form_parts import THROTTLE
from surveys.access import SYSTEM
from surveys.campaigns import close_campaign
from surveys.clock import beijing_today
from surveys.context import Context
from surveys.db import read_session, run_write
from surveys.form_a1 import ITEMS, item_label
from surveys.i18n import tr
from surveys.invitations import list_invitations, revoke_invitation
from surveys.receipts import receipt_of
from surveys.throttle import LOCK_AFTER
from tests.factories import links, make_client, make_provider, open_campaign
from tests.test_web_form import YEAR, raw_form, signature_png, stored, submit

SCORES = [10, 5, 15, 5, 10, 10, 15, 15, 13]

PAGE = str(Path(__file__).resolve().parents[1] / "pages" / "client_form.py")


@pytest.fixture(autouse=True)
def fresh_throttle() -> Iterator[None]:
    """Start every test with no bad links counted (AppTest runs share one address)."""
    THROTTLE._failures.clear()
    yield
    THROTTLE._failures.clear()


@pytest.fixture
def env(ctx: Context, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """Point the page at the test database; return a provider, client and token."""
    monkeypatch.setenv("STAR_SURVEY_DB", ctx.settings.db_url)
    monkeypatch.setenv("STAR_SURVEY_DATA_DIR", str(ctx.settings.data_dir))
    monkeypatch.setenv("STAR_SURVEY_BASE_URL", "http://survey.test")
    provider = make_provider(ctx)
    client = make_client(ctx, provider, "北京市第一医院", years={YEAR: 50000})
    open_campaign(ctx, provider, YEAR)
    token = links(ctx, provider, YEAR)[0]["url"].split("?t=")[1]
    return {"provider": provider, "client": client, "token": token}


def open_link(token: str, lang: str | None = None) -> AppTest:
    """Return the page after opening a link (a new browser session)."""
    at = AppTest.from_file(PAGE, default_timeout=30)
    at.query_params["t"] = token
    if lang:
        at.query_params["lang"] = lang
    return at.run()


def texts(at: AppTest) -> str:
    """Return the visible markdown, caption, alert and metric texts joined."""
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [a.value for a in [*at.error, *at.warning, *at.success, *at.info]]
    return "\n".join(str(p) for p in parts)


def items(at: AppTest) -> list[Any]:
    """Return the nine score pickers."""
    return [at.pills(key=f"form_w_item{item.no}") for item in ITEMS]


def button(at: AppTest, label_key: str) -> Any:
    """Return the button labelled with a UI string."""
    return next(b for b in at.button if b.label == tr(label_key))


def sign(at: AppTest) -> None:
    """Put a drawn signature into the session, as the pad would send it."""
    at.session_state["form_sig"] = {"png": signature_png(), "json": "", "seen": "x"}


def test_link_shows_who_evaluates_whom_with_every_score_empty(env: dict[str, Any]) -> None:
    at = open_link(env["token"])
    assert not at.exception
    assert "**北京市第一医院** 对 **北京安防维保有限公司** 的 2026 年度服务评价" in texts(at)
    assert [p.label for p in items(at)] == [item_label(item) + " :red[*]" for item in ITEMS]
    assert [p.options for p in items(at)][0] == [str(n) for n in range(11)]
    assert all(p.value is None for p in items(at)) and not at.number_input
    header = {w.key: w.value for w in at.text_input if w.key}
    assert header["form_w_department"] == "保卫处" and header["form_w_manager"] == "李处长"
    assert at.text_input[0].value == "北京市第一医院" and at.text_input[0].disabled
    assert "0/9" in at.progress[0].proto.text
    for picker, score in zip(items(at)[:3], (8, 5, 12), strict=True):
        picker.set_value(score)
    at.run()
    assert not at.exception and "3/9" in at.progress[0].proto.text
    assert "25 / 100" in at.progress[0].proto.text


def test_errors_are_shown_at_each_field_and_nothing_is_stored(
        env: dict[str, Any], ctx: Context) -> None:
    at = open_link(env["token"])
    items(at)[0].set_value(10)
    at.text_input(key="form_w_signer_name").set_value("张三")
    button(at, "form_review").click().run()
    assert not at.exception
    errors = [e.value for e in at.error]
    for item in ITEMS[1:]:
        assert any(item.name_zh in e and "未评分" in e for e in errors), item.name_zh
    assert not any("服务业务管理能力" in e for e in errors)
    assert "请在签名框内手写签名" in errors
    assert tr("form_errors_above").format(n=9) in errors
    assert tr("form_confirm") not in [b.label for b in at.button]
    assert stored(ctx) == []
    with read_session(ctx.engine) as s:
        assert list_invitations(session=s, actor=SYSTEM, provider_id=env["provider"],
                                year=YEAR)[0][0].first_opened_at is not None


def test_a_reload_keeps_every_answer(env: dict[str, Any], ctx: Context) -> None:
    at = open_link(env["token"])
    for picker, score in zip(items(at), SCORES, strict=True):
        picker.set_value(score)
    at.text_input(key="form_w_signer_name").set_value("王五")
    at.text_area(key="form_w_comment").set_value("响应及时")
    sign(at)
    at.run()
    again = open_link(env["token"])  # a new session: reload, killed tab, WeChat reopening
    assert not again.exception
    assert [p.value for p in items(again)] == SCORES
    assert again.text_input(key="form_w_signer_name").value == "王五"
    assert again.text_area(key="form_w_comment").value == "响应及时"
    assert again.session_state["form_sig"]["png"] == signature_png()
    assert tr("form_draft_restored") in texts(again)
    button(again, "form_review").click().run()
    button(again, "form_confirm").click().run()
    assert not again.exception and tr("form_saved") in texts(again)
    [record] = stored(ctx)
    assert record.signer_name == "王五" and record.comment == "响应及时"
    fresh = open_link(env["token"])  # the draft went with the submission
    assert receipt_of(record).code in texts(fresh) and not fresh.pills


def _revoke(ctx: Context, env: dict[str, Any]) -> None:
    """Revoke the client's link."""
    with read_session(ctx.engine) as s:
        invitation = list_invitations(session=s, actor=SYSTEM, provider_id=env["provider"],
                                      year=YEAR)[0][0]
    run_write(ctx.engine, lambda s: revoke_invitation(session=s, actor=SYSTEM,
                                                      invitation_id=invitation.id))


def _close(ctx: Context, env: dict[str, Any]) -> None:
    """Close the campaign."""
    run_write(ctx.engine, lambda s: close_campaign(session=s, actor=SYSTEM,
                                                   provider_id=env["provider"], year=YEAR))


@pytest.mark.parametrize("case", ["revoked", "closed"])
def test_link_gone_mid_fill_says_so_nothing_saved_and_whom_to_call(
        env: dict[str, Any], ctx: Context, case: str) -> None:
    at = open_link(env["token"])
    items(at)[0].set_value(7)
    at.run()
    (_revoke if case == "revoked" else _close)(ctx, env)
    items(at)[1].set_value(3)
    at.run()
    assert not at.exception and not at.pills
    said = texts(at)
    assert tr("form_gone_revoked" if case == "revoked" else "form_gone_closed") in said
    assert "没有提交" in said and "北京安防维保有限公司" in said
    assert "010-12345678" in said.replace("\\", "")  # Markdown-escaped in the source
    assert tr("invalid_link") not in said and stored(ctx) == []


@pytest.mark.parametrize("case", ["unknown", "malformed", "empty", "revoked", "closed"])
def test_bad_links_show_one_plain_message(env: dict[str, Any], ctx: Context, case: str) -> None:
    token = {"unknown": "B" * 22, "malformed": "<script>", "empty": ""}.get(case, env["token"])
    if case == "revoked":
        _revoke(ctx, env)
    if case == "closed":
        _close(ctx, env)
    at = open_link(token)
    assert not at.exception
    assert [e.value for e in at.error] == [tr("invalid_link")]
    assert not at.pills and not at.title and not at.text_input
    assert "北京" not in texts(at)


def test_receipt_then_correction_keeps_the_seal(env: dict[str, Any], ctx: Context) -> None:
    from tests.test_uploads_images import camera_jpeg

    record = submit(ctx, env["token"], raw=raw_form([9, 5, 14, 5, 10, 9, 15, 13, 15],
                                                    signer_title="处长", comment="很好"),
                    seal=camera_jpeg(900, 600))
    at = open_link(env["token"])
    assert not at.exception
    said = texts(at)
    assert receipt_of(record).code in said and not at.pills
    assert "张三（处长）" in said and "很好" in said and "北京时间" in said
    assert f"/?h={record.record_hash}" in said
    assert f"{tr('form_total')}: **95 / 100**" in said and not at.metric
    button(at, "form_correct").click().run()
    assert not at.exception
    assert [p.value for p in items(at)] == [9, 5, 14, 5, 10, 9, 15, 13, 15]
    assert at.text_input(key="form_w_signer_name").value == "张三"
    assert tr("form_seal_previous") in texts(at)
    items(at)[0].set_value(10)
    sign(at)
    at.run()
    button(at, "form_review").click().run()
    button(at, "form_confirm").click().run()
    assert not at.exception
    first, second = stored(ctx)
    assert (second.version, second.total, second.seal_image) == (2, 96, first.seal_image)
    button(at, "form_correct").click().run()
    button(at, "form_seal_remove").click().run()
    sign(at)
    at.run()
    button(at, "form_review").click().run()
    button(at, "form_confirm").click().run()
    assert stored(ctx)[-1].seal_image is None and stored(ctx)[-1].version == 3


def test_leaving_a_correction_shows_the_receipt_again(env: dict[str, Any], ctx: Context) -> None:
    record = submit(ctx, env["token"])
    at = open_link(env["token"])
    button(at, "form_correct").click().run()
    items(at)[0].set_value(1)
    at.run()
    assert open_link(env["token"]).pills  # a reload mid-correction stays in the correction
    button(at, "form_cancel").click().run()
    assert not at.exception and not at.pills and receipt_of(record).code in texts(at)
    assert not open_link(env["token"]).pills


def test_closed_campaign_shows_receipt_read_only(env: dict[str, Any], ctx: Context) -> None:
    record = submit(ctx, env["token"])
    _close(ctx, env)
    at = open_link(env["token"])
    assert not at.exception
    assert receipt_of(record).code in texts(at)
    assert [i.value for i in at.info] == [tr("form_readonly")]
    assert tr("form_correct") not in [b.label for b in at.button] and not at.pills


def test_english_from_the_url_keeps_chinese_item_names(env: dict[str, Any]) -> None:
    at = open_link(env["token"], lang="en")
    assert not at.exception
    assert "evaluates" in texts(at)
    for picker, item in zip(items(at), ITEMS, strict=True):
        assert item_label(item, "en") in picker.label and item.name_zh in picker.label


def test_bad_links_are_counted_per_address_across_reloads(env: dict[str, Any]) -> None:
    at = open_link("C" * 22)
    at.run()  # a rerun of the same bad link counts once
    assert not at.exception and THROTTLE.failures("ip:loopback", time.monotonic()) == 1
    open_link("D" * 22)  # a reload is a new session: still the same address
    assert THROTTLE.failures("ip:loopback", time.monotonic()) == 2
    for _ in range(LOCK_AFTER):
        THROTTLE.record_failure("ip:loopback", time.monotonic())
    refused = open_link(env["token"])
    assert not refused.exception
    assert [e.value for e in refused.error] == [tr("form_too_many").format(minutes=15)]
    assert not refused.pills


def test_an_unexpected_error_shows_one_plain_message(env: dict[str, Any],
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STAR_SURVEY_DB", "postgresql+psycopg://nobody@127.0.0.1:1/none")
    at = open_link(env["token"])
    assert not at.exception
    assert [e.value for e in at.error] == [tr("form_error_plain")]
    assert "Traceback" not in texts(at) and "psycopg" not in texts(at)


def test_today_is_the_default_evaluation_date(env: dict[str, Any]) -> None:
    at = open_link(env["token"])
    assert not at.exception
    assert at.date_input(key="form_w_date").value == min(beijing_today(), date(YEAR, 12, 31))
