"""AppTests of the campaigns page: who sees links, confirmations, reopening."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from surveys import campaigns
from surveys.access import SYSTEM
from surveys.audit import list_audit
from surveys.context import Context
from surveys.db import read_session, run_write
from tests import factories
from tests.workspace_support import point_app_at, signed_in, submit_form

PAGE = str(Path(__file__).resolve().parents[1] / "pages" / "campaigns.py")


@pytest.fixture
def workspace(ctx: Context, monkeypatch: pytest.MonkeyPatch) -> Context:
    """Return the test context with the app pointed at its database."""
    point_app_at(monkeypatch, ctx)
    return ctx


def campaign_page(ctx: Context, username: str, role: str, provider: int | None) -> AppTest:
    """Return the campaigns page run once for a signed-in account."""
    at = AppTest.from_file(PAGE, default_timeout=60)
    return signed_in(at, ctx, username, role, provider).run()


def _everything_shown(at: AppTest) -> str:
    """Return every value the page rendered, as text."""
    parts = [str(e.value) for e in (*at.code, *at.markdown, *at.text, *at.caption)]
    parts += [str(df.value.to_dict()) for df in at.dataframe]
    return "\n".join(parts)


def test_assessor_sees_progress_but_no_link_or_qr(workspace: Context) -> None:
    provider = factories.make_provider(workspace)
    factories.make_client(workspace, provider, "北京银行西城支行", years={2026: 1})
    factories.open_campaign(workspace, provider, 2026)
    at = campaign_page(workspace, "auditor", "assessor", None)
    assert not at.exception
    progress = at.dataframe[1].value
    assert list(progress.iloc[:, 0]) == ["北京银行西城支行"]
    assert not at.code and not at.get("download_button")
    assert "?t=" not in _everything_shown(at)
    assert not {b.key for b in at.button} & {"ws_sheet_prepare", "ws_link_revoke",
                                              "ws_link_reissue"}


def _live_token(ctx: Context, provider: int) -> str:
    """Return the campaign's one live token ('' when revoked)."""
    rows = factories.links(ctx, provider, 2026)
    return str(rows[0]["url"]).split("?t=")[1] if rows else ""


@pytest.mark.parametrize("action", ["revoke", "reissue"])
def test_link_buttons_ask_for_confirmation(workspace: Context, action: str) -> None:
    _ctx, provider, _client = factories.invited_client(workspace, "东城区文化馆")
    before = _live_token(workspace, provider)
    at = campaign_page(workspace, "staff-a", "staff", provider)
    at.button(key=f"ws_link_{action}").click()
    at.run()
    assert not at.exception
    assert _live_token(workspace, provider) == before  # nothing happens on the first tap
    assert at.warning and "东城区文化馆" in str(at.warning[-1].value)
    at.button(key="cli_confirm_cancel").click()
    at.run()
    assert not at.exception and _live_token(workspace, provider) == before
    assert "cli_confirm_yes" not in {b.key for b in at.button}
    at.button(key=f"ws_link_{action}").click()
    at.run()
    at.button(key="cli_confirm_yes").click()
    at.run()
    assert not at.exception
    after = _live_token(workspace, provider)
    assert after != before and (after == "" if action == "revoke" else after != "")


def test_reissue_all_links_asks_for_confirmation(workspace: Context) -> None:
    _ctx, provider, _client = factories.invited_client(workspace, "西城区图书馆")
    before = _live_token(workspace, provider)
    at = campaign_page(workspace, "staff-a", "staff", provider)
    at.button(key="cli_reissue_all").click()
    at.run()
    assert not at.exception and _live_token(workspace, provider) == before
    at.button(key="cli_confirm_yes").click()
    at.run()
    assert not at.exception and _live_token(workspace, provider) not in ("", before)


def _close(ctx: Context, provider: int) -> None:
    """Close the provider's 2026 campaign."""
    run_write(ctx.engine, lambda s: campaigns.close_campaign(
        session=s, actor=SYSTEM, provider_id=provider, year=2026))


def _is_open(ctx: Context, provider: int) -> bool:
    """Return True when the provider's 2026 campaign is open."""
    with read_session(ctx.engine) as s:
        return campaigns.get_campaign(session=s, actor=SYSTEM, provider_id=provider,
                                      year=2026).is_open


def test_only_an_admin_reopens_a_campaign_and_only_with_a_reason(workspace: Context) -> None:
    _ctx, provider, _client = factories.invited_client(workspace, "朝阳区医院")
    _close(workspace, provider)
    staff = campaign_page(workspace, "staff-a", "staff", provider)
    assert not staff.exception and "cli_reopen" not in _forms(staff)
    at = campaign_page(workspace, "boss", "admin", None)
    assert not at.exception and "cli_reopen" in _forms(at)
    submit_form(at, "cli_reopen")
    at.run()
    assert not at.exception and at.error and not _is_open(workspace, provider)
    at.text_area(key="cli_reopen_reason").input("用户单位反映截止前未收到二维码")
    submit_form(at, "cli_reopen")
    at.run()
    assert not at.exception and _is_open(workspace, provider)
    with read_session(workspace.engine) as s:
        entries = [e for e in list_audit(s, SYSTEM) if e.action == "campaign_reopen"]
    assert len(entries) == 1 and "未收到二维码" in entries[0].after_json


def _forms(at: AppTest) -> set[str]:
    """Return the form ids of the page's submit buttons."""
    return {b.proto.form_id for b in at.button if b.proto.form_id}
