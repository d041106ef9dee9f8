"""Table A.1 of T/BAX-2022 (用户评价表) as data: the single source of item names and weights."""

from __future__ import annotations

from dataclasses import dataclass

FORM_ID = "T/BAX-2022-A.1"


@dataclass(frozen=True)
class FormItem:
    """One scored row of Table A.1."""

    no: int
    name_zh: str
    name_en: str
    max_score: int

    def name(self, lang: str = "zh") -> str:
        """Return the item name in the requested language ('zh' or 'en')."""
        return self.name_en if lang == "en" else self.name_zh


ITEMS: tuple[FormItem, ...] = (
    FormItem(1, "服务业务管理能力", "Service management capability", 10),
    FormItem(2, "维保工作规范表现", "Conformity of maintenance work to procedure", 5),
    FormItem(3, "员工维修技能水平", "Staff repair skill", 15),
    FormItem(4, "员工工作素质表现", "Staff conduct and professionalism", 5),
    FormItem(5, "维修质量总体印象", "Overall impression of repair quality", 10),
    FormItem(6, "改进工作问题效果", "Effectiveness of fixing reported problems", 10),
    FormItem(7, "报修受理进场响应", "Handling of repair calls and on-site response", 15),
    FormItem(8, "应急事件处置能力", "Emergency handling capability", 15),
    FormItem(9, "兑现服务承诺表现", "Keeping service commitments", 15),
)

TOTAL_NAME_ZH = "评价总分值"
TOTAL_NAME_EN = "Total"
MAX_TOTAL = sum(item.max_score for item in ITEMS)
ITEM_COLUMNS: tuple[str, ...] = tuple(f"item{item.no}" for item in ITEMS)

# Header fields of the form, (key, Chinese label, English label).
CLIENT_HEADER = (
    ("name", "用户单位名称", "Client unit"),
    ("department", "用户主管部门名称", "Client's responsible department"),
    ("manager", "主管负责人", "Person in charge"),
    ("phone", "联系电话", "Phone"),
)
PROVIDER_HEADER = (
    ("name", "服务单位名称", "Provider"),
    ("department", "服务主管部门名称", "Provider's responsible department"),
    ("manager", "主管负责人", "Person in charge"),
    ("phone", "联系电话", "Phone"),
)


def item_label(item: FormItem, lang: str = "zh") -> str:
    """Return the accessible label of an item's score input, e.g. '1. 服务业务管理能力（满分 10）'."""
    if lang == "en":
        return f"{item.no}. {item.name_en} (max {item.max_score})"
    return f"{item.no}. {item.name_zh}（满分 {item.max_score}）"


def item_heading(item: FormItem, lang: str = "zh") -> str:
    """Return the heading of an item on the client form (English keeps the Chinese name)."""
    return item_label(item) if lang != "en" else f"{item_label(item, 'en')} · {item.name_zh}"


def total_of(scores: dict[int, int]) -> int:
    """Return the total of item scores keyed by item number."""
    return sum(scores[item.no] for item in ITEMS)
