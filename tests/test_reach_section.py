"""The campaigns page's messages section: downloads in the SMS layout and a copyable text per
client, for writers only."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from surveys import clients
from surveys.access import SYSTEM
from surveys.context import Context
from surveys.db import run_write
from tests import factories
from tests.workspace_support import point_app_at, signed_in

PAGE = str(Path(__file__).resolve().parents[1] / "pages" / "campaigns.py")
pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


@pytest.fixture
def workspace(ctx: Context, monkeypatch: pytest.MonkeyPatch) -> tuple[Context, int]:
    """Return the context (app pointed at it) and a provider with two invited clients."""
    point_app_at(monkeypatch, ctx)
    pid = factories.make_provider(ctx)
    factories.make_client(ctx, pid, "北京银行西城支行", years={2026: 1})
    landline = factories.make_client(ctx, pid, "朝阳区实验中学", years={2026: 1})
    run_write(ctx.engine, lambda s: clients.update_client(
        session=s, actor=SYSTEM, client_id=landline, fields={"phone": "010-85123456"}))
    factories.open_campaign(ctx, pid, 2026)
    return ctx, pid


def test_staff_get_sms_files_and_a_copyable_text_per_client(workspace: tuple[Context, int]
                                                            ) -> None:
    ctx, pid = workspace
    at = signed_in(AppTest.from_file(PAGE, default_timeout=60), ctx, "staff-a", "staff",
                   pid).run()
    assert not at.exception
    keys = {d.key for d in at.get("download_button")}
    assert {"reach_sms_csv", "reach_sms_xlsx", "reach_all_txt"} <= keys
    assert any("朝阳区实验中学" in str(c.value) for c in at.caption)  # no mobile: named
    texts = [str(c.value) for c in at.code if str(c.value).startswith("尊敬的")]
    assert len(texts) == 1 and "北京银行西城支行" in texts[0] and "?t=" in texts[0]
    at.selectbox(key="reach_pick").select_index(1).run()
    texts = [str(c.value) for c in at.code if str(c.value).startswith("尊敬的")]
    assert "朝阳区实验中学" in texts[0]
    at.toggle(key="reach_reminder").set_value(True).run()
    assert not at.exception
    assert any("提醒" in str(c.value) for c in at.code)


def test_assessors_see_no_messages(workspace: tuple[Context, int]) -> None:
    ctx, _pid = workspace
    at = signed_in(AppTest.from_file(PAGE, default_timeout=60), ctx, "auditor", "assessor",
                   None).run()
    assert not at.exception
    assert not at.get("download_button") and not at.code
    assert "reach_pick" not in {s.key for s in at.selectbox}


def test_staff_download_the_letters_pdf(workspace: tuple[Context, int]) -> None:
    ctx, pid = workspace
    at = signed_in(AppTest.from_file(PAGE, default_timeout=60), ctx, "staff-a", "staff",
                   pid).run()
    assert "reach_letters_download" not in {d.key for d in at.get("download_button")}
    at.button(key="reach_letters_prepare").click().run()
    assert not at.exception
    assert "reach_letters_download" in {d.key for d in at.get("download_button")}


def test_a_client_name_with_markup_is_shown_as_typed(workspace: tuple[Context, int]) -> None:
    ctx, pid = workspace
    name = "**粗体**[点我](http://evil.example)_单位_"
    cid = factories.make_client(ctx, pid, name, years={2026: 1})
    run_write(ctx.engine, lambda s: clients.update_client(
        session=s, actor=SYSTEM, client_id=cid, fields={"phone": ""}))
    factories.open_campaign(ctx, pid, 2026)  # invites the new client
    at = signed_in(AppTest.from_file(PAGE, default_timeout=60), ctx, "staff-a", "staff",
                   pid).run()
    assert not at.exception
    [caption] = [c for c in at.caption if "没有手机号" in str(c.value)]
    assert "](http" not in str(caption.value) and "**粗体**" not in str(caption.value)
