"""Altair charts of the dashboard: yearly mean with the 85/90/95 star lines, items, heatmap."""

from __future__ import annotations

import altair as alt
import pandas as pd

from analytics.stars import SCORE_THRESHOLDS
from surveys.i18n import tr

STAR_COLOURS = {1: "#cd7f32", 2: "#8a8d91", 3: "#d4a017"}


def thresholds_frame(lang: str = "zh") -> pd.DataFrame:
    """Return the score thresholds as rows: value, star, label (e.g. '★★ 90')."""
    return pd.DataFrame([{"value": value, "star": star, "label": f"{'★' * star} {value}"}
                         for star, value in sorted(SCORE_THRESHOLDS)])


def threshold_layers(lang: str = "zh") -> alt.LayerChart:
    """Return labelled horizontal rules at the star thresholds (85, 90, 95)."""
    base = alt.Chart(thresholds_frame(lang)).encode(
        y=alt.Y("value:Q"),
        color=alt.Color("star:O", legend=None,
                        scale=alt.Scale(domain=list(STAR_COLOURS), range=list(STAR_COLOURS.values()))),
        tooltip=[alt.Tooltip("label:N", title=tr("dash_threshold", lang))],
    )
    rules = base.mark_rule(strokeDash=[6, 4], strokeWidth=1.5)
    labels = base.mark_text(align="left", dx=4, dy=-7, fontSize=11, fontWeight="bold").encode(
        x=alt.value(0), text="label:N")
    return alt.LayerChart(layer=[rules, labels])


def _score_scale(values: pd.Series) -> alt.Scale:
    """Return a y scale from a little under the lowest mean (at most 80) up to 100."""
    low = min([80.0, *[float(v) for v in values.dropna()]])
    return alt.Scale(domain=[max(0.0, low - 5), 100], zero=False)


def yearly_mean_chart(yearly: pd.DataFrame, lang: str = "zh") -> alt.LayerChart:
    """Return the yearly mean total as a line with points, over the labelled star thresholds."""
    line = alt.Chart(yearly).mark_line(point=alt.OverlayMarkDef(size=80)).encode(
        x=alt.X("year:O", title=tr("dash_year", lang)),
        y=alt.Y("mean_total:Q", title=tr("dash_mean_total", lang),
                scale=_score_scale(yearly["mean_total"])),
        tooltip=[alt.Tooltip("year:O", title=tr("dash_year", lang)),
                 alt.Tooltip("mean_total:Q", title=tr("dash_mean_total", lang), format=".2~f"),
                 alt.Tooltip("responses:Q", title=tr("dash_responses", lang)),
                 alt.Tooltip("min_total:Q", title=tr("dash_min", lang)),
                 alt.Tooltip("max_total:Q", title=tr("dash_max", lang))],
    )
    return alt.LayerChart(layer=[line, threshold_layers(lang)]).properties(
        title=tr("dash_chart_yearly", lang), height=280)


def monthly_mean_chart(monthly: pd.DataFrame, lang: str = "zh") -> alt.LayerChart:
    """Return the mean total per month of evaluation as a line with points, over the thresholds."""
    points = alt.Chart(monthly).mark_line(point=alt.OverlayMarkDef(size=70)).encode(
        x=alt.X("month:O", title=tr("dash_month", lang)),
        y=alt.Y("mean_total:Q", title=tr("dash_mean_total", lang),
                scale=_score_scale(monthly["mean_total"])),
        tooltip=[alt.Tooltip("month:O", title=tr("dash_month", lang)),
                 alt.Tooltip("mean_total:Q", title=tr("dash_mean_total", lang), format=".2~f"),
                 alt.Tooltip("responses:Q", title=tr("dash_responses", lang))],
    )
    return alt.LayerChart(layer=[points, threshold_layers(lang)]).properties(
        title=tr("dash_chart_monthly", lang), height=240)


def item_share_chart(items: pd.DataFrame, lang: str = "zh") -> alt.Chart:
    """Return each item's mean as a share of its max, one bar per year (grouped per item)."""
    data = items.assign(item=[f"{no}. {zh if lang != 'en' else en}" for no, zh, en
                              in zip(items["no"], items["name_zh"], items["name_en"], strict=True)])
    order = sorted(set(data["item"]), key=lambda label: int(label.split(".")[0]))
    return alt.Chart(data).mark_bar().encode(
        x=alt.X("share:Q", title=tr("dash_share", lang), axis=alt.Axis(format="%"),
                scale=alt.Scale(domain=[0, 1])),
        y=alt.Y("item:N", sort=order, title=None, axis=alt.Axis(labelLimit=180)),
        yOffset=alt.YOffset("year:N"),
        color=alt.Color("year:N", title=tr("dash_year", lang), legend=alt.Legend(orient="bottom")),
        tooltip=[alt.Tooltip("item:N", title=tr("dash_item", lang)),
                 alt.Tooltip("year:N", title=tr("dash_year", lang)),
                 alt.Tooltip("mean:Q", title=tr("dash_mean", lang), format=".2~f"),
                 alt.Tooltip("max:Q", title=tr("dash_max_score", lang)),
                 alt.Tooltip("share:Q", title=tr("dash_share", lang), format=".1%")],
    ).properties(title=tr("dash_chart_items", lang))


def client_heatmap(clients: pd.DataFrame, lang: str = "zh") -> alt.LayerChart:
    """Return a client x year heatmap of totals with the value written in each cell."""
    base = alt.Chart(clients).encode(
        x=alt.X("year:O", title=tr("dash_year", lang)),
        y=alt.Y("client:N", title=None, sort="ascending", axis=alt.Axis(labelLimit=160)),
    )
    cells = base.mark_rect().encode(
        color=alt.Color("total:Q", title=tr("dash_total", lang),
                        scale=alt.Scale(scheme="redyellowgreen", domain=[70, 100], clamp=True)),
        tooltip=[alt.Tooltip("client:N", title=tr("dash_client", lang)),
                 alt.Tooltip("year:O", title=tr("dash_year", lang)),
                 alt.Tooltip("total:Q", title=tr("dash_total", lang), format="d")],
    )
    text = base.mark_text(fontSize=11).encode(text=alt.Text("total:Q", format=".0f"))
    return alt.LayerChart(layer=[cells, text]).properties(
        title=tr("dash_chart_heatmap", lang), height=alt.Step(26))  # one readable row per client
