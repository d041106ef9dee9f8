"""Trends and the year overview, aggregated in SQL from real forms (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import pytest
from sqlalchemy import text

from analytics.forms import client_forms, form_detail, provider_clients
from analytics.overview import (
    campaign_progress,
    criteria_frame,
    format_value,
    missing_lines,
    provider_summary,
    year_overview,
)
from analytics.queries import year_totals_sql
from analytics.trends import client_history, monthly_trend, provider_trends, provider_years
from surveys import invitations
from surveys.access import SYSTEM, Actor
from surveys.context import Context
from surveys.db import read_session, run_write
from surveys.models import Invitation
from tests.factories import make_client, make_provider, open_campaign, submit


def build(ctx: Context) -> dict[str, int]:
    """Return ids after storing two years of forms for three clients (one not answering in 2025)."""
    pid = make_provider(ctx)
    a = make_client(ctx, pid, "甲医院", key_unit=True, years={2024: 100000, 2025: 120000})
    b = make_client(ctx, pid, "乙中学", years={2024: 80000, 2025: 90000})
    c = make_client(ctx, pid, "丙图书馆", years={2025: 50000})
    open_campaign(ctx, pid, 2024)
    open_campaign(ctx, pid, 2025)
    submit(ctx, pid, 2024, a, 80, when=date(2024, 3, 2))
    submit(ctx, pid, 2024, b, 90, when=date(2024, 3, 20))
    submit(ctx, pid, 2025, a, 85, when=date(2025, 5, 1))
    submit(ctx, pid, 2025, a, 95, when=date(2025, 7, 1))   # corrects 85: only 95 counts
    submit(ctx, pid, 2025, b, 92, when=date(2026, 1, 10))  # evaluated early next year
    other = make_provider(ctx, "别家公司")
    o = make_client(ctx, other, "别家客户", years={2025: 1})
    open_campaign(ctx, other, 2025)
    submit(ctx, other, 2025, o, 70)
    return {"pid": pid, "a": a, "b": b, "c": c, "other": other}


def test_yearly_items_and_client_trends(ctx: Context) -> None:
    ids = build(ctx)
    with read_session(ctx.engine) as s:
        trends = provider_trends(session=s, actor=SYSTEM, provider_id=ids["pid"], year=2025)
        years = provider_years(session=s, actor=SYSTEM, provider_id=ids["pid"])
    assert years == [2025, 2024]
    assert trends.yearly.to_dict("records") == [
        {"year": 2024, "responses": 2, "mean_total": 85.0, "min_total": 80, "max_total": 90,
         "star_by_score": 1},
        {"year": 2025, "responses": 2, "mean_total": 93.5, "min_total": 92, "max_total": 95,
         "star_by_score": 2},
    ]
    # scores_for_total takes points off the last items: 80 -> item 9 = 0 (15 - 15), 90 -> 10/15
    item9 = trends.items[(trends.items["no"] == 9)].set_index("year")
    assert item9.loc[2024, "mean"] == 2.5 and item9.loc[2024, "share"] == round(2.5 / 15, 4)
    assert set(trends.items["no"]) == set(range(1, 10)) and len(trends.items) == 18
    assert trends.clients[["client", "year", "total"]].values.tolist() == [
        ["乙中学", 2024, 90.0], ["乙中学", 2025, 92.0], ["甲医院", 2024, 80.0], ["甲医院", 2025, 95.0]]


def test_monthly_trend_groups_by_month_of_evaluation(ctx: Context) -> None:
    ids = build(ctx)
    with read_session(ctx.engine) as s:
        months = monthly_trend(session=s, actor=SYSTEM, provider_id=ids["pid"], year=2025)
        history = client_history(session=s, actor=SYSTEM, provider_id=ids["other"])
    assert months[["month", "responses", "mean_total"]].values.tolist() == [
        ["2025-07", 1, 95.0], ["2026-01", 1, 92.0]]
    assert history["client"].tolist() == ["别家客户"]


def test_year_overview_weakest_items_and_gaps(ctx: Context) -> None:
    ids = build(ctx)
    with read_session(ctx.engine) as s:
        ov = year_overview(session=s, actor=SYSTEM, provider_id=ids["pid"], year=2024)
    assert (ov.invited, ov.responses, ov.mean) == (2, 2, Fraction(85))
    assert ov.response_rate == 1 and ov.star_by_score == 1 and ov.points_to_next == 5
    # 80 = full marks minus 15 on item 9 and 5 on item 8; 90 = minus 10 on item 9:
    # item 9 mean 2.5/15, item 8 mean 12.5/15, the rest at 100 % (ties by item number).
    assert [(s.item.no, s.share) for s in ov.weakest()] == [
        (9, Fraction(1, 6)), (8, Fraction(5, 6)), (1, Fraction(1))]
    assert ov.eligibility.facts.units == 2 and ov.eligibility.star == 1
    assert missing_lines(ov.eligibility, "en") == [
        "client units served in the year: 2 → 4 (missing 2)",
        "contract total of the year (CNY): ¥180,000.00 → ¥300,000.00 (missing ¥120,000.00)",
        "continuous service (renewals): 0 → 1 (missing 1)",
        "mean client evaluation score: 85.00 → 90.00 (missing 5.00)",
    ]
    table = criteria_frame(ov.eligibility, "en").set_index("key")
    assert table.loc["units", "actual"] == "2" and table.loc["units", "1★"] == "✓ ≥ 2"
    assert table.loc["evaluation", "1★"] == "✓ ≥ 85.00"


def test_no_forms_no_mean_and_no_weakest(ctx: Context) -> None:
    pid = make_provider(ctx)
    with read_session(ctx.engine) as s:
        ov = year_overview(session=s, actor=SYSTEM, provider_id=pid, year=2025)
        trends = provider_trends(session=s, actor=SYSTEM, provider_id=pid, year=2025)
    assert ov.mean is None and ov.response_rate is None and ov.weakest() == []
    assert ov.points_to_next == 85 and ov.eligibility.star == 0
    assert trends.yearly.empty and trends.monthly.empty and trends.clients.empty


def test_campaign_progress_tells_answered_opened_pending(ctx: Context) -> None:
    ids = build(ctx)
    with read_session(ctx.engine) as s:
        opened = s.exec(  # type: ignore[call-overload]
            Invitation.__table__.select().where(Invitation.client_id == ids["c"])).first()
    run_write(ctx.engine, lambda s: invitations.mark_opened(session=s, invitation_id=opened.id))
    with read_session(ctx.engine) as s:
        progress = campaign_progress(session=s, actor=SYSTEM, provider_id=ids["pid"], year=2025)
        before = campaign_progress(session=s, actor=SYSTEM, provider_id=ids["pid"], year=2024)
    status = dict(zip(progress["client"], progress["status"], strict=True))
    assert status == {"丙图书馆": "opened", "乙中学": "answered", "甲医院": "answered"}
    assert progress.set_index("client").loc["甲医院", "total"] == 95
    assert progress.set_index("client").loc["甲医院", "version"] == 2
    assert sorted(before["status"]) == ["answered", "answered"]


def test_summary_and_drilldown_respect_the_actor(ctx: Context) -> None:
    ids = build(ctx)
    staff = Actor(username="s", role="staff", provider_id=ids["pid"])
    with read_session(ctx.engine) as s:
        everyone = provider_summary(session=s, actor=SYSTEM, year=2025)
        mine = provider_summary(session=s, actor=staff, year=2025)
        clients = provider_clients(session=s, actor=staff, provider_id=ids["pid"])
        forms = client_forms(session=s, actor=staff, client_id=ids["a"])
        detail = form_detail(session=s, actor=staff, response_id=int(forms["response_id"][0]))
    assert everyone["provider_id"].tolist() == [ids["pid"], ids["other"]]
    assert mine.to_dict("records") == [{"provider_id": ids["pid"], "responses": 2,
                                        "mean_total": 93.5, "min_total": 92, "max_total": 95,
                                        "star_by_score": 2}]
    assert dict(zip(clients["name"], clients["forms"], strict=True)) == {
        "丙图书馆": 0, "乙中学": 2, "甲医院": 2}
    assert forms[["year", "total", "version"]].values.tolist() == [[2025, 95, 2], [2024, 80, 1]]
    assert detail.total == 95 and detail.items["score"].sum() == 95
    assert detail.versions["total"].tolist() == [85, 95]
    assert detail.header["client"]["name"] == "甲医院" and detail.signer_name == "张三"
    assert detail.signature_png is None  # the factory's stand-in bytes are not an image


def test_format_value_for_each_criterion() -> None:
    assert format_value("contract_amount", 299999) == "¥299,999.00"
    assert format_value("key_unit_share", Fraction(1, 10)) == "10.0%"
    assert format_value("evaluation", Fraction(254, 3)) == "84.67"
    assert format_value("units", 6) == "6" and format_value("units", None) == "—"


def test_current_version_probe_uses_an_index_after_analyze(ctx: Context) -> None:
    """Once ANALYZE has seen mostly-NULL supersedes_id, the probe must still not scan the table."""
    if ctx.engine.dialect.name != "sqlite":
        pytest.skip("the plan checked here is SQLite's")
    ids = build(ctx)
    statement = year_totals_sql(ids["pid"], 2025).compile(
        ctx.engine, compile_kwargs={"literal_binds": True})
    with ctx.engine.begin() as conn:
        conn.execute(text("ANALYZE"))
        plan = " | ".join(str(row[3]) for row in conn.execute(text(f"EXPLAIN QUERY PLAN {statement}")))
    assert "SCAN newer" not in plan and "ix_response_superseded" in plan
