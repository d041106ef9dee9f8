"""The one validation of a filled-in form: boundaries per item, dates, signer."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from surveys.errors import ValidationFailed
from surveys.form_a1 import ITEMS
from surveys.validation import parse_date, parse_score, validate_response

WINDOW = (date(2026, 1, 1), date(2026, 12, 31))
TODAY = date(2026, 11, 24)


def full_form(**changes: Any) -> dict[str, Any]:
    """Return a complete valid form with full marks, with changes applied."""
    raw: dict[str, Any] = {f"item{item.no}": item.max_score for item in ITEMS}
    raw.update(evaluation_date="2026-11-20", signer_name="张三")
    raw.update(changes)
    return raw


def errors_of(raw: dict[str, Any]) -> list[str]:
    """Return the fields named by the errors of an invalid form."""
    with pytest.raises(ValidationFailed) as caught:
        validate_response(raw, window=WINDOW, today=TODAY)
    return [e.field for e in caught.value.errors]


def test_full_marks_give_100_and_the_client_total_is_ignored() -> None:
    valid = validate_response(full_form(total=5), window=WINDOW, today=TODAY)
    assert valid.total == 100


@pytest.mark.parametrize("item", ITEMS, ids=lambda i: f"item{i.no}")
@pytest.mark.parametrize(("offset", "ok"), [("zero", True), ("max", True), ("max+1", False),
                                            ("-1", False)])
def test_each_item_bounds(item: Any, offset: str, ok: bool) -> None:
    value = {"zero": 0, "max": item.max_score, "max+1": item.max_score + 1, "-1": -1}[offset]
    raw = full_form(**{f"item{item.no}": value})
    if ok:
        assert validate_response(raw, window=WINDOW, today=TODAY).scores[item.no] == value
    else:
        assert errors_of(raw) == [f"item{item.no}"]


@pytest.mark.parametrize("value", [None, "", "  ", 7.5, "7.5", "abc", True, float("nan"),
                                   float("inf"), [3], "１０"])
def test_non_integer_or_missing_scores_are_rejected(value: Any) -> None:
    assert errors_of(full_form(item3=value)) == ["item3"]


@pytest.mark.parametrize(("value", "expected"), [(10, 10), ("10", 10), (" 9 ", 9), (9.0, 9),
                                                 ("-1", -1), (False, None), ("9.0", None)])
def test_parse_score(value: Any, expected: int | None) -> None:
    assert parse_score(value) == expected


def test_every_problem_is_reported_at_once_in_both_languages() -> None:
    raw = full_form(item1=11, item9=None, signer_name=" ", evaluation_date="2027-01-01")
    with pytest.raises(ValidationFailed) as caught:
        validate_response(raw, window=WINDOW, today=TODAY)
    fields = [e.field for e in caught.value.errors]
    assert fields == ["item1", "item9", "date", "signer_name"]
    first = caught.value.errors[0]
    assert "服务业务管理能力" in first.zh and "Service management capability" in first.en


@pytest.mark.parametrize(("when", "ok"), [
    ("2026-01-01", True), ("2025-12-31", False), ("2026-11-24", True), ("2026-11-25", False),
    ("2026-02-30", False), ("24/11/2026", False), (date(2026, 6, 1), True),
])
def test_evaluation_date_window_and_future(when: Any, ok: bool) -> None:
    raw = full_form(evaluation_date=when)
    if ok:
        assert validate_response(raw, window=WINDOW, today=TODAY).evaluation_date
    else:
        assert errors_of(raw) == ["date"]


def test_a_campaign_closing_early_next_year_accepts_january_dates() -> None:
    window = (date(2025, 1, 1), date(2026, 1, 31))
    valid = validate_response(full_form(evaluation_date="2026-01-15"), window=window,
                              today=TODAY)
    assert valid.evaluation_date == date(2026, 1, 15)


def test_signer_is_required_and_text_is_kept_literally() -> None:
    assert errors_of(full_form(signer_name=None)) == ["signer_name"]
    valid = validate_response(full_form(signer_name=" <b>王</b> ", comment="=1+1"),
                              window=WINDOW, today=TODAY)
    assert valid.signer_name == "<b>王</b>" and valid.comment == "=1+1"


def test_each_message_says_what_is_wrong_in_both_languages() -> None:
    with pytest.raises(ValidationFailed) as caught:
        validate_response(full_form(item1="", item2="x", item3=16, evaluation_date="2026-12-01",
                                    signer_phone="138"),
                          window=(date(2026, 1, 1), date(2026, 11, 30)), today=date(2026, 12, 5))
    assert [(e.field, e.zh, e.en) for e in caught.value.errors] == [
        ("item1", "第 1 项「服务业务管理能力」未评分", "item 1 'Service management capability' has no score"),
        ("item2", "第 2 项「维保工作规范表现」必须是整数（收到 'x'）",
         "item 2 'Conformity of maintenance work to procedure' must be a whole number (got 'x')"),
        ("item3", "第 3 项「员工维修技能水平」应在 0 到 15 之间（收到 16）",
         "item 3 'Staff repair skill' must be between 0 and 15 (got 16)"),
        ("date", "评价日期 2026-12-01 不在回访期 2026-01-01 至 2026-11-30 内",
         "evaluation date 2026-12-01 is outside the campaign window 2026-01-01 to 2026-11-30"),
        ("signer_phone", "「签字人电话」不是有效的电话号码（收到 '138'）：请填写手机号（如 138 1234 5678）"
         "或带区号的固定电话（如 010-8512 3456 转 8021），可加 +86",
         "'Signer's phone' is not a valid phone number (got '138'): use a mainland mobile number "
         "(e.g. 138 1234 5678) or a landline with its area code (e.g. 010-8512 3456 ext. 8021), "
         "optionally with +86"),
    ]


@pytest.mark.parametrize(("phone", "fields"), [
    ("", []), ("138 1234 5678", []), ("010-8512 3456 转 21", []), ("13x", ["signer_phone"]),
    ("1" * 51, ["signer_phone"]), ("138\x0b12345678", ["signer_phone"]),
])
def test_the_signer_phone_is_checked_once(phone: str, fields: list[str]) -> None:
    raw = full_form(signer_phone=phone)
    if not fields:
        assert validate_response(raw, window=WINDOW, today=TODAY).signer_phone == phone
    else:
        assert errors_of(raw) == fields


@pytest.mark.parametrize(("value", "expected"), [
    ("X5", None), ("-5", -5), ("9" * 20, int("9" * 20)), ("9" * 21, None), ("-" + "9" * 19, -int("9" * 19)),
])
def test_parse_score_edges(value: str, expected: int | None) -> None:
    assert parse_score(value) == expected


def test_dates_on_the_window_edges_and_in_odd_text() -> None:
    closes = (date(2026, 1, 1), date(2026, 6, 30))
    assert validate_response(full_form(evaluation_date="2026-06-30"), window=closes,
                             today=TODAY).evaluation_date == date(2026, 6, 30)
    assert parse_date("2026-03-01xyz") is None and parse_date(" 2026-03-01 ") == date(2026, 3, 1)
