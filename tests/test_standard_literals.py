"""Table A.1 and the §5 score thresholds pinned by the standard's literal text, not the code's own
constants (copied from /work/shared/reference/standard.md: Appendix A and §5)."""

from __future__ import annotations

from fractions import Fraction

import pytest

from analytics.stars import SCORE_THRESHOLDS, star_by_mean
from surveys.form_a1 import (
    CLIENT_HEADER,
    ITEMS,
    MAX_TOTAL,
    PROVIDER_HEADER,
    TOTAL_NAME_EN,
    TOTAL_NAME_ZH,
    item_label,
    total_of,
)

# (No., 评价内容, English, 满分值) exactly as Table A.1 prints them.
TABLE_A1 = [
    (1, "服务业务管理能力", "service management capability", 10),
    (2, "维保工作规范表现", "conformity of maintenance work to procedure", 5),
    (3, "员工维修技能水平", "staff repair skill", 15),
    (4, "员工工作素质表现", "staff conduct and professionalism", 5),
    (5, "维修质量总体印象", "overall impression of repair quality", 10),
    (6, "改进工作问题效果", "effectiveness of fixing reported problems", 10),
    (7, "报修受理进场响应", "handling of repair calls and on-site response", 15),
    (8, "应急事件处置能力", "emergency handling capability", 15),
    (9, "兑现服务承诺表现", "keeping service commitments", 15),
]


@pytest.mark.parametrize(("no", "zh", "en", "max_score"), TABLE_A1)
def test_each_item_is_the_standards_row(no: int, zh: str, en: str, max_score: int) -> None:
    item = ITEMS[no - 1]
    assert (item.no, item.name_zh, item.name_en.lower(), item.max_score) == (no, zh, en, max_score)
    assert item.name("zh") == zh and item.name() == zh
    assert item.name("en").lower() == en
    assert item_label(item) == f"{no}. {zh}（满分 {max_score}）"
    assert item_label(item, "en").lower() == f"{no}. {en} (max {max_score})"


def test_the_form_has_exactly_the_nine_rows_and_the_total_row() -> None:
    assert len(ITEMS) == 9
    assert (TOTAL_NAME_ZH, TOTAL_NAME_EN.lower(), MAX_TOTAL) == ("评价总分值", "total", 100)
    assert total_of({no: max_score for no, _, _, max_score in TABLE_A1}) == 100
    assert total_of({no: no for no, *_ in TABLE_A1}) == 45


def test_header_fields_are_the_standards() -> None:
    assert [zh for _, zh, _ in CLIENT_HEADER] == ["用户单位名称", "用户主管部门名称", "主管负责人",
                                                 "联系电话"]
    assert [zh for _, zh, _ in PROVIDER_HEADER] == ["服务单位名称", "服务主管部门名称", "主管负责人",
                                                   "联系电话"]


def test_score_thresholds_are_85_90_95() -> None:
    assert SCORE_THRESHOLDS == ((3, 95), (2, 90), (1, 85))


@pytest.mark.parametrize(("mean", "star"), [
    (Fraction(85) - Fraction(1, 10**6), 0), (Fraction(85), 1),
    (Fraction(90) - Fraction(1, 10**6), 1), (Fraction(90), 2),
    (Fraction(95) - Fraction(1, 10**6), 2), (Fraction(95), 3), (Fraction(100), 3),
])
def test_star_bounds_are_included(mean: Fraction, star: int) -> None:
    assert star_by_mean(mean) == star


def test_header_keys_and_labels() -> None:
    assert CLIENT_HEADER == (
        ("name", "用户单位名称", "Client unit"),
        ("department", "用户主管部门名称", "Client's responsible department"),
        ("manager", "主管负责人", "Person in charge"),
        ("phone", "联系电话", "Phone"),
    )
    assert PROVIDER_HEADER == (
        ("name", "服务单位名称", "Provider"),
        ("department", "服务主管部门名称", "Provider's responsible department"),
        ("manager", "主管负责人", "Person in charge"),
        ("phone", "联系电话", "Phone"),
    )
