"""evidence.pdf: cover, summary of all clients, then one faithful Table A.1 page per form."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fpdf.fonts import FontFace

from analytics.evidence_data import STAR_NAMES, EvidenceData, header_of
from analytics.evidence_pdf_base import GREY, Cell, EvidencePDF, draw_image, grid_row
from analytics.evidence_pdf_sections import (
    eligibility_section,
    entered_by_text,
    provenance_section,
    version_history,
)
from surveys.clock import beijing_text
from surveys.form_a1 import (
    CLIENT_HEADER,
    FORM_ID,
    ITEMS,
    MAX_TOTAL,
    PROVIDER_HEADER,
    TOTAL_NAME_ZH,
)
from surveys.models import Response
from surveys.records import receipt_code

Progress = Callable[[int, int, str], None]
ORIGIN_NAMES = {"web": "网上填写 (web)", "paper": "纸质表录入 (paper)",
                "import": "文件导入 (file import)"}
SHORT_ORIGINS = {"web": "网上 web", "paper": "纸质 paper", "import": "导入 import"}
NOT_ANCHORED = ("未经独立时间戳锚定：本安装未配置可信时间戳服务（TSA），记录的时间仅为服务单位所述。"
                " Not independently anchored: no time-stamping authority is configured, so the "
                "stored times are the provider's word only.")


def _cover(pdf: EvidencePDF, data: EvidenceData) -> None:
    """Draw the cover page."""
    pdf.add_page()
    pdf.page_hash = None
    pdf.font(18, bold=True)
    pdf.cell(0, 12, f"{data.year} 年度服务工作回访 用户评价证据", align="C", new_x="LMARGIN",
             new_y="NEXT")
    pdf.font(10)
    pdf.cell(0, 6, f"Annual callback evidence, {data.year} · 依据 T/BAX—2022 附录 A 表 A.1 "
             f"({FORM_ID})", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    head = data.head
    star_zh, star_en = STAR_NAMES[data.star]
    mean = "—" if data.mean_total is None else f"{data.mean_total:.2f}"
    rows = [
        ("服务单位名称", data.provider["name"]),
        ("服务主管部门名称", data.provider["department"]),
        ("主管负责人", data.provider["manager"]),
        ("联系电话", data.provider["phone"]),
        ("回访年度 year", str(data.year)),
        ("回访期间 campaign", f"{data.opens.isoformat()} 至 {data.closes.isoformat()}"),
        ("邀请单位数 units invited", str(len(data.invited))),
        ("回复单位数 units responded", str(len(data.current))),
        ("平均总分 mean score", mean),
        ("支持的星级（评价得分） star level by score", f"{star_zh} ({star_en})"),
        ("§5 绩效表现支持的星级 star level under §5",
         f"{STAR_NAMES[data.eligibility.star][0]} ({STAR_NAMES[data.eligibility.star][1]})"),
        ("服务单位更正的网上评价 web forms replaced by staff",
         str(len(data.provenance.overrides))),
        ("截止后录入 forms stored after closing", str(len(data.provenance.late))),
        ("记录链长度 chain length", str(head.fields["seq"]) if head else "0"),
        ("链头哈希 chain head hash", head.record_hash if head else "—"),
        ("公钥指纹 public key fingerprint (SHA-256)", data.key_fingerprint),
        ("生成时间 generated", beijing_text(data.generated_at)),
        ("时间戳 timestamps", NOT_ANCHORED),
    ]
    _pairs(pdf, rows, (58, 122))
    pdf.ln(4)
    pdf.font(9)
    pdf.multi_cell(0, 5, align="L", text="核验方法：本证据包中每份评价记录均以 SHA-256 哈希链接"
                   "并经 Ed25519 签名。"
                   "评价组织可运行 'star-survey verify evidence.zip' 离线核验，或扫描每页二维码在线核验；"
                   "请将上方公钥指纹与服务单位公布的指纹（star-survey key show）比对。\n"
                   "How to verify: every record is hash-chained and Ed25519-signed; run "
                   "'star-survey verify <bundle.zip>' offline or scan the QR code on each page, "
                   "and compare the fingerprint above with the published one.")


def _pairs(pdf: EvidencePDF, rows: list[tuple[str, str]], widths: tuple[int, int]) -> None:
    """Draw a two-column label/value table."""
    pdf.font(10)
    with pdf.table(col_widths=widths, first_row_as_headings=False, line_height=6.5,
                   text_align=("LEFT", "LEFT")) as table:
        for label, value in rows:
            row = table.row()
            row.cell(label, style=FontFace(emphasis="BOLD", fill_color=GREY))
            long_hex = len(value) == 64 and all(c in "0123456789abcdef" for c in value)
            row.cell(value, style=FontFace(size_pt=8) if long_hex else None)


def _summary(pdf: EvidencePDF, data: EvidenceData) -> None:
    """Draw the summary of every invited client and the superseded versions."""
    pdf.add_page()
    pdf.page_hash = None
    pdf.font(14, bold=True)
    pdf.cell(0, 9, "汇总表 Summary of all clients", new_x="LMARGIN", new_y="NEXT")
    pdf.font(9)
    by_client = {r.client_id: r for r in data.current}
    heads = ("序号", "用户单位名称 client", "评价日期 date", "来源 origin", "版本", "总分 total",
             "回执码 receipt")
    style = FontFace(emphasis="BOLD", fill_color=GREY)
    with pdf.table(col_widths=(10, 52, 24, 26, 11, 17, 40), line_height=5.5,
                   headings_style=style, text_align="LEFT") as table:
        table.row(heads)
        for no, (client_id, name) in enumerate(data.invited, start=1):
            r = by_client.get(client_id)
            if r is None:
                table.row((str(no), name, "—", "未回复", "—", "—", "—"))
                continue
            table.row((str(no), header_of(r)["client"]["name"] or name,
                       r.evaluation_date.isoformat(), SHORT_ORIGINS.get(r.origin, r.origin),
                       str(r.version), str(r.total), receipt_code(r.record_hash)))
    pdf.ln(2)
    mean = "—" if data.mean_total is None else f"{data.mean_total:.2f}"
    pdf.font(9, bold=True)
    pdf.cell(0, 6, f"回复 {len(data.current)} / 邀请 {len(data.invited)} 家 · 平均总分 {mean} · "
             f"支持星级 {STAR_NAMES[data.star][0]}", new_x="LMARGIN", new_y="NEXT")
    if data.history:
        pdf.ln(4)
        pdf.font(11, bold=True)
        pdf.cell(0, 8, "历史版本（已被更正） Superseded versions", new_x="LMARGIN", new_y="NEXT")
        pdf.font(7)
        with pdf.table(col_widths=(14, 48, 10, 12, 96), line_height=5,
                       headings_style=style, text_align="LEFT") as table:
            table.row(("记录号", "用户单位名称 client", "版本", "总分", "记录哈希 record hash"))
            for r in data.history:
                table.row((str(r.id), header_of(r)["client"]["name"], str(r.version),
                           str(r.total), r.record_hash))


def _form_page(pdf: EvidencePDF, data: EvidenceData, r: Response) -> int:
    """Draw one form as Table A.1; return its first page number."""
    pdf.add_page()
    pdf.page_hash = r.record_hash
    first = pdf.page_no()
    pdf.font(15, bold=True)
    pdf.cell(0, 8, "用户评价表", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.font(8)
    pdf.cell(0, 5, f"T/BAX—2022 表 A.1 · {data.year} 年度回访 · 记录号 {r.id} · 第 {r.version} 版"
             f" · 链序号 seq {r.seq}" + (f" · 更正记录号 {r.supersedes_id}" if r.supersedes_id else ""),
             align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)
    header = header_of(r)
    pdf.font(9)
    for (key, zh, _en), (_pkey, pzh, _pen) in zip(CLIENT_HEADER, PROVIDER_HEADER, strict=True):
        grid_row(pdf, [Cell(zh, 30, head=True), Cell(header["client"][key], 60),
                        Cell(pzh, 30, head=True), Cell(header["provider"][key], 60)], 5.5)
    pdf.ln(2)
    grid_row(pdf, [Cell("序号", 14, "C", True), Cell("评价内容", 106, "L", True),
                    Cell("满分值", 30, "C", True), Cell("评价分", 30, "C", True)], 6)
    for item in ITEMS:
        grid_row(pdf, [Cell(str(item.no), 14, "C"), Cell(item.name_zh, 106),
                        Cell(str(item.max_score), 30, "C"),
                        Cell(str(getattr(r, f"item{item.no}")), 30, "C")], 6)
    grid_row(pdf, [Cell("10", 14, "C"), Cell(TOTAL_NAME_ZH, 106, bold=True),
                    Cell(str(MAX_TOTAL), 30, "C"), Cell(str(r.total), 30, "C", bold=True)], 6)
    _signing_block(pdf, data, r)
    return first


def _signing_block(pdf: EvidencePDF, data: EvidenceData, r: Response) -> None:
    """Draw signer, signature, seal, date, origin, who and when, comment, history, scan."""
    pdf.ln(2)
    y = pdf.get_y()
    pdf.font(9)
    signer = r.signer_name + (f"（{r.signer_title}）" if r.signer_title else "")
    pdf.cell(90, 5.5, f"用户评价单位：签字盖章　签字人 signer：{signer}", new_x="LMARGIN",
             new_y="NEXT")
    if r.signer_phone:
        pdf.cell(90, 5.5, f"联系电话：{r.signer_phone}", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(90, 5.5, f"评价日期 evaluation date：{r.evaluation_date.isoformat()}",
             new_x="LMARGIN", new_y="NEXT")
    pdf.cell(90, 5.5, f"来源 origin：{ORIGIN_NAMES.get(r.origin, r.origin)}", new_x="LMARGIN",
             new_y="NEXT")
    pdf.cell(90, 5.5, f"录入 entered by：{entered_by_text(r)}", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(90, 5.5, f"存储 stored：{beijing_text(r.submitted_at)}", new_x="LMARGIN",
             new_y="NEXT")
    text_end = pdf.get_y()
    draw_image(pdf, r.signature_png, 108, y, 42, 22, "签名 signature")
    draw_image(pdf, r.seal_image, 153, y, 42, 22, "印章 seal")
    pdf.set_xy(pdf.l_margin, max(text_end, y + 24))
    if r.comment:
        pdf.font(8)
        pdf.multi_cell(0, 4.5, align="L", text=f"意见 comment：{r.comment}",
                       new_x="LMARGIN", new_y="NEXT")
    version_history(pdf, data, r)
    _scan(pdf, r)


def _scan(pdf: EvidencePDF, r: Response) -> None:
    """Embed an image scan in the room left, or note a PDF scan kept under scans/."""
    if r.scan is None:
        return
    pdf.font(8)
    name = scan_file_name(r)
    if r.scan[:5] == b"%PDF-":
        pdf.cell(0, 5, f"纸质表扫描件为 PDF，见证据包 {name}", new_x="LMARGIN", new_y="NEXT")
        return
    pdf.cell(0, 5, f"纸质表扫描件 paper scan（原件见 {name}）：", new_x="LMARGIN", new_y="NEXT")
    room = pdf.page_break_trigger - pdf.get_y() - 1
    if room > 15:
        draw_image(pdf, r.scan, 15, pdf.get_y(), pdf.w - 30, room, "")


def scan_file_name(r: Response) -> str:
    """Return the bundle path of a form's scan: scans/<hash prefix>-<original name>."""
    suffix = "pdf" if (r.scan or b"")[:5] == b"%PDF-" else "img"
    base = (r.scan_name or f"scan.{suffix}").replace("/", "_").replace("\\", "_")
    return f"scans/{r.record_hash[:16]}-{base}"


@dataclass(frozen=True)
class RenderedPDF:
    """The PDF bytes and where things landed: summary pages and each form's page range."""

    content: bytes
    summary_pages: int  # the pages between the cover and the first form
    pages: int
    form_pages: dict[int, tuple[int, int]]  # response id -> (first page, last page)


def render_evidence_pdf(data: EvidenceData, progress: Progress | None = None) -> RenderedPDF:
    """Return the rendered evidence PDF with its page layout."""
    pdf = EvidencePDF(data.base_url)
    total = len(data.current) + 2
    note: Any = progress or (lambda done, of, label: None)
    _cover(pdf, data)
    _summary(pdf, data)
    provenance_section(pdf, data)
    eligibility_section(pdf, data)
    summary_pages = pdf.page_no() - 1  # summary, overrides and late forms, §5 data
    note(2, total, "summary")
    form_pages: dict[int, tuple[int, int]] = {}
    for done, response in enumerate(data.current, start=3):
        first = _form_page(pdf, data, response)
        form_pages[int(response.id or 0)] = (first, pdf.page_no())
        note(done, total, f"form {response.id}")
    return RenderedPDF(bytes(pdf.output()), summary_pages, pdf.page_no(), form_pages)
