"""The bundle's spreadsheets: responses.csv (UTF-8 with BOM) and responses.xlsx, formula-safe."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from openpyxl import Workbook, load_workbook

from surveys.clock import beijing_now
from surveys.form_a1 import ITEMS
from surveys.records import receipt_code

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
ITEM_KEYS = tuple(f"item{item.no}" for item in ITEMS)

# (key, column heading) of the responses sheet and of responses.csv, in order.
RESPONSE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("response_id", "记录号 response id"),
    ("client_id", "用户单位编号 client id"),
    ("client", "用户单位名称 client unit"),
    ("evaluation_date", "评价日期 evaluation date"),
    ("origin", "来源 origin"),
    ("entered_by", "录入人 entered by"),
    ("stored", "存储时间（北京时间） stored (Beijing time)"),
    ("version", "版本 version"),
    ("supersedes_id", "更正的记录号 replaces response"),
    ("reason", "更正原因 reason"),
    ("status", "状态 status"),
    ("signer", "签字人 signer"),
    *((key, f"{item.no}. {item.name_zh} (≤{item.max_score})") for key, item in zip(ITEM_KEYS, ITEMS,
                                                                                 strict=True)),
    ("total", "评价总分值 total"),
    ("seq", "链序号 seq"),
    ("record_hash", "记录哈希 record hash"),
    ("receipt", "回执码 receipt code"),
)
NUMERIC_KEYS = frozenset({"response_id", "client_id", "version", "seq", "total", "supersedes_id",
                          *ITEM_KEYS})


def control_pictures(text: str) -> str:
    """Return text with C0 controls other than tab, LF and CR shown as their Unicode pictures.

    XLSX (XML 1.0) cannot hold them; U+2400..U+241F show each one visibly (U+000B becomes
    U+240B), so a spreadsheet never drops or fails on a character a person typed.
    """
    return "".join(chr(0x2400 + ord(ch)) if ord(ch) < 32 and ch not in "\t\n\r" else ch
                   for ch in text)


def xlsx_cell(value: Any) -> Any:
    """Return a cell value as responses.xlsx holds it: formula-safe, controls made visible."""
    safe = safe_cell(value)
    return control_pictures(safe) if isinstance(safe, str) else safe


def safe_cell(value: Any) -> Any:
    """Return a cell value safe from formula injection: risky text gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


@dataclass(frozen=True)
class TableRow:
    """One signed form as a spreadsheet row (values straight from its canonical fields)."""

    values: dict[str, Any]

    def cells(self) -> list[Any]:
        """Return the row's cells in column order, text neutralised."""
        return [safe_cell(self.values.get(key)) for key, _ in RESPONSE_COLUMNS]


def stored_text(submitted_at: str) -> str:
    """Return a signed submitted_at ('...Z') as Beijing time, seconds shown, zone named."""
    moment = datetime.fromisoformat(submitted_at.replace("Z", "+00:00"))
    return beijing_now(moment).strftime("%Y-%m-%d %H:%M:%S") + " +08:00"


def row_from_fields(response_id: int, fields: dict[str, Any], record_hash: str,
                    status: str) -> TableRow:
    """Return the table row of a record from its canonical fields."""
    header = fields.get("header") or {}
    values: dict[str, Any] = {
        "response_id": response_id, "client_id": fields["client_id"],
        "client": str((header.get("client") or {}).get("name", "")),
        "evaluation_date": fields["evaluation_date"], "origin": fields["origin"],
        "entered_by": fields.get("entered_by") or ("client" if fields["origin"] == "web" else ""),
        "stored": stored_text(str(fields["submitted_at"])),
        "version": fields["version"], "supersedes_id": fields.get("supersedes_id"),
        "reason": fields.get("reason", ""), "status": status, "signer": fields["signer_name"],
        "total": fields["total"], "seq": fields["seq"], "record_hash": record_hash,
        "receipt": receipt_code(record_hash),
    }
    values.update(zip(ITEM_KEYS, fields["items"], strict=True))
    return TableRow(values)


def csv_bytes(rows: Sequence[TableRow]) -> bytes:
    """Return responses.csv: UTF-8 with BOM, a heading row, one row per form."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([label for _, label in RESPONSE_COLUMNS])
    for row in rows:
        writer.writerow(row.cells())
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def item_means(rows: Sequence[TableRow]) -> list[tuple[int, str, int, float | None]]:
    """Return (no, name, max, mean rounded to 2 places) per item over the given rows."""
    means = []
    for key, item in zip(ITEM_KEYS, ITEMS, strict=True):
        scores = [int(row.values[key]) for row in rows]
        means.append((item.no, item.name_zh, item.max_score,
                      round(sum(scores) / len(scores), 2) if scores else None))
    return means


def xlsx_bytes(summary: Sequence[tuple[str, Any]], current: Sequence[TableRow],
               history: Sequence[TableRow]) -> bytes:
    """Return responses.xlsx with sheets summary, responses (current then history) and items."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "summary"
    for label, value in summary:
        sheet.append([xlsx_cell(label), xlsx_cell(value)])
    responses = book.create_sheet("responses")
    responses.append([label for _, label in RESPONSE_COLUMNS])
    for row in [*current, *history]:
        responses.append([control_pictures(c) if isinstance(c, str) else c for c in row.cells()])
    items = book.create_sheet("items")
    items.append(["序号 no", "评价内容 item", "满分值 max", "平均分 mean"])
    for no, name, max_score, mean in item_means(current):
        items.append([no, xlsx_cell(name), max_score, mean])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def read_csv_table(data: bytes) -> list[dict[str, str]]:
    """Return responses.csv rows as {key: text}, or raise ValueError on a wrong heading."""
    text = data.decode("utf-8")
    if not text.startswith("\ufeff"):
        raise ValueError("responses.csv does not start with a UTF-8 BOM")
    rows = list(csv.reader(io.StringIO(text[1:])))
    return _keyed(rows, "responses.csv")


def read_xlsx_sheet(data: bytes, sheet: str) -> list[list[Any]]:
    """Return the rows of one sheet of responses.xlsx as lists of cell values."""
    book = load_workbook(io.BytesIO(data), read_only=True)
    try:
        return [list(row) for row in book[sheet].iter_rows(values_only=True)]
    finally:
        book.close()


def read_xlsx_table(data: bytes) -> list[dict[str, Any]]:
    """Return the responses sheet rows as {key: value}, or raise ValueError on a wrong heading."""
    return _keyed(read_xlsx_sheet(data, "responses"), "responses.xlsx")


def _keyed(rows: list[list[Any]], name: str) -> list[dict[str, Any]]:
    """Return data rows keyed by column after checking the heading row."""
    if not rows or [str(c) for c in rows[0]] != [label for _, label in RESPONSE_COLUMNS]:
        raise ValueError(f"{name}: the heading row is not the expected one")
    keys = [key for key, _ in RESPONSE_COLUMNS]
    return [dict(zip(keys, row, strict=False)) for row in rows[1:]]
