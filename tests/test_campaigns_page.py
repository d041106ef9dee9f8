"""AppTests of the campaigns page: who sees links, confirmations, reopening."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from surveys.context import Context
from tests import factories
from tests.workspace_support import point_app_at, signed_in

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
