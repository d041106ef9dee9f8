"""A campaign's response rate day by day (Beijing days) and its waves, from SQL."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pandas as pd
from sqlalchemy import Select, func, select
from sqlmodel import Session

from analytics.queries import R
from surveys.access import Actor, require_read
from surveys.campaigns import get_campaign
from surveys.clock import beijing_now, beijing_today
from surveys.models import Invitation, OutreachWave

INVITATION = Invitation.__table__  # type: ignore[attr-defined]
WAVE = OutreachWave.__table__  # type: ignore[attr-defined]
RATE_COLUMNS = ["day", "answered", "invited", "rate"]
WAVE_COLUMNS = ["wave", "at", "day", "selection", "channel", "recipients", "created_by", "label"]
MIN_DAYS = 7
MAX_DAYS = 800  # a campaign year and its grace period; older starts are cut to this


def first_answers_sql(provider_id: int, year: int) -> Select:  # type: ignore[type-arg]
    """Return SELECT client_id, first submission time: one row per client that answered."""
    return (select(R.client_id, func.min(R.submitted_at).label("first_at"))
            .where(R.provider_id == provider_id, R.year == year).group_by(R.client_id))


def invited_sql(campaign_id: int) -> Select:  # type: ignore[type-arg]
    """Return SELECT the number of clients invited to the campaign."""
    return select(func.count()).select_from(INVITATION).where(
        INVITATION.c.campaign_id == campaign_id)


def waves_sql(provider_id: int, year: int) -> Select:  # type: ignore[type-arg]
    """Return SELECT the campaign's waves, oldest first."""
    return (select(WAVE.c.id, WAVE.c.created_at, WAVE.c.selection, WAVE.c.channel,
                   WAVE.c.recipients, WAVE.c.created_by)
            .where(WAVE.c.provider_id == provider_id, WAVE.c.year == year)
            .order_by(WAVE.c.created_at, WAVE.c.id))


def rate_frame(first_answers: list[datetime], invited: int, start: date, end: date) -> pd.DataFrame:
    """Return per Beijing day from start to end: answered so far, invited, rate in percent."""
    per_day: dict[date, int] = {}
    for moment in first_answers:
        day = beijing_today(moment)
        per_day[day] = per_day.get(day, 0) + 1
    start = max(start, end - timedelta(days=MAX_DAYS))
    answered = sum(count for day, count in per_day.items() if day < start)
    rows = []
    day = start
    while day <= end:
        answered += per_day.get(day, 0)
        rate = round(100.0 * answered / invited, 1) if invited else 0.0
        rows.append({"day": pd.Timestamp(day), "answered": answered, "invited": invited,
                     "rate": rate})
        day += timedelta(days=1)
    return pd.DataFrame(rows, columns=RATE_COLUMNS)


def response_rate(*, session: Session, actor: Actor, provider_id: int, year: int,
                  today: date | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return the daily response rate and the waves (numbered from 1) of the year's campaign.

    The days run from the campaign's creation (or its first answer or wave, if earlier) to
    today, or to the closing date once it has passed.
    """
    require_read(actor, provider_id)
    campaign = get_campaign(session=session, actor=actor, provider_id=provider_id, year=year)
    firsts = [row.first_at for row in session.execute(first_answers_sql(provider_id, year))]
    invited = int(session.execute(invited_sql(int(campaign.id or 0))).scalar_one())
    waves = [dict(row) for row in session.execute(waves_sql(provider_id, year)).mappings()]
    moments = [campaign.created_at, *firsts, *[w["created_at"] for w in waves]]
    start = min(beijing_today(m) for m in moments)
    end = max(start, min(today or beijing_today(), campaign.closes),
              *[beijing_today(m) for m in moments])
    start = min(start, end - timedelta(days=MIN_DAYS - 1))  # a week at least: days readable
    rates = rate_frame(firsts, invited, start, end)
    wave_rows = [{"wave": number, "at": pd.Timestamp(beijing_now(w["created_at"]).replace(tzinfo=None)),
                  "day": pd.Timestamp(beijing_today(w["created_at"])),
                  "selection": w["selection"], "channel": w["channel"],
                  "recipients": int(w["recipients"]), "created_by": w["created_by"],
                  "label": str(number)} for number, w in enumerate(waves, start=1)]
    return rates, pd.DataFrame(wave_rows, columns=WAVE_COLUMNS)
