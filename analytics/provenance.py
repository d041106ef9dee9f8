"""Who entered what and when: the provider's overrides of client web forms, reopenings, late forms.

These are the facts an assessor must see without asking the provider: every version that staff
put in place of a client's own web submission (with the reason they signed), every reopening of
a closed campaign, and every form stored after the campaign closed.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy.orm import defer
from sqlmodel import Session, col, select

from surveys.access import Actor, require_read
from surveys.campaigns import get_campaign
from surveys.clock import beijing_today
from surveys.models import AuditEntry, Campaign, Response

BLOBS = ("signature_png", "seal_image", "scan")  # images are not needed here
CAMPAIGN_ACTIONS = ("campaign_open", "campaign_close", "campaign_reopen")


@dataclass(frozen=True)
class Override:
    """A version entered by staff that replaced a version the client submitted on the web."""

    web: Response
    replacement: Response


@dataclass(frozen=True)
class CampaignEvent:
    """An opening, closing or reopening of a campaign: when, by whom, why (reopenings)."""

    at: datetime
    action: str
    username: str
    reason: str


def aware(moment: datetime) -> datetime:
    """Return a stored moment as an aware time (SQLite gives naive UTC)."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def find_overrides(records: Sequence[Response]) -> list[Override]:
    """Return every staff version among records that directly replaced a client's web version."""
    by_id = {r.id: r for r in records}
    found = []
    for record in records:
        replaced = by_id.get(record.supersedes_id)
        if replaced is not None and replaced.origin == "web" and record.origin != "web":
            found.append(Override(replaced, record))
    return sorted(found, key=lambda o: (aware(o.replacement.submitted_at), o.replacement.seq))


def first_close(events: Sequence[CampaignEvent]) -> datetime | None:
    """Return when the campaign was first closed, or None if it never was."""
    closes = [e.at for e in events if e.action == "campaign_close"]
    return min(closes) if closes else None


def is_late(record: Response, closes: date, closed_at: datetime | None) -> bool:
    """Return True when a form was stored after the campaign closed (by date or by closing)."""
    stored = aware(record.submitted_at)
    return beijing_today(stored) > closes or (closed_at is not None and stored > closed_at)


def late_entries(records: Sequence[Response], closes: date,
                 events: Sequence[CampaignEvent]) -> list[Response]:
    """Return the forms stored after the campaign closed, in the order they were stored."""
    closed_at = first_close(events)
    return sorted((r for r in records if is_late(r, closes, closed_at)),
                  key=lambda r: (aware(r.submitted_at), r.seq))


def campaign_events(session: Session, campaign: Campaign) -> list[CampaignEvent]:
    """Return the campaign's openings, closings and reopenings from the audit log, oldest first."""
    rows = session.exec(
        select(AuditEntry).where(col(AuditEntry.action).in_(CAMPAIGN_ACTIONS),
                                 AuditEntry.entity == "campaign",
                                 AuditEntry.entity_id == str(campaign.id))
        .order_by(col(AuditEntry.at), col(AuditEntry.id))).all()
    events = []
    for row in rows:
        try:
            after = json.loads(row.after_json) if row.after_json else {}
        except ValueError:
            after = {}
        reason = after.get("reason", "") if isinstance(after, dict) else ""
        events.append(CampaignEvent(aware(row.at), row.action, row.username, str(reason)))
    return events


@dataclass(frozen=True)
class YearProvenance:
    """A provider-year's overrides, campaign events and late forms."""

    overrides: list[Override]
    events: list[CampaignEvent]
    late: list[Response]

    @property
    def reopenings(self) -> list[CampaignEvent]:
        """Return only the reopenings."""
        return [e for e in self.events if e.action == "campaign_reopen"]


def year_provenance(*, session: Session, actor: Actor, provider_id: int,
                    year: int) -> YearProvenance:
    """Return the year's overrides, campaign events and late forms (every version counted)."""
    require_read(actor, provider_id)
    campaign = get_campaign(session=session, actor=actor, provider_id=provider_id, year=year)
    records = list(session.exec(select(Response).where(
        Response.provider_id == provider_id, Response.year == year)
        .options(*(defer(getattr(Response, c)) for c in BLOBS))
        .order_by(col(Response.seq))).all())
    events = campaign_events(session, campaign)
    return YearProvenance(find_overrides(records), events,
                          late_entries(records, campaign.closes, events))
