"""Templates of the two import files (XLSX): the header row, a note on every column, and data
validation so Excel refuses a wrong score, date or yes/no while the sheet is being filled in."""

from __future__ import annotations

import io
from collections.abc import Sequence

from surveys.form_a1 import ITEMS
from surveys.tabular import MAX_ROWS, Column

LAST_ROW = MAX_ROWS + 1
TEXT_FORMAT = "@"  # keeps phone numbers and names as typed (no 1.38E+10)


def _validation(column: Column) -> tuple[str, str, str | None, str | None, str, str] | None:
    """Return (type, operator, formula1, formula2, prompt zh, prompt en) for a column, or None."""
    key = column.key
    if key == "key_unit":
        return ("list", "", '"是,否"', None, "请选择 是 或 否", "Choose 是 (yes) or 否 (no)")
    if key == "contract_year":
        return ("whole", "between", "2000", "2100", "2000 到 2100 之间的年份", "A year, 2000-2100")
    if key == "contract_amount":
        return ("decimal", "between", "0", "999999999999.99", "不小于 0 的金额（元）",
                "An amount in CNY, not negative")
    if key == "date":
        return ("date", "between", "DATE(2000,1,1)", "DATE(2100,12,31)", "日期，如 2026-03-01",
                "A date, e.g. 2026-03-01")
    if key.startswith("item") and key[4:].isdigit():
        top = ITEMS[int(key[4:]) - 1].max_score
        return ("whole", "between", "0", str(top), f"0 到 {top} 的整数", f"A whole number 0-{top}")
    return None


def _template(columns: Sequence[Column], title: str, notes_title: str,
              text_columns: set[str], date_columns: set[str]) -> bytes:
    """Return an XLSX: the header on the first sheet (what the importer reads) and a notes sheet."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    sheet = book.active
    sheet.title = title
    required = PatternFill("solid", fgColor="FFF2CC")
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        cell = sheet.cell(row=1, column=index, value=column.zh)
        cell.font = Font(bold=True)
        if column.required:
            cell.fill = required
        need = "必填" if column.required else "选填"
        note = f"{column.zh}（{need}）\n{column.note_zh}\n\n{column.en} " \
               f"({'required' if column.required else 'optional'})\n{column.note_en}".strip()
        cell.comment = Comment(note, "star-survey", width=320, height=160)
        sheet.column_dimensions[letter].width = max(12, min(40, 2 * len(column.zh) + 4))
        cells = f"{letter}2:{letter}{LAST_ROW}"
        rule = _validation(column)
        if rule is not None:
            kind, operator, first, second, prompt_zh, prompt_en = rule
            check = DataValidation(type=kind, operator=operator or None, formula1=first,
                                   formula2=second, allow_blank=True, showErrorMessage=True,
                                   showInputMessage=True, errorTitle=column.zh,
                                   error=f"{prompt_zh} / {prompt_en}", promptTitle=column.zh,
                                   prompt=f"{prompt_zh} / {prompt_en}")
            check.add(cells)
            sheet.add_data_validation(check)
        if column.key in text_columns:
            for row in range(2, 202):  # formats reach the first rows people fill in
                sheet.cell(row=row, column=index).number_format = TEXT_FORMAT
        if column.key in date_columns:
            for row in range(2, 202):
                sheet.cell(row=row, column=index).number_format = "yyyy-mm-dd"
    sheet.freeze_panes = "A2"
    notes = book.create_sheet(notes_title)
    notes.append(["列 / Column", "英文列名 / English header", "必填 / Required", "说明",
                  "Notes"])
    for column in columns:
        notes.append([column.zh, column.en, "是 / yes" if column.required else "否 / no",
                      column.note_zh, column.note_en])
    notes.append([])
    notes.append(["导入只读取第一个工作表；第 1 行为表头，从第 2 行起每行一条。"
                  "任何一行有误则整个文件都不导入。",
                  "Only the first sheet is read; row 1 is the header, one record per row from "
                  "row 2. One bad row and nothing is imported."])
    for letter, width in zip("ABCDE", (18, 30, 14, 50, 50), strict=True):
        notes.column_dimensions[letter].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def client_template_xlsx() -> bytes:
    """Return the XLSX template of a client list (用户单位导入模板)."""
    from surveys.client_import import COLUMNS

    return _template(COLUMNS, "用户单位", "说明 Notes", {"name", "department", "manager", "phone",
                                                    "email"},
                     set())


def response_template_xlsx() -> bytes:
    """Return the XLSX template of paper forms to import (纸质评价表导入模板)."""
    from surveys.response_import import COLUMNS

    return _template(COLUMNS, "纸质评价表", "说明 Notes",
                     {"client", "signer", "signer_title", "signer_phone", "scan"}, {"date"})
