"""Messages to paste or bulk-send: one per invited client with its own link (writers only), and
the CSV/XLSX layout bulk-SMS platforms import: 姓名, 手机号码, 短信内容.

Only clients with a mainland mobile number go into the SMS files (a landline cannot take an
SMS); the others are returned apart so the page and CLI can name them (WeChat, letter, e-mail).
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import Session

from surveys.access import Actor, require_write
from surveys.campaigns import get_campaign
from surveys.clients import list_clients
from surveys.invitation_text import invitation_message, message_facts, reminder_message
from surveys.phones import MOBILE
from surveys.progress import campaign_progress
from surveys.providers import get_provider
from surveys.text import spreadsheet_safe

SMS_HEADER = ("姓名", "手机号码", "短信内容")
ANSWERED = ("submitted", "corrected")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class ClientMessage:
    """One client's message: whom it goes to, the link inside and the text."""

    client_id: int
    client: str
    phone: str
    email: str | None
    link: str
    text: str


def campaign_messages(
    *, session: Session, actor: Actor, secret: bytes, provider_id: int, year: int,
    base_url: str, reminder: bool = False,
) -> list[ClientMessage]:
    """Return a message per invited client whose link is live, by client name.

    With reminder, the reminder text, and clients who have answered are left out.
    """
    require_write(actor, provider_id)  # links are credentials
    provider = get_provider(session=session, actor=actor, provider_id=provider_id)
    campaign = get_campaign(session=session, actor=actor, provider_id=provider_id, year=year)
    people = {c.id: c for c in list_clients(session=session, actor=actor,
                                            provider_id=provider_id)}
    write = reminder_message if reminder else invitation_message
    found = []
    for row in campaign_progress(session=session, actor=actor, secret=secret,
                                 provider_id=provider_id, year=year, base_url=base_url):
        if row.url is None or (reminder and row.status in ANSWERED):
            continue
        client = people[row.client_id]
        text = write(message_facts(provider=provider, client=client, campaign=campaign,
                                   link=row.url))
        found.append(ClientMessage(client_id=row.client_id, client=client.name,
                                   phone=client.phone, email=client.email, link=row.url,
                                   text=text))
    return found


def mobile_number(phone: str) -> str | None:
    """Return the 11 digits of a mainland mobile number (+86/0086 removed), else None."""
    digits = re.sub(r"\D", "", unicodedata.normalize("NFKC", phone))
    for prefix in ("0086", "86"):
        if len(digits) == 11 + len(prefix) and digits.startswith(prefix):
            digits = digits[len(prefix):]
    return digits if MOBILE.fullmatch(digits) else None


def sms_rows(messages: Sequence[ClientMessage]
             ) -> tuple[list[tuple[str, str, str]], list[ClientMessage]]:
    """Return (姓名, 手机号码, 短信内容) rows of clients with a mobile, and the messages without."""
    rows, left_out = [], []
    for message in messages:
        mobile = mobile_number(message.phone)
        if mobile is None:
            left_out.append(message)
        else:
            rows.append((message.client, mobile, message.text))
    return rows, left_out


def _cell(text: str) -> str:
    """Return text a spreadsheet shows as text: never a formula, no characters XLSX refuses."""
    text = spreadsheet_safe(text)
    return "'" + text if text.startswith(FORMULA_START) else text


def sms_csv(messages: Sequence[ClientMessage]) -> bytes:
    """Return the SMS rows as CSV (UTF-8 with BOM, CRLF), header 姓名,手机号码,短信内容."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(SMS_HEADER)
    writer.writerows(tuple(map(_cell, row)) for row in sms_rows(messages)[0])
    return out.getvalue().encode("utf-8-sig")


def sms_xlsx(messages: Sequence[ClientMessage]) -> bytes:
    """Return the SMS rows as an XLSX sheet of text cells, header 姓名, 手机号码, 短信内容."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "短信"
    sheet.append(SMS_HEADER)
    for row in sms_rows(messages)[0]:
        sheet.append(list(map(_cell, row)))
    for cells in sheet.iter_rows():
        for cell in cells:
            cell.data_type = "s"  # a name starting with '=' stays text
            cell.number_format = "@"
    for letter, width in zip("ABC", (30, 16, 100), strict=True):
        sheet.column_dimensions[letter].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def messages_text(messages: Sequence[ClientMessage]) -> str:
    """Return every message under its client's name and phone, blank-line separated (to paste)."""
    return "\n\n".join(f"{m.client}（{m.phone or '无电话'}）\n{m.text}" for m in messages) + "\n"


def export_messages(messages: Sequence[ClientMessage], suffix: str) -> bytes:
    """Return the messages as a file of the suffix: '.csv' / '.xlsx' (SMS layout) or '.txt'."""
    if suffix == ".csv":
        return sms_csv(messages)
    if suffix == ".xlsx":
        return sms_xlsx(messages)
    if suffix == ".txt":
        return messages_text(messages).encode("utf-8")
    raise ValueError(suffix)
