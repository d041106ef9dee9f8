"""Campaign progress per client: not opened, opened, submitted, corrected, revoked."""

from __future__ import annotations

from surveys import invitations
from surveys.access import SYSTEM, Actor
from surveys.context import Context
from surveys.db import read_session, run_write
from surveys.progress import campaign_progress
from tests import factories


def statuses(ctx: Context, provider: int, actor: Actor = SYSTEM) -> dict[str, tuple[str, bool]]:
    """Return {client name: (status, has a link)} of the 2026 campaign."""
    with read_session(ctx.engine) as session:
        rows = campaign_progress(session=session, actor=actor, secret=ctx.link_secret,
                                 provider_id=provider, year=2026, base_url="http://survey.test")
    return {row.client: (row.status, row.url is not None) for row in rows}


def test_each_status_is_reported(ctx: Context) -> None:
    provider = factories.make_provider(ctx)
    ids = {name: factories.make_client(ctx, provider, name, years={2026: 1})
           for name in ("甲", "乙", "丙", "丁", "戊")}
    factories.open_campaign(ctx, provider, 2026)
    by_client = {row["client"]: row for row in factories.links(ctx, provider, 2026)}
    token = str(by_client["乙"]["url"]).split("?t=")[1]
    with read_session(ctx.engine) as session:
        view = invitations.resolve_token(session=session, token=token)
    assert view is not None
    run_write(ctx.engine, lambda s: invitations.mark_opened(
        session=s, invitation_id=int(view.invitation.id or 0)))
    factories.submit(ctx, provider, 2026, ids["丙"], 90)
    factories.submit(ctx, provider, 2026, ids["丁"], 90)
    factories.submit(ctx, provider, 2026, ids["丁"], 95)
    with read_session(ctx.engine) as session:
        pairs = invitations.list_invitations(session=session, actor=SYSTEM, provider_id=provider,
                                             year=2026)
    revoked = next(inv for inv, client in pairs if client.name == "戊")
    run_write(ctx.engine, lambda s: invitations.revoke_invitation(
        session=s, actor=SYSTEM, invitation_id=int(revoked.id or 0)))
    assert statuses(ctx, provider) == {
        "甲": ("not_opened", True), "乙": ("opened", True), "丙": ("submitted", True),
        "丁": ("corrected", True), "戊": ("revoked", False)}
