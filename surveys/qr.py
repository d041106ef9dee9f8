"""QR codes of client links: one PNG per client and an A4 sheet of cut-out cards (PDF)."""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import qrcode
from fpdf import FPDF
from qrcode.constants import ERROR_CORRECT_M
from sqlmodel import Session

from surveys.access import Actor, require_write
from surveys.campaigns import get_campaign
from surveys.invitation_text import deadline_text
from surveys.invitations import list_links
from surveys.pdf_fonts import add_cjk_font
from surveys.providers import get_provider

INSTRUCTION_ZH = "请用手机扫描二维码，填写年度用户评价表并签字"
SHEET_NAME = "qr-sheet.pdf"
MAX_NAME_CHARS = 60  # 60 CJK characters stay under ext4's 255-byte file-name limit
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+|\s+')

# A4 portrait in millimetres: 2 columns x 3 rows of cards.
PAGE_W, PAGE_H = 210.0, 297.0
COLS, ROWS = 2, 3
CARD_W, CARD_H = 95.0, 92.0
MARGIN_X = (PAGE_W - COLS * CARD_W) / 2
MARGIN_Y = (PAGE_H - ROWS * CARD_H) / 2
QR_SIZE = 44.0


@dataclass(frozen=True)
class QrCard:
    """What one cut-out card shows: who evaluates whom, for which year, and the link."""

    provider: str
    client: str
    year: int
    url: str
    client_id: int = 0
    closes: date | None = None  # reachA: the deadline and the provider's phone on the card
    phone: str = ""


def qr_png(url: str, *, box_size: int = 10, border: int = 4,
           mask_pattern: int | None = None) -> bytes:
    """Return the PNG bytes of a QR code that encodes url.

    A fixed mask_pattern (0-7) skips trying all eight masks (about 8x faster; any mask decodes).
    """
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=box_size, border=border,
                         mask_pattern=mask_pattern)
    code.add_data(url)
    code.make(fit=True)
    buffer = io.BytesIO()
    code.make_image(fill_color="black", back_color="white").save(buffer, format="PNG")
    return buffer.getvalue()


def safe_filename(name: str, fallback: str = "client") -> str:
    """Return name made safe as a file name on Linux, macOS and Windows (no path parts)."""
    text = unicodedata.normalize("NFC", name)
    text = _UNSAFE.sub("_", text).strip(" ._")
    text = text[:MAX_NAME_CHARS].rstrip(" ._")
    if not text or text.upper() in {"CON", "PRN", "AUX", "NUL"}:
        return fallback
    return text


def png_names(cards: Sequence[QrCard]) -> list[str]:
    """Return one distinct PNG file name per card, named after the client."""
    names: list[str] = []
    seen: set[str] = set()
    for card in cards:
        stem = safe_filename(card.client, fallback=f"client-{card.client_id}")
        if stem.lower() in seen:
            stem = f"{stem}-{card.client_id}"
        seen.add(stem.lower())
        names.append(f"{stem}.png")
    return names


def campaign_cards(
    *, session: Session, actor: Actor, secret: bytes, provider_id: int, year: int, base_url: str
) -> list[QrCard]:
    """Return a card for every invited client whose link is not revoked (writers only)."""
    require_write(actor, provider_id)
    provider = get_provider(session=session, actor=actor, provider_id=provider_id)
    closes = get_campaign(session=session, actor=actor, provider_id=provider_id, year=year).closes
    rows = list_links(session=session, actor=actor, secret=secret, provider_id=provider_id,
                      year=year, base_url=base_url)
    return [QrCard(provider=provider.name, client=str(row["client"]), year=year,
                   url=str(row["url"]), client_id=int(str(row["client_id"])), closes=closes,
                   phone=provider.phone)
            for row in rows]


def _fit_font(pdf: FPDF, family: str, text: str, width: float, size: float,
              minimum: float = 7.0, style: str = "") -> None:
    """Set the largest font size (down to minimum) at which text fits in width."""
    while size > minimum:
        pdf.set_font(family, style, size)
        if pdf.get_string_width(text) <= width:
            return
        size -= 0.5
    pdf.set_font(family, style, minimum)


def card_footer(card: QrCard) -> str:
    """Return the card's last line: the deadline and the provider's phone (what is known)."""
    parts = [f"请于{deadline_text(card.closes)}前填写" if card.closes else "",
             f"咨询电话 {card.phone}" if card.phone else ""]
    return "　".join(part for part in parts if part)


def _draw_card(pdf: FPDF, family: str, card: QrCard, x: float, y: float) -> None:
    """Draw one card with its dashed cut border at (x, y)."""
    inner = CARD_W - 8
    pdf.set_draw_color(150, 150, 150)
    pdf.set_dash_pattern(dash=2, gap=1.5)
    pdf.rect(x, y, CARD_W, CARD_H)
    pdf.set_dash_pattern()
    pdf.set_xy(x + 4, y + 4)
    _fit_font(pdf, family, card.provider, inner, 9)
    pdf.cell(inner, 4.5, card.provider, align="C")
    pdf.set_xy(x + 4, y + 9.5)
    _fit_font(pdf, family, card.client, inner, 13, minimum=8, style="B")
    pdf.multi_cell(inner, 6, card.client, align="C", max_line_height=6)
    pdf.set_xy(x + 4, y + 22)
    pdf.set_font(family, "", 10)
    pdf.cell(inner, 5, f"{card.year} 年度用户评价表（T/BAX 表 A.1）", align="C")
    pdf.image(io.BytesIO(qr_png(card.url, box_size=8, border=2)),
              x=x + (CARD_W - QR_SIZE) / 2, y=y + 28, w=QR_SIZE, h=QR_SIZE)
    pdf.set_xy(x + 4, y + 73.5)
    _fit_font(pdf, family, card.url, inner, 8, minimum=5)
    pdf.cell(inner, 4, card.url, align="C", link=card.url)
    pdf.set_xy(x + 4, y + 79.5)
    _fit_font(pdf, family, INSTRUCTION_ZH, inner, 9)
    pdf.cell(inner, 5, INSTRUCTION_ZH, align="C")
    footer = card_footer(card)
    if footer:
        pdf.set_xy(x + 4, y + 85)
        _fit_font(pdf, family, footer, inner, 9, minimum=5, style="B")
        pdf.cell(inner, 5, footer, align="C")


def qr_sheet_pdf(cards: Sequence[QrCard]) -> bytes:
    """Return an A4 PDF of cut-out cards, six per page, with the CJK font embedded."""
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_title("用户评价二维码 / evaluation QR codes")
    family = add_cjk_font(pdf)
    per_page = COLS * ROWS
    if not cards:
        pdf.add_page()
        pdf.set_font(family, "", 12)
        pdf.cell(0, 10, "没有可打印的链接 / no links to print")
    for index, card in enumerate(cards):
        if index % per_page == 0:
            pdf.add_page()
        slot = index % per_page
        _draw_card(pdf, family, card, MARGIN_X + (slot % COLS) * CARD_W,
                   MARGIN_Y + (slot // COLS) * CARD_H)
    return bytes(pdf.output())
