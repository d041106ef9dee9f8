"""The one validation of a filled-in Table A.1, shared by the web form, paper entry and import."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from surveys.errors import FieldError, ValidationFailed
from surveys.form_a1 import ITEMS, FormItem
from surveys.phones import is_phone, phone_message
from surveys.text import TextRule, check_text

MAX_SIGNER_LEN = 100
MAX_COMMENT_LEN = 2000


@dataclass(frozen=True)
class ValidResponse:
    """A response whose every field was checked; total computed here, never taken from input."""

    scores: dict[int, int]
    evaluation_date: date
    signer_name: str
    signer_title: str
    signer_phone: str
    comment: str

    @property
    def total(self) -> int:
        """Return the sum of the nine item scores."""
        return sum(self.scores.values())


def parse_score(value: Any) -> int | None:
    """Return value as an int score if it is a whole number (int, integral float or digits)."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if math.isfinite(value) and value.is_integer() else None
    if isinstance(value, str):
        text = value.strip()
        if text.lstrip("-").isdigit() and text.isascii() and len(text) <= 20:  # int() caps digits
            return int(text)
    return None


def _item_error(item: FormItem, zh: str, en: str) -> FieldError:
    """Return an error about one item, naming it in both languages."""
    return FieldError(
        field=f"item{item.no}",
        zh=f"第 {item.no} 项「{item.name_zh}」{zh}",
        en=f"item {item.no} '{item.name_en}' {en}",
    )


def check_scores(raw: Mapping[str, Any]) -> tuple[dict[int, int], list[FieldError]]:
    """Return the parsed scores and the errors of the nine items."""
    scores: dict[int, int] = {}
    errors: list[FieldError] = []
    for item in ITEMS:
        value = raw.get(f"item{item.no}")
        if value is None or (isinstance(value, str) and not value.strip()) or (
            isinstance(value, float) and math.isnan(value)
        ):
            errors.append(_item_error(item, "未评分", "has no score"))
            continue
        score = parse_score(value)
        if score is None:
            errors.append(_item_error(item, f"必须是整数（收到 {value!r}）",
                                      f"must be a whole number (got {value!r})"))
        elif not 0 <= score <= item.max_score:
            errors.append(_item_error(item, f"应在 0 到 {item.max_score} 之间（收到 {score}）",
                                      f"must be between 0 and {item.max_score} (got {score})"))
        else:
            scores[item.no] = score
    return scores, errors


def parse_date(value: Any) -> date | None:
    """Return a date from a date, datetime or 'YYYY-MM-DD' text, else None."""
    if isinstance(value, date):
        return value if type(value) is date else value.date()  # type: ignore[attr-defined]
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip()[:10]) if len(value.strip()) == 10 else None
        except ValueError:
            return None
    return None


def check_date(value: Any, *, window: tuple[date, date], today: date) -> tuple[date | None,
                                                                               list[FieldError]]:
    """Return the evaluation date and its errors: not in the future, inside the campaign window."""
    parsed = parse_date(value)
    if parsed is None:
        return None, [FieldError("date", f"评价日期无效（应为 YYYY-MM-DD，收到 {value!r}）",
                                 f"evaluation date is invalid (expected YYYY-MM-DD, got {value!r})")]
    if parsed > today:
        return None, [FieldError("date", f"评价日期 {parsed} 晚于今天",
                                 f"evaluation date {parsed} is in the future")]
    opens, closes = window
    if not opens <= parsed <= closes:
        return None, [FieldError("date", f"评价日期 {parsed} 不在回访期 {opens} 至 {closes} 内",
                                 f"evaluation date {parsed} is outside the campaign "
                                 f"window {opens} to {closes}")]
    return parsed, []


RESPONSE_RULES = {
    "signer_name": TextRule("signer_name", "签字人", "Signer", MAX_SIGNER_LEN, required=True),
    "signer_title": TextRule("signer_title", "签字人职务", "Signer's title", 100),
    "signer_phone": TextRule("signer_phone", "签字人电话", "Signer's phone", 50),
    "comment": TextRule("comment", "评价意见", "Comments", MAX_COMMENT_LEN, multiline=True),
}


def check_texts(raw: Mapping[str, Any]) -> tuple[dict[str, str], list[FieldError]]:
    """Return the signer fields and the comment cleaned by the text rule, and their errors."""
    texts: dict[str, str] = {}
    errors: list[FieldError] = []
    for key, rule in RESPONSE_RULES.items():
        texts[key], problems = check_text(raw.get(key), rule)
        errors += problems
    phone = texts["signer_phone"]
    if phone and not is_phone(phone) and not any(e.field == "signer_phone" for e in errors):
        zh, en = phone_message(RESPONSE_RULES["signer_phone"].zh,
                               RESPONSE_RULES["signer_phone"].en, phone)
        errors.append(FieldError("signer_phone", zh, en))
    return texts, errors


def validate_response(
    raw: Mapping[str, Any], *, window: tuple[date, date], today: date
) -> ValidResponse:
    """Return the checked response, or raise ValidationFailed listing every problem."""
    scores, errors = check_scores(raw)
    evaluation_date, date_errors = check_date(raw.get("evaluation_date"), window=window,
                                              today=today)
    texts, text_errors = check_texts(raw)
    errors += date_errors + text_errors
    if errors or evaluation_date is None:
        raise ValidationFailed(errors)
    return ValidResponse(scores=scores, evaluation_date=evaluation_date, **texts)
