"""One client's e-mail: plain text and HTML in Chinese, the QR code of its link as an inline image."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from html import escape

from surveys.qr import qr_png

QR_CID_DOMAIN = "star-survey.invalid"


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
    client_manager: str
    year: int
    closes: date
    url: str
    reminder: bool


def _deadline(day: date) -> str:
    """Return a date as Chinese text (2026年12月31日)."""
    return f"{day.year}年{day.month}月{day.day}日"


def _lines(facts: MailFacts) -> list[str]:
    """Return the message's paragraphs as plain text (the link on a line of its own)."""
    greeting = f"{facts.client}{'（' + facts.client_manager + '）' if facts.client_manager else ''}："
    if facts.reminder:
        opening = (f"您单位尚未提交 {facts.year} 年度用户评价表。恳请在 {_deadline(facts.closes)} "
                   "前抽空填写，谢谢！")
    else:
        opening = (f"{facts.provider} 正在进行 {facts.year} 年度用户回访（T/BAX 表 A.1），"
                   f"诚邀贵单位对我们的维保服务进行评价。请在 {_deadline(facts.closes)} 前填写。")
    contact = "、".join(part for part in (facts.provider_manager, facts.provider_phone) if part)
    return [
        greeting,
        opening,
        "用手机打开下面的链接（或扫描邮件中的二维码）即可填写，约需 3 分钟，共 9 项打分并签字：",
        facts.url,
        "此链接只属于贵单位，请勿转发。评价结果用于本公司的服务星级评定，提交后不可由本公司修改。",
        f"如有疑问，请联系：{contact}" if contact else "",
        facts.provider,
    ]


def mail_content(facts: MailFacts, cid: str = "qr") -> MailContent:
    """Return the subject, plain text and HTML of one client's invitation or reminder."""
    kind = "提醒" if facts.reminder else "邀请"
    subject = f"【{kind}】{facts.year} 年度用户评价 — {facts.provider}"
    lines = [line for line in _lines(facts) if line]
    text = "\n\n".join(lines) + "\n"
    paragraphs = []
    for line in lines:
        if line == facts.url:
            link = escape(facts.url, quote=True)
            paragraphs.append(f'<p><a href="{link}">{link}</a></p>'
                              '<p><img src="cid:' + escape(cid, quote=True)
                              + '" alt="二维码" width="220" height="220"></p>')
        else:
            paragraphs.append(f"<p>{escape(line)}</p>")
    html = ('<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"></head><body>'
            + "".join(paragraphs) + "</body></html>")
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
