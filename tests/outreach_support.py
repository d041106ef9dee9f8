"""Test data for outreach: a campaign whose clients have (or lack) e-mail addresses."""

from __future__ import annotations

from sqlmodel import select

from surveys.access import SYSTEM
from surveys.clients import update_client
from surveys.context import Context
from surveys.db import read_session, run_write
from surveys.invitations import mark_opened
from surveys.models import Invitation
from tests.factories import make_client, make_provider, open_campaign

YEAR = 2026
CLIENTS = {"甲医院": "jia@client.test", "乙银行": "yi@client.test", "丙学校": "bing@client.test",
           "丁商场": None}


def set_email(ctx: Context, client_id: int, address: str | None) -> None:
    """Give a client an e-mail address (or none) through the domain's client update."""
    run_write(ctx.engine, lambda s: update_client(session=s, actor=SYSTEM, client_id=client_id,
                                                  fields={"email": address or ""}))


def outreach_campaign(ctx: Context, clients: dict[str, str | None] | None = None,
                      provider: str = "京安技防") -> tuple[int, dict[str, int]]:
    """Return the provider id and {client name: id} of an open campaign of YEAR."""
    provider_id = make_provider(ctx, provider)
    ids = {}
    for name, address in (clients or CLIENTS).items():
        ids[name] = make_client(ctx, provider_id, name, years={YEAR: 10000})
        set_email(ctx, ids[name], address)
    open_campaign(ctx, provider_id, YEAR)
    return provider_id, ids


def open_link(ctx: Context, client_id: int) -> None:
    """Record that the client opened its link."""
    with read_session(ctx.engine) as s:
        invitation = s.exec(select(Invitation).where(Invitation.client_id == client_id)).one()
    run_write(ctx.engine, lambda s: mark_opened(session=s, invitation_id=invitation.id))


__all__ = ["SYSTEM", "YEAR", "outreach_campaign", "open_link", "set_email"]
