"""Validation limits at their bounds, control characters in every text field, every problem
reported at once, the campaign's closing day, and nothing cut short silently."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from surveys.errors import ValidationFailed
from surveys.validation import validate_response
from tests.test_validation import TODAY, WINDOW, full_form

PHONE = "13812345678"


def problems(raw: dict[str, Any], *, window: tuple[date, date] = WINDOW,
             today: date = TODAY) -> list[tuple[str, str, str]]:
    """Return (field, zh, en) of every problem of an invalid form."""
    with pytest.raises(ValidationFailed) as caught:
        validate_response(raw, window=window, today=today)
    return [(e.field, e.zh, e.en) for e in caught.value.errors]


# field, its limit (characters; VARCHAR on PostgreSQL), a one-character filler, Chinese label
LIMITS = [
    ("signer_name", 100, "张", "签字人", "Signer"),
    ("signer_name", 100, "a", "签字人", "Signer"),
    ("signer_title", 100, "长", "签字人职务", "Signer's title"),
    ("comment", 2000, "好", "评价意见", "Comments"),
    ("comment", 2000, "x", "评价意见", "Comments"),
]


@pytest.mark.parametrize(("field", "limit", "char", "zh", "en"), LIMITS)
def test_text_at_its_limit_is_kept_whole(field: str, limit: int, char: str, zh: str,
                                         en: str) -> None:
    valid = validate_response(full_form(**{field: char * limit}), window=WINDOW, today=TODAY)
    assert getattr(valid, field) == char * limit


@pytest.mark.parametrize(("field", "limit", "char", "zh", "en"), LIMITS)
def test_text_one_over_its_limit_is_refused_not_cut(field: str, limit: int, char: str, zh: str,
                                                    en: str) -> None:
    assert problems(full_form(**{field: char * (limit + 1)})) == [(
        field, f"「{zh}」过长：{limit + 1} 个字，最多 {limit} 个字",
        f"'{en}' is too long: {limit + 1} characters, at most {limit}")]


def test_the_phone_limit_is_50_characters() -> None:
    padded = "010-8512 3456" + " " * 31 + "转 8021"  # 50 characters, one number with extension
    assert len(padded) == 50
    assert validate_response(full_form(signer_phone=padded), window=WINDOW,
                             today=TODAY).signer_phone == padded
    assert problems(full_form(signer_phone=padded + "1")) == [(
        "signer_phone", "「签字人电话」过长：51 个字，最多 50 个字",
        "'Signer's phone' is too long: 51 characters, at most 50")]


def test_outer_spaces_do_not_count_and_are_trimmed() -> None:
    valid = validate_response(full_form(signer_name=" " + "张" * 100 + " "), window=WINDOW,
                              today=TODAY)
    assert valid.signer_name == "张" * 100


@pytest.mark.parametrize(("field", "zh", "en", "value"), [
    ("signer_name", "签字人", "Signer", "张\x00三"),
    ("signer_title", "签字人职务", "Signer's title", "处\x00长"),
    ("signer_phone", "签字人电话", "Signer's phone", "138\x0012345678"),
    ("comment", "评价意见", "Comments", "很\x00好"),
])
def test_a_nul_in_any_text_field_is_refused(field: str, zh: str, en: str, value: str) -> None:
    assert problems(full_form(**{field: value})) == [(
        field, f"「{zh}」含有不可见的控制字符 U+0000（第 {value.index(chr(0)) + 1} 个字符起），"
        "请删除后重新输入",
        f"'{en}' contains the control character U+0000 (from character "
        f"{value.index(chr(0)) + 1}); delete it and type the text again")]


def test_line_breaks_only_in_the_comment() -> None:
    valid = validate_response(full_form(comment="第一行\r\n第二行\r第三行"), window=WINDOW,
                              today=TODAY)
    assert valid.comment == "第一行\n第二行\n第三行"
    assert [f for f, _, _ in problems(full_form(signer_title="处\n长"))] == ["signer_title"]


def test_every_problem_is_reported_at_once() -> None:
    raw = full_form(item1=None, item2="x", item5="", item9=16, evaluation_date="2027-01-01",
                    signer_name="\x00", signer_title="\x00", signer_phone="\x00",
                    comment="\x00")
    assert [f for f, _, _ in problems(raw)] == [
        "item1", "item2", "item5", "item9", "date", "signer_name", "signer_title",
        "signer_phone", "comment"]


def test_a_missing_item_does_not_hide_the_next_ones() -> None:
    assert [f for f, _, _ in problems(full_form(item1=None, item2=None, item3=99))] == [
        "item1", "item2", "item3"]


@pytest.mark.parametrize(("evaluated", "today", "ok"), [
    (date(2026, 6, 30), date(2026, 6, 30), True),   # dated on the closing day, entered that day
    (date(2026, 6, 30), date(2026, 7, 3), True),    # dated on the closing day, entered later
    (date(2026, 7, 1), date(2026, 7, 3), False),    # the day after closing
    (date(2026, 1, 1), date(2026, 1, 1), True),     # the opening day
    (date(2025, 12, 31), date(2026, 1, 1), False),  # the day before opening
    (date(2026, 6, 30), date(2026, 6, 29), False),  # the closing day, still in the future
])
def test_an_evaluation_dated_on_the_closing_day(evaluated: date, today: date, ok: bool) -> None:
    window = (date(2026, 1, 1), date(2026, 6, 30))
    raw = full_form(evaluation_date=evaluated.isoformat())
    if ok:
        assert validate_response(raw, window=window, today=today).evaluation_date == evaluated
    else:
        assert [f for f, _, _ in problems(raw, window=window, today=today)] == ["date"]


def test_the_future_message() -> None:
    assert problems(full_form(evaluation_date="2026-11-25")) == [
        ("date", "评价日期 2026-11-25 晚于今天", "evaluation date 2026-11-25 is in the future")]
    assert problems(full_form(evaluation_date="2026/11/20")) == [
        ("date", "评价日期无效（应为 YYYY-MM-DD，收到 '2026/11/20'）",
         "evaluation date is invalid (expected YYYY-MM-DD, got '2026/11/20')")]


def test_a_valid_form_keeps_every_field() -> None:
    valid = validate_response(full_form(item3="7", item4=2.0, signer_title="处长",
                                        signer_phone=PHONE, comment="好"),
                              window=WINDOW, today=TODAY)
    assert valid.scores == {1: 10, 2: 5, 3: 7, 4: 2, 5: 10, 6: 10, 7: 15, 8: 15, 9: 15}
    assert valid.total == 89
    assert (valid.evaluation_date, valid.signer_name, valid.signer_title, valid.signer_phone,
            valid.comment) == (date(2026, 11, 20), "张三", "处长", PHONE, "好")


def test_a_datetime_is_read_as_its_date() -> None:
    from datetime import datetime
    valid = validate_response(full_form(evaluation_date=datetime(2026, 6, 1, 23, 59)),
                              window=WINDOW, today=TODAY)
    assert valid.evaluation_date == date(2026, 6, 1) and type(valid.evaluation_date) is date
