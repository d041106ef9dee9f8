"""The client's draft: what a link's form holds so far, kept on the server until it is stored.

A draft is personal data behind a credential: it is read and written only through the link
token (like the form itself), is bounded in size, never counts as an answer, is never signed
or chained, and is deleted when the form is stored (`web_form.submit_web_form`, same
transaction), when the campaign closes (`campaigns.close_campaign`) and by `purge_drafts` for
revoked links and campaigns past their closing date. See docs/client-form.md.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import delete, or_
from sqlmodel import Session, col, select

from surveys.campaigns import campaign_accepts
from surveys.errors import FieldError, ValidationFailed
from surveys.invitations import resolve_token
from surveys.models import Campaign, FormDraft, Invitation, utcnow

MAX_FIELDS_BYTES = 16 * 1024          # scores, header edits, signer, date, comment (2,000 chars)
MAX_SIGNATURE_JSON_BYTES = 512 * 1024  # the pad's strokes, to redraw them after a reload
MAX_SIGNATURE_PNG_BYTES = 256 * 1024
MAX_SEAL_BYTES = 4 * 1024 * 1024       # the seal as stored: re-encoded, 2000 px at most
DRAFT_KEYS = frozenset(
    [f"item{no}" for no in range(1, 10)]
    + ["department", "manager", "phone", "signer_name", "signer_title", "signer_phone",
       "evaluation_date", "comment", "correcting", "base_id", "seal_removed"])


@dataclass(frozen=True)
class Draft:
    """A form in progress: plain field values, the signature (strokes and PNG) and the seal."""

    fields: dict[str, Any] = field(default_factory=dict)
    signature_json: str = ""
    signature_png: bytes | None = None
    seal_image: bytes | None = None


def _plain(value: Any) -> Any:
    """Return a JSON-safe draft value (dates as ISO text)."""
    if isinstance(value, date):
        return value.isoformat()
    if value is None or isinstance(value, bool | int | str):
        return value
    return str(value)


def _bounded(draft: Draft) -> str:
    """Return the fields as JSON, or raise ValidationFailed when a part is over its bound."""
    text = json.dumps({k: _plain(v) for k, v in draft.fields.items() if k in DRAFT_KEYS},
                      ensure_ascii=False, sort_keys=True)
    sizes = ((len(text.encode()), MAX_FIELDS_BYTES, "fields"),
             (len(draft.signature_json.encode()), MAX_SIGNATURE_JSON_BYTES, "signature"),
             (len(draft.signature_png or b""), MAX_SIGNATURE_PNG_BYTES, "signature"),
             (len(draft.seal_image or b""), MAX_SEAL_BYTES, "seal"))
    for size, limit, name in sizes:
        if size > limit:
            raise ValidationFailed([FieldError(name, "草稿过大，未能暂存", "the draft is too large "
                                                                      "to keep")])
    return text


def _open_invitation(session: Session, token: str, today: date) -> tuple[int, int] | None:
    """Return (invitation id, campaign id) of a link that still takes answers, else None."""
    view = resolve_token(session=session, token=token)
    if view is None or view.invitation.id is None or view.campaign.id is None:
        return None
    if not campaign_accepts(view.campaign, today):
        return None
    return view.invitation.id, view.campaign.id


def load_draft(*, session: Session, token: str, today: date) -> Draft | None:
    """Return the draft of a link that still takes answers, or None."""
    opened = _open_invitation(session, token, today)
    if opened is None:
        return None
    row = session.exec(select(FormDraft).where(FormDraft.invitation_id == opened[0])).first()
    if row is None:
        return None
    return Draft(fields=json.loads(row.fields_json), signature_json=row.signature_json,
                 signature_png=row.signature_png, seal_image=row.seal_image)


def save_draft(*, session: Session, token: str, draft: Draft, today: date) -> bool:
    """Return True once the draft is kept; False when the link no longer takes answers.

    Raises ValidationFailed when the draft is over its size bounds (nothing is changed).
    """
    fields_json = _bounded(draft)
    opened = _open_invitation(session, token, today)
    if opened is None:
        return False
    invitation_id, campaign_id = opened
    row = session.exec(select(FormDraft).where(FormDraft.invitation_id == invitation_id)).first()
    row = row or FormDraft(invitation_id=invitation_id, campaign_id=campaign_id, fields_json="")
    row.fields_json, row.signature_json = fields_json, draft.signature_json
    row.signature_png, row.seal_image = draft.signature_png, draft.seal_image
    row.updated_at = utcnow()
    session.add(row)
    session.flush()
    return True


def discard_draft(*, session: Session, token: str, today: date) -> int:
    """Return how many drafts of the link were deleted (the client left a correction)."""
    opened = _open_invitation(session, token, today)
    return 0 if opened is None else delete_draft(session=session, invitation_id=opened[0])


def delete_draft(*, session: Session, invitation_id: int) -> int:
    """Return how many drafts of the invitation were deleted (0 or 1)."""
    result = session.execute(delete(FormDraft).where(col(FormDraft.invitation_id) == invitation_id))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def delete_campaign_drafts(*, session: Session, campaign_id: int) -> int:
    """Return how many drafts of a campaign were deleted (it closed)."""
    result = session.execute(delete(FormDraft).where(col(FormDraft.campaign_id) == campaign_id))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def purge_drafts(*, session: Session, today: date) -> int:
    """Return how many drafts were deleted: revoked links, campaigns that no longer take answers."""
    closed = select(Campaign.id).where(or_(
        col(Campaign.is_open).is_(False), col(Campaign.closes) < today,
        col(Campaign.opens) > today))
    revoked = select(Invitation.id).where(col(Invitation.revoked_at).is_not(None))
    result = session.execute(delete(FormDraft).where(or_(
        col(FormDraft.campaign_id).in_(closed), col(FormDraft.invitation_id).in_(revoked))))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
