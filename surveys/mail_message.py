"""One client's e-mail: plain text and HTML in Chinese, the QR code of its link as an inline image."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from html import escape

from surveys.errors import ValidationFailed
from surveys.invitation_text import (
    MINUTES,
    MessageFacts,
    deadline_text,
    invitation_message,
    reminder_message,
)
from surveys.qr import qr_png

QR_CID_DOMAIN = "star-survey.invalid"
SCAN_LINE = "也可以用手机微信扫描下面的二维码打开。共 9 项打分，最后签字提交。"  # the QR follows it


@dataclass(frozen=True)
class MailContent:
    """What one message says: subject, plain text, HTML (its QR image refers to a content id)."""

    subject: str
    text: str
    html: str


@dataclass(frozen=True)
class MailFacts:
    """The stored facts one message is made of (text as stored, never markup)."""

    provider: str
    provider_manager: str
    provider_phone: str
    client: str
    year: int
    closes: date
    url: str
    reminder: bool


def _core(facts: MailFacts) -> str:
    """Return the invitation or reminder in the words of every channel (surveys/invitation_text)."""
    short = MessageFacts(client=facts.client, provider=facts.provider, year=facts.year,
                         link=facts.url, closes=facts.closes, contact=facts.provider_manager,
                         phone=facts.provider_phone)
    try:
        return reminder_message(short) if facts.reminder else invitation_message(short)
    except ValidationFailed:  # a link too long for an SMS still fits an e-mail
        return (f"{facts.client}您好！{facts.provider}{facts.year}年度服务回访：请于"
                f"{deadline_text(facts.closes)}前打开 {facts.url} 填写用户评价表并签字，"
                f"约需{MINUTES}分钟。")


def _lines(facts: MailFacts) -> list[str]:
    """Return the message's paragraphs as plain text (the link stands between spaces)."""
    return [
        _core(facts),
        SCAN_LINE,
        "此链接只属于贵单位，请勿转发。评价结果用于本公司的服务星级评定（T/BAX），"
        "提交后本公司无法修改。",
        facts.provider,
    ]


def _html_paragraph(line: str, url: str, cid: str) -> str:
    """Return one paragraph as HTML: stored text escaped, the link clickable, the QR after SCAN_LINE."""
    if line == SCAN_LINE:
        return (f"<p>{escape(line)}</p>"
                f'<p><img src="cid:{escape(cid, quote=True)}" alt="二维码" width="220" '
                'height="220"></p>')
    if url not in line:
        return f"<p>{escape(line)}</p>"
    before, after = line.split(url, 1)
    link = escape(url, quote=True)
    return f'<p>{escape(before)}<a href="{link}">{link}</a>{escape(after)}</p>'


def mail_content(facts: MailFacts, cid: str = "qr") -> MailContent:
    """Return the subject, plain text and HTML of one client's invitation or reminder."""
    kind = "提醒" if facts.reminder else "邀请"
    subject = f"【{kind}】{facts.year} 年度用户评价 — {facts.provider}"
    lines = _lines(facts)
    text = "\n\n".join(lines) + "\n"
    html = ('<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"></head><body>'
            + "".join(_html_paragraph(line, facts.url, cid) for line in lines)
            + "</body></html>")
    return MailContent(subject=subject, text=text, html=html)


def build_message(facts: MailFacts, *, sender: str, to: str) -> EmailMessage:
    """Return the MIME message: text, HTML and the QR PNG of facts.url as an inline (cid) part."""
    cid = make_msgid(domain=QR_CID_DOMAIN)
    content = mail_content(facts, cid[1:-1])
    message = EmailMessage()
    message["Subject"] = content.subject
    message["From"] = Address(display_name=facts.provider[:100], addr_spec=sender)
    message["To"] = Address(display_name=facts.client[:100], addr_spec=to)
    message["Date"] = formatdate(localtime=False, usegmt=True)
    message["Message-ID"] = make_msgid(domain=sender.rsplit("@", 1)[-1])
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(content.text)
    message.add_alternative(content.html, subtype="html")
    html_part = message.get_body(("html",))
    assert isinstance(html_part, EmailMessage)
    html_part.add_related(qr_png(facts.url, box_size=8, border=2), maintype="image",
                          subtype="png", cid=cid, filename="qr.png", disposition="inline")
    return message
