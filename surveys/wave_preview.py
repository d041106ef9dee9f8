"""What a wave says to each client, before and after it is started (links: write access only)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from surveys.access import Actor, require_write
from surveys.campaigns import get_campaign
from surveys.letters import Letter, campaign_letters
from surveys.links import invitation_url
from surveys.mail_message import MailContent, MailFacts, mail_content
from surveys.models import Campaign, Client, Invitation, OutreachWave, Provider, WaveRecipient
from surveys.tokens import derive_token
from surveys.waves import Candidate, get_wave, has_answered, owed_answers

MAX_PREVIEW = 3  # messages shown in full before a wave starts


@dataclass(frozen=True)
class Preview:
    """The wave a selection would start: everyone chosen, and the first messages in full."""

    chosen: list[Candidate]
    reminder: bool
    messages: list[tuple[Candidate, MailContent]]


@dataclass(frozen=True)
class ListedClient:
    """One line of a printed wave: whom to reach, how, and the client's link."""

    client: str
    state: str  # "not_opened", "opened", or "answered" (since the wave: not to be reminded)
    manager: str
    phone: str
    email: str
    url: str


def message_facts(*, session: Session, secret: bytes, base_url: str, invitation: Invitation,
                  reminder: bool) -> MailFacts:
    """Return the stored facts one client's message is made of (its current link included)."""
    campaign = session.get(Campaign, invitation.campaign_id)
    client = session.get(Client, invitation.client_id)
    provider = session.get(Provider, campaign.provider_id) if campaign else None
    assert campaign is not None and client is not None and provider is not None
    return MailFacts(provider=provider.name, provider_manager=provider.manager,
                     provider_phone=provider.phone, client=client.name,
                     year=campaign.year, closes=campaign.closes,
                     url=invitation_url(base_url, derive_token(secret, invitation.token_nonce)),
                     reminder=reminder)


def preview_wave(*, session: Session, actor: Actor, secret: bytes, base_url: str,
                 provider_id: int, year: int, selection: str) -> Preview:
    """Return whom a wave with this selection would reach now and what the first ones would read."""
    require_write(actor, provider_id)
    chosen = owed_answers(session=session, actor=actor, provider_id=provider_id, year=year,
                          selection=selection)
    campaign = get_campaign(session=session, actor=actor, provider_id=provider_id, year=year)
    earlier = session.exec(select(OutreachWave.id).where(
        OutreachWave.campaign_id == campaign.id).limit(1)).first()
    reminder = selection != "unanswered" or earlier is not None
    messages = []
    for item in chosen[:MAX_PREVIEW]:
        invitation = session.get(Invitation, item.invitation_id)
        assert invitation is not None
        messages.append((item, mail_content(message_facts(
            session=session, secret=secret, base_url=base_url, invitation=invitation,
            reminder=reminder))))
    return Preview(chosen=chosen, reminder=reminder, messages=messages)


def listed_clients(*, session: Session, actor: Actor, secret: bytes, base_url: str,
                   wave_id: int) -> list[ListedClient]:
    """Return every client of a wave with its contact and current link, by name (to print).

    A client that has answered since the wave started shows as 'answered', without a link.
    """
    wave = get_wave(session=session, actor=actor, wave_id=wave_id)
    require_write(actor, wave.provider_id)
    rows = session.exec(select(Invitation, Client)
                        .join(WaveRecipient, col(WaveRecipient.invitation_id) == Invitation.id)
                        .join(Client, col(Client.id) == Invitation.client_id)
                        .where(WaveRecipient.wave_id == wave_id)
                        .order_by(col(Client.name), col(Client.id))).all()
    listed = []
    for inv, client in rows:
        answered = has_answered(session=session, provider_id=wave.provider_id, year=wave.year,
                                client_id=int(client.id or 0))
        state = "answered" if answered else "opened" if inv.first_opened_at else "not_opened"
        listed.append(ListedClient(
            client=client.name, state=state, manager=client.manager, phone=client.phone,
            email=client.email or "", url="" if answered or inv.revoked_at else invitation_url(
                base_url, derive_token(secret, inv.token_nonce))))
    return listed


def wave_letters(*, session: Session, actor: Actor, secret: bytes, base_url: str,
                 wave_id: int) -> list[Letter]:
    """Return the letters (surveys/letters.py) of the wave's clients that have still not answered."""
    wave = get_wave(session=session, actor=actor, wave_id=wave_id)
    require_write(actor, wave.provider_id)
    chosen = set(session.exec(select(WaveRecipient.client_id)
                              .where(WaveRecipient.wave_id == wave_id)).all())
    return [letter for letter in campaign_letters(
        session=session, actor=actor, secret=secret, provider_id=wave.provider_id,
        year=wave.year, base_url=base_url)
        if letter.client_id in chosen and not has_answered(
            session=session, provider_id=wave.provider_id, year=wave.year,
            client_id=letter.client_id)]
