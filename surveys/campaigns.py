"""Annual callback campaigns (年度回访) and their invitations."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, col, select

from surveys.access import Actor, require_admin, require_read, require_write
from surveys.audit import record_change, snapshot
from surveys.clients import check_year
from surveys.errors import Conflict, FieldError, NotFound, ValidationFailed
from surveys.models import Campaign, Client, ContractYear, Invitation
from surveys.providers import get_provider
from surveys.tokens import derive_token, hash_token, new_nonce

MAX_REOPEN_REASON = 500


class CampaignClosed(Conflict):
    """The campaign no longer takes forms of any origin (web, paper or import)."""

    def __init__(self) -> None:
        super().__init__("回访已结束，评价表不能再提交或更正 / "
                         "the callback has closed; the form can no longer be submitted or corrected")


def default_window(year: int) -> tuple[date, date]:
    """Return the default campaign window: the calendar year."""
    return date(year, 1, 1), date(year, 12, 31)


def check_closes(year: int, closes: date | None) -> date:
    """Return the closing date: within the year or early in the following one (by June 30)."""
    if closes is None:
        return default_window(year)[1]
    if not date(year, 1, 1) <= closes <= date(year + 1, 6, 30):
        raise ValidationFailed([FieldError(
            "closes", f"截止日期 {closes} 应在 {year}-01-01 至 {year + 1}-06-30 之间",
            f"closing date {closes} must lie between {year}-01-01 and {year + 1}-06-30")])
    return closes


def get_campaign(*, session: Session, actor: Actor, provider_id: int, year: int) -> Campaign:
    """Return the provider's campaign of that year, or raise NotFound."""
    require_read(actor, provider_id)
    campaign = session.exec(
        select(Campaign).where(Campaign.provider_id == provider_id, Campaign.year == year)
    ).first()
    if campaign is None:
        raise NotFound(f"{year} 年没有回访活动 / no campaign for {year} (provider {provider_id})")
    return campaign


def list_campaigns(*, session: Session, actor: Actor, provider_id: int) -> list[Campaign]:
    """Return the provider's campaigns, newest year first."""
    require_read(actor, provider_id)
    query = select(Campaign).where(Campaign.provider_id == provider_id)
    return list(session.exec(query.order_by(col(Campaign.year).desc())).all())


def open_campaign(
    *, session: Session, actor: Actor, secret: bytes, provider_id: int, year: int,
    closes: date | None = None,
) -> tuple[Campaign, int]:
    """Return the (re)opened campaign and how many invitations were added; existing links stay."""
    require_write(actor, provider_id)
    get_provider(session=session, actor=actor, provider_id=provider_id)
    year = check_year(year)
    closes_on = check_closes(year, closes)
    campaign = session.exec(
        select(Campaign).where(Campaign.provider_id == provider_id, Campaign.year == year)
    ).first()
    before = snapshot(campaign)
    if campaign is not None and not campaign.is_open:
        raise Conflict(f"{year} 年回访已结束；重新开启须由管理员填写原因 / the {year} campaign "
                       "is closed; an administrator may reopen it with a reason")
    if campaign is None:
        campaign = Campaign(provider_id=provider_id, year=year, opens=date(year, 1, 1),
                            closes=closes_on)
    elif closes is not None:
        campaign.closes = closes_on
    campaign.is_open = True
    session.add(campaign)
    session.flush()
    added = _invite_contracted_clients(session=session, secret=secret, campaign=campaign)
    record_change(session, actor, "campaign_open", "campaign", campaign.id, provider_id, before,
                  {**(snapshot(campaign) or {}), "invitations_added": added})
    return campaign, added


def _invite_contracted_clients(*, session: Session, secret: bytes, campaign: Campaign) -> int:
    """Return how many invitations were created for active contracted clients lacking one."""
    assert campaign.id is not None
    invited = select(Invitation.client_id).where(Invitation.campaign_id == campaign.id)
    query = (
        select(Client)
        .join(ContractYear, col(ContractYear.client_id) == Client.id)
        .where(Client.provider_id == campaign.provider_id, ContractYear.year == campaign.year,
               col(Client.active).is_(True), col(Client.id).not_in(invited))
        .order_by(col(Client.id))
    )
    clients = session.exec(query).all()
    for client in clients:
        assert client.id is not None
        nonce = new_nonce()
        session.add(Invitation(campaign_id=campaign.id, client_id=client.id, token_nonce=nonce,
                               token_hash=hash_token(derive_token(secret, nonce))))
    session.flush()
    return len(clients)


def close_campaign(*, session: Session, actor: Actor, provider_id: int, year: int) -> Campaign:
    """Return the campaign, closed: its links then show receipts read-only."""
    require_write(actor, provider_id)
    campaign = get_campaign(session=session, actor=actor, provider_id=provider_id, year=year)
    before = snapshot(campaign)
    campaign.is_open = False
    session.add(campaign)
    session.flush()
    from surveys.drafts import delete_campaign_drafts  # form drafts end with the campaign

    assert campaign.id is not None
    delete_campaign_drafts(session=session, campaign_id=campaign.id)
    record_change(session, actor, "campaign_close", "campaign", campaign.id, provider_id, before,
                  campaign)
    return campaign


def reopen_campaign(
    *, session: Session, actor: Actor, provider_id: int, year: int, reason: str,
    closes: date | None = None,
) -> Campaign:
    """Return the reopened campaign (administrators only, with a written reason; audited)."""
    require_admin(actor)
    campaign = get_campaign(session=session, actor=actor, provider_id=provider_id, year=year)
    why = (reason or "").strip()
    if not why or len(why) > MAX_REOPEN_REASON:
        raise ValidationFailed([FieldError(
            "reason", f"重新开启回访须填写原因（最多 {MAX_REOPEN_REASON} 字）",
            f"reopening a campaign needs a written reason (max {MAX_REOPEN_REASON})")])
    before = snapshot(campaign)
    if closes is not None:
        campaign.closes = check_closes(year, closes)
    campaign.is_open = True
    session.add(campaign)
    session.flush()
    record_change(session, actor, "campaign_reopen", "campaign", campaign.id, provider_id,
                  before, {**(snapshot(campaign) or {}), "reason": why})
    return campaign


def campaign_accepts(campaign: Campaign, today: date) -> bool:
    """Return True while the campaign takes submissions and corrections."""
    return campaign.is_open and campaign.opens <= today <= campaign.closes
