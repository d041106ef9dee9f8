"""A campaign's progress per client: not opened, opened, submitted, corrected (or revoked).

Links are credentials: ``campaign_progress`` (with each client's link) needs write access for
the provider; ``progress_overview`` (the same rows without links) needs read access only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from surveys.access import Actor, require_read, require_write
from surveys.campaigns import get_campaign
from surveys.invitations import token_of
from surveys.links import invitation_url
from surveys.models import Client, Invitation, Response

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


def _rows(session: Session, actor: Actor, provider_id: int, year: int,
          link: tuple[bytes, str] | None) -> list[ClientProgress]:
    """Return the campaign's progress rows, with links only when (secret, base_url) is given."""
    campaign = get_campaign(session=session, actor=actor, provider_id=provider_id, year=year)
    pairs = session.exec(
        select(Invitation, Client).join(Client, col(Client.id) == Invitation.client_id)
        .where(Invitation.campaign_id == campaign.id).order_by(col(Client.name))
    ).all()
    ids = [inv.id for inv, _client in pairs]
    counts = dict(session.exec(  # type: ignore[arg-type]
        select(Response.invitation_id, func.max(Response.version))
        .where(col(Response.invitation_id).in_(ids)).group_by(col(Response.invitation_id))
    ).all()) if ids else {}
    result = []
    for inv, client in pairs:
        assert inv.id is not None and client.id is not None
        versions = int(counts.get(inv.id, 0) or 0)
        revoked = inv.revoked_at is not None
        url = (invitation_url(link[1], token_of(link[0], inv))
               if link is not None and not revoked else None)
        result.append(ClientProgress(
            invitation_id=inv.id, client_id=client.id, client=client.name,
            key_unit=client.key_unit,
            status=status_of(revoked, inv.first_opened_at is not None, versions),
            versions=versions, revoked=revoked, first_opened_at=inv.first_opened_at, url=url,
        ))
    return result


def campaign_progress(
    *, session: Session, actor: Actor, secret: bytes, provider_id: int, year: int, base_url: str
) -> list[ClientProgress]:
    """Return every invited client's progress with its live link, by client name (writers)."""
    require_write(actor, provider_id)
    return _rows(session, actor, provider_id, year, (secret, base_url))


def progress_overview(
    *, session: Session, actor: Actor, provider_id: int, year: int
) -> list[ClientProgress]:
    """Return every invited client's progress without any link (url None), by client name."""
    require_read(actor, provider_id)
    return _rows(session, actor, provider_id, year, None)
