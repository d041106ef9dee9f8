"""Importing paper forms (CSV/XLSX): validated like the web form, all rows or none."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlmodel import Session, select

from surveys.access import Actor, require_write
from surveys.audit import record_change
from surveys.campaigns import get_campaign
from surveys.errors import FieldError, ValidationFailed
from surveys.form_a1 import ITEM_COLUMNS
from surveys.keys import Signer
from surveys.models import Client, Invitation
from surveys.responses import Attachments, submit_paper
from surveys.tabular import cell_text, read_table
from surveys.uploads import check_scan
from surveys.validation import ValidResponse, validate_response

REQUIRED = ("client", "date", "signer", *ITEM_COLUMNS)
OPTIONAL = ("comment", "scan", "signer_title", "signer_phone", "reason")


@dataclass
class PaperRow:
    """One checked paper form."""

    row: int
    client_id: int
    valid: ValidResponse
    attachments: Attachments
    reason: str = ""


def _find_client(clients: list[Client], value: Any, row: int) -> Client:
    """Return the client named (or numbered) by a cell, or raise ValidationFailed."""
    text = cell_text(value)
    for client in clients:
        if client.name == text or (text.isdigit() and client.id == int(text)):
            return client
    raise ValidationFailed([FieldError("client", f"找不到用户单位「{text}」",
                                       f"no client '{text}' of this provider", row=row)])


def _read_scan(value: Any, base_dir: Path, row: int) -> Attachments:
    """Return the attachments holding the scan file a cell names (relative to the sheet)."""
    text = cell_text(value)
    if not text:
        return Attachments()
    path = Path(text) if Path(text).is_absolute() else base_dir / text
    if not path.is_file():
        raise ValidationFailed([FieldError("scan", f"找不到扫描件文件「{text}」",
                                           f"scan file '{text}' not found", row=row)])
    try:
        data = check_scan(path.read_bytes())
    except ValidationFailed as exc:
        raise ValidationFailed([FieldError("scan", e.zh, e.en, row=row) for e in exc.errors]) from exc
    return Attachments(scan=data, scan_name=path.name)


def check_paper_rows(
    rows: list[tuple[int, dict[str, Any]]], *, clients: list[Client],
    window: tuple[date, date], today: date, base_dir: Path, invited: set[int],
) -> list[PaperRow]:
    """Return the checked rows, or raise ValidationFailed with every bad row and column."""
    checked: list[PaperRow] = []
    errors: list[FieldError] = []
    seen: dict[int | None, int] = {}
    for number, cells in rows:
        raw = {column: cells.get(column) for column in ITEM_COLUMNS}
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
            elif client.id in seen:
                problems.append(FieldError("client", f"与第 {seen[client.id]} 行重复",
                                           f"repeats row {seen[client.id]}", number))
            seen.setdefault(client.id, number)
        except ValidationFailed as exc:
            problems += exc.errors
        try:
            valid = validate_response(raw, window=window, today=today)
        except ValidationFailed as exc:
            problems += [FieldError("signer" if e.field == "signer_name" else e.field, e.zh, e.en,
                                    number) for e in exc.errors]
        try:
            attachments = _read_scan(cells.get("scan"), base_dir, number)
        except ValidationFailed as exc:
            problems += exc.errors
        if problems:
            errors += problems
        elif client and valid and attachments:
            checked.append(PaperRow(number, int(client.id or 0), valid, attachments,
                                    cell_text(cells.get("reason"))))
    if errors:
        raise ValidationFailed(errors)
    return checked


def import_paper_forms(
    *, session: Session, actor: Actor, signer: Signer, provider_id: int, year: int, data: bytes,
    filename: str, today: date, base_dir: Path,
) -> int:
    """Return how many paper forms were stored; on any bad row nothing is stored."""
    require_write(actor, provider_id)
    campaign = get_campaign(session=session, actor=actor, provider_id=provider_id, year=year)
    invited = set(session.exec(
        select(Invitation.client_id).where(Invitation.campaign_id == campaign.id)).all())
    clients = list(session.exec(select(Client).where(Client.provider_id == provider_id)).all())
    rows = check_paper_rows(
        read_table(data, filename, required=REQUIRED, optional=OPTIONAL), clients=clients,
        window=(campaign.opens, campaign.closes), today=today, base_dir=base_dir, invited=invited)
    errors: list[FieldError] = []
    for item in rows:
        try:
            submit_paper(session=session, actor=actor, signer=signer, provider_id=provider_id,
                         year=year, client_id=item.client_id, valid=item.valid,
                         attachments=item.attachments, reason=item.reason, origin="import",
                         today=today)
        except ValidationFailed as exc:  # the caller's transaction rolls every row back
            errors += [FieldError(e.field, e.zh, e.en, item.row) for e in exc.errors]
    if errors:
        raise ValidationFailed(errors)
    record_change(session, actor, "paper_import", "response", filename, provider_id, None,
                  {"file": filename, "year": year, "rows": len(rows)})
    return len(rows)
