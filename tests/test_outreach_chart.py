"""The response-rate chart: a line by day, each wave a labelled rule (analytics/outreach_chart.py)."""

from __future__ import annotations

from datetime import date

import pandas as pd

from analytics.outreach import WAVE_COLUMNS, rate_frame
from analytics.outreach_chart import response_rate_chart, wave_labels

RATES = rate_frame([pd.Timestamp("2026-11-03T02:00Z").to_pydatetime()], 4,
                   date(2026, 11, 1), date(2026, 11, 5))
WAVES = pd.DataFrame([{"wave": 1, "at": pd.Timestamp("2026-11-02 09:30"),
                       "day": pd.Timestamp("2026-11-02"), "selection": "unanswered",
                       "channel": "email", "recipients": 4, "created_by": "clerk", "label": "1"},
                      {"wave": 2, "at": pd.Timestamp("2026-11-04 10:00"),
                       "day": pd.Timestamp("2026-11-04"), "selection": "not_opened",
                       "channel": "print", "recipients": 3, "created_by": "clerk", "label": "2"}],
                     columns=WAVE_COLUMNS)


def test_waves_are_labelled_in_the_language() -> None:
    assert list(wave_labels(WAVES)["text"]) == ["第1轮 · 全部未作答 (4)", "第2轮 · 未打开链接 (3)"]
    assert list(wave_labels(WAVES, "en")["text"]) == ["wave 1 · Everyone who has not answered (4)",
                                                     "wave 2 · Not opened (3)"]


def test_chart_has_the_rate_line_and_a_rule_per_wave() -> None:
    spec = response_rate_chart(RATES, WAVES).to_dict()
    assert [layer["mark"]["type"] for layer in spec["layer"]] == ["line", "rule", "text"]
    datasets = spec["datasets"]
    rows = [row for data in datasets.values() for row in data]
    assert sum(1 for row in rows if "text" in row) == 2
    assert any(row.get("rate") == 25.0 for row in rows)
    assert spec["layer"][0]["encoding"]["y"]["scale"]["domain"] == [0, 100]


def test_without_waves_only_the_line() -> None:
    spec = response_rate_chart(RATES, WAVES.iloc[0:0]).to_dict()
    assert [layer["mark"]["type"] for layer in spec["layer"]] == ["line"]
