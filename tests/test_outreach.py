"""The response rate by Beijing day and the waves on it (analytics/outreach.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pandas as pd
import pytest

from analytics.outreach import rate_frame, response_rate
from surveys.access import SYSTEM, Actor
from surveys.context import Context
from surveys.db import read_session, run_write
from surveys.errors import PermissionDenied
from surveys.waves import create_wave
from tests.factories import submit
from tests.outreach_support import YEAR, outreach_campaign


def test_rate_frame_counts_first_answers_per_beijing_day() -> None:
    firsts = [datetime(2026, 11, 2, 15, 30, tzinfo=UTC),  # 23:30 Beijing, Nov 2
              datetime(2026, 11, 2, 16, 30, tzinfo=UTC),  # 00:30 Beijing, Nov 3
              datetime(2026, 11, 5, 1, 0)]  # naive: UTC (SQLite)
    frame = rate_frame(firsts, 4, date(2026, 11, 1), date(2026, 11, 6))
    assert list(frame["answered"]) == [0, 1, 2, 2, 3, 3]
    assert list(frame["rate"]) == [0.0, 25.0, 50.0, 50.0, 75.0, 75.0]
    assert frame["day"].iloc[0] == pd.Timestamp(2026, 11, 1)
    assert list(rate_frame([], 0, date(2026, 11, 1), date(2026, 11, 1))["rate"]) == [0.0]


def test_response_rate_from_the_database_with_waves(ctx: Context) -> None:
    provider_id, ids = outreach_campaign(ctx)
    run_write(ctx.engine, lambda s: create_wave(session=s, actor=SYSTEM, provider_id=provider_id,
                                                year=YEAR, selection="unanswered", channel="email"))
    submit(ctx, provider_id, YEAR, ids["甲医院"], 92)
    submit(ctx, provider_id, YEAR, ids["甲医院"], 93)  # a correction is not a second answer
    run_write(ctx.engine, lambda s: create_wave(session=s, actor=SYSTEM, provider_id=provider_id,
                                                year=YEAR, selection="not_opened", channel="print"))
    with read_session(ctx.engine) as s:
        rates, waves = response_rate(session=s, actor=SYSTEM, provider_id=provider_id, year=YEAR)
        with pytest.raises(PermissionDenied):
            response_rate(session=s, actor=Actor("x", "staff", provider_id + 1),
                          provider_id=provider_id, year=YEAR)
    assert rates["invited"].iloc[-1] == 4 and rates["answered"].iloc[-1] == 1
    assert rates["rate"].iloc[-1] == 25.0
    assert list(waves["wave"]) == [1, 2] and list(waves["recipients"]) == [4, 3]
    assert list(waves["channel"]) == ["email", "print"]
    assert rates["day"].is_monotonic_increasing and rates["day"].is_unique
    assert len(rates) >= 7 and rates["rate"].iloc[0] == 0.0  # a week at least
