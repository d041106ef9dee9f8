"""The one validation of a filled-in form: boundaries per item, dates, signer."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from surveys.errors import ValidationFailed
from surveys.form_a1 import ITEMS
from surveys.validation import parse_score, validate_response

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
