"""Pure functions that return SQL statements for the reports (run by the caller)."""

from __future__ import annotations

from sqlalchemy import ColumnElement, Select, Table, exists, func, select

from surveys.form_a1 import ITEM_COLUMNS
from surveys.models import Campaign, Invitation, Response

RESPONSE: Table = Response.__table__  # type: ignore[attr-defined]
R = RESPONSE.c


def is_current() -> ColumnElement[bool]:
    """Return the condition 'this response version has not been superseded'."""
    newer = RESPONSE.alias("newer")
    return ~exists().where(newer.c.supersedes_id == R.id)


def year_totals_sql(provider_id: int, year: int) -> Select:  # type: ignore[type-arg]
    """Return SELECT count, sum, min, max of totals and the sum of each item for a provider-year."""
    return select(
        func.count().label("responses"),
        func.sum(R.total).label("total_sum"),
        func.min(R.total).label("min_total"),
        func.max(R.total).label("max_total"),
        *[func.sum(R[column]).label(column) for column in ITEM_COLUMNS],
    ).where(R.provider_id == provider_id, R.year == year, is_current())


def invited_sql(provider_id: int, year: int) -> Select:  # type: ignore[type-arg]
    """Return SELECT the number of invitations of the provider's campaign of that year."""
    inv = Invitation.__table__.c  # type: ignore[attr-defined]
    camp = Campaign.__table__.c  # type: ignore[attr-defined]
    return (
        select(func.count())
        .select_from(Invitation.__table__.join(Campaign.__table__,  # type: ignore[attr-defined]
                                               camp.id == inv.campaign_id))
        .where(camp.provider_id == provider_id, camp.year == year)
    )


def provider_summary_sql(year: int) -> Select:  # type: ignore[type-arg]
    """Return SELECT per provider: responses, sum, min and max of totals for a year."""
    return (
        select(
            R.provider_id,
            func.count().label("responses"),
            func.sum(R.total).label("total_sum"),
            func.min(R.total).label("min_total"),
            func.max(R.total).label("max_total"),
        )
        .where(R.year == year, is_current())
        .group_by(R.provider_id)
        .order_by(R.provider_id)
    )
