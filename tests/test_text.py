"""The text rule itself: what is refused, what is kept, how it is said."""

from __future__ import annotations

import pytest

from surveys.errors import ValidationFailed
from surveys.text import TextRule, check_text, clean_text, is_refused, normalise

LINE = TextRule("name", "用户单位名称", "Client unit", 10, required=True)
NOTE = TextRule("comment", "评价意见", "Comments", 20, multiline=True)


@pytest.mark.parametrize("char", [
    *(chr(c) for c in range(0x20) if chr(c) not in "\t\n\r"), "\x7f", "\x80", "\x85", "\x9b",
    "\x9f", "\u2028", "\u2029", *(chr(c) for c in range(0x202A, 0x202F)),
    *(chr(c) for c in range(0x2066, 0x206A)), "\ud800", "\udfff", "\ufdd0", "\ufdef", "\ufffe",
    "\uffff", "\U0001fffe", "\U0010ffff",
])
def test_refused_everywhere(char: str) -> None:
    assert is_refused(char) and is_refused(char, multiline=True)
    with pytest.raises(ValidationFailed) as caught:
        clean_text(f"甲{char}乙", LINE, row=4)
    error = caught.value.errors[0]
    code = f"U+{ord(char):04X}"
    assert (error.field, error.row) == ("name", 4)
    assert code in error.zh and code in error.en
    assert "用户单位名称" in error.zh and "第 2 个字符" in error.zh and "'Client unit'" in error.en


@pytest.mark.parametrize("char", ["\t", "\n", "\r"])
def test_line_breaks_and_tabs_only_in_the_multiline_field(char: str) -> None:
    assert is_refused(char)
    assert is_refused(char, multiline=True) == (char == "\r")  # CR becomes LF before the check
    with pytest.raises(ValidationFailed):
        clean_text(f"甲{char}乙", LINE)
    assert clean_text(f"甲{char}乙", NOTE) == ("甲\n乙" if char in "\r\n" else "甲\t乙")


@pytest.mark.parametrize("char", ["\u3000", "\xa0", "\u200b", "\u200c", "\u200d", "\u200e",
                                  "\u200f", "\u2060", "\ufeff", "\ue000", "\U000e0067", "\ufe0f",
                                  "\U0010fffd", "\u061c", "\u00ad", "\ufdcf", "\ufdf0", "\ufffd"])
def test_kept_where_people_type_them(char: str) -> None:
    assert not is_refused(char)
    assert clean_text(f"甲{char}乙", LINE) == f"甲{char}乙"


def test_nfc_trimming_and_lengths() -> None:
    assert clean_text(" \u3000Cafe\u0301\xa0\t", LINE) == "Caf\u00e9"
    assert clean_text("一" * 10, LINE) == "一" * 10
    assert clean_text("e\u0301" * 10, LINE) == "\u00e9" * 10  # counted after NFC
    assert clean_text("甲\r\n乙\r丙", NOTE) == "甲\n乙\n丙"
    assert clean_text(None, NOTE) == "" and clean_text(float("nan"), NOTE) == ""
    assert clean_text(12, NOTE) == "12"
    assert normalise("\ud800x") == "\ud800x"  # left for the rule to refuse, not a crash
    assert normalise("a\r\nb") == "a\r\nb"  # one-line text keeps CR for the rule to refuse
    assert (LINE.label(), LINE.label("zh"), LINE.label("en")) == (
        "用户单位名称", "用户单位名称", "Client unit")


@pytest.mark.parametrize(("value", "message"), [
    ("", "请填写「用户单位名称」"), ("   ", "'Client unit' is required"),
    ("一" * 11, "11 个字，最多 10 个字"), ("a" * 11, "11 characters, at most 10"),
])
def test_required_and_too_long_are_named(value: str, message: str) -> None:
    text, errors = check_text(value, LINE, row=2)
    assert [(e.field, e.row) for e in errors] == [("name", 2)]
    assert message in errors[0].zh + errors[0].en


def test_every_refused_character_is_named_once() -> None:
    _, errors = check_text("a\x0bb\x0bc\x1bd\u202ee\x07", LINE)
    assert len(errors) == 1
    assert "U+000B、U+001B、U+202E…（第 2 个字符起）" in errors[0].zh
    assert "U+000B, U+001B, U+202E, ... (from character 2)" in errors[0].en
    _, errors = check_text("a\x0bb\x0bc\x1bd\u202e", NOTE)
    assert errors[0].zh == ("「评价意见」含有不可见的控制字符 U+000B、U+001B、U+202E（第 2 个字符起），"
                            "请删除后重新输入")
    assert errors[0].en == ("'Comments' contains the control character U+000B, U+001B, U+202E "
                            "(from character 2); delete it and type the text again")


@pytest.mark.parametrize("char", ["\x0b", "\x0c", "\x1c", "\x1f", "\x85"])
def test_controls_python_calls_whitespace_are_refused_not_trimmed(char: str) -> None:
    with pytest.raises(ValidationFailed):
        clean_text(f"甲{char}", LINE)
