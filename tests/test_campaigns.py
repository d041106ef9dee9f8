"""Campaigns, invitations and links."""

from __future__ import annotations

from datetime import date

import pytest

from surveys import campaigns, invitations
from surveys.access import SYSTEM
from surveys.context import Context
from surveys.db import read_session, run_write
from surveys.errors import NotFound, ValidationFailed
from tests.factories import links, make_client, make_provider, open_campaign


def test_open_invites_each_contracted_active_client_once(ctx: Context) -> None:
    pid = make_provider(ctx)
    make_client(ctx, pid, "甲", years={2026: 1})
    make_client(ctx, pid, "乙", years={2025: 1})  # no contract in 2026
    assert open_campaign(ctx, pid, 2026) == 1
    first = links(ctx, pid, 2026)
    make_client(ctx, pid, "丙", years={2026: 1})
    assert open_campaign(ctx, pid, 2026) == 1  # idempotent: only the new client
    second = links(ctx, pid, 2026)
    assert [r["client"] for r in second] == ["丙", "甲"]
    assert next(r for r in second if r["client"] == "甲")["url"] == first[0]["url"]


def test_tokens_resolve_and_are_stored_only_as_hashes(ctx: Context) -> None:
    pid = make_provider(ctx)
    make_client(ctx, pid, "甲", years={2026: 1})
    open_campaign(ctx, pid, 2026)
    token = links(ctx, pid, 2026)[0]["url"].split("?t=")[1]
    with read_session(ctx.engine) as s:
        view = invitations.resolve_token(session=s, token=token)
        assert view is not None and view.client.name == "甲" and view.campaign.year == 2026
        assert view.invitation.token_hash != token and token not in view.invitation.token_nonce
        altered = token[:-1] + ("B" if token[-1] == "A" else "A")
        assert invitations.resolve_token(session=s, token=altered) is None


def test_revoke_and_reissue(ctx: Context) -> None:
    pid = make_provider(ctx)
    make_client(ctx, pid, "甲", years={2026: 1})
    open_campaign(ctx, pid, 2026)
    old = links(ctx, pid, 2026)[0]["url"].split("?t=")[1]
    with read_session(ctx.engine) as s:
        view = invitations.resolve_token(session=s, token=old)
    assert view is not None
    inv_id = view.invitation.id
    run_write(ctx.engine, lambda s: invitations.revoke_invitation(session=s, actor=SYSTEM,
                                                                  invitation_id=inv_id))
    with read_session(ctx.engine) as s:
        assert invitations.resolve_token(session=s, token=old) is None
    assert links(ctx, pid, 2026) == []
    new = run_write(ctx.engine, lambda s: invitations.reissue_invitation(
        session=s, actor=SYSTEM, secret=ctx.link_secret, invitation_id=inv_id))
    assert new != old
    with read_session(ctx.engine) as s:
        assert invitations.resolve_token(session=s, token=new) is not None
        assert invitations.resolve_token(session=s, token=old) is None


@pytest.mark.parametrize(("closes", "ok"), [
    (date(2026, 12, 31), True), (date(2027, 1, 31), True), (date(2027, 6, 30), True),
    (date(2027, 7, 1), False), (date(2025, 12, 31), False),
])
def test_closing_date_bounds(ctx: Context, closes: date, ok: bool) -> None:
    pid = make_provider(ctx)

    def work(s: object) -> object:
        return campaigns.open_campaign(session=s, actor=SYSTEM,  # type: ignore[arg-type]
                                       secret=ctx.link_secret, provider_id=pid, year=2026,
                                       closes=closes)
    if ok:
        campaign, _ = run_write(ctx.engine, work)  # type: ignore[misc]
        assert campaign.closes == closes
    else:
        with pytest.raises(ValidationFailed):
            run_write(ctx.engine, work)


def test_close_campaign_stops_accepting(ctx: Context) -> None:
    pid = make_provider(ctx)
    open_campaign(ctx, pid, 2026)
    campaign = run_write(ctx.engine, lambda s: campaigns.close_campaign(
        session=s, actor=SYSTEM, provider_id=pid, year=2026))
    assert not campaigns.campaign_accepts(campaign, date(2026, 6, 1))
    with pytest.raises(NotFound):
        run_write(ctx.engine, lambda s: campaigns.close_campaign(
            session=s, actor=SYSTEM, provider_id=pid, year=2025))
