"""A campaign's progress per client: not opened, opened, submitted, corrected (or revoked)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from surveys.access import Actor, require_read
from surveys.invitations import list_invitations, token_of
from surveys.links import invitation_url
from surveys.models import Response

STATUSES = ("not_opened", "opened", "submitted", "corrected", "revoked")


@dataclass(frozen=True)
class ClientProgress:
    """Where one invited client stands in a campaign, with its current link (None if revoked)."""

    invitation_id: int
    client_id: int
    client: str
    key_unit: bool
    status: str
    versions: int
    revoked: bool
    first_opened_at: datetime | None
    url: str | None


def status_of(revoked: bool, opened: bool, versions: int) -> str:
    """Return the status word of an invitation."""
    if versions > 1:
        return "corrected"
    if versions == 1:
        return "submitted"
    if revoked:
        return "revoked"
    return "opened" if opened else "not_opened"


def campaign_progress(
    *, session: Session, actor: Actor, secret: bytes, provider_id: int, year: int, base_url: str
) -> list[ClientProgress]:
    """Return every invited client's progress in the year's campaign, by client name."""
    require_read(actor, provider_id)
    rows = list_invitations(session=session, actor=actor, provider_id=provider_id, year=year)
    ids = [inv.id for inv, _client in rows]
    counts = dict(session.exec(  # type: ignore[arg-type]
        select(Response.invitation_id, func.max(Response.version))
        .where(col(Response.invitation_id).in_(ids)).group_by(col(Response.invitation_id))
    ).all()) if ids else {}
    result = []
    for inv, client in rows:
        assert inv.id is not None and client.id is not None
        versions = int(counts.get(inv.id, 0) or 0)
        revoked = inv.revoked_at is not None
        result.append(ClientProgress(
            invitation_id=inv.id, client_id=client.id, client=client.name,
            key_unit=client.key_unit,
            status=status_of(revoked, inv.first_opened_at is not None, versions),
            versions=versions, revoked=revoked, first_opened_at=inv.first_opened_at,
            url=None if revoked else invitation_url(base_url, token_of(secret, inv)),
        ))
    return result
