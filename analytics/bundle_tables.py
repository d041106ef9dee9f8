"""Checking a bundle's responses.csv and responses.xlsx against its signed records."""

from __future__ import annotations

import zipfile
from fractions import Fraction
from typing import Any

from analytics.evidence_tables import (
    NUMERIC_KEYS,
    RESPONSE_COLUMNS,
    TableRow,
    item_means,
    read_csv_table,
    read_xlsx_sheet,
    read_xlsx_table,
    row_from_fields,
    safe_cell,
)
from analytics.report import round2
from analytics.stars import star_by_mean


def expected_rows(year: dict[str, list[dict[str, Any]]]) -> dict[str, dict[str, Any]]:
    """Return the expected table values of each of the year's records, by record hash."""
    rows = {}
    for status in ("current", "superseded"):
        for raw in year[status]:
            row = row_from_fields(raw["response_id"], raw["view"], raw["record_hash"],
                                  status)
            rows[raw["record_hash"]] = row.values
    return rows


def _same(key: str, shown: Any, signed: Any, typed: bool) -> bool:
    """Return True when a cell shows the signed value (typed: numbers must be numbers)."""
    if key in NUMERIC_KEYS:
        if typed:
            return isinstance(shown, int) and not isinstance(shown, bool) and shown == signed
        return str(shown) == str(signed)
    text = str(shown if shown is not None else "")
    return text.replace("\r", "\n") == str(safe_cell(signed)).replace("\r", "\n")


def compare_rows(name: str, rows: list[dict[str, Any]], expected: dict[str, dict[str, Any]],
                 typed: bool) -> list[str]:
    """Return how a table's rows disagree with the signed records."""
    found: list[str] = []
    seen: set[str] = set()
    labels = dict(RESPONSE_COLUMNS)
    for number, row in enumerate(rows, start=2):
        digest = str(row.get("record_hash") or "")
        signed = expected.get(digest)
        if signed is None:
            found.append(f"{name}: row {number} is no signed record of the year (hash {digest})")
            continue
        seen.add(digest)
        for key, _label in RESPONSE_COLUMNS:
            if not _same(key, row.get(key), signed[key], typed):
                found.append(f"{name}: row {number} (response {signed['response_id']}) "
                             f"{labels[key]} is {row.get(key)!r}, the signed value is "
                             f"{signed[key]!r}")
    for digest in sorted(set(expected) - seen):
        found.append(f"{name}: signed response {expected[digest]['response_id']} is missing")
    return found


def check_tables(files: dict[str, bytes], year: dict[str, list[dict[str, Any]]],
                 problems: list[str]) -> None:
    """Append how responses.csv and responses.xlsx disagree with the signed records."""
    expected = expected_rows(year)
    if "responses.csv" not in files or "responses.xlsx" not in files:
        return  # named already as missing files
    try:
        problems.extend(compare_rows("responses.csv", read_csv_table(files["responses.csv"]),
                                     expected, typed=False))
    except (ValueError, UnicodeDecodeError) as exc:
        problems.append(f"responses.csv: unreadable ({exc})")
    try:
        xlsx = files["responses.xlsx"]
        problems.extend(compare_rows("responses.xlsx", read_xlsx_table(xlsx), expected,
                                     typed=True))
        problems.extend(_check_items(read_xlsx_sheet(xlsx, "items"), expected))
        problems.extend(_check_summary_sheet(read_xlsx_sheet(xlsx, "summary"), year))
    except (ValueError, KeyError, OSError, zipfile.BadZipFile) as exc:
        problems.append(f"responses.xlsx: unreadable ({exc})")


def _check_items(rows: list[list[Any]], expected: dict[str, dict[str, Any]]) -> list[str]:
    """Return how the items sheet's means disagree with the signed current forms."""
    current = [TableRow(v) for v in expected.values() if v["status"] == "current"]
    wanted = [[no, safe_cell(n), m, mean] for no, n, m, mean in item_means(current)]
    if [list(r) for r in rows[1:]] != wanted:
        return ["responses.xlsx: sheet items does not hold the signed forms' item means"]
    return []


def _check_summary_sheet(rows: list[list[Any]], year: dict[str, list[dict[str, Any]]]
                         ) -> list[str]:
    """Return how the summary sheet's count, mean and star disagree with the signed forms."""
    values = {str(r[0]).split(" ")[0]: r[1] for r in rows if r and r[0]}
    totals = [int(r["view"]["total"]) for r in year["current"]]
    mean = Fraction(sum(totals), len(totals)) if totals else None
    found = []
    if values.get("回复单位数") != len(totals):
        found.append("responses.xlsx: summary units responded differs from the signed forms")
    if values.get("平均总分") != round2(mean):
        found.append("responses.xlsx: summary mean score differs from the signed forms")
    if values.get("支持的星级") != star_by_mean(mean):
        found.append("responses.xlsx: summary star level differs from the signed forms")
    return found
