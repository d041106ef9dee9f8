"""Chart specs: the star threshold lines at 85, 90, 95, tooltips, the heatmap's cells."""

from __future__ import annotations

from typing import Any

import pandas as pd

from analytics.charts import client_heatmap, item_share_chart, monthly_mean_chart, yearly_mean_chart

YEARLY = pd.DataFrame({"year": [2024, 2025, 2026], "responses": [5, 6, 7],
                       "mean_total": [84.67, 90.0, 95.5], "min_total": [80, 85, 90],
                       "max_total": [90, 95, 100], "star_by_score": [0, 2, 3]})


def layers(spec: dict[str, Any], data: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """Return every leaf layer of a (nested) layer spec, with the data it inherits."""
    data = spec.get("data", data)
    if "layer" not in spec:
        return [{**spec, "data": data}]
    return [leaf for child in spec["layer"] for leaf in layers(child, data)]


def datasets_of(spec: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Return the inline datasets of a chart spec."""
    return spec.get("datasets", {})


def threshold_rules(spec: dict[str, Any]) -> tuple[list[int], list[str]]:
    """Return the y values of the rule layers and the texts of the label layers."""
    data = datasets_of(spec)
    rules, labels = [], []
    for leaf in layers(spec):
        mark = leaf["mark"]["type"] if isinstance(leaf["mark"], dict) else leaf["mark"]
        rows = data.get(leaf.get("data", {}).get("name", ""), [])
        if mark == "rule":
            rules += [row[leaf["encoding"]["y"]["field"]] for row in rows]
        if mark == "text" and "label" in str(leaf["encoding"].get("text")):
            labels += [row["label"] for row in rows]
    return rules, labels


def test_yearly_chart_has_the_three_star_lines_labelled() -> None:
    spec = yearly_mean_chart(YEARLY).to_dict()
    rules, labels = threshold_rules(spec)
    assert sorted(rules) == [85, 90, 95]
    assert sorted(labels) == ["★ 85", "★★ 90", "★★★ 95"]


def test_yearly_chart_plots_the_mean_with_tooltips() -> None:
    spec = yearly_mean_chart(YEARLY, "en").to_dict()
    line = next(leaf for leaf in layers(spec) if leaf["encoding"]["y"]["field"] == "mean_total")
    assert line["encoding"]["x"]["field"] == "year"
    assert {t["field"] for t in line["encoding"]["tooltip"]} >= {"year", "mean_total", "responses"}
    assert spec["title"] == "Yearly mean total and star thresholds"
    assert line["encoding"]["y"]["scale"]["domain"] == [75, 100]  # from 5 under 80 (or the lowest)


def test_monthly_chart_has_the_star_lines_too() -> None:
    monthly = pd.DataFrame({"month": ["2026-05", "2026-06"], "responses": [1, 2],
                            "mean_total": [88.0, 92.5], "min_total": [88, 90],
                            "max_total": [88, 95]})
    rules, _ = threshold_rules(monthly_mean_chart(monthly).to_dict())
    assert sorted(rules) == [85, 90, 95]


def test_item_chart_is_a_share_of_max_per_year() -> None:
    items = pd.DataFrame({"year": [2025, 2026], "no": [3, 3], "name_zh": ["员工维修技能水平"] * 2,
                          "name_en": ["Staff repair skill"] * 2, "max": [15, 15],
                          "mean": [12.0, 13.5], "share": [0.8, 0.9]})
    spec = item_share_chart(items).to_dict()
    assert spec["encoding"]["x"]["field"] == "share"
    assert spec["encoding"]["x"]["scale"]["domain"] == [0, 1]
    assert spec["encoding"]["yOffset"]["field"] == "year"
    rows = datasets_of(spec)[spec["data"]["name"]]
    assert {row["item"] for row in rows} == {"3. 员工维修技能水平"}


def test_heatmap_cells_are_client_by_year_totals() -> None:
    clients = pd.DataFrame({"client_id": [1, 1, 2], "client": ["甲", "甲", "乙"],
                            "key_unit": [True, True, False], "year": [2025, 2026, 2026],
                            "responses": [1, 1, 1], "total": [88.0, 93.0, 79.0]})
    spec = client_heatmap(clients).to_dict()
    rect = next(leaf for leaf in layers(spec) if leaf["mark"] == "rect"
                or (isinstance(leaf["mark"], dict) and leaf["mark"]["type"] == "rect"))
    assert rect["encoding"]["color"]["field"] == "total"
    assert rect["encoding"]["x"]["field"] == "year" and rect["encoding"]["y"]["field"] == "client"
    rows = datasets_of(spec)[rect["data"]["name"]]
    assert [(row["client"], row["year"], row["total"]) for row in rows] == [
        ("甲", 2025, 88.0), ("甲", 2026, 93.0), ("乙", 2026, 79.0)]
    assert {t["field"] for t in rect["encoding"]["tooltip"]} == {"client", "year", "total"}


def test_tooltips_show_whole_totals_as_integers_and_means_without_trailing_zeros() -> None:
    clients = pd.DataFrame({"client_id": [1], "client": ["甲"], "key_unit": [True],
                            "year": [2026], "responses": [1], "total": [93.0]})
    formats = {t["field"]: t.get("format") for leaf in layers(client_heatmap(clients).to_dict())
               for t in leaf.get("encoding", {}).get("tooltip", [])}
    assert formats["total"] == "d"  # 93, not 93.00
    means = {t.get("format") for leaf in layers(yearly_mean_chart(YEARLY).to_dict())
             for t in leaf.get("encoding", {}).get("tooltip", []) if t["field"] == "mean_total"}
    assert means == {".2~f"}  # 89 and 88.67, never 89.00
