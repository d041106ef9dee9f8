"""Entering one signed paper Table A.1 by hand: the web form's validation plus the scan."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlmodel import Session

from surveys.access import Actor, require_write
from surveys.campaigns import get_campaign
from surveys.errors import FieldError, ValidationFailed
from surveys.keys import Signer
from surveys.models import Response
from surveys.responses import Attachments, submit_paper
from surveys.uploads import check_scan
from surveys.validation import validate_response

MAX_SCAN_NAME = 200


def enter_paper_form(
    *, session: Session, actor: Actor, signer: Signer, provider_id: int, year: int,
    client_id: int, raw: dict[str, Any], scan: bytes | None, scan_name: str, today: date,
    reason: str = "",
) -> Response:
    """Return the stored paper form; every bad field (scores, date, signer, scan) is listed."""
    require_write(actor, provider_id)
    campaign = get_campaign(session=session, actor=actor, provider_id=provider_id, year=year)
    errors: list[FieldError] = []
    valid = None
    try:
        valid = validate_response(raw, window=(campaign.opens, campaign.closes), today=today)
    except ValidationFailed as exc:
        errors += exc.errors
    if not scan:
        errors.append(FieldError("scan", "请上传签字盖章的纸质评价表扫描件",
                                 "upload the scan of the signed and stamped paper form"))
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
