"""evidence.pdf sections an assessor needs beside the forms: overrides, late forms, §5 data."""

from __future__ import annotations

from collections import defaultdict

from fpdf.fonts import FontFace

from analytics.eligibility import CRITERIA, json_number
from analytics.eligibility import key_unit_at_year_end as flag_at_year_end
from analytics.evidence_data import EvidenceData, header_of
from analytics.evidence_pdf_base import GREY, EvidencePDF
from surveys.clock import beijing_text
from surveys.models import Response
from surveys.records import receipt_code

HEAD = FontFace(emphasis="BOLD", fill_color=GREY)
OVERRIDES_TITLE = "由服务单位更正的用户网上评价 Client web forms replaced by the provider"
LATE_TITLE = "回访重新开启与逾期录入 Reopenings and forms stored after closing"
ENTERED_BY_CLIENT = "用户本人（网上）client"
ORIGIN_SHORT = {"web": "网上 web", "paper": "纸质 paper", "import": "导入 import"}


def entered_by_text(r: Response) -> str:
    """Return who entered a version: the client itself on the web, or the staff account."""
    if r.origin == "web":
        return ENTERED_BY_CLIENT
    return r.entered_by or "—（第 1 版格式未记录 not recorded in format 1）"


def _title(pdf: EvidencePDF, text: str) -> None:
    """Draw a section title."""
    pdf.ln(3)
    pdf.font(12, bold=True)
    pdf.multi_cell(0, 7, text, new_x="LMARGIN", new_y="NEXT")
    pdf.font(8)


def _none(pdf: EvidencePDF) -> None:
    """Say that a section holds nothing (so its absence is never ambiguous)."""
    pdf.font(9)
    pdf.cell(0, 6, "无 none", new_x="LMARGIN", new_y="NEXT")


def provenance_section(pdf: EvidencePDF, data: EvidenceData) -> None:
    """Draw the provider's overrides of web forms, the campaign's reopenings and late forms."""
    pdf.add_page()
    pdf.page_hash = None
    _title(pdf, OVERRIDES_TITLE)
    pdf.multi_cell(0, 4.5, "下列每行：用户本人网上提交的版本，被服务单位人员以纸质或导入版本替换；"
                   "原因由录入人填写并随记录签名。Each row: a version the client submitted on the "
                   "web, replaced by provider staff; the reason was signed with the record.",
                   new_x="LMARGIN", new_y="NEXT")
    prov = data.provenance
    if prov.overrides:
        with pdf.table(col_widths=(30, 40, 40, 70), line_height=4.5, headings_style=HEAD,
                       text_align="LEFT") as table:
            table.row(("用户单位 client", "网上版本 web version", "替换版本 replacement",
                       "录入人、时间、原因 by, stored, reason"))
            for o in prov.overrides:
                web, new = o.web, o.replacement
                table.row((
                    header_of(web)["client"]["name"],
                    f"第 {web.version} 版 v{web.version} · 总分 {web.total}\n"
                    f"评价日期 {web.evaluation_date.isoformat()}\n回执 {receipt_code(web.record_hash)}",
                    f"第 {new.version} 版 v{new.version} · 总分 {new.total}\n"
                    f"{ORIGIN_SHORT.get(new.origin, new.origin)} · 评价日期 "
                    f"{new.evaluation_date.isoformat()}\n回执 {receipt_code(new.record_hash)}",
                    f"{entered_by_text(new)}\n{beijing_text(new.submitted_at)}\n"
                    f"原因 reason：{new.reason or '—'}"))
    else:
        _none(pdf)
    _title(pdf, LATE_TITLE)
    pdf.multi_cell(0, 4.5, f"回访截止日期 closes {data.closes.isoformat()}（北京时间）。重新开启须由"
                   "管理员填写原因；截止后存储的每份评价均列于此。Reopenings need an administrator "
                   "and a reason; every form stored after closing is listed.",
                   new_x="LMARGIN", new_y="NEXT")
    reopenings = prov.reopenings
    if reopenings:
        with pdf.table(col_widths=(50, 30, 100), line_height=4.5, headings_style=HEAD,
                       text_align="LEFT") as table:
            table.row(("重新开启时间 reopened", "管理员 admin", "原因 reason"))
            for event in reopenings:
                table.row((beijing_text(event.at), event.username, event.reason or "—"))
    else:
        _none(pdf)
    pdf.ln(2)
    if prov.late:
        with pdf.table(col_widths=(40, 16, 22, 42, 60), line_height=4.5, headings_style=HEAD,
                       text_align="LEFT") as table:
            table.row(("用户单位 client", "版本 v", "来源 origin", "存储时间 stored",
                       "录入人 by / 回执 receipt"))
            for r in prov.late:
                table.row((header_of(r)["client"]["name"], str(r.version),
                           ORIGIN_SHORT.get(r.origin, r.origin), beijing_text(r.submitted_at),
                           f"{entered_by_text(r)}\n{receipt_code(r.record_hash)}"))
    else:
        pdf.font(9)
        pdf.cell(0, 6, "逾期录入：无 late forms: none", new_x="LMARGIN", new_y="NEXT")


def eligibility_section(pdf: EvidencePDF, data: EvidenceData) -> None:
    """Draw the §5 verdict, every check, the contracts and the key-unit flags it rests on."""
    pdf.add_page()
    pdf.page_hash = None
    result = data.eligibility
    _title(pdf, f"§5 绩效表现核验 Star eligibility under §5: {result.star} 星")
    names = {c.key: c.clause_zh for c in CRITERIA}
    with pdf.table(col_widths=(56, 31, 31, 31, 31), line_height=4.5, headings_style=HEAD,
                   text_align="LEFT") as table:
        table.row(("条件 criterion", "实际 actual", "一星 1★", "二星 2★", "三星 3★"))
        for criterion in CRITERIA:
            checks = {c.star: c for c in result.checks if c.key == criterion.key}
            actual = json_number(checks[1].actual)
            cells = [names[criterion.key], "—" if actual is None else str(actual)]
            for star in (1, 2, 3):
                check = checks[star]
                need = "—" if check.required is None else str(json_number(check.required))
                cells.append(f"≥ {need} {'✓' if check.met else '×'}")
            table.row(cells)
    _contracts(pdf, data)


def _contracts(pdf: EvidencePDF, data: EvidenceData) -> None:
    """Draw each client's contracts by year and its key-unit flag trail."""
    _title(pdf, "维保合同与重点保卫单位 Contracts and key-protection flags")
    by_client: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for cid, year, amount in data.eligibility_inputs.contracts:
        by_client[cid].append((year, f"{amount:,.2f}"))
    if not by_client:
        _none(pdf)
        return
    trails = data.eligibility_inputs.key_unit_trails
    with pdf.table(col_widths=(50, 70, 60), line_height=4.5, headings_style=HEAD,
                   text_align="LEFT") as table:
        table.row(("用户单位 client", "合同 contracts (年 year: 元 CNY)",
                   f"重点保卫单位 key unit（{data.year} 年末 at year end）"))
        for cid, years in sorted(by_client.items()):
            trail = trails.get(cid, [])
            marks = "; ".join(f"{beijing_text(at, seconds=False)} → {'是' if flag else '否'}"
                              for at, flag in trail)
            now = "是 yes" if flag_at_year_end(trail, data.year) else "否 no"
            table.row((data.client_names.get(cid, str(cid)),
                       "; ".join(f"{y}: {a}" for y, a in years), f"{now}\n{marks}"))


def version_history(pdf: EvidencePDF, data: EvidenceData, r: Response) -> None:
    """Draw every version of a form's invitation: origin, who, when, total, reason, receipt."""
    versions = data.versions_of(r)
    pdf.ln(1)
    pdf.font(8, bold=True)
    pdf.cell(0, 5, "版本记录 version history", new_x="LMARGIN", new_y="NEXT")
    pdf.font(8)
    with pdf.table(col_widths=(10, 20, 36, 40, 12, 62), line_height=4, headings_style=HEAD,
                   text_align="LEFT") as table:
        table.row(("版本", "来源 origin", "录入人 entered by", "存储时间 stored", "总分",
                   "原因 reason / 回执 receipt"))
        for v in versions:
            table.row((str(v.version), ORIGIN_SHORT.get(v.origin, v.origin), entered_by_text(v),
                       beijing_text(v.submitted_at), str(v.total),
                       f"{v.reason or '—'}\n{receipt_code(v.record_hash)}"))
