"""Every table, download and label of the staff pages in the session's language (issue 12.7).

In Chinese no column or cell shows a field key or a stored English code ('web', 'answered',
True), no whole number looks like a float ('89.0') and no time is UTC or carries microseconds.
"""

from __future__ import annotations

import io
import re
import time
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from openpyxl import load_workbook
from sqlmodel import select
from streamlit.testing.v1 import AppTest

from analytics.exports import csv_bytes, export_tables, xlsx_bytes
from analytics.overview import criteria_frame, overview_page
from analytics.trends import provider_trends
from surveys.access import SYSTEM
from surveys.context import Context
from surveys.db import read_session, run_write
from surveys.invitations import mark_opened
from surveys.models import Invitation
from tests import factories
from tests.workspace_support import ensure_user, point_app_at

ROOT = Path(__file__).resolve().parents[1]
KEYS = {"response_id", "client_id", "provider_id", "name_zh", "name_en", "signer_name",
        "evaluation_date", "first_opened_at", "submitted_at", "entered_by", "origin", "status",
        "total", "version", "record_hash", "key_unit", "year", "month", "responses",
        "mean_total", "min_total", "max_total", "star_by_score", "no", "max", "mean", "share",
        "score", "criterion", "actual", "key", "client", "web_total", "new_total", "reason",
        "stored", "receipt", "at", "by", "items", "progress", "criteria", "yearly", "monthly",
        "clients", "client_create", "provider_create", "paper_submit", "response"}
ENGLISH = {"web", "paper", "import", "answered", "opened", "pending", "revoked", "True",
           "False", "None", "nan", "NaT", "client", "yes", "no"}
FLOAT_INTEGER = re.compile(r"^-?\d+\.0$")  # money keeps its two decimals: 90000.00
UTC_TIME = re.compile(r"\d{2}:\d{2}:\d{2}\.\d+|\+00:00|UTC|\d{4}-\d{2}-\d{2}T\d{2}")
DETAIL_COLUMNS = {"修改前", "修改后"}  # audit snapshots: labelled where the field is known
SHARE = "得分率"  # a fraction drawn as a bar


@pytest.fixture
def scene(ctx: Context, monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """Return a provider whose 2026 has a web form, a paper form, a correction and an opening."""
    point_app_at(monkeypatch, ctx)
    provider = factories.make_provider(ctx)
    web = factories.make_client(ctx, provider, "甲-网上", key_unit=True, years={2026: 90000})
    paper = factories.make_client(ctx, provider, "乙-纸质", years={2025: 1, 2026: 50000})
    fixed = factories.make_client(ctx, provider, "丙-更正", years={2026: 1})
    opened = factories.make_client(ctx, provider, "丁-已打开", years={2026: 1})
    factories.open_campaign(ctx, provider, 2025)
    factories.submit(ctx, provider, 2025, paper, 89)
    factories.open_campaign(ctx, provider, 2026)
    factories.submit_web(ctx, provider, web, 88, today=date(2026, 6, 20))
    factories.submit(ctx, provider, 2026, paper, 90)
    factories.submit_web(ctx, provider, fixed, 70, today=date(2026, 6, 20))
    factories.submit(ctx, provider, 2026, fixed, 75, reason="用户来电更正", today=date(2026, 6, 21))
    with read_session(ctx.engine) as session:
        invitation = session.exec(select(Invitation.id).where(
            Invitation.client_id == opened)).first()
    run_write(ctx.engine, lambda s: mark_opened(session=s, invitation_id=invitation))
    ensure_user(ctx, "boss@test", "admin")
    return {"provider": provider, "fixed": fixed}


def run_page(name: str, lang: str, scene: dict[str, int]) -> AppTest:
    """Return a staff page after a run (2026 chosen, the corrected client in the drill-down)."""
    at = AppTest.from_file(str(ROOT / "pages" / f"{name}.py"), default_timeout=60)
    at.session_state["ws_user"] = "boss@test"
    at.session_state["ws_seen"] = time.time()
    at.session_state["lang"] = lang
    at.session_state[f"dash_year_{scene['provider']}"] = 2026
    at.session_state[f"dash_client_{scene['provider']}"] = scene["fixed"]
    at.run()
    assert not at.exception, at.exception
    return at


def problems(frame: pd.DataFrame, where: str) -> list[str]:
    """Return what a Chinese table shows that it should not: keys, English codes, 89.0, UTC."""
    found = [f"{where}: column {c!r}" for c in frame.columns
             if str(c) in KEYS or str(c) in ENGLISH or "UTC" in str(c)]
    for column in frame.columns:
        if column in DETAIL_COLUMNS or column == SHARE:
            continue
        for value in frame[column]:
            text = str(value)
            if isinstance(value, datetime | pd.Timestamp):
                found.append(f"{where}/{column}: a datetime shown as stored ({text})")
            elif isinstance(value, float) and value.is_integer():
                found.append(f"{where}/{column}: whole number as float {text}")
            elif text in KEYS or text in ENGLISH or FLOAT_INTEGER.match(text) \
                    or UTC_TIME.search(text):
                found.append(f"{where}/{column}: {text!r}")
    return found


PAGES = ["overview", "drilldown", "trends", "clients", "audit", "paper", "evidence", "campaigns",
         "outreach", "accounts"]


@pytest.mark.parametrize("name", PAGES)
def test_chinese_pages_show_labels_words_integers_and_beijing_time(
    scene: dict[str, int], name: str
) -> None:
    at = run_page(name, "zh", scene)
    tables = [d.value for d in at.dataframe] + [t.value.reset_index() for t in at.table]
    found = [p for index, frame in enumerate(tables) for p in problems(frame, f"{name}#{index}")]
    labels = [str(b.label) for b in at.get("download_button")]  # type: ignore[attr-defined]
    found += [f"{name}: download {label!r}" for label in labels
              if any(word in label for word in ("criteria", "items", "progress", "yearly",
                                                 "monthly", "clients"))]
    assert found == []
    times = [str(v) for frame in tables for column in frame.columns for v in frame[column]
             if re.search(r"\d{2}:\d{2}", str(v)) and column not in DETAIL_COLUMNS]
    assert all(text.endswith("北京时间") for text in times), times


@pytest.mark.parametrize("name", PAGES)
def test_english_pages_render(scene: dict[str, int], name: str) -> None:
    at = run_page(name, "en", scene)
    tables = [d.value for d in at.dataframe]
    assert not [c for frame in tables for c in frame.columns if str(c) in KEYS - {"at", "by"}]


def test_downloads_in_the_session_language(ctx: Context, scene: dict[str, int]) -> None:
    with read_session(ctx.engine) as session:
        data = overview_page(session=session, actor=SYSTEM, provider_id=scene["provider"],
                             year=2026)
        trends = provider_trends(session=session, actor=SYSTEM, provider_id=scene["provider"],
                                 year=2026)
    raw: dict[str, Any] = {
        "criteria": criteria_frame(data.overview.eligibility, "zh"), "progress": data.progress,
        "yearly": trends.yearly, "monthly": trends.monthly, "items": trends.items,
        "clients": trends.clients}
    shown = export_tables(raw, "zh")
    assert list(shown) == ["星级条件", "回访进度", "年度", "月度", "评价项目", "用户单位"]
    found = [p for name, frame in shown.items() for p in problems(frame, name)]
    assert found == []
    progress = csv_bytes(shown["回访进度"]).decode("utf-8-sig")
    assert progress.splitlines()[0].startswith("用户单位编号,用户单位,重点保卫单位,状态,首次打开时间")
    assert "网上填写" in progress and "北京时间" in progress and ",web," not in progress
    clients = csv_bytes(shown["用户单位"]).decode("utf-8-sig")
    assert "2025,1,89\r\n" in clients and "89.0" not in clients
    book = load_workbook(io.BytesIO(xlsx_bytes(shown)))
    assert book.sheetnames == list(shown)
    assert [c.value for c in book["年度"][1]][:3] == ["年度", "回复数", "平均总分"]
    english = export_tables({"progress": data.progress}, "en")
    assert list(english) == ["Callback progress"]
    assert "Status" in english["Callback progress"].columns
