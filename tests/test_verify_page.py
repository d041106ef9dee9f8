"""AppTests of the public verification page (/?h=) and the evidence export page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from streamlit.testing.v1 import AppTest

from surveys.context import Context
from tests.factories import make_client, make_provider, open_campaign, submit

ROOT = Path(__file__).resolve().parents[1]


def _point_app_at(monkeypatch: pytest.MonkeyPatch, ctx: Context) -> None:
    monkeypatch.setenv("STAR_SURVEY_DB", ctx.settings.db_url)
    monkeypatch.setenv("STAR_SURVEY_DATA_DIR", str(ctx.settings.data_dir))
    monkeypatch.setenv("STAR_SURVEY_BASE_URL", "http://survey.test")


def _verify_page(record_hash: str, lang: str = "zh") -> AppTest:
    at = AppTest.from_file(str(ROOT / "pages" / "verify.py"), default_timeout=60)
    at.query_params["h"] = record_hash
    at.query_params["lang"] = lang
    return at.run()


def _all_text(at: AppTest) -> str:
    parts = [e.value for e in at.success] + [e.value for e in at.error]
    parts += [e.value for e in at.warning] + [e.value for e in at.info]
    parts += [e.value for e in at.text]
    return "\n".join(str(p) for p in parts)


@pytest.fixture
def stored(ctx: Context, monkeypatch: pytest.MonkeyPatch) -> list:
    _point_app_at(monkeypatch, ctx)
    provider = make_provider(ctx)
    first = make_client(ctx, provider, "北京市第一人民医院", years={2026: "1000"})
    second = make_client(ctx, provider, "海淀区图书馆", years={2026: "1000"})
    open_campaign(ctx, provider, 2026)
    return [submit(ctx, provider, 2026, first, 92, signer="张伟"),
            submit(ctx, provider, 2026, second, 88, signer="李娜")]


def test_good_hash_shows_the_record(stored: list) -> None:
    record = stored[0]
    at = _verify_page(record.record_hash)
    assert not at.exception
    assert len(at.success) == 1 and not at.error
    shown = _all_text(at)
    for needle in ("北京安防维保有限公司", "北京市第一人民医院", "2026-06-15", "92",
                   record.record_hash):
        assert needle in shown
    assert "海淀区图书馆" not in shown and "张伟" not in shown  # nothing else is exposed


def test_good_hash_in_english(stored: list) -> None:
    at = _verify_page(stored[1].record_hash, lang="en")
    assert not at.exception
    assert "signature is valid" in at.success[0].value


def test_tampered_record_is_flagged(stored: list, ctx: Context) -> None:
    record = stored[1]
    with ctx.engine.begin() as conn:
        conn.execute(text("UPDATE response SET item9 = item9 + 1, total = total + 1 "
                          "WHERE id = :i"), {"i": record.id})
    at = _verify_page(record.record_hash)
    assert not at.exception
    assert not at.success and len(at.error) == 1
    assert "篡改" in at.error[0].value


def test_unknown_hash_is_not_found(stored: list) -> None:
    for wanted in ("0" * 64, "not-a-hash", "0000-0000-0000-0000"):
        at = _verify_page(wanted)
        assert not at.exception
        assert [w.value for w in at.warning] == ["未找到该记录。"]
        assert not at.success and not at.error and not at.text
    at = _verify_page("")  # no code yet: only the box to type one
    assert not at.exception and not at.warning and not at.success and not at.text
    assert at.text_input[0].label.startswith("输入回执码")


@pytest.mark.parametrize("shape", [str.upper, str.lower, lambda c: c.replace("-", " "),
                                   lambda c: c.replace("-", "")])
def test_a_receipt_code_finds_the_record(stored: list, shape: Any) -> None:
    from surveys.records import receipt_code

    record = stored[0]
    at = _verify_page(shape(receipt_code(record.record_hash)))
    assert not at.exception
    assert len(at.success) == 1 and record.record_hash in _all_text(at)


def test_a_client_sees_that_staff_replaced_its_web_form(ctx: Context,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from datetime import date

    from surveys.records import receipt_code
    from tests.factories import submit_web

    _point_app_at(monkeypatch, ctx)
    provider = make_provider(ctx)
    client = make_client(ctx, provider, "东城区文化馆", years={2026: "1000"})
    open_campaign(ctx, provider, 2026)
    web = submit_web(ctx, provider, client, 84, today=date(2026, 6, 20))
    submit(ctx, provider, 2026, client, 97, signer="王五", reason="按纸质表",
           today=date(2026, 6, 21))
    at = _verify_page(receipt_code(web.record_hash))
    assert not at.exception and len(at.success) == 1  # the client's own version is intact
    replaced = [w.value for w in at.warning]
    assert len(replaced) == 1 and "服务单位按纸质表录入" in replaced[0]
    assert "北京时间" in replaced[0]


def _sign_in(at: AppTest, ctx: Context) -> None:
    """Sign in as an administrator when workspace accounts exist (issue 6)."""
    try:
        from tests.workspace_support import signed_in
    except ImportError:  # accounts not there yet: the workspace acts as administrator
        return
    signed_in(at, ctx)


def test_evidence_page_builds_and_offers_the_download(stored: list, ctx: Context) -> None:
    at = AppTest.from_file(str(ROOT / "pages" / "evidence.py"), default_timeout=120)
    _sign_in(at, ctx)
    at.run()
    assert not at.exception
    assert at.selectbox(key="ev_year").value == 2026
    at.button(key="ev_build").click().run()
    assert not at.exception, at.exception
    assert len(at.success) == 1
    buttons = at.get("download_button")
    assert len(buttons) == 1


def test_the_app_routes_a_hash_link_to_the_public_page(stored: list) -> None:
    at = AppTest.from_file(str(ROOT / "survey_app.py"), default_timeout=60)
    at.query_params["h"] = stored[0].record_hash
    at.run()
    assert not at.exception
    assert len(at.success) == 1 and "北京市第一人民医院" in _all_text(at)
