"""Entering one signed paper Table A.1 by hand: the web form's validation plus the scan.

The scan is required here and in the file import (surveys/response_import.py) alike: a form
entered by staff is only as good as the signed and stamped paper it was typed from.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from surveys.access import Actor, require_write
from surveys.campaigns import get_campaign
from surveys.errors import Conflict, FieldError, ValidationFailed
from surveys.invitations import list_invitations
from surveys.keys import Signer
from surveys.models import Invitation, Response
from surveys.responses import Attachments, latest_version, submit_paper
from surveys.uploads import check_scan
from surveys.validation import validate_response

MAX_SCAN_NAME = 200
PAPER_STATES = ("not_opened", "opened", "web", "paper")  # 未打开, 已打开, 网上已答, 纸质已录
SCAN_REQUIRED_ZH = "请上传签字盖章的纸质评价表扫描件"
SCAN_REQUIRED_EN = "upload the scan of the signed and stamped paper form"


@dataclass(frozen=True)
class PaperClient:
    """One invited client as the paper page lists it: its state and its current version."""

    client_id: int
    name: str
    state: str  # one of PAPER_STATES
    version: int  # 0 when nothing is stored
    total: int | None
    origin: str | None  # 'web', 'paper' or 'import' of the current version


def paper_state(opened: bool, origin: str | None) -> str:
    """Return the state word of an invitation: answered on the web, on paper, opened or not."""
    if origin == "web":
        return "web"
    if origin is not None:  # typed in from paper, or imported from a sheet of paper forms
        return "paper"
    return "opened" if opened else "not_opened"


def paper_clients(
    *, session: Session, actor: Actor, provider_id: int, year: int
) -> list[PaperClient]:
    """Return every invited client of the year's campaign with its state, by client name."""
    require_write(actor, provider_id)
    rows = list_invitations(session=session, actor=actor, provider_id=provider_id, year=year)
    ids = [inv.id for inv, _client in rows]
    newest = select(Response.invitation_id, func.max(Response.version).label("v")).where(
        col(Response.invitation_id).in_(ids)).group_by(col(Response.invitation_id)).subquery()
    current = {r.invitation_id: r for r in session.exec(select(Response).join(
        newest, (col(Response.invitation_id) == newest.c.invitation_id)
        & (col(Response.version) == newest.c.v)))} if ids else {}
    listed = []
    for inv, client in rows:
        stored = current.get(int(inv.id or 0))
        listed.append(PaperClient(
            client_id=int(client.id or 0), name=client.name,
            state=paper_state(inv.first_opened_at is not None, stored.origin if stored else None),
            version=stored.version if stored else 0, total=stored.total if stored else None,
            origin=stored.origin if stored else None))
    return listed


def enter_paper_form(
    *, session: Session, actor: Actor, signer: Signer, provider_id: int, year: int,
    client_id: int, raw: dict[str, Any], scan: bytes | None, scan_name: str, today: date,
    reason: str = "", replaces_version: int | None = None,
) -> Response:
    """Return the stored paper form; every bad field (scores, date, signer, scan) is listed.

    replaces_version is the version the person saw (0: none); another one stored meanwhile
    raises Conflict, so nobody replaces a form they have not seen.
    """
    require_write(actor, provider_id)
    campaign = get_campaign(session=session, actor=actor, provider_id=provider_id, year=year)
    if replaces_version is not None:
        _check_unchanged(session, campaign.id, client_id, replaces_version)
    errors: list[FieldError] = []
    valid = None
    try:
        valid = validate_response(raw, window=(campaign.opens, campaign.closes), today=today)
    except ValidationFailed as exc:
        errors += exc.errors
    if not scan:
        errors.append(FieldError("scan", SCAN_REQUIRED_ZH, SCAN_REQUIRED_EN))
    else:
        try:
            scan = check_scan(scan)  # what is stored: the parsed PDF, the checked image
        except ValidationFailed as exc:
            errors += exc.errors
    if errors or valid is None:
        raise ValidationFailed(errors)
    return submit_paper(
        session=session, actor=actor, signer=signer, provider_id=provider_id, year=year,
        client_id=client_id, valid=valid,
        attachments=Attachments(scan=scan, scan_name=(scan_name or "scan")[:MAX_SCAN_NAME]),
        reason=reason, today=today)


def _check_unchanged(session: Session, campaign_id: int | None, client_id: int,
                     seen: int) -> None:
    """Raise Conflict when the client's stored version is no longer the one the person saw."""
    invitation = session.exec(select(Invitation).where(
        Invitation.campaign_id == campaign_id, Invitation.client_id == client_id)).first()
    if invitation is None or invitation.id is None:
        return  # submit_paper says the client is not invited
    latest = latest_version(session=session, invitation_id=invitation.id)
    now = latest.version if latest else 0
    if now != seen:
        raise Conflict(
            f"此用户单位的评价已变为第 {now} 版（您看到的是第 {seen} 版），未保存；请核对后再录入 / "
            f"this client's form is now version {now} (you saw version {seen}); nothing was "
            "stored: check it and enter again")
