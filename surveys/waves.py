"""Reminder waves: who still owes an answer, choosing by state, recording a wave (never a respondent)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import exists
from sqlmodel import Session, col, select

from surveys.access import Actor, require_read, require_write
from surveys.audit import record_change
from surveys.campaigns import get_campaign
from surveys.errors import Conflict, FieldError, NotFound, ValidationFailed
from surveys.models import Client, Invitation, OutreachWave, Response, WaveRecipient, utcnow

SELECTIONS = ("unanswered", "not_opened", "opened")  # unanswered = not opened + opened
CHANNELS = ("email", "print")
QUEUED, NO_ADDRESS, LISTED = "queued", "no_address", "listed"


@dataclass(frozen=True)
class Candidate:
    """A client that still owes an answer: its state and how to reach it (no link)."""

    invitation_id: int
    client_id: int
    client: str
    state: str  # "not_opened" or "opened"
    manager: str
    phone: str
    email: str | None


def client_email(client: Client) -> str | None:
    """Return the client's e-mail address, or None when it has none."""
    return client.email or None


def has_answered(*, session: Session, provider_id: int, year: int, client_id: int) -> bool:
    """Return True when any version of the client's form for the year is stored."""
    return session.exec(select(Response.id).where(
        Response.provider_id == provider_id, Response.year == year,
        Response.client_id == client_id).limit(1)).first() is not None


def _check_choice(field: str, value: str, allowed: tuple[str, ...]) -> None:
    """Raise ValidationFailed naming the field unless value is one of the allowed words."""
    if value not in allowed:
        raise ValidationFailed([FieldError(field, f"须为 {'、'.join(allowed)} 之一",
                                           f"must be one of {', '.join(allowed)}")])


def owed_answers(*, session: Session, actor: Actor, provider_id: int, year: int,
                 selection: str = "unanswered") -> list[Candidate]:
    """Return the invited clients with a working link and no stored answer, by name.

    A client that answered (any version, web, paper or import) is never returned.
    """
    _check_choice("selection", selection, SELECTIONS)
    campaign = get_campaign(session=session, actor=actor, provider_id=provider_id, year=year)
    answered = exists().where(col(Response.provider_id) == provider_id,
                              col(Response.year) == year,
                              col(Response.client_id) == col(Invitation.client_id))
    query = (select(Invitation, Client).join(Client, col(Client.id) == Invitation.client_id)
             .where(Invitation.campaign_id == campaign.id, col(Invitation.revoked_at).is_(None),
                    ~answered))
    if selection == "not_opened":
        query = query.where(col(Invitation.first_opened_at).is_(None))
    elif selection == "opened":
        query = query.where(col(Invitation.first_opened_at).is_not(None))
    rows = session.exec(query.order_by(col(Client.name), col(Client.id))).all()
    return [Candidate(invitation_id=int(inv.id or 0), client_id=int(client.id or 0),
                      client=client.name,
                      state="opened" if inv.first_opened_at is not None else "not_opened",
                      manager=client.manager, phone=client.phone, email=client_email(client))
            for inv, client in rows]


def create_wave(*, session: Session, actor: Actor, provider_id: int, year: int, selection: str,
                channel: str) -> OutreachWave:
    """Return the recorded wave with one recipient row per chosen client (queued for e-mail).

    The campaign's first wave to everyone who owes an answer is an invitation; any later wave,
    or one chosen by state, is a reminder.

    Only staff who may change the provider start a wave; the campaign must be open, and
    clients that answered are left out here, whatever the caller chose.
    """
    require_write(actor, provider_id)
    _check_choice("channel", channel, CHANNELS)
    campaign = get_campaign(session=session, actor=actor, provider_id=provider_id, year=year)
    if not campaign.is_open:
        raise Conflict(f"{year} 年回访已结束，不能再提醒 / the {year} campaign is closed")
    chosen = owed_answers(session=session, actor=actor, provider_id=provider_id, year=year,
                          selection=selection)
    if not chosen:
        raise Conflict("没有符合条件的未作答用户单位 / no client that still owes an answer "
                       "matches this selection")
    earlier = session.exec(select(OutreachWave.id).where(
        OutreachWave.campaign_id == campaign.id).limit(1)).first()
    kind = "reminder" if selection != "unanswered" or earlier is not None else "invitation"
    wave = OutreachWave(provider_id=provider_id, campaign_id=int(campaign.id or 0), year=year,
                        selection=selection, channel=channel, kind=kind,
                        created_by=actor.username[:200], recipients=len(chosen))
    session.add(wave)
    session.flush()
    now = utcnow()
    for item in chosen:
        if channel == "print":
            status, address = LISTED, ""
        else:
            status, address = (QUEUED, item.email) if item.email else (NO_ADDRESS, "")
        session.add(WaveRecipient(wave_id=int(wave.id or 0), invitation_id=item.invitation_id,
                                  client_id=item.client_id, address=address, status=status,
                                  requested_by=actor.username[:200],
                                  next_attempt_at=now if status == QUEUED else None))
    session.flush()
    record_change(session, actor, "wave_create", "outreach_wave", wave.id, provider_id, None, wave)
    return wave


def list_waves(*, session: Session, actor: Actor, provider_id: int, year: int) -> list[OutreachWave]:
    """Return the campaign's waves, oldest first."""
    require_read(actor, provider_id)
    return list(session.exec(select(OutreachWave).where(
        OutreachWave.provider_id == provider_id, OutreachWave.year == year)
        .order_by(col(OutreachWave.created_at), col(OutreachWave.id))).all())


def get_wave(*, session: Session, actor: Actor, wave_id: int) -> OutreachWave:
    """Return a wave the actor may read, or raise NotFound."""
    wave = session.get(OutreachWave, wave_id)
    if wave is None:
        raise NotFound(f"提醒轮次 {wave_id} 不存在 / wave {wave_id} does not exist")
    require_read(actor, wave.provider_id)
    return wave
