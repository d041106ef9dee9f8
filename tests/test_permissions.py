"""Permission matrix: every domain read and write, as admin, staff of A and B, assessor, anonymous."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session

from analytics.report import provider_year_report
from surveys import (
    campaigns,
    client_import,
    clients,
    invitations,
    paper_entry,
    progress,
    providers,
    qr,
    response_import,
    responses,
    users,
)
from surveys.access import ANONYMOUS, SYSTEM, Actor
from surveys.audit import AuditFilters, list_audit
from surveys.context import Context
from surveys.errors import NotFound, PermissionDenied, SurveyError
from surveys.validation import validate_response
from tests import factories

YEAR = 2026
ROLES = ("admin", "staff_a", "staff_b", "assessor", "anonymous")
READ = {"admin", "staff_a", "assessor"}
WRITE = {"admin", "staff_a"}
ADMIN = {"admin"}
PNG_1PX = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")


@dataclass
class World:
    """Provider A with a client, campaign, link and response; provider B; the five actors."""

    ctx: Context
    a: int
    b: int
    client: int
    invitation: int
    response: int
    actors: dict[str, Actor]


@pytest.fixture
def world(ctx: Context) -> World:
    """Return the shared scene every permission check runs against."""
    a = factories.make_provider(ctx, "甲公司")
    b = factories.make_provider(ctx, "乙公司")
    client = factories.make_client(ctx, a, "甲的客户", years={YEAR: 1000})
    factories.open_campaign(ctx, a, YEAR)
    stored = factories.submit(ctx, a, YEAR, client, 90)
    actors = {"admin": Actor("root", "admin"), "staff_a": Actor("sa", "staff", a),
              "staff_b": Actor("sb", "staff", b), "assessor": Actor("as", "assessor"),
              "anonymous": ANONYMOUS}
    for name in ("sa", "sb"):
        factories.run_write(ctx.engine, lambda s, n=name: users.create_user(
            session=s, actor=SYSTEM, username=n, password="long-enough-pw", role="staff",
            provider_id=a if n == "sa" else b))
    return World(ctx, a, b, client, stored.invitation_id, int(stored.id or 0), actors)


def _valid() -> Any:
    """Return a valid paper response of the campaign year."""
    raw: dict[str, Any] = {f"item{i + 1}": v for i, v in
                           enumerate(factories.scores_for_total(88))}
    raw.update(evaluation_date=date(YEAR, 5, 1), signer_name="张三")
    return validate_response(raw, window=(date(YEAR, 1, 1), date(YEAR, 12, 31)),
                             today=factories.TODAY)


CSV = "name,department,manager,phone,key_unit\n新客户,,,,否\n".encode()
PAPER = ("client,date,signer," + ",".join(f"item{i}" for i in range(1, 10)) + "\n甲的客户,"
         f"{YEAR}-05-02,李四," + ",".join(map(str, factories.scores_for_total(91))) + "\n").encode()

Call = Callable[[Session, Actor, World], object]
CASES: list[tuple[str, Call, set[str]]] = [
    ("providers.create_provider", lambda s, u, w: providers.create_provider(
        session=s, actor=u, name="新公司"), ADMIN),
    ("providers.get_provider", lambda s, u, w: providers.get_provider(
        session=s, actor=u, provider_id=w.a), READ),
    ("providers.update_provider", lambda s, u, w: providers.update_provider(
        session=s, actor=u, provider_id=w.a, fields={"phone": "1"}), WRITE),
    ("clients.create_client", lambda s, u, w: clients.create_client(
        session=s, actor=u, provider_id=w.a, name="又一个"), WRITE),
    ("clients.get_client", lambda s, u, w: clients.get_client(
        session=s, actor=u, client_id=w.client), READ),
    ("clients.find_client_by_name", lambda s, u, w: clients.find_client_by_name(
        session=s, actor=u, provider_id=w.a, name="甲的客户"), READ),
    ("clients.list_clients", lambda s, u, w: clients.list_clients(
        session=s, actor=u, provider_id=w.a), READ),
    ("clients.update_client", lambda s, u, w: clients.update_client(
        session=s, actor=u, client_id=w.client, fields={"active": False}), WRITE),
    ("clients.set_contract", lambda s, u, w: clients.set_contract(
        session=s, actor=u, client_id=w.client, year=YEAR, amount="5"), WRITE),
    ("clients.list_contracts", lambda s, u, w: clients.list_contracts(
        session=s, actor=u, provider_id=w.a), READ),
    ("client_import.import_clients", lambda s, u, w: client_import.import_clients(
        session=s, actor=u, provider_id=w.a, data=CSV, filename="c.csv"), WRITE),
    ("campaigns.get_campaign", lambda s, u, w: campaigns.get_campaign(
        session=s, actor=u, provider_id=w.a, year=YEAR), READ),
    ("campaigns.list_campaigns", lambda s, u, w: campaigns.list_campaigns(
        session=s, actor=u, provider_id=w.a), READ),
    ("campaigns.open_campaign", lambda s, u, w: campaigns.open_campaign(
        session=s, actor=u, secret=w.ctx.link_secret, provider_id=w.a, year=YEAR + 1), WRITE),
    ("campaigns.close_campaign", lambda s, u, w: campaigns.close_campaign(
        session=s, actor=u, provider_id=w.a, year=YEAR), WRITE),
    ("invitations.list_invitations", lambda s, u, w: invitations.list_invitations(
        session=s, actor=u, provider_id=w.a, year=YEAR), WRITE),
    ("invitations.list_links", lambda s, u, w: invitations.list_links(
        session=s, actor=u, secret=w.ctx.link_secret, provider_id=w.a, year=YEAR,
        base_url="http://x.test"), WRITE),
    ("invitations.revoke_invitation", lambda s, u, w: invitations.revoke_invitation(
        session=s, actor=u, invitation_id=w.invitation), WRITE),
    ("invitations.reissue_invitation", lambda s, u, w: invitations.reissue_invitation(
        session=s, actor=u, secret=w.ctx.link_secret, invitation_id=w.invitation), WRITE),
    ("progress.campaign_progress", lambda s, u, w: progress.campaign_progress(
        session=s, actor=u, secret=w.ctx.link_secret, provider_id=w.a, year=YEAR,
        base_url="http://x.test"), WRITE),
    ("qr.campaign_cards", lambda s, u, w: qr.campaign_cards(
        session=s, actor=u, secret=w.ctx.link_secret, provider_id=w.a, year=YEAR,
        base_url="http://x.test"), WRITE),
    ("progress.progress_overview", lambda s, u, w: progress.progress_overview(
        session=s, actor=u, provider_id=w.a, year=YEAR), READ),
    ("responses.current_responses", lambda s, u, w: responses.current_responses(
        session=s, actor=u, provider_id=w.a, year=YEAR), READ),
    ("responses.response_versions", lambda s, u, w: responses.response_versions(
        session=s, actor=u, invitation_id=w.invitation), READ),
    ("responses.get_response", lambda s, u, w: responses.get_response(
        session=s, actor=u, response_id=w.response), READ),
    ("responses.submit_paper", lambda s, u, w: responses.submit_paper(
        session=s, actor=u, signer=w.ctx.signer, provider_id=w.a, year=YEAR,
        client_id=w.client, valid=_valid(), attachments=responses.Attachments()), WRITE),
    ("paper_entry.enter_paper_form", lambda s, u, w: paper_entry.enter_paper_form(
        session=s, actor=u, signer=w.ctx.signer, provider_id=w.a, year=YEAR,
        client_id=w.client, raw={"item1": 1}, scan=PNG_1PX, scan_name="s.png",
        today=factories.TODAY), WRITE),
    ("response_import.import_paper_forms", lambda s, u, w: response_import.import_paper_forms(
        session=s, actor=u, signer=w.ctx.signer, provider_id=w.a, year=YEAR, data=PAPER,
        filename="p.csv", today=factories.TODAY, base_dir=Path(".")), WRITE),
    ("users.create_user", lambda s, u, w: users.create_user(
        session=s, actor=u, username="new", password="long-enough-pw", role="admin"), ADMIN),
    ("users.list_users", lambda s, u, w: users.list_users(session=s, actor=u), ADMIN),
    ("users.set_active", lambda s, u, w: users.set_active(
        session=s, actor=u, username="sa", active=False), ADMIN),
    ("users.change_password(other)", lambda s, u, w: users.change_password(
        session=s, actor=u, username="sb" if u.username != "sb" else "sa",
        new_password="another-long-pw"), ADMIN),
    ("audit.list_audit(provider A)", lambda s, u, w: list_audit(
        s, u, AuditFilters(provider_id=w.a)), READ),
    ("analytics.provider_year_report", lambda s, u, w: provider_year_report(
        session=s, actor=u, provider_id=w.a, year=YEAR), READ),
]


@pytest.mark.parametrize(("name", "call", "allowed"), CASES, ids=[c[0] for c in CASES])
def test_permission_matrix(world: World, name: str, call: Call, allowed: set[str]) -> None:
    outcome = {}
    for role in ROLES:
        with Session(world.ctx.engine) as session:
            try:
                call(session, world.actors[role], world)
                outcome[role] = "allow"
            except PermissionDenied:
                outcome[role] = "deny"
            except NotFound:
                outcome[role] = "deny"
            except SurveyError as exc:  # refused for its input, after the permission check
                outcome[role] = f"allow ({exc!r})"
            finally:
                session.rollback()
    expected = {role: "allow" if role in allowed else "deny" for role in ROLES}
    assert {r: o.split(" ")[0] for r, o in outcome.items()} == expected, outcome


def test_list_providers_shows_only_what_the_actor_may_read(world: World) -> None:
    with Session(world.ctx.engine) as session:
        seen = {role: [p.id for p in providers.list_providers(session=session, actor=actor)]
                for role, actor in world.actors.items()}
    assert seen == {"admin": [world.a, world.b], "staff_a": [world.a], "staff_b": [world.b],
                    "assessor": [world.a, world.b], "anonymous": []}


def test_staff_audit_log_is_limited_to_their_provider(world: World) -> None:
    with Session(world.ctx.engine) as session:
        for role, provider in (("staff_a", world.a), ("staff_b", world.b)):
            log = list_audit(session, world.actors[role])
            assert log and {e.provider_id for e in log} == {provider}
        with pytest.raises(PermissionDenied):
            list_audit(session, ANONYMOUS)


def test_the_fixed_actors_and_roles() -> None:
    from surveys.access import ANONYMOUS, ROLES, SYSTEM, can_read_provider, can_write_provider
    assert ROLES == ("admin", "staff", "assessor")
    assert (SYSTEM.username, SYSTEM.role, SYSTEM.provider_id) == ("system", "admin", None)
    assert SYSTEM.is_admin
    assert (ANONYMOUS.username, ANONYMOUS.role, ANONYMOUS.provider_id) == (
        "anonymous", "anonymous", None)
    assert not ANONYMOUS.is_admin
    assert not can_read_provider(ANONYMOUS, 1) and not can_write_provider(ANONYMOUS, 1)
