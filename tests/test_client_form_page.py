"""The public client form page (AppTest): what a link shows, errors, receipts, throttling.

Drawing a signature needs a real browser (tests/test_client_form_browser.py); here stored
versions are made through the domain function the page calls.
"""

from __future__ import annotations

import time
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
from tests.test_web_form import YEAR, raw_form, stored, submit

PAGE = str(Path(__file__).resolve().parents[1] / "pages" / "client_form.py")


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


def open_link(token: str, lang: str | None = None, throttle_key: str | None = None) -> AppTest:
    """Return the page after opening a link."""
    at = AppTest.from_file(PAGE, default_timeout=30)
    at.query_params["t"] = token
    if lang:
        at.session_state["lang"] = lang
    if throttle_key:
        at.session_state["form_throttle_key"] = throttle_key
    return at.run()


def texts(at: AppTest) -> str:
    """Return the visible markdown, caption and metric texts joined."""
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    return "\n".join(str(p) for p in parts)


def test_link_shows_who_evaluates_whom_with_empty_scores(env: dict[str, Any]) -> None:
    at = open_link(env["token"])
    assert not at.exception
    assert "**北京市第一医院** 对 **北京安防维保有限公司** 的 2026 年度服务评价" in texts(at)
    assert [n.label for n in at.number_input] == [item_label(item) for item in ITEMS]
    assert all(n.value is None for n in at.number_input)
    header = {w.key: w.value for w in at.text_input if w.key}
    assert header["form_w_department"] == "保卫处" and header["form_w_manager"] == "李处长"
    assert at.text_input[0].value == "北京市第一医院" and at.text_input[0].disabled
    assert "0/9" in at.progress[0].proto.text
    for number, score in zip(at.number_input[:3], (8, 5, 12), strict=True):
        number.set_value(score)
    at.run()
    assert not at.exception and "3/9" in at.progress[0].proto.text
    assert "25 / 100" in at.progress[0].proto.text


def test_missing_items_and_signature_are_named_and_nothing_is_stored(
        env: dict[str, Any], ctx: Context) -> None:
    at = open_link(env["token"])
    at.number_input[0].set_value(10)
    at.text_input(key="form_w_signer_name").set_value("张三")
    at.button[-1].click().run()
    assert not at.exception
    message = at.error[0].value
    for item in ITEMS[1:]:
        assert item.name_zh in message
    assert "服务业务管理能力" not in message and "签名" in message
    assert stored(ctx) == []
    with read_session(ctx.engine) as s:
        assert list_invitations(session=s, actor=SYSTEM, provider_id=env["provider"],
                                year=YEAR)[0][0].first_opened_at is not None


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
    assert not at.number_input and not at.title and not at.text_input
    assert "北京" not in texts(at)


def test_receipt_then_correction_prefilled(env: dict[str, Any], ctx: Context) -> None:
    record = submit(ctx, env["token"], raw=raw_form([9, 5, 14, 5, 10, 9, 15, 13, 15]))
    at = open_link(env["token"])
    assert not at.exception
    assert receipt_of(record).code in texts(at) and not at.number_input
    assert [m.value for m in at.metric][:1] == ["95 / 100"]
    correct = next(b for b in at.button if b.label == tr("form_correct"))
    correct.click().run()
    assert not at.exception
    assert [n.value for n in at.number_input] == [9, 5, 14, 5, 10, 9, 15, 13, 15]
    assert at.text_input(key="form_w_signer_name").value == "张三"
    next(b for b in at.button if b.label == tr("form_cancel")).click().run()
    assert not at.exception and not at.number_input


def test_closed_campaign_shows_receipt_read_only(env: dict[str, Any], ctx: Context) -> None:
    record = submit(ctx, env["token"])
    _close(ctx, env)
    at = open_link(env["token"])
    assert not at.exception
    assert receipt_of(record).code in texts(at)
    assert [i.value for i in at.info] == [tr("form_readonly")]
    assert tr("form_correct") not in [b.label for b in at.button] and not at.number_input


def test_english_switch_keeps_chinese_item_names(env: dict[str, Any]) -> None:
    at = open_link(env["token"], lang="en")
    assert not at.exception
    assert "evaluates" in texts(at)
    for number, item in zip(at.number_input, ITEMS, strict=True):
        assert item_label(item, "en") in number.label and item.name_zh in number.label


def test_bad_links_are_counted_and_then_refused(env: dict[str, Any]) -> None:
    key = f"k-{time.monotonic_ns()}"
    at = open_link("C" * 22, throttle_key=key)
    at.run()  # a rerun of the same bad link counts once
    assert not at.exception and THROTTLE.failures("s:" + key, time.monotonic()) == 1
    for _ in range(LOCK_AFTER):
        THROTTLE.record_failure("s:" + key, time.monotonic())
    refused = open_link(env["token"], throttle_key=key)
    assert not refused.exception
    assert [e.value for e in refused.error] == [tr("form_too_many").format(minutes=15)]
    assert not refused.number_input


def test_today_is_the_default_evaluation_date(env: dict[str, Any]) -> None:
    at = open_link(env["token"])
    assert not at.exception
    assert at.date_input(key="form_w_date").value == min(beijing_today(), date(YEAR, 12, 31))
