"""The client's receipt of a stored evaluation: its facts, a PDF and a PNG the client can keep.

Times are shown in Beijing time with the zone named (Asia/Shanghai, UTC+8); the signed record
keeps UTC. The PNG is for WeChat, which often blocks downloads: the page shows it as an image
that a long press saves to the phone.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from fpdf import FPDF
from PIL import Image, ImageDraw, ImageFont

from surveys.form_a1 import ITEMS, MAX_TOTAL, TOTAL_NAME_ZH
from surveys.models import Response
from surveys.pdf_fonts import SC_INDEX, add_cjk_font, find_font
from surveys.qr import qr_png, safe_filename
from surveys.records import receipt_code
from surveys.uploads import IMAGE_FORMATS, image_format

BEIJING = ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True)
class Receipt:
    """What a receipt states about one stored version of a client's form."""

    provider: str
    client: str
    year: int
    scores: tuple[int, ...]
    total: int
    evaluation_date: date
    signer_name: str
    submitted_at: datetime
    version: int
    record_hash: str
    signer_title: str = ""
    comment: str = ""

    @property
    def code(self) -> str:
        """Return the receipt code the client can quote (from the record hash)."""
        return receipt_code(self.record_hash)

    def beijing_time(self, lang: str = "zh") -> str:
        """Return when the version was stored, in Beijing time with the zone named."""
        moment = self.submitted_at
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=ZoneInfo("UTC"))
        text = moment.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M:%S")
        return f"{text}（北京时间 UTC+8）" if lang == "zh" else f"{text} (Beijing time, UTC+8)"


def receipt_of(record: Response) -> Receipt:
    """Return the receipt of a stored version (names as the signed header recorded them)."""
    header = json.loads(record.header_json)
    return Receipt(
        provider=str(header.get("provider", {}).get("name", "")),
        client=str(header.get("client", {}).get("name", "")), year=record.year,
        scores=tuple(int(getattr(record, f"item{item.no}")) for item in ITEMS),
        total=record.total, evaluation_date=record.evaluation_date,
        signer_name=record.signer_name, submitted_at=record.submitted_at,
        version=record.version, record_hash=record.record_hash,
        signer_title=record.signer_title, comment=record.comment)


def receipt_filename(receipt: Receipt) -> str:
    """Return a file name for the receipt PDF, e.g. '回执-某单位-2026-v1.pdf'."""
    return f"回执-{safe_filename(receipt.client)}-{receipt.year}-v{receipt.version}.pdf"


def _row(pdf: FPDF, label: str, value: str) -> None:
    """Write one 'label: value' line."""
    pdf.set_font(style="B")
    pdf.cell(38, 7, label)
    pdf.set_font(style="")
    pdf.multi_cell(0, 7, value, new_x="LMARGIN", new_y="NEXT")


def _readable(image: bytes | None) -> bool:
    """Return True for image bytes the PDF and PNG renderers can draw."""
    return image is not None and image_format(image) in IMAGE_FORMATS


def receipt_pdf(receipt: Receipt, *, signature_png: bytes | None = None,
                verify_url: str | None = None, seal_image: bytes | None = None) -> bytes:
    """Return the receipt as a one-page A4 PDF with the CJK font embedded."""
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_title(f"用户评价回执 {receipt.code}")
    family = add_cjk_font(pdf)
    pdf.add_page()
    pdf.set_font(family, "B", 16)
    pdf.cell(0, 10, "用户评价回执 / Evaluation receipt", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(family, "", 10)
    pdf.cell(0, 6, "T/BAX 表 A.1 用户评价表", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_font(family, "", 11)
    _row(pdf, "服务单位", receipt.provider)
    _row(pdf, "用户单位", receipt.client)
    _row(pdf, "年度", str(receipt.year))
    pdf.ln(2)
    pdf.set_font(family, "", 10)
    with pdf.table(col_widths=(12, 90, 24, 24), text_align=("CENTER", "LEFT", "CENTER", "CENTER"),
                   line_height=7) as table:
        table.row(("序号", "评价内容", "满分值", "评价分"))
        for item, score in zip(ITEMS, receipt.scores, strict=True):
            table.row((str(item.no), item.name_zh, str(item.max_score), str(score)))
        table.row(("10", TOTAL_NAME_ZH, str(MAX_TOTAL), str(receipt.total)))
    pdf.ln(3)
    pdf.set_font(family, "", 11)
    _row(pdf, "评价日期", receipt.evaluation_date.isoformat())
    _row(pdf, "签字人", receipt.signer_name)
    if receipt.signer_title:
        _row(pdf, "职务", receipt.signer_title)
    if _readable(signature_png):  # skip unreadable bytes
        pdf.image(io.BytesIO(signature_png), x=pdf.l_margin + 38, h=16)  # type: ignore[arg-type]
        pdf.ln(2)
    if _readable(seal_image):
        _row(pdf, "单位公章", "")
        pdf.image(io.BytesIO(seal_image), x=pdf.l_margin + 38, h=30)  # type: ignore[arg-type]
        pdf.ln(2)
    if receipt.comment:
        _row(pdf, "意见和建议", receipt.comment)
    _row(pdf, "版本", f"第 {receipt.version} 版 / version {receipt.version}")
    _row(pdf, "提交时间", receipt.beijing_time())
    pdf.set_font(family, "B", 14)
    pdf.cell(0, 10, f"回执码 / receipt code: {receipt.code}", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(family, "", 8)
    pdf.multi_cell(0, 5, f"记录哈希 / record hash (SHA-256): {receipt.record_hash}",
                   new_x="LMARGIN", new_y="NEXT")
    if verify_url:
        pdf.multi_cell(0, 5, f"验证 / verify: {verify_url}", new_x="LMARGIN", new_y="NEXT",
                       link=verify_url)
        pdf.image(io.BytesIO(qr_png(verify_url, box_size=4, border=2)), w=28)
    pdf.ln(2)
    pdf.multi_cell(0, 5, "请妥善保存本回执。回执码由服务器签名的评价记录生成，可用于核验记录未被改动。\n"
                   "Keep this receipt. Its code comes from the signed record and lets anyone check "
                   "that the record was not changed.", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


@lru_cache(maxsize=4)
def _font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    """Return the CJK font at a pixel size (loaded once per process)."""
    return ImageFont.truetype(str(find_font("Bold" if bold else "Regular")), size, index=SC_INDEX)


def _wrap(draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont,
          width: int) -> list[str]:
    """Return text broken into lines that fit width (CJK breaks anywhere)."""
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        line = ""
        for char in paragraph:
            if draw.textlength(line + char, font=font) > width and line:
                lines.append(line)
                line = ""
            line += char
        lines.append(line)
    return lines


def _paste(canvas: Image.Image, data: bytes | None, x: int, y: int, box: tuple[int, int]) -> int:
    """Paste an image scaled into box at (x, y); return the height used (0 if unreadable)."""
    if not _readable(data):
        return 0
    with Image.open(io.BytesIO(data)) as image:  # type: ignore[arg-type]
        picture = image.convert("RGBA")
    picture.thumbnail(box)
    canvas.paste(picture, (x, y), picture)
    return picture.height


def receipt_png(receipt: Receipt, *, signature_png: bytes | None = None,
                seal_image: bytes | None = None, verify_url: str | None = None) -> bytes:
    """Return the receipt as a phone-width PNG (900 px) to show and save by long press."""
    width, margin = 900, 48
    canvas = Image.new("RGB", (width, 2600), "white")
    draw = ImageDraw.Draw(canvas)
    y = margin
    draw.text((margin, y), "用户评价回执", font=_font(48, True), fill="black")
    y += 72
    for label, value in (("服务单位", receipt.provider), ("用户单位", receipt.client),
                         ("年度", str(receipt.year)),
                         ("评价日期", receipt.evaluation_date.isoformat())):
        for line in _wrap(draw, f"{label}：{value}", _font(30), width - 2 * margin):
            draw.text((margin, y), line, font=_font(30), fill="black")
            y += 42
    y += 10
    for item, score in zip(ITEMS, receipt.scores, strict=True):
        draw.text((margin, y), f"{item.no}. {item.name_zh}", font=_font(28), fill="black")
        draw.text((width - margin, y), f"{score} / {item.max_score}", font=_font(28),
                  fill="black", anchor="ra")
        y += 40
    draw.line((margin, y + 4, width - margin, y + 4), fill="black", width=2)
    y += 14
    draw.text((margin, y), TOTAL_NAME_ZH, font=_font(34, True), fill="black")
    draw.text((width - margin, y), f"{receipt.total} / {MAX_TOTAL}", font=_font(34, True),
              fill="black", anchor="ra")
    y += 60
    signer = receipt.signer_name + (f"（{receipt.signer_title}）" if receipt.signer_title else "")
    draw.text((margin, y), f"签字人：{signer}", font=_font(30), fill="black")
    y += 46
    y += _paste(canvas, signature_png, margin, y, (360, 140)) + 10
    seal_height = _paste(canvas, seal_image, margin, y, (260, 260))
    y += seal_height + (14 if seal_height else 0)
    if receipt.comment:
        for line in _wrap(draw, f"意见和建议：{receipt.comment}", _font(28), width - 2 * margin):
            draw.text((margin, y), line, font=_font(28), fill="black")
            y += 40
    draw.text((margin, y), f"提交时间：{receipt.beijing_time()}", font=_font(28), fill="black")
    y += 40
    draw.text((margin, y), f"版本：第 {receipt.version} 版", font=_font(28), fill="black")
    y += 56
    draw.text((margin, y), f"回执码 {receipt.code}", font=_font(44, True), fill="black")
    y += 70
    if verify_url:
        qr = Image.open(io.BytesIO(qr_png(verify_url, box_size=6, border=2)))
        canvas.paste(qr, (margin, y))
        note = "扫码或打开下方链接，可核验此记录未被改动"
        for line in _wrap(draw, note, _font(26), width - 3 * margin - qr.width):
            draw.text((2 * margin + qr.width, y), line, font=_font(26), fill="black")
            y += 38
        y = max(y, y + qr.height - 38 * 2) + 12
        for line in _wrap(draw, verify_url, _font(22), width - 2 * margin):
            draw.text((margin, y), line, font=_font(22), fill="#333333")
            y += 32
    out = io.BytesIO()
    canvas.crop((0, 0, width, y + margin)).save(out, format="PNG")
    return out.getvalue()
