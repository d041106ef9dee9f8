"""Tables as people read them: labelled columns, words for codes, whole numbers, Beijing times.

Every table a dashboard or workspace page shows or offers for download goes through
``localise``: column keys become labels in the session's language, stored codes ('web',
'answered', True) become words, integral numbers become integers (no "89.0") and moments
become Beijing time with the zone named (no UTC, no microseconds).
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

import pandas as pd

from surveys.clock import beijing_text

HEADERS: dict[str, tuple[str, str]] = {
    "response_id": ("记录编号", "Record no."),
    "client_id": ("用户单位编号", "Client no."),
    "provider_id": ("服务单位编号", "Provider no."),
    "client": ("用户单位", "Client unit"),
    "name": ("名称", "Name"),
    "key_unit": ("重点保卫单位", "Key-protection unit"),
    "status": ("状态", "Status"),
    "first_opened_at": ("首次打开时间", "First opened"),
    "total": ("总分", "Total"),
    "evaluation_date": ("评价日期", "Date of evaluation"),
    "version": ("版本", "Version"),
    "origin": ("来源", "Source"),
    "signer_name": ("签字人", "Signer"),
    "entered_by": ("录入人", "Entered by"),
    "submitted_at": ("提交时间", "Stored at"),
    "stored": ("提交时间", "Stored at"),
    "reason": ("更正原因", "Reason"),
    "receipt": ("回执码", "Receipt code"),
    "record_hash": ("记录哈希", "Record hash"),
    "year": ("年度", "Year"),
    "month": ("月份", "Month"),
    "responses": ("回复数", "Responses"),
    "forms": ("评价表数", "Forms"),
    "mean_total": ("平均总分", "Mean total"),
    "min_total": ("最低总分", "Lowest total"),
    "max_total": ("最高总分", "Highest total"),
    "star_by_score": ("按评价分星级", "Star by score"),
    "no": ("序号", "No."),
    "item": ("评价内容", "Item"),
    "max": ("满分值", "Max"),
    "mean": ("平均分", "Mean"),
    "share": ("得分率", "Share of max"),
    "score": ("得分", "Score"),
    "criterion": ("要求", "Criterion"),
    "actual": ("实际", "Actual"),
    "web_total": ("网上评价总分", "Web total"),
    "web_receipt": ("网上评价回执码", "Web receipt"),
    "new_total": ("更正后总分", "New total"),
    "new_receipt": ("更正后回执码", "New receipt"),
    "at": ("时间", "Time"),
    "by": ("操作人", "By"),
}
WORDS: dict[str, dict[Any, tuple[str, str]]] = {
    "origin": {"web": ("网上填写", "web"), "paper": ("纸质表录入", "paper entry"),
               "import": ("文件导入", "file import")},
    "status": {"answered": ("已评价", "Answered"), "opened": ("已打开未提交", "Opened, not answered"),
               "pending": ("未打开", "Not opened"), "revoked": ("链接已撤销", "Link revoked")},
    "entered_by": {"client": ("用户本人（网上）", "the client (web)")},
    "key_unit": {True: ("是", "yes"), False: ("否", "no")},
}
TABLES: dict[str, tuple[str, str]] = {
    "criteria": ("星级条件", "Star criteria"), "items": ("评价项目", "Items"),
    "progress": ("回访进度", "Callback progress"), "yearly": ("年度", "By year"),
    "monthly": ("月度", "By month"), "clients": ("用户单位", "Clients"),
}
EMPTY = "—"


def pick(pair: tuple[str, str], lang: str) -> str:
    """Return the Chinese or English half of a pair."""
    return pair[1] if lang == "en" else pair[0]


def header(key: str, lang: str = "zh") -> str:
    """Return a column's label (a column without a known key keeps its name, e.g. '1★')."""
    pair = HEADERS.get(key)
    return pick(pair, lang) if pair else key


def table_name(key: str, lang: str = "zh") -> str:
    """Return a table's name (downloads, sheet names) in the language."""
    pair = TABLES.get(key)
    return pick(pair, lang) if pair else key


def cell(value: Any, column: str, lang: str = "zh") -> Any:
    """Return one value as shown: a word for a code, an integer, Beijing time, '—' for none."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
        return EMPTY
    words = WORDS.get(column)
    if words is not None and not isinstance(value, float) and value in words:
        return pick(words[value], lang)
    if isinstance(value, bool):
        return pick(("是", "yes") if value else ("否", "no"), lang)
    if isinstance(value, datetime):  # pandas Timestamps too
        return beijing_text(value.to_pydatetime() if isinstance(value, pd.Timestamp) else value,
                            lang)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def localise(frame: pd.DataFrame, lang: str = "zh", *, drop: tuple[str, ...] = ()
             ) -> pd.DataFrame:
    """Return a copy for people: the other language's item name and `drop` columns left out."""
    other = "name_zh" if lang == "en" else "name_en"
    mine = "name_en" if lang == "en" else "name_zh"
    keep = [c for c in frame.columns if c not in (*drop, other, "key")]
    shown = frame[keep].rename(columns={mine: "item"})
    return pd.DataFrame({header(str(column), lang): _column(shown[column], str(column), lang)
                         for column in shown.columns}, index=range(len(shown)))


def _column(series: pd.Series, column: str, lang: str) -> pd.Series:
    """Return a column's values as shown: whole-number columns as int64, shares as floats.

    Any other column holds Python values (int, float, text, '—'), which CSV and XLSX write
    as they are: 89 stays 89 and 88.5 stays 88.5.
    """
    if column == "share":  # a fraction drawn as a bar
        return pd.Series([None if v is None or v != v else float(v) for v in series],
                         dtype="float64")
    values = [cell(v, column, lang) for v in series]
    if values and all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        return pd.Series(values, dtype="int64")
    return pd.Series(values, dtype=object)


def for_display(frame: pd.DataFrame) -> pd.DataFrame:
    """Return the table for st.dataframe: mixed columns as text, so 89 never shows as 89.0."""
    shown = frame.copy()
    for column in shown.columns:
        if shown[column].dtype == object:
            shown[column] = [v if isinstance(v, str) else str(v) for v in shown[column]]
    return shown
