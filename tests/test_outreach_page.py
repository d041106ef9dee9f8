"""AppTests of the reminders page: writers start a wave and see it sent; readers see no link."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from surveys.context import Context
from tests.factories import submit
from tests.outreach_support import YEAR, outreach_campaign
from tests.smtp_support import SmtpServer, smtp_server  # noqa: F401
from tests.workspace_support import point_app_at, signed_in

PAGE = str(Path(__file__).resolve().parents[1] / "pages" / "outreach.py")
# What a page shows does not depend on the back-end: these run on SQLite only.
pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


@pytest.fixture
def workspace(ctx: Context, monkeypatch: pytest.MonkeyPatch) -> Context:
    """Return the test context with the app pointed at its database."""
    point_app_at(monkeypatch, ctx)
    monkeypatch.delenv("STAR_SURVEY_SMTP_URL", raising=False)
    return ctx


def page(ctx: Context, username: str, role: str, provider: int | None) -> AppTest:
    """Return the reminders page run once for a signed-in account."""
    at = AppTest.from_file(PAGE, default_timeout=60)
    return signed_in(at, ctx, username, role, provider).run()


def shown(at: AppTest) -> str:
    """Return every value the page rendered, as text."""
    parts = [str(e.value) for e in (*at.code, *at.markdown, *at.text, *at.caption, *at.info,
                                    *at.warning, *at.success)]
    parts += [str(df.value.to_dict()) for df in at.dataframe]
    return "\n".join(parts)


def test_staff_start_an_e_mail_wave_and_watch_it_sent(workspace: Context, smtp_server: SmtpServer,  # noqa: F811
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STAR_SURVEY_SMTP_URL", smtp_server.url)
    provider_id, ids = outreach_campaign(workspace)
    submit(workspace, provider_id, YEAR, ids["甲医院"], 92)
    at = page(workspace, "clerk@jingan.test", "staff", provider_id)
    assert not at.exception
    owed = at.dataframe[0].value
    assert sorted(owed.iloc[:, 0]) == sorted(["乙银行", "丙学校", "丁商场"])
    assert "?t=" in shown(at)  # the preview shows the messages, links included
    start = at.button(key="outreach_start")
    assert start.disabled  # not before the preview is confirmed
    at.checkbox(key="outreach_confirm_0").check().run()
    at.button(key="outreach_start").click().run()
    assert not at.exception
    assert "第1轮已发起：3 个用户单位" in shown(at)
    assert at.checkbox(key="outreach_confirm_1").value is False  # the next wave: confirm again
    deadline = time.monotonic() + 30
    while len(smtp_server.handler.received) < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert sorted(r.rcpt_tos[0] for r in smtp_server.handler.received) == [
        "bing@client.test", "yi@client.test"]
    time.sleep(0.5)
    at.run()
    assert not at.exception
    text = shown(at)
    assert "已发送" in text and "无电子邮箱" in text and "成功" in text
    assert "jia@client.test" not in text.split("发送日志")[-1]  # the respondent got nothing


def test_e_mail_off_says_so_and_sends_nothing(workspace: Context) -> None:
    provider_id, _ids = outreach_campaign(workspace)
    at = page(workspace, "clerk@jingan.test", "staff", provider_id)
    assert not at.exception
    assert "STAR_SURVEY_SMTP_URL" in shown(at)
    at.checkbox(key="outreach_confirm_0").check().run()
    assert at.button(key="outreach_start").disabled
    at.radio(key="outreach_channel").set_value("print").run()
    assert not at.button(key="outreach_start").disabled
    at.button(key="outreach_start").click().run()
    assert not at.exception
    assert "?t=" in str(at.dataframe[-1].value.to_dict())  # the printed list with links
    at.button(key="outreach_letters_prepare").click().run()
    assert not at.exception
    assert at.session_state["outreach_letters"][1].startswith(b"%PDF-")
    assert len(at.get("download_button")) == 1


def test_an_assessor_sees_the_rate_and_who_owes_but_no_link(workspace: Context) -> None:
    provider_id, _ids = outreach_campaign(workspace)
    staff = page(workspace, "clerk@jingan.test", "staff", provider_id)
    staff.radio(key="outreach_channel").set_value("print").run()
    staff.checkbox(key="outreach_confirm_0").check().run()
    staff.button(key="outreach_start").click().run()
    at = page(workspace, "auditor", "assessor", None)
    assert not at.exception
    [chart] = at.get("vega_lite_chart")
    spec = json.loads(chart.proto.spec)
    assert spec["title"] == "回收率（已作答的用户单位占邀请数）"
    assert [layer["mark"]["type"] for layer in spec["layer"]] == ["line", "rule", "text"]
    assert "?t=" not in shown(at)
    assert not {b.key for b in at.button} & {"outreach_start", "outreach_retry"}
    assert "乙银行" in shown(at)


def test_staff_of_another_provider_see_only_their_own(workspace: Context) -> None:
    provider_id, _ids = outreach_campaign(workspace)
    other, _ = outreach_campaign(workspace, {"别家客户": "x@client.test"}, provider="别家公司")
    at = page(workspace, "clerk@other.test", "staff", other)
    assert not at.exception
    assert "乙银行" not in shown(at) and "别家客户" in shown(at)


def test_the_page_in_english(workspace: Context) -> None:
    provider_id, _ids = outreach_campaign(workspace)
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.session_state["lang"] = "en"
    signed_in(at, workspace, "clerk@jingan.test", "staff", provider_id).run()
    assert not at.exception
    assert at.title[0].value == "Reminders"
    assert "Clients that still owe an answer" in [s.value for s in at.subheader]
    assert "Link not opened" in str(at.dataframe[0].value.to_dict())
