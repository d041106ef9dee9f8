"""A provider's year at a glance: headline figures, item shares, weakest items, star eligibility."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

import pandas as pd
from sqlmodel import Session

from analytics.eligibility import CRITERIA, Eligibility, provider_eligibility
from analytics.provenance import YearProvenance, year_provenance
from analytics.queries import invited_sql, provider_summary_sql, year_totals_sql
from analytics.stars import exact_mean, points_to_next, star_by_mean
from analytics.trend_queries import progress_sql
from surveys.access import Actor, can_read_provider, require_read
from surveys.errors import NotFound
from surveys.form_a1 import ITEMS, FormItem

WEAKEST_COUNT = 3


@dataclass(frozen=True)
class ItemStat:
    """One Table A.1 item's exact mean over the year's forms and its share of the item's max."""

    item: FormItem
    mean: Fraction | None

    @property
    def share(self) -> Fraction | None:
        """Return the mean as a share of the item's maximum (None without forms)."""
        return None if self.mean is None else self.mean / self.item.max_score


@dataclass(frozen=True)
class YearOverview:
    """Headline figures of one provider and year; means are exact fractions."""

    provider_id: int
    year: int
    invited: int
    responses: int
    mean: Fraction | None
    min_total: int | None
    max_total: int | None
    items: tuple[ItemStat, ...]
    eligibility: Eligibility

    @property
    def response_rate(self) -> Fraction | None:
        """Return responses / invited (None when nobody was invited)."""
        return Fraction(self.responses, self.invited) if self.invited else None

    @property
    def star_by_score(self) -> int:
        """Return the star level the mean score alone supports."""
        return star_by_mean(self.mean)

    @property
    def points_to_next(self) -> Fraction | None:
        """Return the points the mean lacks for the next score level (None at three stars)."""
        return points_to_next(self.mean)

    def weakest(self, count: int = WEAKEST_COUNT) -> list[ItemStat]:
        """Return the items with the lowest share of their max (ties by item number)."""
        scored = [stat for stat in self.items if stat.share is not None]
        return sorted(scored, key=lambda stat: (stat.share, stat.item.no))[:count]


def year_overview(*, session: Session, actor: Actor, provider_id: int, year: int) -> YearOverview:
    """Return the overview of a provider's year, aggregated in SQL."""
    require_read(actor, provider_id)
    row = session.execute(year_totals_sql(provider_id, year)).mappings().one()
    count = int(row["responses"])
    return YearOverview(
        provider_id=provider_id, year=year,
        invited=int(session.execute(invited_sql(provider_id, year)).scalar_one()),
        responses=count, mean=exact_mean(row["total_sum"], count),
        min_total=row["min_total"], max_total=row["max_total"],
        items=tuple(ItemStat(item, exact_mean(row[f"item{item.no}"], count)) for item in ITEMS),
        eligibility=provider_eligibility(session=session, actor=actor, provider_id=provider_id,
                                         year=year),
    )


def to_float(value: Fraction | None, digits: int = 2) -> float | None:
    """Return an exact value rounded half-up to digits decimals as a float (None stays None)."""
    if value is None:
        return None
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return float(exact.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP))


def items_frame(overview: YearOverview) -> pd.DataFrame:
    """Return one row per item: no, name_zh, name_en, max, mean, share (rounded for display)."""
    return pd.DataFrame([
        {"no": s.item.no, "name_zh": s.item.name_zh, "name_en": s.item.name_en,
         "max": s.item.max_score, "mean": to_float(s.mean), "share": to_float(s.share, 4)}
        for s in overview.items
    ], columns=["no", "name_zh", "name_en", "max", "mean", "share"])


def progress_status(row: dict[str, Any]) -> str:
    """Return 'answered', 'opened', 'revoked' or 'pending' for one invitation."""
    if row["response_id"] is not None:
        return "answered"
    if row["revoked_at"] is not None:
        return "revoked"
    return "opened" if row["first_opened_at"] is not None else "pending"


def campaign_progress(*, session: Session, actor: Actor, provider_id: int, year: int) -> pd.DataFrame:
    """Return the campaign's invitations: client, status, opened time, total, date, version."""
    require_read(actor, provider_id)
    rows = [dict(row) for row in session.execute(progress_sql(provider_id, year)).mappings()]
    columns = ["client_id", "client", "key_unit", "status", "first_opened_at", "total",
               "evaluation_date", "version", "origin", "response_id"]
    for row in rows:
        row["status"] = progress_status(row)
    return pd.DataFrame(rows, columns=columns)


def provider_summary(*, session: Session, actor: Actor, year: int) -> pd.DataFrame:
    """Return per readable provider: responses, mean, min, max and the star by score."""
    rows = []
    for row in session.execute(provider_summary_sql(year)).mappings():
        if not can_read_provider(actor, int(row["provider_id"])):
            continue
        mean = exact_mean(row["total_sum"], int(row["responses"]))
        rows.append({"provider_id": row["provider_id"], "responses": row["responses"],
                     "mean_total": to_float(mean), "min_total": row["min_total"],
                     "max_total": row["max_total"], "star_by_score": star_by_mean(mean)})
    return pd.DataFrame(rows, columns=["provider_id", "responses", "mean_total", "min_total",
                                       "max_total", "star_by_score"])


def format_value(key: str, value: int | Fraction | Decimal | None) -> str:
    """Return a criterion's value for display: CNY with separators, shares in %, 2-decimal means."""
    if value is None:
        return "—"
    number = Fraction(value)
    if key == "key_unit_share":
        return f"{to_float(number * 100)}%"
    if key == "contract_amount":
        return f"¥{float(number):,.2f}"
    if key == "evaluation":
        return f"{to_float(number):.2f}"
    return str(int(number)) if number.denominator == 1 else f"{to_float(number)}"


def criteria_frame(eligibility: Eligibility, lang: str = "zh") -> pd.DataFrame:
    """Return one row per criterion: its name, the actual value and each star's requirement (✓/✗)."""
    rows = []
    for criterion in CRITERIA:
        row: dict[str, str] = {
            "key": criterion.key,
            "criterion": criterion.clause_en if lang == "en" else criterion.clause_zh,
            "actual": format_value(criterion.key, eligibility.facts.actual(criterion.key)),
        }
        for check in eligibility.checks:
            if check.key == criterion.key:
                mark = "✓" if check.met else "✗"
                row[f"{check.star}★"] = f"{mark} ≥ {format_value(check.key, check.required)}" \
                    if check.required is not None else "—"
        rows.append(row)
    return pd.DataFrame(rows)


def missing_lines(eligibility: Eligibility, lang: str = "zh") -> list[str]:
    """Return one line per unmet criterion of the next level: name, actual -> required, gap."""
    names = {c.key: (c.clause_en if lang == "en" else c.clause_zh) for c in CRITERIA}
    lines = []
    for check in eligibility.missing_for_next():
        gap = format_value(check.key, check.gap)
        label = "missing" if lang == "en" else "还差"
        lines.append(f"{names[check.key]}: {format_value(check.key, check.actual)} → "
                     f"{format_value(check.key, check.required)} ({label} {gap})")
    return lines


@dataclass(frozen=True)
class OverviewPage:
    """What the overview page shows: the year's overview and the campaign's progress."""

    overview: YearOverview
    progress: pd.DataFrame
    provenance: YearProvenance | None  # None when the year has no campaign


def overview_page(*, session: Session, actor: Actor, provider_id: int, year: int) -> OverviewPage:
    """Return the overview of a provider-year together with its campaign progress."""
    return OverviewPage(
        overview=year_overview(session=session, actor=actor, provider_id=provider_id, year=year),
        progress=campaign_progress(session=session, actor=actor, provider_id=provider_id,
                                   year=year),
        provenance=_provenance(session, actor, provider_id, year))


def _provenance(session: Session, actor: Actor, provider_id: int,
                year: int) -> YearProvenance | None:
    """Return the year's overrides, reopenings and late forms (None without a campaign)."""
    try:
        return year_provenance(session=session, actor=actor, provider_id=provider_id, year=year)
    except NotFound:
        return None
