"""Downloads of the aggregated tables: CSV with a BOM, XLSX, and no formula injection."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pandas as pd
import pytest
from openpyxl import load_workbook

from analytics.exports import csv_bytes, neutralise, sheet_title, xlsx_bytes

HOSTILE = pd.DataFrame({
    "client": ["=HYPERLINK(\"http://x\")", "+1", "-2", "@SUM(A1)", "\tx", "\rx", "北京医院"],
    "total": [90, -3, 85, 88, 70, 60, 95],
})


@pytest.mark.parametrize(("value", "expected"), [
    ("=1+1", "'=1+1"), ("+1", "'+1"), ("-1", "'-1"), ("@x", "'@x"), ("\tx", "'\tx"),
    ("\rx", "'\rx"), ("北京", "北京"), ("", ""), (-5, -5), (None, None),
])
def test_neutralise(value: object, expected: object) -> None:
    assert neutralise(value) == expected


def test_csv_has_a_bom_and_neutral_text() -> None:
    data = csv_bytes(HOSTILE)
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows[0] == ["client", "total"]
    assert [row[0] for row in rows[1:]] == ["'=HYPERLINK(\"http://x\")", "'+1", "'-2",
                                            "'@SUM(A1)", "'\tx", "'\rx", "北京医院"]
    assert [row[1] for row in rows[1:]] == ["90", "-3", "85", "88", "70", "60", "95"]


def test_xlsx_sheets_hold_safe_values_and_naive_times() -> None:
    opened = pd.DataFrame({"client": ["=cmd"], "first_opened_at": [
        datetime(2026, 3, 1, 8, 30, tzinfo=UTC)]})
    data = xlsx_bytes({"progress": opened, "items": HOSTILE, "a/b:c": HOSTILE})
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["progress", "items", "a_b_c"]
    assert book["progress"]["A2"].value == "'=cmd"
    assert book["progress"]["B2"].value == datetime(2026, 3, 1, 8, 30)
    assert book["items"]["A2"].value == "'=HYPERLINK(\"http://x\")"
    assert book["items"]["B3"].value == -3
    assert all(cell.data_type != "f" for row in book["items"].iter_rows() for cell in row)


def test_sheet_titles_are_valid_and_unique() -> None:
    taken: set[str] = set()
    assert sheet_title("x" * 40, taken) == "x" * 31
    assert sheet_title("x" * 40, taken) == "x" * 29 + "_2"
