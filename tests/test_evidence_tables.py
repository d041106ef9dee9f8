"""The bundle's spreadsheets: formula-safe text, numbers stay numbers, BOM, round trip."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from analytics.evidence_tables import (
    RESPONSE_COLUMNS,
    csv_bytes,
    read_csv_table,
    read_xlsx_table,
    row_from_fields,
    safe_cell,
    xlsx_bytes,
)

RISKY = ["=1+1", "+86 138", "-2", "@SUM(A1)", "\tcmd", "\rline", "=HYPERLINK(\"http://x\")"]
HARMLESS = ["北京市第一人民医院", "a=b", "", "1+1"]


def _fields(client: str, signer: str) -> dict[str, object]:
    return {"client_id": 3, "header": {"client": {"name": client}}, "evaluation_date": "2026-06-15",
            "origin": "paper", "version": 1, "signer_name": signer, "total": 94, "seq": 7,
            "items": [10, 5, 15, 5, 10, 10, 15, 12, 12]}


@pytest.mark.parametrize("text", RISKY)
def test_safe_cell_neutralises_formula_starts(text: str) -> None:
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("value", [*HARMLESS, 0, 95, 93.5, None])
def test_safe_cell_keeps_harmless_values(value: object) -> None:
    assert safe_cell(value) == value


@pytest.mark.parametrize("text", RISKY)
def test_csv_and_xlsx_neutralise_every_risky_text_cell(text: str) -> None:
    row = row_from_fields(12, _fields(text, text), "ab" * 32, "current")
    data = csv_bytes([row])
    assert data.startswith("\ufeff".encode())
    lines = list(csv.reader(io.StringIO(data.decode("utf-8")[1:])))
    keys = [key for key, _ in RESPONSE_COLUMNS]
    cells = dict(zip(keys, lines[1], strict=True))
    assert cells["client"] == "'" + text and cells["signer"] == "'" + text
    assert cells["total"] == "94" and cells["item1"] == "10"

    book = load_workbook(io.BytesIO(xlsx_bytes([("名称", text)], [row], [])))
    sheet = book["responses"]
    values = {key: sheet.cell(row=2, column=i + 1) for i, key in enumerate(keys)}
    for key in ("client", "signer"):
        assert values[key].data_type == "s"
        assert values[key].value == "'" + text  # kept exactly (openpyxl writes CR as _x000D_
        # since lxml is installed, a dependency of pyHanko)
    for key in ("total", "item1", "item9", "seq", "version", "response_id"):
        assert values[key].data_type == "n" and isinstance(values[key].value, int)
    summary = book["summary"]
    assert summary.cell(row=1, column=2).data_type == "s"
    assert str(summary.cell(row=1, column=2).value).startswith("'")


def test_tables_read_back_the_rows() -> None:
    rows = [row_from_fields(i, _fields(f"单位{i}", "张三"), f"{i:064x}", "current")
            for i in range(1, 4)]
    back_csv = read_csv_table(csv_bytes(rows))
    back_xlsx = read_xlsx_table(xlsx_bytes([], rows, []))
    assert [r["client"] for r in back_csv] == ["单位1", "单位2", "单位3"]
    assert [r["total"] for r in back_xlsx] == [94, 94, 94]
    assert [r["record_hash"] for r in back_xlsx] == [f"{i:064x}" for i in range(1, 4)]
    book = load_workbook(io.BytesIO(xlsx_bytes([], rows, [])))
    items = [list(r) for r in book["items"].iter_rows(values_only=True)]
    assert items[1] == [1, "服务业务管理能力", 10, 10]
    assert items[8][3] == 12


def test_wrong_heading_is_refused() -> None:
    with pytest.raises(ValueError):
        read_csv_table("\ufeffa,b\r\n1,2\r\n".encode())
    with pytest.raises(ValueError):
        read_csv_table(b"no bom")
