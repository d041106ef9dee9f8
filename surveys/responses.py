"""Storing responses: every accepted version is signed, chained per provider and never changed."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import exists
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from surveys.access import Actor, require_read, require_write
from surveys.audit import record_change, snapshot
from surveys.campaigns import CampaignClosed, campaign_accepts, get_campaign
from surveys.clock import beijing_today
from surveys.errors import Conflict, FieldError, NotFound, ValidationFailed
from surveys.form_a1 import FORM_ID
from surveys.keys import Signer
from surveys.models import ORIGINS, Campaign, Client, Invitation, Provider, Response, utcnow
from surveys.records import GENESIS_HASH, record_hash
from surveys.text import TextRule, clean_text
from surveys.validation import ValidResponse

HEADER_KEYS = ("name", "department", "manager", "phone")
WEB_ENTERED_BY = "client"  # entered_by of a form the client submitted through its own link
MAX_REASON_LEN = 500
REASON_RULE = TextRule("reason", "更正原因", "Correction reason", MAX_REASON_LEN, multiline=True)


@dataclass(frozen=True)
class Attachments:
    """Images and scans that go with a response (PNG/JPEG bytes or PDF for scans)."""

    signature_png: bytes | None = None
    seal_image: bytes | None = None
    scan: bytes | None = None
    scan_name: str = ""


def header_snapshot(provider: Provider, client: Client, edits: dict[str, Any] | None) -> str:
    """Return the JSON of both Table A.1 header blocks, the client's block with its edits.

    The edits were checked by the text rule on the way in; stored values are copied as stored.
    """
    client_fields = {key: str(getattr(client, key) or "") for key in HEADER_KEYS}
    client_fields.update({k: v for k, v in (edits or {}).items() if k in HEADER_KEYS[1:]})
    return json.dumps(
        {"client": client_fields,
         "provider": {key: getattr(provider, key) for key in HEADER_KEYS}},
        ensure_ascii=False, sort_keys=True,
    )


def latest_version(*, session: Session, invitation_id: int) -> Response | None:
    """Return the newest version stored for an invitation, or None."""
    return session.exec(
        select(Response).where(Response.invitation_id == invitation_id)
        .order_by(col(Response.version).desc())
    ).first()


def append_response(
    *, session: Session, signer: Signer, invitation_id: int, valid: ValidResponse, origin: str,
    attachments: Attachments, header_edits: dict[str, Any] | None = None,
    supersedes_id: int | None = None, submission_key: str | None = None,
    now: datetime | None = None, entered_by: str = WEB_ENTERED_BY, reason: str = "",
) -> Response:
    """Return the stored version: signed, chained after the provider's last record.

    The provider row is locked first, so concurrent appends of one provider are serialised on
    PostgreSQL (SELECT ... FOR UPDATE) as they are on SQLite (BEGIN IMMEDIATE). A repeated
    submission_key returns the version it stored; a stale supersedes_id raises Conflict.
    """
    if origin not in ORIGINS:
        raise ValueError(f"unknown origin {origin!r}")
    invitation = session.get(Invitation, invitation_id)
    if invitation is None:
        raise NotFound(f"invitation {invitation_id} does not exist")
    campaign = session.get(Campaign, invitation.campaign_id)
    client = session.get(Client, invitation.client_id)
    assert campaign is not None and client is not None
    provider = session.exec(
        select(Provider).where(Provider.id == campaign.provider_id).with_for_update()
    ).one()
    if submission_key:
        done = session.exec(select(Response).where(Response.submission_key == submission_key))
        existing = done.first()
        if existing is not None:
            return existing
    latest = latest_version(session=session, invitation_id=invitation_id)
    if (latest.id if latest else None) != supersedes_id:
        raise Conflict("此评价表已被提交或更正，请刷新后再试 / "
                       "this form was submitted or corrected meanwhile; reload and try again")
    head = session.exec(
        select(Response.seq, Response.record_hash).where(Response.provider_id == provider.id)
        .order_by(col(Response.seq).desc())
    ).first()
    assert provider.id is not None and client.id is not None
    items: dict[str, Any] = {f"item{no}": score for no, score in valid.scores.items()}
    record = Response(
        invitation_id=invitation_id, provider_id=provider.id, client_id=client.id,
        year=campaign.year, form_id=FORM_ID,
        **items,
        total=valid.total, header_json=header_snapshot(provider, client, header_edits),
        signer_name=valid.signer_name, signer_title=valid.signer_title,
        signer_phone=valid.signer_phone, signature_png=attachments.signature_png,
        seal_image=attachments.seal_image, scan=attachments.scan,
        scan_name=attachments.scan_name, evaluation_date=valid.evaluation_date,
        comment=valid.comment, origin=origin, submitted_at=now or utcnow(),
        version=(latest.version + 1) if latest else 1, supersedes_id=supersedes_id,
        submission_key=submission_key, seq=(head[0] + 1) if head else 1,
        prev_hash=head[1] if head else GENESIS_HASH, record_hash="", signature="",
        key_id=signer.key_id, entered_by=entered_by, reason=reason,
    )
    record.record_hash = record_hash(record)
    record.signature = signer.sign(record.record_hash)
    session.add(record)
    session.flush()
    return record


def campaign_window(campaign: Campaign) -> tuple[date, date]:
    """Return the dates an evaluation of this campaign may carry."""
    return campaign.opens, campaign.closes


def current_responses_query(provider_id: int | None = None, year: int | None = None) -> Any:
    """Return a SELECT of the latest version of each invitation, optionally filtered."""
    newer = aliased(Response)
    query = select(Response).where(
        ~exists().where(col(newer.supersedes_id) == col(Response.id)))
    if provider_id is not None:
        query = query.where(Response.provider_id == provider_id)
    if year is not None:
        query = query.where(Response.year == year)
    return query


def current_responses(
    *, session: Session, actor: Actor, provider_id: int, year: int
) -> list[Response]:
    """Return the latest version of each of the year's responses, by evaluation date and id."""
    require_read(actor, provider_id)
    query = current_responses_query(provider_id, year).order_by(
        col(Response.evaluation_date), col(Response.id))
    return list(session.exec(query).all())


def response_versions(*, session: Session, actor: Actor, invitation_id: int) -> list[Response]:
    """Return every stored version of an invitation's response, oldest first."""
    invitation = session.get(Invitation, invitation_id)
    campaign = session.get(Campaign, invitation.campaign_id) if invitation else None
    if campaign is None:
        raise NotFound(f"invitation {invitation_id} does not exist")
    require_read(actor, campaign.provider_id)
    query = select(Response).where(Response.invitation_id == invitation_id)
    return list(session.exec(query.order_by(col(Response.version))).all())


def get_response(*, session: Session, actor: Actor, response_id: int) -> Response:
    """Return one stored version, or raise NotFound."""
    record = session.get(Response, response_id)
    if record is None:
        raise NotFound(f"评价记录 {response_id} 不存在 / response {response_id} does not exist")
    require_read(actor, record.provider_id)
    return record


def check_reason(reason: str, latest: Response | None) -> str:
    """Return the correction reason, required (and bounded) when a stored version is replaced."""
    text = clean_text(reason, REASON_RULE)  # the one text rule: NFC, no controls, 500 chars
    if latest is not None and not text:
        own_web = latest.origin == "web"
        what_zh = "用户网上提交的评价表" if own_web else "已录入的评价表"
        what_en = "the client's own web form" if own_web else f"the {latest.origin} entry"
        raise ValidationFailed([FieldError(
            "reason", f"替换{what_zh}（第 {latest.version} 版）须填写更正原因",
            f"replacing {what_en} (version {latest.version}) needs a written reason")])
    return text


def submit_paper(
    *, session: Session, actor: Actor, signer: Signer, provider_id: int, year: int,
    client_id: int, valid: ValidResponse, attachments: Attachments, reason: str = "",
    origin: str = "paper", today: date | None = None,
) -> Response:
    """Return the stored form entered by staff (origin 'paper' or 'import').

    A closed campaign refuses it (CampaignClosed); replacing a stored version needs a reason.
    """
    require_write(actor, provider_id)
    if origin not in ("paper", "import"):
        raise ValueError(f"staff enter forms from paper or a file, not {origin!r}")
    campaign = get_campaign(session=session, actor=actor, provider_id=provider_id, year=year)
    if not campaign_accepts(campaign, today or beijing_today()):
        raise CampaignClosed()
    invitation = session.exec(
        select(Invitation).where(Invitation.campaign_id == campaign.id,
                                 Invitation.client_id == client_id)
    ).first()
    if invitation is None or invitation.id is None:
        raise NotFound(f"用户单位 {client_id} 未被邀请参加 {year} 年回访 / "
                       f"client {client_id} is not invited to the {year} campaign")
    latest = latest_version(session=session, invitation_id=invitation.id)
    why = check_reason(reason, latest)
    stored = append_response(
        session=session, signer=signer, invitation_id=invitation.id, valid=valid,
        origin=origin, attachments=attachments, supersedes_id=latest.id if latest else None,
        entered_by=actor.username, reason=why,
    )
    record_change(session, actor, "paper_submit" if origin == "paper" else "import_submit",
                  "response", stored.id, provider_id, snapshot(latest), stored)
    return stored
