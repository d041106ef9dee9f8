"""The evidence PDF's page: A4 with stamp box, page number and per-form QR; grid and image helpers."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import cast

import qrcode
from fpdf import FPDF
from qrcode.constants import ERROR_CORRECT_M

from surveys.pdf_fonts import add_cjk_font
from surveys.records import receipt_code

GREY = (235, 235, 235)
FOOTER_HEIGHT = 44.0


def verify_url(base_url: str, record_hash: str) -> str:
    """Return the public verification URL of a record hash."""
    return f"{base_url.rstrip('/')}/?h={record_hash}"


def qr_png(url: str) -> bytes:
    """Return a PNG QR code of a URL (fixed mask: eight times faster, as readable)."""
    code = qrcode.QRCode(border=1, box_size=4, error_correction=ERROR_CORRECT_M, mask_pattern=0)
    code.add_data(url)
    code.make(fit=True)
    buffer = io.BytesIO()
    code.make_image().save(buffer)
    return buffer.getvalue()


class EvidencePDF(FPDF):
    """An A4 document whose every page carries a stamp box, a page number and, per form, a QR."""

    def __init__(self, base_url: str) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.family = add_cjk_font(self)
        self.base_url = base_url
        self.page_hash: str | None = None  # the record shown on the current page
        self.set_auto_page_break(True, margin=FOOTER_HEIGHT + 4)
        self.set_margins(15, 15, 15)
        self.set_title("用户评价证据 / callback evidence")
        self.set_creator("star-survey")

    def font(self, size: float, bold: bool = False) -> None:
        """Set the CJK font at a size."""
        self.set_font(self.family, "B" if bold else "", size)

    def footer(self) -> None:
        """Draw the record hash and QR (form pages), the stamp box and the page number."""
        top = self.h - FOOTER_HEIGHT
        self.set_draw_color(120, 120, 120)
        self.line(15, top, self.w - 15, top)
        if self.page_hash:
            self.image(qr_png(verify_url(self.base_url, self.page_hash)), x=15, y=top + 3,
                       w=26, h=26)
            self.font(7)
            self.set_xy(44, top + 4)
            self.cell(100, 4, "记录哈希 record hash (SHA-256):")
            self.set_xy(44, top + 8)
            self.cell(100, 4, self.page_hash)
            self.set_xy(44, top + 13)
            self.cell(100, 4, f"回执码 receipt: {receipt_code(self.page_hash)}")
            self.set_xy(44, top + 18)
            self.cell(100, 4, f"扫码验证 scan to verify: {self.base_url}")
        box_w, box_h = 42.0, 28.0
        x = self.w - 15 - box_w
        self.rect(x, top + 3, box_w, box_h)
        self.font(8)
        self.set_xy(x, top + 4)
        self.cell(box_w, 4, "服务单位盖章", align="C")
        self.font(9)
        self.set_xy(15, self.h - 10)
        self.cell(self.w - 30, 5, f"第 {self.page_no()} 页 / 共 {{nb}} 页", align="C")


def draw_image(pdf: EvidencePDF, data: bytes | None, x: float, y: float, w: float, h: float,
           label: str) -> None:
    """Draw an image fitted in a box, or a note when it is absent or unreadable."""
    pdf.rect(x, y, w, h)
    pdf.font(7)
    pdf.set_xy(x + 1, y + 1)
    pdf.cell(w - 2, 3, label)
    if data is None:
        pdf.set_xy(x, y + h / 2 - 2)
        pdf.cell(w, 4, "（无 none）", align="C")
        return
    try:
        pdf.image(io.BytesIO(data), x=x + 1, y=y + 5, w=w - 2, h=h - 6, keep_aspect_ratio=True)
    except Exception:  # noqa: BLE001 - an unreadable image must not stop the bundle
        pdf.set_xy(x, y + h / 2 - 2)
        pdf.cell(w, 4, "（图像无法显示 unreadable image）", align="C")


@dataclass(frozen=True)


class Cell:
    """One bordered cell of a form grid."""

    text: str
    width: float
    align: str = "L"
    head: bool = False  # a grey, bold label cell
    bold: bool = False


def grid_row(pdf: EvidencePDF, cells: list[Cell], line: float) -> None:
    """Draw one row of bordered cells, as tall as its longest (wrapped) text."""
    heights = []
    for cell in cells:
        pdf.font(9, bold=cell.head or cell.bold)
        if pdf.get_string_width(cell.text) <= cell.width - 2 and "\n" not in cell.text:
            heights.append(line)
            continue
        wrapped = pdf.multi_cell(cell.width, line, cell.text, dry_run=True, output="LINES")
        heights.append(max(1, len(cast(list[str], wrapped))) * line)
    height = max(heights)
    if pdf.get_y() + height > pdf.page_break_trigger:
        pdf.add_page()
    x, y = pdf.l_margin, pdf.get_y()
    pdf.set_fill_color(*GREY)
    for cell, needed in zip(cells, heights, strict=True):
        pdf.font(9, bold=cell.head or cell.bold)
        pdf.set_xy(x, y)
        if needed == height == line:  # a one-line row: a plain bordered cell
            pdf.cell(cell.width, height, cell.text, border=1, align=cell.align, fill=cell.head)
            x += cell.width
            continue
        pdf.rect(x, y, cell.width, height, style="DF" if cell.head else "D")
        pdf.multi_cell(cell.width, line, cell.text, align=cell.align)
        x += cell.width
    pdf.set_xy(pdf.l_margin, y + height)
    pdf.font(9)
