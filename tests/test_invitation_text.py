"""The short Chinese message per client (WeChat/SMS): link and deadline intact, within the limit."""

from __future__ import annotations

from datetime import date

import pytest

from surveys.errors import ValidationFailed
from surveys.invitation_text import (
    MESSAGE_MAX,
    MessageFacts,
    deadline_text,
    invitation_message,
    reminder_message,
)

LINK = "https://survey.jingan.cn/?t=Zx3kQ9pL2mN8vB4cR7tY1w"


def facts(**changes: object) -> MessageFacts:
    """Return typical message facts with some changed."""
    base: dict[str, object] = dict(client="北京市第一人民医院", provider="京安安防维保有限公司",
                                   year=2026, link=LINK, closes=date(2027, 1, 31),
                                   contact="孙建国", phone="010-6688 1234")
    base.update(changes)
    return MessageFacts(**base)  # type: ignore[arg-type]


def test_the_invitation_says_who_what_until_when_and_whom_to_call() -> None:
    text = invitation_message(facts())
    assert len(text) <= MESSAGE_MAX and text.startswith("尊敬的北京市第一人民医院")
    for part in ("北京市第一人民医院", "京安安防维保有限公司", "2026", "年度", "2027年1月31日",
                 "5分钟", "孙建国", "010-6688 1234"):
        assert part in text
    assert f" {LINK} " in f" {text} "  # the link stands alone so messengers link all of it


def test_the_reminder_differs_and_keeps_the_same_facts() -> None:
    first, again = invitation_message(facts()), reminder_message(facts())
    assert again != first and "提醒" in again and "提醒" not in first
    assert len(again) <= MESSAGE_MAX
    for part in (LINK, "2027年1月31日", "010-6688 1234", "北京市第一人民医院"):
        assert part in again


@pytest.mark.parametrize("make", [invitation_message, reminder_message])
def test_long_names_are_shortened_never_the_link_deadline_or_phone(make: object) -> None:
    long = facts(client="北京市" + "某" * 190 + "医院", provider="京安" + "维" * 195 + "公司",
                 contact="欧阳" * 50, link=LINK + "x" * 40)
    text = make(long)  # type: ignore[operator]
    assert len(text) == MESSAGE_MAX and text.startswith("尊敬的北京市")
    assert f" {LINK + 'x' * 40} " in f" {text} " and "2027年1月31日" in text
    assert "010-6688 1234" in text and "…" in text and "北京市" in text


def test_a_message_without_contact_details_leaves_them_out() -> None:
    text = invitation_message(facts(contact="", phone=""))
    assert "联系" not in text and LINK in text and "None" not in text


def test_a_link_too_long_for_any_message_is_refused_naming_the_link() -> None:
    with pytest.raises(ValidationFailed) as caught:
        invitation_message(facts(link="https://x.cn/?t=" + "a" * 190))
    assert caught.value.errors[0].field == "link" and str(MESSAGE_MAX) in caught.value.errors[0].zh


@pytest.mark.parametrize(("day", "text"), [(date(2027, 1, 31), "2027年1月31日"),
                                           (date(2026, 12, 5), "2026年12月5日")])
def test_the_deadline_is_written_the_chinese_way(day: date, text: str) -> None:
    assert deadline_text(day) == text
