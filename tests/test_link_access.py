"""Links are credentials: every function that returns a client link, token or QR needs write."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlmodel import Session

from surveys import invitations, letters, messages, progress, qr
from surveys.access import ANONYMOUS, SYSTEM, Actor
from surveys.context import Context
from surveys.errors import NotFound, PermissionDenied
from tests import factories

YEAR = 2026
BASE = "http://survey.test"
ROLES = {"admin": Actor("root", "admin"), "staff_a": Actor("sa", "staff", 0),
         "staff_b": Actor("sb", "staff", -1), "assessor": Actor("as", "assessor"),
         "anonymous": ANONYMOUS}
WRITERS = {"admin", "staff_a"}
READERS = {"admin", "staff_a", "assessor"}

Call = Callable[[Session, Actor, Context, int, int], object]
LINK_FUNCTIONS: list[tuple[str, Call]] = [
    ("invitations.list_links", lambda s, u, c, p, i: invitations.list_links(
        session=s, actor=u, secret=c.link_secret, provider_id=p, year=YEAR, base_url=BASE)),
    ("invitations.list_invitations", lambda s, u, c, p, i: invitations.list_invitations(
        session=s, actor=u, provider_id=p, year=YEAR)),  # rows carry the token nonce
    ("invitations.reissue_invitation", lambda s, u, c, p, i: invitations.reissue_invitation(
        session=s, actor=u, secret=c.link_secret, invitation_id=i)),
    ("progress.campaign_progress", lambda s, u, c, p, i: progress.campaign_progress(
        session=s, actor=u, secret=c.link_secret, provider_id=p, year=YEAR, base_url=BASE)),
    ("qr.campaign_cards", lambda s, u, c, p, i: qr.campaign_cards(
        session=s, actor=u, secret=c.link_secret, provider_id=p, year=YEAR, base_url=BASE)),
    ("messages.campaign_messages", lambda s, u, c, p, i: messages.campaign_messages(
        session=s, actor=u, secret=c.link_secret, provider_id=p, year=YEAR, base_url=BASE)),
    ("letters.campaign_letters", lambda s, u, c, p, i: letters.campaign_letters(
        session=s, actor=u, secret=c.link_secret, provider_id=p, year=YEAR, base_url=BASE)),
]


def _actor(role: str, provider: int, other: int) -> Actor:
    """Return the role's actor with staff bound to provider A or B."""
    actor = ROLES[role]
    if role == "staff_a":
        return Actor(actor.username, "staff", provider)
    if role == "staff_b":
        return Actor(actor.username, "staff", other)
    return actor


@pytest.fixture
def scene(ctx: Context) -> tuple[Context, int, int, int]:
    """Return (ctx, provider A, provider B, an invitation of A's campaign)."""
    a = factories.make_provider(ctx, "甲公司")
    b = factories.make_provider(ctx, "乙公司")
    client = factories.make_client(ctx, a, "甲的客户", years={YEAR: 1})
    factories.open_campaign(ctx, a, YEAR)
    with Session(ctx.engine) as s:
        pairs = invitations.list_invitations(session=s, actor=SYSTEM, provider_id=a, year=YEAR)
    invitation = next(int(inv.id or 0) for inv, c in pairs if c.id == client)
    return ctx, a, b, invitation


@pytest.mark.parametrize("role", list(ROLES))
@pytest.mark.parametrize(("name", "call"), LINK_FUNCTIONS, ids=[f[0] for f in LINK_FUNCTIONS])
def test_only_writers_get_links(scene: tuple[Context, int, int, int], name: str, call: Call,
                                role: str) -> None:
    ctx, a, b, invitation = scene
    with Session(ctx.engine) as session:
        try:
            call(session, _actor(role, a, b), ctx, a, invitation)
            outcome = "allow"
        except (PermissionDenied, NotFound):
            outcome = "deny"
        finally:
            session.rollback()
    assert outcome == ("allow" if role in WRITERS else "deny"), (name, role)


@pytest.mark.parametrize("role", list(ROLES))
def test_progress_overview_is_for_readers_and_holds_no_link(
    scene: tuple[Context, int, int, int], role: str
) -> None:
    ctx, a, b, _invitation = scene
    with Session(ctx.engine) as session:
        try:
            rows = progress.progress_overview(session=session, actor=_actor(role, a, b),
                                              provider_id=a, year=YEAR)
        except (PermissionDenied, NotFound):
            assert role not in READERS
            return
    assert role in READERS
    assert [(r.client, r.status) for r in rows] == [("甲的客户", "not_opened")]
    assert all(r.url is None for r in rows)
    assert "?t=" not in repr(rows)
