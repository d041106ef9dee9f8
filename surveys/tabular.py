"""Reading CSV and XLSX files into rows of cells keyed by column, bounded while reading.

Limits (README "Limits"): the file's bytes are checked before anything is parsed; an XLSX's
members are checked by their uncompressed sizes before it is opened, and its first sheet is
measured by a streaming pass (rows, columns, cells, text) that ignores the declared dimension;
a CSV is decoded by `encodings.decode_csv` and checked row by row.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from surveys.encodings import decode_csv
from surveys.errors import FieldError, ValidationFailed

MAX_FILE_BYTES = 10 * 1024 * 1024  # the file as uploaded
MAX_ROWS = 20000  # data rows
MAX_SHEET_ROWS = MAX_ROWS + 1000  # rows including blank ones and the header
MAX_COLUMNS = 64
MAX_CELL_CHARS = 10000
MAX_XLSX_MEMBERS = 500
MAX_XLSX_PART_BYTES = 48 * 1024 * 1024  # one uncompressed member (a sheet, shared strings)
MAX_XLSX_XML_BYTES = 8 * 1024 * 1024  # any other XML member (styles, workbook, ...)
MAX_XLSX_TOTAL_BYTES = 128 * 1024 * 1024  # all members uncompressed
MAX_SHEET_ELEMENTS = 200000  # XML elements of a sheet outside its rows
_BIG_PARTS = re.compile(r"^xl/(worksheets/[^/]+\.xml|sharedStrings\.xml)$")
_EXCEL_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


@dataclass(frozen=True)
class Column:
    """One column an importer reads: its key, its labels, the other names a header may use."""

    key: str
    zh: str
    en: str
    required: bool = False
    aliases: tuple[str, ...] = ()
    note_zh: str = ""
    note_en: str = ""

    def label(self, lang: str = "zh") -> str:
        """Return the column's label in the language."""
        return self.en if lang == "en" else self.zh


def _fail(zh: str, en: str, field: str = "file", row: int | None = None) -> ValidationFailed:
    """Return a file-level error."""
    return ValidationFailed([FieldError(field, zh, en, row=row)])


def _mb(size: int) -> str:
    """Return a byte count in MB for a message."""
    return f"{size / 1024 / 1024:.0f} MB"


def too_big(size: int) -> ValidationFailed:
    """Return the error for a file over MAX_FILE_BYTES."""
    return _fail(f"文件过大（{_mb(size)}，最大 {_mb(MAX_FILE_BYTES)}）",
                 f"the file is too large ({_mb(size)}, at most {_mb(MAX_FILE_BYTES)})")


def read_capped(path: Path) -> bytes:
    """Return a file's bytes, refusing it before reading when it is over MAX_FILE_BYTES."""
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise _fail(f"无法读取文件 {path.name}：{exc.strerror}",
                    f"cannot read {path.name}: {exc.strerror}") from exc
    if len(data) > MAX_FILE_BYTES:
        raise too_big(path.stat().st_size)
    return data


def _too_many_rows() -> ValidationFailed:
    """Return the error for a file with more than MAX_ROWS data rows."""
    return _fail(f"行数过多（最多 {MAX_ROWS} 行数据）", f"too many rows (at most {MAX_ROWS} data rows)")


def _check_row(row: Sequence[Any], number: int) -> None:
    """Refuse a row with too many cells or a cell with too much text."""
    if len(row) > MAX_COLUMNS and any(c not in (None, "") for c in row[MAX_COLUMNS:]):
        raise _fail(f"列数过多（最多 {MAX_COLUMNS} 列）", f"too many columns (at most {MAX_COLUMNS})",
                    row=number)
    for cell in row:
        if isinstance(cell, str) and len(cell) > MAX_CELL_CHARS:
            raise _fail(f"单元格内容过长（最多 {MAX_CELL_CHARS} 字）",
                        f"a cell is too long (at most {MAX_CELL_CHARS} characters)", row=number)


def _csv_rows(data: bytes) -> Iterator[list[Any]]:
    """Yield the CSV's rows (as lists of strings), checked while reading."""
    reader = csv.reader(io.StringIO(decode_csv(data), newline=""))
    number = 0
    try:
        for row in reader:
            number += 1
            if number > MAX_SHEET_ROWS:
                raise _too_many_rows()
            _check_row(row, number)
            yield row
    except csv.Error as exc:
        raise _fail(f"CSV 格式错误（第 {reader.line_num} 行）：{exc}",
                    f"malformed CSV (line {reader.line_num}): {exc}") from exc


def _check_members(archive: zipfile.ZipFile) -> None:
    """Refuse an XLSX whose members would unpack beyond the limits (zip bombs)."""
    members = archive.infolist()
    if len(members) > MAX_XLSX_MEMBERS:
        raise _fail("Excel 文件结构异常（部件过多）", "the Excel file has too many parts")
    total = sum(info.file_size for info in members)
    for info in members:
        limit = MAX_XLSX_PART_BYTES if _BIG_PARTS.match(info.filename) else (
            MAX_XLSX_XML_BYTES if info.filename.endswith((".xml", ".rels")) else MAX_XLSX_PART_BYTES)
        if info.file_size > limit or total > MAX_XLSX_TOTAL_BYTES:
            raise _fail(f"Excel 文件解压后过大（{_mb(max(info.file_size, total))}），请删去多余内容后重试",
                        f"the Excel file unpacks to too much data ({_mb(max(info.file_size, total))}); "
                        "remove what is not needed and try again")


def _column_number(ref: str) -> int:
    """Return the column number of a cell reference such as 'AB12'."""
    number = 0
    for char in ref:
        if not char.isalpha():
            break
        number = number * 26 + ord(char.upper()) - 64
    return number


def measure_sheet(source: IO[bytes]) -> tuple[int, int]:
    """Return (last row, last column) holding a value, streaming the sheet XML under the limits.

    The declared <dimension> is ignored; every element is dropped once read, so memory stays
    bounded by the nesting depth whatever the file holds.
    """
    from defusedxml.ElementTree import iterparse  # no DTDs, no entity expansion

    stack: list[Any] = []
    last_row = last_col = row = col = cells = others = 0
    has_value = False
    for event, elem in iterparse(source, events=("start", "end")):
        tag = elem.tag.rsplit("}", 1)[-1]
        if event == "start":
            stack.append(elem)
            if tag == "row":
                ref = elem.get("r")
                row, col, cells = (int(ref) if ref and ref.isdigit() else row + 1), 0, 0
                if row > MAX_SHEET_ROWS:
                    raise _too_many_rows()
            elif tag == "c":
                ref = elem.get("r")
                col, has_value = (_column_number(ref) if ref else col + 1), False
                cells += 1
                if cells > MAX_COLUMNS * 16:
                    raise _fail(f"列数过多（最多 {MAX_COLUMNS} 列）",
                                f"too many columns (at most {MAX_COLUMNS})", row=row)
            continue
        stack.pop()
        if tag in ("v", "t") and elem.text:
            has_value = True
            if len(elem.text) > MAX_CELL_CHARS:
                raise _fail(f"单元格内容过长（最多 {MAX_CELL_CHARS} 字）",
                            f"a cell is too long (at most {MAX_CELL_CHARS} characters)", row=row)
        elif tag == "c" and has_value:
            if col > MAX_COLUMNS:
                raise _fail(f"列数过多（最多 {MAX_COLUMNS} 列）",
                            f"too many columns (at most {MAX_COLUMNS})", row=row)
            last_row, last_col = max(last_row, row), max(last_col, col)
        elif tag not in ("row", "c", "v", "t", "is", "r", "f", "rPr"):
            others += 1
            if others > MAX_SHEET_ELEMENTS:
                raise _fail("Excel 工作表结构异常（元素过多）", "the Excel sheet has too many elements")
        if stack:
            del stack[-1][-1]  # forget what was read
    return last_row, last_col


def _unescape(value: Any) -> Any:
    """Return a cell with Excel's _xHHHH_ escapes (how it stores control characters) undone."""
    if isinstance(value, str) and "_x" in value:
        return _EXCEL_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), value)
    return value


def _xlsx_rows(data: bytes) -> Iterator[list[Any]]:
    """Yield the first sheet's rows (as lists of cell values), bounded before and while reading."""
    from openpyxl import load_workbook

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError) as exc:
        raise _fail("不是有效的 Excel（.xlsx）文件", "not a valid Excel (.xlsx) file") from exc
    with archive:
        _check_members(archive)
        try:
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            sheet = workbook.worksheets[0]
            with archive.open(sheet._worksheet_path) as source:  # noqa: SLF001
                last_row, last_col = measure_sheet(source)
        except ValidationFailed:
            raise
        except Exception as exc:  # openpyxl and the XML parser raise many types for a bad file
            raise _fail("无法读取 Excel 文件（文件已损坏或不是 .xlsx 格式）",
                        "cannot read the Excel file (damaged, or not in .xlsx format)") from exc
    if last_row == 0:
        workbook.close()
        return
    try:
        for number, row in enumerate(sheet.iter_rows(min_row=1, max_row=last_row, min_col=1,
                                                     max_col=last_col, values_only=True), 1):
            cells = [_unescape(cell) for cell in row]
            _check_row(cells, number)
            yield cells
    finally:
        workbook.close()


def header_key(text: Any) -> str:
    """Return a header cell reduced for matching: width-folded, lower case, no spaces or notes."""
    folded = unicodedata.normalize("NFKC", str(text or "")).strip().lower()
    folded = re.sub(r"[\s*]+", "", folded)
    folded = re.sub(r"^(?:第)?\d+(?:项)?[.、:：](?=.)", "", folded)
    return re.sub(r"(?<=.)\([^()]*\)$", "", folded)


def _match_header(header: list[Any], columns: Sequence[Column]) -> list[str | None]:
    """Return the column key of each header cell (None for blank), or raise naming problems."""
    names: dict[str, str] = {}
    for column in columns:
        for name in (column.key, column.zh, column.en, *column.aliases):
            names[header_key(name)] = column.key
    keys: list[str | None] = []
    errors: list[FieldError] = []
    for index, cell in enumerate(header):
        text = str(cell).strip() if cell is not None else ""
        if not text:
            keys.append(None)
            continue
        key = names.get(header_key(text))
        if key is None:
            errors.append(FieldError(text, f"未知的列「{text}」（第 {index + 1} 列；可用的列见导入模板）",
                                     f"unknown column '{text}' (column {index + 1}; see the "
                                     "import template for the columns)", row=1))
        keys.append(key)
    found = [k for k in keys if k]
    by_key = {c.key: c for c in columns}
    for key in sorted({k for k in found if found.count(k) > 1}):
        errors.append(FieldError(key, f"表头中「{by_key[key].zh}」列重复",
                                 f"the header repeats the column '{by_key[key].en}'", row=1))
    for column in columns:
        if column.required and column.key not in found:
            errors.append(FieldError(column.key, f"缺少「{column.zh}」列",
                                     f"the column '{column.en}' is missing", row=1))
    if errors:
        raise ValidationFailed(errors)
    return keys


def _blank(cell: Any) -> bool:
    """Return True for an empty cell."""
    return cell is None or (isinstance(cell, str) and cell.strip() == "")


def read_table(data: bytes, filename: str, *, columns: Sequence[Column]
               ) -> list[tuple[int, dict[str, Any]]]:
    """Return [(row number, {column key: value})] of a .csv or .xlsx; row 1 is the header.

    Headers may use a column's key, its Chinese or English label or an alias. Blank rows are
    skipped; unknown, repeated or missing columns, values outside the header and files over the
    limits are refused with a message naming them.
    """
    if len(data) > MAX_FILE_BYTES:
        raise too_big(len(data))
    suffix = Path(filename).suffix.lower()
    if suffix == ".csv":
        rows = _csv_rows(data)
    elif suffix == ".xlsx":
        rows = _xlsx_rows(data)
    else:
        raise _fail(f"不支持的文件类型「{suffix}」（请用 .csv 或 .xlsx）",
                    f"unsupported file type '{suffix}' (use .csv or .xlsx)")
    header = next(rows, None)
    if header is None or all(_blank(cell) for cell in header):
        raise _fail("文件为空（第 1 行应为表头）", "the file is empty (row 1 must be the header)")
    keys = _match_header(list(header), columns)
    body: list[tuple[int, dict[str, Any]]] = []
    stray: list[FieldError] = []
    for number, row in enumerate(rows, start=2):
        if all(_blank(cell) for cell in row):
            continue
        outside = [i for i, cell in enumerate(row)
                   if not _blank(cell) and (i >= len(keys) or keys[i] is None)]
        if outside:
            stray.append(FieldError("file", f"第 {outside[0] + 1} 列有内容但没有表头",
                                    f"column {outside[0] + 1} holds a value but has no header",
                                    row=number))
        if len(body) == MAX_ROWS:
            raise _too_many_rows()
        body.append((number, {key: row[i] if i < len(row) else None
                              for i, key in enumerate(keys) if key}))
    if stray:
        raise ValidationFailed(stray)
    if not body:
        raise _fail("文件没有数据行", "the file has no data rows")
    return body


def column_label(field: str, columns: Sequence[Column], lang: str = "zh") -> str:
    """Return how an error table names a field: the column's label, '文件' for the file."""
    for column in columns:
        if column.key == field:
            return column.label(lang)
    if field == "file":
        return "File" if lang == "en" else "文件"
    return field  # an unknown header is named as the file spells it


def error_rows(failure: ValidationFailed, columns: Sequence[Column], lang: str = "zh"
               ) -> list[tuple[int | None, str, str]]:
    """Return (row, column label, problem) of every import error, in the language."""
    return [(e.row, column_label(e.field, columns, lang), e.en if lang == "en" else e.zh)
            for e in failure.errors]


def cell_text(value: Any) -> str:
    """Return a cell as stripped text (None as empty; whole floats without '.0')."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
