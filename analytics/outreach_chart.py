"""The response-rate chart: the campaign's rate by day, each wave a labelled vertical rule."""

from __future__ import annotations

import altair as alt
import pandas as pd

from surveys.i18n import tr

WAVE_COLOUR = "#c0392b"
LABEL_ROWS = 4  # labels of successive waves step down so that waves on near days stay legible


def wave_labels(waves: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """Return the waves with a 'text' column such as '第2轮 · 未打开 (12)' in the language."""
    labelled = waves.copy()
    labelled["text"] = [
        f"{tr('outreach_wave_n', lang).format(n=row.wave)} · "
        f"{tr('outreach_sel_' + str(row.selection), lang)} ({row.recipients})"
        for row in waves.itertuples()]
    labelled["channel_text"] = [tr(f"outreach_channel_{c}", lang) for c in waves["channel"]]
    labelled["label_y"] = [4 + 15 * ((int(n) - 1) % LABEL_ROWS) for n in waves["wave"]]
    return labelled


def response_rate_chart(rates: pd.DataFrame, waves: pd.DataFrame,
                        lang: str = "zh") -> alt.LayerChart:
    """Return the rate (percent of invited clients who answered) by day, with the waves marked."""
    day_title, rate_title = tr("outreach_day", lang), tr("outreach_rate", lang)
    line = alt.Chart(rates).mark_line(interpolate="step-after", point=True).encode(
        x=alt.X("day:T", title=day_title, axis=alt.Axis(
            format="%m-%d", labelOverlap=True,
            tickCount={"interval": "day", "step": 1} if len(rates) <= 31 else 10)),
        y=alt.Y("rate:Q", title=rate_title, scale=alt.Scale(domain=[0, 100])),
        tooltip=[alt.Tooltip("day:T", title=day_title, format="%Y-%m-%d"),
                 alt.Tooltip("rate:Q", title=rate_title, format=".1f"),
                 alt.Tooltip("answered:Q", title=tr("outreach_answered", lang)),
                 alt.Tooltip("invited:Q", title=tr("outreach_invited", lang))],
    )
    layers: list[alt.Chart] = [line]
    if not waves.empty:
        marked = alt.Chart(wave_labels(waves, lang)).encode(
            x=alt.X("at:T"),
            tooltip=[alt.Tooltip("text:N", title=tr("outreach_wave", lang)),
                     alt.Tooltip("at:T", title=tr("outreach_when", lang),
                                 format="%Y-%m-%d %H:%M"),
                     alt.Tooltip("channel_text:N", title=tr("outreach_channel", lang)),
                     alt.Tooltip("created_by:N", title=tr("outreach_by", lang))])
        layers.append(marked.mark_rule(color=WAVE_COLOUR, strokeDash=[4, 3], strokeWidth=2))
        layers.append(marked.mark_text(align="right", dx=-4, baseline="top", color=WAVE_COLOUR,
                                       fontSize=11)
                      .encode(y=alt.Y("label_y:Q", scale=None, axis=None), text="text:N"))
    return alt.LayerChart(layer=layers).properties(title=tr("outreach_chart_title", lang),
                                                   height=300)
