"""The audit log: every person's change appended with before/after, filtered, never changed."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from alembic import command
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlmodel import select

from surveys import campaigns, client_import, clients, invitations, providers, users
from surveys.access import ANONYMOUS, SYSTEM, Actor
from surveys.audit import AuditFilters, decoded, list_audit, record_change
from surveys.context import Context
from surveys.db import read_session, run_write
from surveys.errors import PermissionDenied, ValidationFailed
from surveys.models import AuditEntry, utcnow
from surveys.schema import alembic_config, current_revision, head_revision, upgrade
from tests import factories


def entries(ctx: Context, actor: Actor = SYSTEM, **filters: object) -> list[AuditEntry]:
    """Return the audit entries the actor may read, newest first."""
    with read_session(ctx.engine) as session:
        return list_audit(session, actor, AuditFilters(**filters))  # type: ignore[arg-type]


def test_each_domain_change_is_logged_with_who_before_and_after(ctx: Context) -> None:
    provider = factories.make_provider(ctx)
    clerk = Actor("clerk", "staff", provider)
    client = factories.make_client(ctx, provider, "海淀区图书馆", years={2026: 1000})
    run_write(ctx.engine, lambda s: clients.update_client(
        session=s, actor=clerk, client_id=client, fields={"manager": "新主任", "key_unit": True}))
    run_write(ctx.engine, lambda s: providers.update_provider(
        session=s, actor=clerk, provider_id=provider, fields={"phone": "010-8512 3456"}))
    run_write(ctx.engine, lambda s: campaigns.open_campaign(
        session=s, actor=clerk, secret=ctx.link_secret, provider_id=provider, year=2026))
    invitation = run_write(ctx.engine, lambda s: invitations.list_invitations(
        session=s, actor=clerk, provider_id=provider, year=2026))[0][0]
    run_write(ctx.engine, lambda s: invitations.revoke_invitation(
        session=s, actor=clerk, invitation_id=int(invitation.id or 0)))
    run_write(ctx.engine, lambda s: invitations.reissue_invitation(
        session=s, actor=clerk, secret=ctx.link_secret, invitation_id=int(invitation.id or 0)))
    factories.submit(ctx, provider, 2026, client, 93)
    run_write(ctx.engine, lambda s: campaigns.close_campaign(
        session=s, actor=clerk, provider_id=provider, year=2026))

    log = list(reversed(entries(ctx)))
    assert [e.action for e in log] == [
        "provider_create", "client_create", "contract_set", "client_update", "provider_update",
        "campaign_open", "link_revoke", "link_reissue", "paper_submit", "campaign_close"]
    assert {e.username for e in log[3:8]} == {"clerk"}
    assert all(e.provider_id == provider for e in log)
    before, after = decoded(log[3])
    assert before is not None and after is not None
    assert (before["manager"], after["manager"]) == ("李处长", "新主任")
    assert (before["key_unit"], after["key_unit"]) == (False, True)
    assert all("token_nonce" not in e.after_json for e in log)
    paper = decoded(log[8])[1]
    assert paper is not None and paper["total"] == 93 and paper["origin"] == "paper"
    assert paper["signature_png"].endswith("bytes>")


def test_refused_change_leaves_no_entry(ctx: Context) -> None:
    provider = factories.make_provider(ctx)
    count = len(entries(ctx))
    with pytest.raises(ValidationFailed):
        run_write(ctx.engine, lambda s: clients.create_client(
            session=s, actor=SYSTEM, provider_id=provider, name=""))
    csv = "name,department,manager,phone,key_unit\n甲,,,,是\n,,,,maybe\n".encode()
    with pytest.raises(ValidationFailed):
        run_write(ctx.engine, lambda s: client_import.import_clients(
            session=s, actor=SYSTEM, provider_id=provider, data=csv, filename="c.csv"))
    assert len(entries(ctx)) == count


def test_import_logs_each_client_and_the_file(ctx: Context) -> None:
    provider = factories.make_provider(ctx)
    csv = "name,department,manager,phone,key_unit\n甲,,,,是\n乙,,,,否\n".encode()
    run_write(ctx.engine, lambda s: client_import.import_clients(
        session=s, actor=SYSTEM, provider_id=provider, data=csv, filename="c.csv"))
    actions = [e.action for e in entries(ctx, action=None)]
    assert actions.count("client_create") == 2 and actions[0] == "client_import"


def test_entries_cannot_be_updated_or_deleted(ctx: Context) -> None:
    factories.make_provider(ctx)

    def tamper(delete: bool) -> None:
        def work(session: object) -> None:
            entry = session.exec(select(AuditEntry)).first()  # type: ignore[attr-defined]
            if delete:
                session.delete(entry)  # type: ignore[attr-defined]
            else:
                entry.username = "someone-else"
                session.add(entry)  # type: ignore[attr-defined]
            session.flush()  # type: ignore[attr-defined]
        run_write(ctx.engine, work)

    for delete in (False, True):
        with pytest.raises(PermissionDenied):
            tamper(delete)
    assert [e.username for e in entries(ctx)] == ["system"]


def test_who_reads_what_and_filters(ctx: Context) -> None:
    a = factories.make_provider(ctx, "甲公司")
    b = factories.make_provider(ctx, "乙公司")
    factories.make_client(ctx, a, "甲的客户")
    factories.make_client(ctx, b, "乙的客户")
    run_write(ctx.engine, lambda s: users.create_user(
        session=s, actor=SYSTEM, username="auditor", password="long-enough-pw", role="assessor"))
    assert len(entries(ctx)) == 5
    assert len(entries(ctx, Actor("auditor", "assessor"))) == 5
    staff_a = entries(ctx, Actor("clerk", "staff", a))
    assert {e.provider_id for e in staff_a} == {a} and len(staff_a) == 2
    with pytest.raises(PermissionDenied):
        entries(ctx, Actor("clerk", "staff", a), provider_id=b)
    with pytest.raises(PermissionDenied):
        entries(ctx, ANONYMOUS)
    assert [e.entity for e in entries(ctx, provider_id=b)] == ["client", "provider"]
    assert [e.action for e in entries(ctx, action="user_add")] == ["user_add"]
    assert entries(ctx, username="nobody") == []
    assert entries(ctx, since=utcnow() + timedelta(days=1)) == []
    assert len(entries(ctx, until=utcnow() + timedelta(days=1), limit=3)) == 3


def test_record_change_keeps_hostile_text_literally(ctx: Context) -> None:
    hostile = "<script>alert(1)</script>'; DROP TABLE audit_entry; --"
    run_write(ctx.engine, lambda s: record_change(
        s, Actor(hostile, "admin"), "note", "x", hostile, None, {"v": hostile},
        {"bytes": io.BytesIO(b"abc").getvalue()}))
    entry = entries(ctx)[0]
    assert entry.username == hostile
    assert decoded(entry) == ({"v": hostile}, {"bytes": "<3 bytes>"})


@pytest.mark.parametrize("statement", [
    "UPDATE audit_entry SET username = 'someone-else'",
    "DELETE FROM audit_entry",
])
def test_the_database_refuses_raw_sql_changes_to_the_log(ctx: Context, statement: str) -> None:
    factories.make_provider(ctx)
    with pytest.raises(DBAPIError, match="append-only"):
        with ctx.engine.begin() as conn:
            conn.execute(text(statement))
    assert [e.username for e in entries(ctx)] == ["system"]


def test_migration_0002_downgrades_and_upgrades_again(ctx: Context) -> None:
    config = alembic_config()
    with ctx.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0001")
    assert current_revision(ctx.engine) == "0001"
    assert upgrade(ctx.engine) == head_revision()
    factories.make_provider(ctx)
    assert len(entries(ctx)) == 1
