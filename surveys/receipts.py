"""The client's receipt of a stored evaluation: its facts and a PDF the client can keep."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from datetime import date, datetime

from fpdf import FPDF

from surveys.form_a1 import ITEMS, MAX_TOTAL, TOTAL_NAME_ZH
from surveys.models import Response
from surveys.pdf_fonts import add_cjk_font
from surveys.qr import safe_filename
from surveys.records import receipt_code, utc_text
from surveys.uploads import IMAGE_FORMATS, image_format


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

    @property
    def code(self) -> str:
        """Return the receipt code the client can quote (from the record hash)."""
        return receipt_code(self.record_hash)


def receipt_of(record: Response) -> Receipt:
    """Return the receipt of a stored version (names as the signed header recorded them)."""
    header = json.loads(record.header_json)
    return Receipt(
        provider=str(header.get("provider", {}).get("name", "")),
        client=str(header.get("client", {}).get("name", "")), year=record.year,
        scores=tuple(int(getattr(record, f"item{item.no}")) for item in ITEMS),
        total=record.total, evaluation_date=record.evaluation_date,
        signer_name=record.signer_name, submitted_at=record.submitted_at,
        version=record.version, record_hash=record.record_hash)


def receipt_filename(receipt: Receipt) -> str:
    """Return a file name for the receipt PDF, e.g. '回执-某单位-2026-v1.pdf'."""
    return f"回执-{safe_filename(receipt.client)}-{receipt.year}-v{receipt.version}.pdf"


def _row(pdf: FPDF, label: str, value: str) -> None:
    """Write one 'label: value' line."""
    pdf.set_font(style="B")
    pdf.cell(38, 7, label)
    pdf.set_font(style="")
    pdf.multi_cell(0, 7, value, new_x="LMARGIN", new_y="NEXT")


def receipt_pdf(receipt: Receipt, *, signature_png: bytes | None = None,
                verify_url: str | None = None) -> bytes:
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
    if signature_png and image_format(signature_png) in IMAGE_FORMATS:  # skip unreadable bytes
        pdf.image(io.BytesIO(signature_png), x=pdf.l_margin + 38, h=16)
        pdf.ln(2)
    _row(pdf, "版本", f"第 {receipt.version} 版 / version {receipt.version}")
    _row(pdf, "提交时间 (UTC)", utc_text(receipt.submitted_at)[:19].replace("T", " "))
    pdf.set_font(family, "B", 14)
    pdf.cell(0, 10, f"回执码 / receipt code: {receipt.code}", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(family, "", 8)
    pdf.multi_cell(0, 5, f"记录哈希 / record hash (SHA-256): {receipt.record_hash}",
                   new_x="LMARGIN", new_y="NEXT")
    if verify_url:
        pdf.multi_cell(0, 5, f"验证 / verify: {verify_url}", new_x="LMARGIN", new_y="NEXT",
                       link=verify_url)
    pdf.ln(2)
    pdf.multi_cell(0, 5, "请妥善保存本回执。回执码由服务器签名的评价记录生成，可用于核验记录未被改动。\n"
                   "Keep this receipt. Its code comes from the signed record and lets anyone check "
                   "that the record was not changed.", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
