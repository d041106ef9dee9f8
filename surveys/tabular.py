"""Reading CSV and XLSX files into rows of text-keyed cells, with clear errors."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from surveys.errors import FieldError, ValidationFailed

MAX_ROWS = 20000
ENCODINGS = ("utf-8-sig", "gb18030")  # Excel in China saves CSV as GBK/GB18030


def _fail(zh: str, en: str, field: str = "file") -> ValidationFailed:
    """Return a file-level error."""
    return ValidationFailed([FieldError(field, zh, en)])


def _decode(data: bytes) -> str:
    """Return the text of a CSV file in UTF-8 (with or without BOM) or GB18030."""
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise _fail("文件编码无法识别（请保存为 UTF-8 或 GBK）",
                "cannot decode the file (save it as UTF-8 or GBK)")


def _read_csv(data: bytes) -> list[list[Any]]:
    """Return the CSV rows as lists of strings."""
    try:
        return list(csv.reader(io.StringIO(_decode(data), newline="")))
    except csv.Error as exc:
        raise _fail(f"CSV 格式错误：{exc}", f"malformed CSV: {exc}") from exc


def _read_xlsx(data: bytes) -> list[list[Any]]:
    """Return the first sheet's rows as lists of cell values."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a bad file
        raise _fail("无法读取 Excel 文件", f"cannot read the Excel file: {exc}") from exc
    sheet = workbook.worksheets[0]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    workbook.close()
    return rows


def read_table(
    data: bytes, filename: str, *, required: tuple[str, ...], optional: tuple[str, ...] = ()
) -> list[tuple[int, dict[str, Any]]]:
    """Return [(row number, {column: value})] of a .csv or .xlsx; row 1 is the header.

    Blank rows are skipped; unknown columns, missing required columns and oversize files are
    rejected with a message naming them.
    """
    suffix = Path(filename).suffix.lower()
    if suffix == ".csv":
        rows = _read_csv(data)
    elif suffix == ".xlsx":
        rows = _read_xlsx(data)
    else:
        raise _fail(f"不支持的文件类型「{suffix}」（请用 .csv 或 .xlsx）",
                    f"unsupported file type '{suffix}' (use .csv or .xlsx)")
    if not rows:
        raise _fail("文件为空", "the file is empty")
    header = [str(cell).strip().lower() if cell is not None else "" for cell in rows[0]]
    missing = [c for c in required if c not in header]
    unknown = [c for c in header if c and c not in required + optional]
    if missing or unknown:
        errors = [FieldError(c, "缺少此列", "required column is missing") for c in missing]
        errors += [FieldError(c, "未知的列", "unknown column") for c in unknown]
        raise ValidationFailed(errors)
    named = [c for c in header if c]
    repeated = sorted({c for c in named if named.count(c) > 1})
    if repeated:
        raise ValidationFailed([FieldError(c, "表头中此列重复", "the header repeats this column")
                                for c in repeated])
    body = []
    for number, row in enumerate(rows[1:], start=2):
        if all(cell is None or str(cell).strip() == "" for cell in row):
            continue
        cells = {name: (row[i] if i < len(row) else None) for i, name in enumerate(header) if name}
        body.append((number, cells))
    if len(body) > MAX_ROWS:
        raise _fail(f"行数过多（最多 {MAX_ROWS} 行）", f"too many rows (max {MAX_ROWS})")
    if not body:
        raise _fail("文件没有数据行", "the file has no data rows")
    return body


def cell_text(value: Any) -> str:
    """Return a cell as stripped text (None as empty; whole floats without '.0')."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
