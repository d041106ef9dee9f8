"""The provider-year report: counts, mean, range, per-item means, star by score and eligibility."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from sqlmodel import Session

from analytics.eligibility import provider_eligibility
from analytics.queries import invited_sql, year_totals_sql
from analytics.stars import exact_mean, star_by_mean
from surveys.access import Actor, require_read
from surveys.form_a1 import ITEMS


def round2(value: Fraction | None) -> float | None:
    """Return a fraction rounded half-up to 2 decimals as a float (None stays None)."""
    if value is None:
        return None
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return float(exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def provider_year_report(
    *, session: Session, actor: Actor, provider_id: int, year: int
) -> dict[str, Any]:
    """Return the report dict of one provider and year (the `report --json` contract)."""
    require_read(actor, provider_id)
    row = session.execute(year_totals_sql(provider_id, year)).mappings().one()
    invited = int(session.execute(invited_sql(provider_id, year)).scalar_one())
    count = int(row["responses"])
    mean = exact_mean(row["total_sum"], count)
    items = [
        {"no": item.no, "name": item.name_zh, "name_en": item.name_en, "max": item.max_score,
         "mean": round2(exact_mean(row[f"item{item.no}"], count))}
        for item in ITEMS
    ]
    return {
        "provider_id": provider_id,
        "year": year,
        "invited": invited,
        "responses": count,
        "response_rate": round2(Fraction(count, invited)) if invited else None,
        "mean_total": round2(mean),
        "min_total": row["min_total"],
        "max_total": row["max_total"],
        "star_by_score": star_by_mean(mean),
        "items": items,
        "eligibility": provider_eligibility(session=session, actor=actor, provider_id=provider_id,
                                            year=year).to_json(),
    }
