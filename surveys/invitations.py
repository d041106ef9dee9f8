"""Invitations: resolving a link token, listing links, revoking and reissuing."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from surveys.access import Actor, require_write
from surveys.audit import record_change, snapshot
from surveys.campaigns import get_campaign
from surveys.errors import NotFound
from surveys.links import invitation_url
from surveys.models import Campaign, Client, Invitation, Provider, utcnow
from surveys.tokens import derive_token, hash_token, looks_like_token, new_nonce


@dataclass(frozen=True)
class InvitationView:
    """An invitation together with its campaign, client and provider."""

    invitation: Invitation
    campaign: Campaign
    client: Client
    provider: Provider


def resolve_token(*, session: Session, token: str) -> InvitationView | None:
    """Return the invitation a link token opens, or None (unknown, revoked or malformed)."""
    if not looks_like_token(token):
        return None
    row = session.exec(
        select(Invitation, Campaign, Client, Provider)
        .join(Campaign, col(Campaign.id) == Invitation.campaign_id)
        .join(Client, col(Client.id) == Invitation.client_id)
        .join(Provider, col(Provider.id) == Campaign.provider_id)
        .where(Invitation.token_hash == hash_token(token))
    ).first()
    if row is None or row[0].revoked_at is not None:
        return None
    return InvitationView(*row)


def mark_opened(*, session: Session, invitation_id: int) -> None:
    """Record the first time a client opened its link (for campaign progress)."""
    invitation = session.get(Invitation, invitation_id)
    if invitation is not None and invitation.first_opened_at is None:
        invitation.first_opened_at = utcnow()
        session.add(invitation)
        session.flush()


def token_of(secret: bytes, invitation: Invitation) -> str:
    """Return the invitation's current link token."""
    return derive_token(secret, invitation.token_nonce)


def list_invitations(
    *, session: Session, actor: Actor, provider_id: int, year: int
) -> list[tuple[Invitation, Client]]:
    """Return the campaign's invitations with their clients, by client name (writers only).

    The rows carry each link's nonce, from which the server derives the token: a credential.
    """
    require_write(actor, provider_id)
    campaign = get_campaign(session=session, actor=actor, provider_id=provider_id, year=year)
    query = (
        select(Invitation, Client)
        .join(Client, col(Client.id) == Invitation.client_id)
        .where(Invitation.campaign_id == campaign.id)
        .order_by(col(Client.name))
    )
    return [(inv, client) for inv, client in session.exec(query).all()]


def list_links(
    *, session: Session, actor: Actor, secret: bytes, provider_id: int, year: int, base_url: str
) -> list[dict[str, object]]:
    """Return each invited client's link: [{'client_id', 'client', 'url'}] (revoked left out).

    A link is a credential: only those who may write for the provider get it.
    """
    require_write(actor, provider_id)
    return [
        {"client_id": client.id, "client": client.name,
         "url": invitation_url(base_url, token_of(secret, inv))}
        for inv, client in list_invitations(session=session, actor=actor,
                                            provider_id=provider_id, year=year)
        if inv.revoked_at is None
    ]


def client_invitation(
    *, session: Session, actor: Actor, client_id: int, year: int
) -> tuple[Invitation, Client]:
    """Return the client's invitation in the year's campaign (writers only), or raise NotFound."""
    client = session.get(Client, client_id)
    if client is None:
        raise NotFound(f"用户单位 {client_id} 不存在 / client {client_id} does not exist")
    require_write(actor, client.provider_id)
    campaign = get_campaign(session=session, actor=actor, provider_id=client.provider_id,
                            year=year)
    invitation = session.exec(select(Invitation).where(
        Invitation.campaign_id == campaign.id, Invitation.client_id == client_id)).first()
    if invitation is None:
        raise NotFound(f"用户单位 {client_id} 未被邀请参加 {year} 年回访 / client {client_id} "
                       f"is not invited to the {year} campaign")
    return invitation, client


def reissue_campaign_links(
    *, session: Session, actor: Actor, secret: bytes, provider_id: int, year: int
) -> tuple[int, int]:
    """Return (links reissued, revoked links left revoked) after reissuing every live link."""
    pairs = list_invitations(session=session, actor=actor, provider_id=provider_id, year=year)
    live = [int(inv.id or 0) for inv, _client in pairs if inv.revoked_at is None]
    for invitation_id in live:
        reissue_invitation(session=session, actor=actor, secret=secret,
                           invitation_id=invitation_id)
    return len(live), len(pairs) - len(live)


def _owned_invitation(
    *, session: Session, actor: Actor, invitation_id: int
) -> tuple[Invitation, int]:
    """Return an invitation the actor may change and its provider id, or raise NotFound."""
    invitation = session.get(Invitation, invitation_id)
    campaign = session.get(Campaign, invitation.campaign_id) if invitation else None
    if invitation is None or campaign is None:
        raise NotFound(f"邀请 {invitation_id} 不存在 / invitation {invitation_id} does not exist")
    require_write(actor, campaign.provider_id)
    return invitation, campaign.provider_id


def revoke_invitation(*, session: Session, actor: Actor, invitation_id: int) -> Invitation:
    """Return the invitation with its link revoked: the token stops working."""
    invitation, provider_id = _owned_invitation(session=session, actor=actor,
                                                invitation_id=invitation_id)
    before = snapshot(invitation, exclude=("token_nonce",))
    invitation.revoked_at = utcnow()
    session.add(invitation)
    session.flush()
    record_change(session, actor, "link_revoke", "invitation", invitation.id, provider_id, before,
                  snapshot(invitation, exclude=("token_nonce",)))
    return invitation


def reissue_invitation(
    *, session: Session, actor: Actor, secret: bytes, invitation_id: int
) -> str:
    """Return a new token for the invitation; the old token stops working."""
    invitation, provider_id = _owned_invitation(session=session, actor=actor,
                                                invitation_id=invitation_id)
    before = snapshot(invitation, exclude=("token_nonce",))
    invitation.token_nonce = new_nonce()
    invitation.token_hash = hash_token(derive_token(secret, invitation.token_nonce))
    invitation.revoked_at = None
    session.add(invitation)
    session.flush()
    record_change(session, actor, "link_reissue", "invitation", invitation.id, provider_id, before,
                  snapshot(invitation, exclude=("token_nonce",)))
    return token_of(secret, invitation)
