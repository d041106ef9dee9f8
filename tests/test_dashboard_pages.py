"""The dashboard pages (overview, trends, drill-down) run on a small database without errors."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from surveys import users
from surveys.access import SYSTEM
from surveys.context import Context
from surveys.db import run_write
from tests.factories import make_client, make_provider, open_campaign, submit

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "correct-horse-battery"


@pytest.fixture
def small_db(ctx: Context, monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """Return ids of a provider with four clients over two years; the app points at it."""
    pid = make_provider(ctx, "京安技防运维服务有限公司")
    cids = [make_client(ctx, pid, name, key_unit=index == 0, years={2025: 90000, 2026: 80000})
            for index, name in enumerate(["北京市第一人民医院", "朝阳区实验中学", "海淀区图书馆",
                                          "=HYPERLINK(\"x\")"])]
    for year, totals in ((2025, [88, 91, 86]), (2026, [93, 95, 90])):
        open_campaign(ctx, pid, year)
        for cid, total in zip(cids, totals, strict=False):
            submit(ctx, pid, year, cid, total)
    submit(ctx, pid, 2026, cids[0], 96)  # a correction: version 2
    monkeypatch.setenv("STAR_SURVEY_DB", ctx.settings.db_url)
    monkeypatch.setenv("STAR_SURVEY_DATA_DIR", str(ctx.settings.data_dir))
    monkeypatch.setenv("STAR_SURVEY_BASE_URL", "http://survey.test")
    run_write(ctx.engine, lambda s: users.create_user(
        session=s, actor=SYSTEM, username="admin@test", password=PASSWORD, role="admin"))
    return {"provider": pid, "client": cids[0]}


def page(name: str) -> AppTest:
    """Return an AppTest of one dashboard page, signed in as an administrator, after a run."""
    at = AppTest.from_file(str(ROOT / "pages" / f"{name}.py"), default_timeout=30)
    at.session_state["ws_user"] = "admin@test"
    at.session_state["ws_seen"] = time.time()
    return at.run()


def texts(at: AppTest) -> str:
    """Return the markdown, captions and metric values of a run as one string."""
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [str(m.value) for m in at.metric]
    return "\n".join(parts)


def test_overview_shows_figures_star_and_progress(small_db: dict[str, int]) -> None:
    at = page("overview")
    assert not at.exception
    at.selectbox(key=f"dash_year_{small_db['provider']}").set_value(2026).run()
    assert not at.exception
    values = {m.label: m.value for m in at.metric}
    assert values["回复数"] == "3 / 4"
    assert values["平均总分"] == "93.67"          # (96 + 95 + 90) / 3, the correction counts
    body = texts(at)
    assert "★★☆  2" in body                        # 4 units, ¥320,000, 1 renewal, 25 % key
    assert "仅按评价分：2 星 · 评价分距下一星级还差 1.33 分" in body
    criteria = at.table[0].value.reset_index()
    assert list(criteria.columns) == ["要求", "实际", "1★", "2★", "3★"]
    assert list(criteria.iloc[0]) == ["一年内服务用户单位数量", "4", "✓ ≥ 2", "✓ ≥ 4", "✗ ≥ 6"]
    assert "距 3 星还缺：" in body
    assert "- 一年内服务用户单位数量: 4 → 6 (还差 2)" in body
    assert "- 当年维保合同总金额（元）: ¥320,000.00 → ¥500,000.00 (还差 ¥180,000.00)" in body
    progress = at.dataframe[-1].value
    assert sorted(progress["状态"]) == ["已评价", "已评价", "已评价", "未打开"]
    assert "None" not in progress.astype(str).to_numpy().ravel().tolist()
    assert sorted(progress["总分"]) == ["90", "95", "96", "—"]
    items = at.dataframe[0]
    assert items.value.shape[0] == 9


def test_overview_in_english(small_db: dict[str, int]) -> None:
    at = page("overview")
    at.session_state["lang"] = "en"
    at.run()
    assert not at.exception
    assert "Star overview" in [title.value for title in at.title]
    assert "The three weakest items" in texts(at)


def test_trends_draws_four_charts(small_db: dict[str, int]) -> None:
    at = page("trends")
    assert not at.exception
    charts = at.get("vega_lite_chart")
    assert len(charts) == 4
    spec = json.loads(charts[0].proto.spec)
    assert spec["title"] == "年度平均总分与星级分数线"


def test_drilldown_shows_a_form_with_its_versions(small_db: dict[str, int]) -> None:
    at = page("drilldown")
    assert not at.exception
    at.selectbox(key=f"dash_client_{small_db['provider']}").set_value(small_db["client"]).run()
    assert not at.exception
    forms = at.dataframe[0].value
    assert list(forms["总分"]) == [96, 88]          # current versions, newest year first
    history = at.dataframe[-1].value
    assert list(history["版本"]) == [1, 2] and list(history["总分"]) == [93, 96]
    assert list(history["更正原因"]) == ["", "更正笔误"]
    assert list(history["来源"]) == ["纸质表录入", "纸质表录入"]
    assert all(text.endswith("北京时间") for text in history["提交时间"])
    assert "张三" in texts(at)


def test_pages_without_providers_say_so(ctx: Context, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STAR_SURVEY_DB", ctx.settings.db_url)
    monkeypatch.setenv("STAR_SURVEY_DATA_DIR", str(ctx.settings.data_dir))
    run_write(ctx.engine, lambda s: users.create_user(
        session=s, actor=SYSTEM, username="admin@test", password=PASSWORD, role="admin"))
    for name in ("overview", "trends", "drilldown"):
        at = page(name)
        assert not at.exception
        assert [i.value for i in at.info] == ["没有可查看的服务单位。请先登录或登记服务单位。"]


def test_overview_lists_web_forms_replaced_by_staff(ctx: Context,
                                                   small_db: dict[str, int]) -> None:
    from datetime import date

    from tests.factories import submit_web

    pid = small_db["provider"]
    client = make_client(ctx, pid, "东城区文化馆", years={2026: 50000})
    open_campaign(ctx, pid, 2026)
    submit_web(ctx, pid, client, 80, today=date(2026, 6, 20))
    submit(ctx, pid, 2026, client, 97, reason="用户来电要求按纸质表更正", today=date(2026, 6, 21))
    at = page("overview")
    at.selectbox(key=f"dash_year_{pid}").set_value(2026).run()
    assert not at.exception
    assert "由服务单位更正的用户网上评价" in [h.value for h in at.subheader]
    table = next(d.value for d in at.dataframe if "更正原因" in d.value.columns)
    assert list(table["更正原因"]) == ["用户来电要求按纸质表更正"]
    assert list(table["网上评价总分"]) == [80] and list(table["更正后总分"]) == [97]
    assert list(table["来源"]) == ["纸质表录入"]
    at.selectbox(key=f"dash_year_{pid}").set_value(2025).run()
    assert "没有用户网上评价被服务单位替换。" in texts(at)


def test_overview_says_plainly_when_records_are_not_anchored(small_db: dict[str, int]) -> None:
    at = page("overview")
    assert not at.exception
    assert any("记录未经独立时间戳锚定" in w.value for w in at.warning)


def test_overview_tells_how_far_the_timestamps_reach(ctx: Context, small_db: dict[str, int],
                                                     local_tsa: object,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from surveys.anchoring import anchor_now
    from tests.anchor_support import with_tsa

    url = local_tsa.url("rsa")  # type: ignore[attr-defined]
    assert anchor_now(engine=ctx.engine, settings=with_tsa(ctx, url),
                      provider_id=small_db["provider"]).ok
    monkeypatch.setenv("STAR_SURVEY_TSA_URL", url)
    at = page("overview")
    assert not at.exception and not at.warning
    assert "可信时间戳已覆盖记录链 1–7（共 7 条，0 条待锚定）" in texts(at)
