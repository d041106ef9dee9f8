"""Downloads of aggregated tables: CSV (UTF-8 with BOM, opens in Excel) and XLSX, injection-safe."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime
from typing import Any

import pandas as pd

from analytics.labels import localise, table_name
from surveys.text import spreadsheet_safe

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")


def neutralise(value: Any) -> Any:
    """Return a text cell that a spreadsheet would run as a formula prefixed with ', else as is.

    Characters an XLSX cannot hold (stored before the text rule refused them) show as escapes.
    """
    if isinstance(value, str):
        value = spreadsheet_safe(value)
        if value.startswith(FORMULA_START):
            return "'" + value
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Return a copy whose text cells and column names cannot start a spreadsheet formula."""
    safe = frame.copy()
    safe.columns = [neutralise(str(column)) for column in safe.columns]
    for column in safe.columns:
        if not (pd.api.types.is_numeric_dtype(safe[column])
                or pd.api.types.is_bool_dtype(safe[column])):
            safe[column] = safe[column].map(neutralise).astype(object)
    return safe


def naive_utc(value: Any) -> Any:
    """Return a timezone-aware datetime as naive UTC (Excel has no time zones), else as is."""
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(UTC).replace(tzinfo=None)
    return value


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """Return the table as CSV bytes in UTF-8 with a byte-order mark (Excel reads Chinese)."""
    # CRLF rows: a cell holding a lone CR or LF is then quoted, so it cannot split a row.
    return safe_frame(frame).to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def sheet_title(name: str, taken: set[str]) -> str:
    """Return a valid, unique Excel sheet name (<= 31 characters, no []:*?/\\)."""
    base = SHEET_NAME_BAD.sub("_", name).strip("'")[:31] or "Sheet"
    title, counter = base, 2
    while title.lower() in taken:
        suffix = f"_{counter}"
        title, counter = base[: 31 - len(suffix)] + suffix, counter + 1
    taken.add(title.lower())
    return title


def xlsx_bytes(sheets: dict[str, pd.DataFrame]) -> bytes:
    """Return an XLSX workbook with one sheet per table (text cells neutralised)."""
    buffer = io.BytesIO()
    taken: set[str] = set()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            safe = safe_frame(frame)
            for column in safe.columns:  # Excel cannot hold timezone-aware datetimes
                if isinstance(safe[column].dtype, pd.DatetimeTZDtype):
                    safe[column] = safe[column].dt.tz_convert("UTC").dt.tz_localize(None)
                elif safe[column].dtype == object:
                    safe[column] = safe[column].map(naive_utc)
            safe.to_excel(writer, sheet_name=sheet_title(name, taken), index=False)
    return buffer.getvalue()


def export_tables(tables: dict[str, pd.DataFrame], lang: str = "zh") -> dict[str, pd.DataFrame]:
    """Return the tables as downloaded: named and labelled in the language, values as read."""
    return {table_name(name, lang): localise(frame, lang) for name, frame in tables.items()}
