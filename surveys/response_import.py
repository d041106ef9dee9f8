"""Importing paper forms (CSV/XLSX): validated like the paper page, all rows or none.

Each row needs what the paper page needs: the nine scores, the date, the signer and the scan of
the signed and stamped form (a file named in the 扫描件 column, beside the sheet). A row equal to
the client's stored form changes nothing; a row that differs from a stored form is a correction
and needs its reason in the 更正原因 column.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlmodel import Session, select

from surveys.access import Actor, require_write
from surveys.audit import record_change
from surveys.campaigns import get_campaign
from surveys.errors import FieldError, ValidationFailed
from surveys.form_a1 import ITEMS
from surveys.keys import Signer
from surveys.models import Client, Invitation, Response
from surveys.responses import Attachments, latest_version, submit_paper
from surveys.tabular import Column, cell_text, read_table
from surveys.text import TextRule, check_text, normalise
from surveys.uploads import MAX_SCAN_BYTES, check_scan
from surveys.validation import ValidResponse, validate_response

COLUMNS = (
    Column("client", "用户单位名称", "Client unit", True, ("用户单位", "client_id", "用户单位编号"),
           "用户单位名称（与登记的名称一致）或编号", "The client's registered name or its id"),
    Column("date", "评价日期", "Evaluation date", True, ("evaluation_date", "日期"),
           "YYYY-MM-DD，在回访期内且不晚于今天", "YYYY-MM-DD, inside the campaign, not in the future"),
    Column("signer", "签字人", "Signer", True, ("signer_name", "签字人姓名"), "必填", "Required"),
    Column("signer_title", "签字人职务", "Signer's title", False, ("职务",)),
    Column("signer_phone", "签字人电话", "Signer's phone", False, ("签字人联系电话",),
           "可选；手机号或带区号的固定电话", "Optional; mobile or landline with area code"),
    *(Column(f"item{item.no}", item.name_zh, item.name_en, True,
             (str(item.no), f"第{item.no}项", f"item {item.no}"),
             f"整数 0–{item.max_score}", f"Whole number 0-{item.max_score}") for item in ITEMS),
    Column("comment", "评价意见", "Comments", False, ("意见", "评价意见及建议")),
    Column("scan", "扫描件", "Scan", True, ("扫描件文件名", "scan file"),
           "必填：签字盖章的纸质评价表扫描件（PDF 或图片）的文件名，与本表放在同一文件夹",
           "Required: file name of the signed and stamped form's scan (PDF or image), in the "
           "same folder as this sheet"),
    Column("reason", "更正原因", "Correction reason", False, ("更正理由", "correction"),
           "该用户单位已有评价记录且本行内容不同时必填", "Required when the client already has a "
           "stored form and this row differs from it"),
)
REQUIRED = tuple(c.key for c in COLUMNS if c.required)
OPTIONAL = tuple(c.key for c in COLUMNS if not c.required)
REASON = TextRule("reason", "更正原因", "Correction reason", 500, multiline=True)
SIGNER_FIELDS = ("signer_name", "signer_title", "signer_phone", "comment")


@dataclass
class PaperRow:
    """One checked paper form."""

    row: int
    client_id: int
    valid: ValidResponse
    attachments: Attachments
    reason: str = ""


@dataclass
class PaperImportSummary:
    """What an import of paper forms did."""

    rows: int = 0
    stored: int = 0
    corrected: int = 0
    unchanged: int = 0
    clients: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        """Return True when the import stored anything."""
        return bool(self.stored or self.corrected)


def _find_client(clients: list[Client], value: Any, row: int) -> Client:
    """Return the client named (or numbered) by a cell, or raise ValidationFailed."""
    text = normalise(cell_text(value))
    for client in clients:
        if normalise(client.name) == text or (text.isdigit() and client.id == int(text)):
            return client
    raise ValidationFailed([FieldError("client", f"找不到用户单位「{text}」",
                                       f"no client '{text}' of this provider", row=row)])


def _read_scan(value: Any, base_dir: Path, row: int) -> Attachments:
    """Return the attachments holding the scan file a cell names (relative to the sheet)."""
    text = cell_text(value)
    if not text:
        raise ValidationFailed([FieldError(
            "scan", "请填写签字盖章的纸质评价表扫描件的文件名（与表格放在同一文件夹）",
            "name the scan of the signed and stamped paper form (a file beside the sheet)",
            row=row)])
    path = Path(text) if Path(text).is_absolute() else base_dir / text
    if not path.is_file():
        raise ValidationFailed([FieldError("scan", f"找不到扫描件文件「{text}」",
                                           f"scan file '{text}' not found", row=row)])
    size, limit = path.stat().st_size, MAX_SCAN_BYTES // 1024 // 1024
    if size > MAX_SCAN_BYTES:  # refused before reading
        raise ValidationFailed([FieldError(
            "scan", f"扫描件「{text}」过大（{size / 1024 / 1024:.0f} MB，最大 {limit} MB）",
            f"scan '{text}' is too large ({size / 1024 / 1024:.0f} MB, at most {limit} MB)",
            row=row)])
    try:
        with path.open("rb") as handle:  # bounded even if the file grows meanwhile
            data = check_scan(handle.read(MAX_SCAN_BYTES + 1))
    except OSError as exc:
        raise ValidationFailed([FieldError("scan", f"无法读取扫描件文件「{text}」：{exc.strerror}",
                                           f"cannot read scan file '{text}': {exc.strerror}",
                                           row=row)]) from exc
    except ValidationFailed as exc:
        raise ValidationFailed([FieldError("scan", e.zh, e.en, row=row) for e in exc.errors]) from exc
    return Attachments(scan=data, scan_name=path.name[:200])


def same_form(stored: Response, item: PaperRow) -> bool:
    """Return True when a row holds exactly the stored version's answers and scan."""
    valid = item.valid
    return (all(getattr(stored, f"item{no}") == score for no, score in valid.scores.items())
            and stored.evaluation_date == valid.evaluation_date
            and all(getattr(stored, key) == getattr(valid, key) for key in SIGNER_FIELDS)
            and stored.scan == item.attachments.scan)


def _row_errors(errors: list[FieldError], number: int) -> list[FieldError]:
    """Return validation errors named by the import's columns and the row."""
    return [FieldError("signer" if e.field == "signer_name" else "date"
                       if e.field == "evaluation_date" else e.field, e.zh, e.en, number)
            for e in errors]


def check_paper_rows(
    rows: list[tuple[int, dict[str, Any]]], *, clients: list[Client],
    window: tuple[date, date], today: date, base_dir: Path, invited: set[int],
) -> list[PaperRow]:
    """Return the checked rows, or raise ValidationFailed with every bad row and column."""
    checked: list[PaperRow] = []
    errors: list[FieldError] = []
    seen: dict[int, list[int]] = {}
    for number, cells in rows:
        raw = {f"item{item.no}": cells.get(f"item{item.no}") for item in ITEMS}
        raw.update(evaluation_date=cells.get("date"), signer_name=cells.get("signer"),
                   signer_title=cells.get("signer_title"), signer_phone=cells.get("signer_phone"),
                   comment=cells.get("comment"))
        problems: list[FieldError] = []
        client = valid = attachments = None
        try:
            client = _find_client(clients, cells.get("client"), number)
            if client.id not in invited:
                problems.append(FieldError("client", f"「{client.name}」未被邀请参加本年度回访",
                                           f"'{client.name}' is not invited this year", number))
            seen.setdefault(int(client.id or 0), []).append(number)
        except ValidationFailed as exc:
            problems += exc.errors
        try:
            valid = validate_response(raw, window=window, today=today)
        except ValidationFailed as exc:
            problems += _row_errors(exc.errors, number)
        try:
            attachments = _read_scan(cells.get("scan"), base_dir, number)
        except ValidationFailed as exc:
            problems += exc.errors
        reason, reason_errors = check_text(cells.get("reason"), REASON, row=number)
        problems += reason_errors
        errors += problems
        if not problems and client and valid and attachments:
            checked.append(PaperRow(number, int(client.id or 0), valid, attachments, reason))
    names = {int(c.id or 0): c.name for c in clients}
    for client_id, numbers in seen.items():
        if len(numbers) > 1:
            zh, en = "、".join(map(str, numbers)), ", ".join(map(str, numbers))
            errors += [FieldError("client", f"「{names[client_id]}」出现在第 {zh} 行；每个用户单位只能有一行",
                                  f"'{names[client_id]}' appears in rows {en}; one row per client",
                                  n) for n in numbers]
    if errors:
        raise ValidationFailed(sorted(errors, key=lambda e: e.row or 0))
    return checked


def _plan(session: Session, campaign_id: int, rows: list[PaperRow]
          ) -> tuple[list[tuple[PaperRow, Response | None]], int]:
    """Return the rows to store with the version each replaces, and how many are unchanged.

    A row that differs from a stored version without a reason is refused, naming the row.
    """
    todo: list[tuple[PaperRow, Response | None]] = []
    unchanged = 0
    errors: list[FieldError] = []
    for item in rows:
        invitation = session.exec(select(Invitation).where(
            Invitation.campaign_id == campaign_id, Invitation.client_id == item.client_id)).one()
        stored = latest_version(session=session, invitation_id=int(invitation.id or 0))
        if stored is not None and same_form(stored, item):
            unchanged += 1
        elif stored is not None and not item.reason:
            errors.append(FieldError(
                "reason", f"该用户单位已有评价记录（第 {stored.version} 版），本行内容不同，"
                "属于更正：请在「更正原因」列写明原因",
                f"this client already has a stored form (version {stored.version}) and this "
                "row differs: it is a correction, so write its reason in the 'Correction "
                "reason' column", item.row))
        else:
            todo.append((item, stored))
    if errors:
        raise ValidationFailed(errors)
    return todo, unchanged


def import_paper_forms(
    *, session: Session, actor: Actor, signer: Signer, provider_id: int, year: int, data: bytes,
    filename: str, today: date, base_dir: Path,
) -> PaperImportSummary:
    """Return what was stored; on any bad row nothing is, and identical rows store nothing."""
    require_write(actor, provider_id)
    campaign = get_campaign(session=session, actor=actor, provider_id=provider_id, year=year)
    invited = set(session.exec(
        select(Invitation.client_id).where(Invitation.campaign_id == campaign.id)).all())
    clients = list(session.exec(select(Client).where(Client.provider_id == provider_id)).all())
    rows = check_paper_rows(
        read_table(data, filename, columns=COLUMNS), clients=clients,
        window=(campaign.opens, campaign.closes), today=today, base_dir=base_dir, invited=invited)
    todo, unchanged = _plan(session, int(campaign.id or 0), rows)
    summary = PaperImportSummary(rows=len(rows), unchanged=unchanged)
    names = {int(c.id or 0): c.name for c in clients}
    errors: list[FieldError] = []
    for item, stored in todo:
        try:
            submit_paper(session=session, actor=actor, signer=signer, provider_id=provider_id,
                         year=year, client_id=item.client_id, valid=item.valid,
                         attachments=item.attachments, reason=item.reason, origin="import",
                         today=today)
        except ValidationFailed as exc:  # the caller's transaction rolls every row back
            errors += [FieldError(e.field, e.zh, e.en, item.row) for e in exc.errors]
            continue
        if stored is None:
            summary.stored += 1
        else:
            summary.corrected += 1
        summary.clients.append(names[item.client_id])
    if errors:
        raise ValidationFailed(errors)
    if summary.changed:
        record_change(session, actor, "paper_import", "response", filename, provider_id, None,
                      {"file": filename, "year": year, "rows": len(rows), "stored": summary.stored,
                       "corrected": summary.corrected, "unchanged": unchanged})
    return summary
