"""Pure functions returning the SQL statements behind the dashboard (GROUP BY on indexed columns)."""

from __future__ import annotations

from sqlalchemy import Select, Table, and_, extract, func, select, union

from analytics.queries import RESPONSE, R, is_current
from surveys.form_a1 import ITEM_COLUMNS
from surveys.models import Campaign, Client, ContractYear, Invitation

CLIENT: Table = Client.__table__  # type: ignore[attr-defined]
CONTRACT: Table = ContractYear.__table__  # type: ignore[attr-defined]
CAMPAIGN: Table = Campaign.__table__  # type: ignore[attr-defined]
INVITATION: Table = Invitation.__table__  # type: ignore[attr-defined]


def _aggregates() -> list:  # type: ignore[type-arg]
    """Return the count, sum, min and max of totals and each item's sum (labelled)."""
    return [
        func.count().label("responses"),
        func.sum(R.total).label("total_sum"),
        func.min(R.total).label("min_total"),
        func.max(R.total).label("max_total"),
        *[func.sum(R[column]).label(column) for column in ITEM_COLUMNS],
    ]


def yearly_sql(provider_id: int) -> Select:  # type: ignore[type-arg]
    """Return SELECT per year of the provider: counts, total and item sums, min, max."""
    return (select(R.year, *_aggregates())
            .where(R.provider_id == provider_id, is_current())
            .group_by(R.year).order_by(R.year))


def monthly_sql(provider_id: int, year: int) -> Select:  # type: ignore[type-arg]
    """Return SELECT per month of evaluation within a campaign year: count, sum, min, max."""
    eval_year = extract("year", R.evaluation_date).label("eval_year")
    eval_month = extract("month", R.evaluation_date).label("eval_month")
    return (select(eval_year, eval_month, *_aggregates()[:4])
            .where(R.provider_id == provider_id, R.year == year, is_current())
            .group_by(eval_year, eval_month).order_by(eval_year, eval_month))


def client_history_sql(provider_id: int) -> Select:  # type: ignore[type-arg]
    """Return SELECT per client and year: name, key flag, count and sum of totals."""
    client = CLIENT.c
    return (select(R.client_id, client.name.label("client"), client.key_unit, R.year,
                   func.count().label("responses"), func.sum(R.total).label("total_sum"))
            .select_from(RESPONSE.join(CLIENT, client.id == R.client_id))
            .where(R.provider_id == provider_id, is_current())
            .group_by(R.client_id, client.name, client.key_unit, R.year)
            .order_by(client.name, R.year))


def years_sql(provider_id: int) -> Select:  # type: ignore[type-arg]
    """Return SELECT the distinct years with a campaign, a contract or a response."""
    client = CLIENT.c
    return select(union(
        select(CAMPAIGN.c.year).where(CAMPAIGN.c.provider_id == provider_id),
        select(CONTRACT.c.year).select_from(CONTRACT.join(CLIENT, client.id == CONTRACT.c.client_id))
        .where(client.provider_id == provider_id),
        select(R.year).where(R.provider_id == provider_id),
    ).subquery())


def progress_sql(provider_id: int, year: int) -> Select:  # type: ignore[type-arg]
    """Return SELECT each invitation of the year's campaign with its current response, if any."""
    inv, camp, client = INVITATION.c, CAMPAIGN.c, CLIENT.c
    joined = (INVITATION.join(CAMPAIGN, camp.id == inv.campaign_id)
              .join(CLIENT, client.id == inv.client_id)
              .outerjoin(RESPONSE, and_(R.invitation_id == inv.id, is_current())))
    return (select(inv.id.label("invitation_id"), client.id.label("client_id"),
                   client.name.label("client"), client.key_unit, inv.first_opened_at,
                   inv.revoked_at, R.id.label("response_id"), R.total, R.evaluation_date,
                   R.version, R.origin)
            .select_from(joined)
            .where(camp.provider_id == provider_id, camp.year == year)
            .order_by(client.name))


def client_forms_sql(client_id: int) -> Select:  # type: ignore[type-arg]
    """Return SELECT the client's current forms across years (newest year first)."""
    return (select(R.id, R.year, R.total, *[R[c] for c in ITEM_COLUMNS], R.evaluation_date,
                   R.signer_name, R.origin, R.version, R.invitation_id)
            .where(R.client_id == client_id, is_current())
            .order_by(R.year.desc(), R.id.desc()))


def provider_clients_sql(provider_id: int) -> Select:  # type: ignore[type-arg]
    """Return SELECT the provider's clients with how many current forms each has."""
    client = CLIENT.c
    forms = (select(func.count()).where(R.client_id == client.id, is_current())
             .correlate(CLIENT).scalar_subquery())
    return (select(client.id, client.name, client.key_unit, forms.label("forms"))
            .where(client.provider_id == provider_id).order_by(client.name))

