"""Table A.1 as data."""

from __future__ import annotations

import pytest

from surveys.form_a1 import FORM_ID, ITEM_COLUMNS, ITEMS, MAX_TOTAL, item_heading, item_label, total_of


def test_weights_follow_table_a1_and_sum_to_100() -> None:
    assert [item.max_score for item in ITEMS] == [10, 5, 15, 5, 10, 10, 15, 15, 15]
    assert MAX_TOTAL == 100
    assert sum(item.max_score for item in ITEMS) == 100


def test_items_are_numbered_in_order_with_both_names() -> None:
    assert [item.no for item in ITEMS] == list(range(1, 10))
    assert ITEM_COLUMNS == tuple(f"item{n}" for n in range(1, 10))
    assert all(item.name_zh and item.name_en for item in ITEMS)
    assert ITEMS[0].name_zh == "服务业务管理能力"
    assert ITEMS[8].name_zh == "兑现服务承诺表现"
    assert FORM_ID == "T/BAX-2022-A.1"


@pytest.mark.parametrize(("lang", "expected"), [
    ("zh", "1. 服务业务管理能力（满分 10）"),
    ("en", "1. Service management capability (max 10)"),
])
def test_item_label(lang: str, expected: str) -> None:
    assert item_label(ITEMS[0], lang) == expected


def test_total_of_adds_every_item() -> None:
    assert total_of({item.no: item.max_score for item in ITEMS}) == 100


@pytest.mark.parametrize(("lang", "expected"), [
    ("zh", "9. 兑现服务承诺表现（满分 15）"),
    ("en", "9. Keeping service commitments (max 15) · 兑现服务承诺表现")])
def test_item_heading_keeps_the_chinese_name_in_english(lang: str, expected: str) -> None:
    assert item_heading(ITEMS[8], lang) == expected
