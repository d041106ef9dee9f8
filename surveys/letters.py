"""Invitation letters (邀请函): one A4 page per invited client whose link is live (writers only).

Each letter carries the provider's letterhead (name, department, contact person, phone), whom
it is for, why (the annual callback of T/BAX), the QR code and link, the deadline (the
campaign's closing date), how long it takes, whom to call and what happens to the answers.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from fpdf import FPDF
from sqlmodel import Session

from surveys.access import Actor, require_write
from surveys.campaigns import get_campaign
from surveys.clients import list_clients
from surveys.invitation_text import MINUTES, deadline_text
from surveys.invitations import list_links
from surveys.pdf_fonts import add_cjk_font
from surveys.providers import get_provider
from surveys.qr import qr_png

STANDARD = "T/BAX《安全防范系统运行维护服务星级标准》"
LETTERS_NAME = "letters.pdf"
LEFT, WIDTH = 22.0, 166.0  # A4 210 mm: 22 mm margins
QR_SIZE = 46.0
TOP, PAGE_BOTTOM = 16.0, 285.0
SCALES = (1.0, 0.9, 0.8, 0.7, 0.6, 0.5, 0.42, 0.35)  # the longest fields fit at 0.35
# A run of ASCII letters, digits and URL/number punctuation stays on one line; any other
# character is a token; closing punctuation never starts a line (it joins the token before).
_TOKEN = re.compile(r"[A-Za-z0-9./:?=&%#@_+\-]+|.", re.S)
_NO_LINE_START = set("，。、；：？！）》」』”’,.;:?!)%")


@dataclass(frozen=True)
class Letter:
    """What one letter says: the provider's letterhead, the client, the year, link and deadline."""

    provider: str
    provider_department: str
    provider_manager: str
    provider_phone: str
    client_id: int
    client: str
    client_department: str
    client_manager: str
    year: int
    url: str
    closes: date


def campaign_letters(
    *, session: Session, actor: Actor, secret: bytes, provider_id: int, year: int, base_url: str
) -> list[Letter]:
    """Return a letter for every invited client whose link is not revoked, by client name."""
    require_write(actor, provider_id)  # links are credentials
    provider = get_provider(session=session, actor=actor, provider_id=provider_id)
    campaign = get_campaign(session=session, actor=actor, provider_id=provider_id, year=year)
    people = {c.id: c for c in list_clients(session=session, actor=actor,
                                            provider_id=provider_id)}
    found = []
    for row in list_links(session=session, actor=actor, secret=secret, provider_id=provider_id,
                          year=year, base_url=base_url):
        client = people[int(str(row["client_id"]))]
        found.append(Letter(
            provider=provider.name, provider_department=provider.department,
            provider_manager=provider.manager, provider_phone=provider.phone,
            client_id=int(client.id or 0), client=client.name,
            client_department=client.department, client_manager=client.manager, year=year,
            url=str(row["url"]), closes=campaign.closes))
    return found


def letter_paragraphs(letter: Letter) -> list[str]:
    """Return the body of a letter, paragraph by paragraph (Chinese)."""
    deadline = deadline_text(letter.closes)
    body = [
        f"感谢贵单位一直以来对我单位安全防范系统运行维护工作的支持。根据团体标准{STANDARD}，"
        "服务单位每年须对所服务的用户单位进行年度服务工作回访，由用户单位填写《用户评价表》"
        f"（表A.1，共9项，满分100分）并签名。现诚邀贵单位对我单位{letter.year}年度的"
        "服务作出评价。",
        "填写方式：请用手机（微信即可）扫描下方二维码，或在浏览器中打开二维码下方的链接，"
        f"逐项打分并手写签名，约{MINUTES}分钟即可完成。填写中途离开，已填内容会保留。"
        f"请于{deadline}前完成填写。",
        "评价提交后带数字签名保存，页面会显示回执码并可下载回执；任何更正都另存为新版本，"
        "原记录和更正原因一并保留。评价结果作为我单位申请服务星级评定的依据，由独立的评价组织"
        "核查，不作其他用途。此链接仅供贵单位使用，请勿转发。",
    ]
    contact = "，".join(part for part in (letter.provider_manager,
                                          f"电话 {letter.provider_phone}"
                                          if letter.provider_phone else "") if part)
    if contact:
        body.append(f"如有疑问，请联系：{contact}。")
    return body


class Measure:
    """Text widths in the CJK font, from per-character widths measured once (no kerning)."""

    def __init__(self, pdf: FPDF, family: str) -> None:
        self.pdf, self.family = pdf, family
        self.cache: dict[tuple[str, str], float] = {}

    def width(self, text: str, style: str, size: float) -> float:
        """Return the width in mm of text in the style at the size (points)."""
        total = 0.0
        for char in text:
            unit = self.cache.get((style, char))
            if unit is None:
                self.pdf.set_font(self.family, style, 100)
                unit = self.cache[(style, char)] = self.pdf.get_string_width(char) / 100
            total += unit
        return total * size


def wrap_lines(measure: Measure, text: str, style: str, size: float, width: float) -> list[str]:
    """Return text broken into lines no wider than width (CJK-aware, no punctuation first)."""
    tokens: list[str] = []
    for token in _TOKEN.findall(text):
        if tokens and token[0] in _NO_LINE_START:
            tokens[-1] += token
        else:
            tokens.append(token)
    lines, line, used = [], "", 0.0
    for token in tokens:
        wide = measure.width(token, style, size)
        if line and used + wide > width:
            lines.append(line.rstrip())
            line, used = "", 0.0
            token = token.lstrip()
            wide = measure.width(token, style, size)
        if wide > width:  # one token wider than a line: cut it by characters
            for char in token:
                step = measure.width(char, style, size)
                if line and used + step > width:
                    lines.append(line)
                    line, used = "", 0.0
                line, used = line + char, used + step
            continue
        line, used = line + token, used + wide
    if line:
        lines.append(line.rstrip())
    return lines


@dataclass
class Block:
    """A laid-out piece of a letter: text lines, a gap, the rule or the QR code."""

    kind: str  # "text", "gap", "rule", "qr", "link"
    height: float
    lines: list[str] = field(default_factory=list)
    style: str = ""
    size: float = 11.0
    align: str = "L"
    indent: float = 0.0


def _text(measure: Measure, text: str, style: str, size: float, height: float,
          align: str = "L", indent: float = 0.0) -> Block:
    """Return a text block of the paragraph wrapped to the page width."""
    lines = wrap_lines(measure, text, style, size, WIDTH - indent) if indent else \
        wrap_lines(measure, text, style, size, WIDTH)
    if indent and len(lines) > 1:  # lines after the first may use the whole width
        rest = wrap_lines(measure, text[len(lines[0]):].lstrip(), style, size, WIDTH)
        lines = [lines[0], *rest]
    return Block("text", height * len(lines), lines, style, size, align, indent)


def layout(measure: Measure, letter: Letter, today: date, k: float) -> list[Block]:
    """Return the blocks of one letter, every font and gap scaled by k."""
    details = "　".join(part for part in (
        letter.provider_department,
        f"联系人：{letter.provider_manager}" if letter.provider_manager else "",
        f"电话：{letter.provider_phone}" if letter.provider_phone else "") if part)
    blocks = [_text(measure, letter.provider, "B", 16 * k, 8 * k, "C")]
    if details:
        blocks.append(_text(measure, details, "", 9.5 * k, 5 * k, "C"))
    blocks += [Block("gap", 2 * k), Block("rule", 5 * k),
               _text(measure, f"{letter.year} 年度服务工作回访邀请函", "B", 15 * k, 9 * k, "C"),
               Block("gap", 2 * k),
               _text(measure, f"尊敬的{letter.client}：", "B", 12 * k, 6.6 * k)]
    attention = " ".join(p for p in (letter.client_department, letter.client_manager) if p)
    if attention:
        blocks.append(_text(measure, f"（呈 {attention}）", "", 10.5 * k, 6 * k))
    blocks.append(Block("gap", 1 * k))
    indent = 2 * measure.width("中", "", 11 * k)
    for paragraph in letter_paragraphs(letter):
        blocks += [_text(measure, paragraph, "", 11 * k, 6.6 * k, indent=indent),
                   Block("gap", 1.2 * k)]
    low = max(k, 0.8)
    blocks += [Block("gap", 2 * k), Block("qr", QR_SIZE * low + 1), Block("link", 5),
               _text(measure, f"扫码填写　截止日期：{deadline_text(letter.closes)}", "B",
                     10.5 * low, 6 * low, "C"), Block("gap", 6 * k)]
    blocks += [_text(measure, line, "", 11 * k, 6.5 * k, "R")
               for line in (letter.provider, letter.provider_department, deadline_text(today))
               if line]
    return blocks


def _draw(pdf: FPDF, family: str, blocks: list[Block], letter: Letter, code: bytes) -> None:
    """Draw the blocks of a letter from the top of the current page."""
    pdf.set_xy(LEFT, TOP)
    for block in blocks:
        y = pdf.get_y()
        if block.kind == "text":
            pdf.set_font(family, block.style, block.size)
            line_height = block.height / len(block.lines)
            for index, line in enumerate(block.lines):
                shift = block.indent if index == 0 else 0.0
                pdf.set_xy(LEFT + shift, y + index * line_height)
                pdf.cell(WIDTH - shift, line_height, line, align=block.align)
        elif block.kind == "rule":
            pdf.set_draw_color(120, 0, 0)
            pdf.set_line_width(0.6)
            pdf.line(LEFT, y, LEFT + WIDTH, y)
            pdf.set_line_width(0.2)
        elif block.kind == "qr":
            size = block.height - 1
            pdf.image(io.BytesIO(code), x=LEFT + (WIDTH - size) / 2, y=y, w=size, h=size)
        elif block.kind == "link":
            font = 9.0
            pdf.set_font(family, "", font)
            while pdf.get_string_width(letter.url) > WIDTH and font > 5:
                font -= 0.5
                pdf.set_font(family, "", font)
            pdf.set_xy(LEFT, y)
            pdf.cell(WIDTH, block.height, letter.url, align="C", link=letter.url)
        pdf.set_xy(LEFT, y + block.height)


def fitting_layout(measure: Measure, letter: Letter, today: date) -> list[Block]:
    """Return the letter's blocks at the largest scale that ends above the bottom margin."""
    for k in SCALES:
        blocks = layout(measure, letter, today, k)
        if TOP + sum(b.height for b in blocks) <= PAGE_BOTTOM:
            return blocks
    return blocks


def letters_pdf(letters: Sequence[Letter], *, today: date) -> bytes:
    """Return an A4 PDF with one letter per page, dated today, with the CJK font embedded."""
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_margins(LEFT, TOP, 210 - LEFT - WIDTH)
    pdf.set_title("年度服务工作回访邀请函 / invitation letters")
    family = add_cjk_font(pdf)
    measure = Measure(pdf, family)
    if not letters:
        pdf.add_page()
        pdf.set_font(family, "", 12)
        pdf.cell(0, 10, "没有可打印的邀请函 / no letters to print")
    for letter in letters:
        blocks = fitting_layout(measure, letter, today)
        pdf.add_page()
        pdf.set_text_color(0, 0, 0)
        _draw(pdf, family, blocks, letter,
              qr_png(letter.url, box_size=8, border=2, mask_pattern=2))
    return bytes(pdf.output())
