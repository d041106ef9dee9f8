"""Score trends of a provider: per year, per month of evaluation, per item and per client."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlmodel import Session

from analytics.overview import to_float
from analytics.stars import exact_mean, star_by_mean
from analytics.trend_queries import client_history_sql, monthly_sql, yearly_sql, years_sql
from surveys.access import Actor, require_read
from surveys.form_a1 import ITEMS

YEARLY_COLUMNS = ["year", "responses", "mean_total", "min_total", "max_total", "star_by_score"]
ITEM_COLUMNS = ["year", "no", "name_zh", "name_en", "max", "mean", "share"]
MONTHLY_COLUMNS = ["month", "responses", "mean_total", "min_total", "max_total"]
HISTORY_COLUMNS = ["client_id", "client", "key_unit", "year", "responses", "total"]


def provider_years(*, session: Session, actor: Actor, provider_id: int) -> list[int]:
    """Return the years with a campaign, a contract or a response, newest first."""
    require_read(actor, provider_id)
    return sorted((int(year) for (year,) in session.execute(years_sql(provider_id))), reverse=True)


def _yearly_rows(session: Session, provider_id: int) -> list[dict[str, Any]]:
    """Return the per-year aggregate rows of a provider."""
    return [dict(row) for row in session.execute(yearly_sql(provider_id)).mappings()]


def yearly_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """Return per year: responses, mean total (rounded, compared exactly), min, max, star."""
    records = []
    for row in rows:
        mean = exact_mean(row["total_sum"], int(row["responses"]))
        records.append({"year": int(row["year"]), "responses": int(row["responses"]),
                        "mean_total": to_float(mean), "min_total": row["min_total"],
                        "max_total": row["max_total"], "star_by_score": star_by_mean(mean)})
    return pd.DataFrame(records, columns=YEARLY_COLUMNS)


def items_by_year_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """Return per year and item: mean and mean as a share of the item's max (long form)."""
    records = []
    for row in rows:
        count = int(row["responses"])
        for item in ITEMS:
            mean = exact_mean(row[f"item{item.no}"], count)
            records.append({"year": int(row["year"]), "no": item.no, "name_zh": item.name_zh,
                            "name_en": item.name_en, "max": item.max_score,
                            "mean": to_float(mean),
                            "share": to_float(None if mean is None else mean / item.max_score, 4)})
    return pd.DataFrame(records, columns=ITEM_COLUMNS)


def monthly_trend(*, session: Session, actor: Actor, provider_id: int, year: int) -> pd.DataFrame:
    """Return per month of evaluation ('YYYY-MM') of a campaign year: count, mean, min, max."""
    require_read(actor, provider_id)
    records = []
    for row in session.execute(monthly_sql(provider_id, year)).mappings():
        mean = exact_mean(row["total_sum"], int(row["responses"]))
        records.append({"month": f"{int(row['eval_year']):04d}-{int(row['eval_month']):02d}",
                        "responses": int(row["responses"]), "mean_total": to_float(mean),
                        "min_total": row["min_total"], "max_total": row["max_total"]})
    return pd.DataFrame(records, columns=MONTHLY_COLUMNS)


def client_history(*, session: Session, actor: Actor, provider_id: int) -> pd.DataFrame:
    """Return per client and year the (mean) total of its current forms, by client name."""
    require_read(actor, provider_id)
    records = []
    for row in session.execute(client_history_sql(provider_id)).mappings():
        mean = exact_mean(row["total_sum"], int(row["responses"]))
        records.append({"client_id": int(row["client_id"]), "client": row["client"],
                        "key_unit": bool(row["key_unit"]), "year": int(row["year"]),
                        "responses": int(row["responses"]), "total": to_float(mean)})
    return pd.DataFrame(records, columns=HISTORY_COLUMNS)


@dataclass(frozen=True)
class Trends:
    """Everything the trends page shows for a provider (and a selected year's months)."""

    yearly: pd.DataFrame
    items: pd.DataFrame
    monthly: pd.DataFrame
    clients: pd.DataFrame


def provider_trends(*, session: Session, actor: Actor, provider_id: int, year: int) -> Trends:
    """Return the yearly, per-item, monthly (of the year) and per-client trends of a provider."""
    require_read(actor, provider_id)
    rows = _yearly_rows(session, provider_id)
    return Trends(
        yearly=yearly_frame(rows), items=items_by_year_frame(rows),
        monthly=monthly_trend(session=session, actor=actor, provider_id=provider_id, year=year),
        clients=client_history(session=session, actor=actor, provider_id=provider_id),
    )
