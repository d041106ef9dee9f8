"""The short Chinese message per client (WeChat/SMS): invitation and reminder, pure functions.

A message is at most MESSAGE_MAX (200) characters, three concatenated SMS segments of 67
(a platform's 【签名】 comes on top). The link, the deadline and the contact phone are never cut;
when the whole does not fit, the client's, provider's and contact's names are shortened with
'…' (longest first). The link stands between spaces so messengers make all of it clickable.
A message starts with '尊敬的', never with a stored name, so no spreadsheet takes it for a formula.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from surveys.errors import FieldError, ValidationFailed
from surveys.models import Campaign, Client, Provider

MESSAGE_MAX = 200
MINUTES = 5  # how long the nine-item form takes, said in every message and letter
MIN_NAME = 2  # a shortened name keeps at least one character and '…'

INVITATION = ("尊敬的{client}：您好！{provider}{year}年度服务回访：请于{deadline}前打开 {link} "
              "填写用户评价表并签字，约需{minutes}分钟。{contact}")
REMINDER = ("尊敬的{client}：您好！提醒您：{provider}{year}年度服务回访尚未完成，"
            "截止{deadline}。请打开 {link} 填写并签字，约需{minutes}分钟。{contact}")


@dataclass(frozen=True)
class MessageFacts:
    """What a message says: who is asked, by whom, for which year, the link, until when, whom to call."""

    client: str
    provider: str
    year: int
    link: str
    closes: date
    contact: str = ""
    phone: str = ""


def message_facts(*, provider: Provider, client: Client, campaign: Campaign,
                  link: str) -> MessageFacts:
    """Return the facts of a message from stored rows (contact: the provider's manager, phone)."""
    return MessageFacts(client=client.name, provider=provider.name, year=campaign.year,
                        link=link, closes=campaign.closes, contact=provider.manager,
                        phone=provider.phone)


def deadline_text(day: date) -> str:
    """Return a date the Chinese way, e.g. '2027年1月31日'."""
    return f"{day.year}年{day.month}月{day.day}日"


def _shorten(text: str, size: int) -> str:
    """Return text cut to size characters, its last one '…' when cut."""
    return text if len(text) <= size else text[:size - 1] + "…"


def _fit(names: list[str], budget: int) -> list[str]:
    """Return the names shortened, longest first, so that together they take at most budget."""
    if sum(map(len, names)) <= budget:
        return names
    cap = max(c for c in range(budget + 1) if sum(min(len(n), c) for n in names) <= budget)
    sizes = [min(len(n), cap) for n in names]
    spare = budget - sum(sizes)
    for index, name in enumerate(names):
        if spare and len(name) > sizes[index]:
            sizes[index] += 1
            spare -= 1
    return [_shorten(name, size) for name, size in zip(names, sizes, strict=True)]


def _render(template: str, facts: MessageFacts) -> str:
    """Return the message of a template for the facts, within MESSAGE_MAX characters."""
    def fill(client: str, provider: str, contact: str) -> str:
        line = ""
        if contact or facts.phone:
            line = f"联系人：{contact} {facts.phone}".rstrip() if contact else \
                f"联系电话：{facts.phone}"
        return template.format(client=client, provider=provider, year=facts.year,
                               deadline=deadline_text(facts.closes), link=facts.link,
                               minutes=MINUTES, contact=line)

    names = [facts.client, facts.provider, facts.contact]
    fixed = len(fill("", "", "x" if facts.contact else "")) - (1 if facts.contact else 0)
    budget = MESSAGE_MAX - fixed
    wanted = [n for n in names if n]
    if budget < MIN_NAME * len(wanted):
        raise ValidationFailed([FieldError(
            "link", f"链接过长（{len(facts.link)} 个字符），消息最多 {MESSAGE_MAX} 个字：请缩短公开网址",
            f"the link is too long ({len(facts.link)} characters) for a message of at most "
            f"{MESSAGE_MAX}: shorten the public base URL")])
    fitted = iter(_fit(wanted, budget))
    client, provider, contact = (next(fitted) if n else "" for n in names)
    return fill(client, provider, contact)


def invitation_message(facts: MessageFacts) -> str:
    """Return the invitation message (at most MESSAGE_MAX characters)."""
    return _render(INVITATION, facts)


def reminder_message(facts: MessageFacts) -> str:
    """Return the reminder message for a client who has not answered (at most MESSAGE_MAX)."""
    return _render(REMINDER, facts)
