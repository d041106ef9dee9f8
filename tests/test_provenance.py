"""Who entered a version and why: reasons for replacing answers, closed campaigns, reopening."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlmodel import col, select

from surveys import campaigns, clients, responses
from surveys.access import SYSTEM, Actor
from surveys.campaigns import CampaignClosed
from surveys.context import Context
from surveys.db import read_session, run_write
from surveys.errors import Conflict, PermissionDenied, ValidationFailed
from surveys.models import AuditEntry, KeyUnitChange, Response
from surveys.validation import validate_response
from surveys.verify import verify_database
from tests import factories

DAY = date(2026, 6, 20)


@pytest.fixture
def scene(ctx: Context) -> tuple[Context, int, int]:
    """Return the context, a provider and a client invited to its 2026 campaign."""
    return factories.invited_client(ctx, "海淀医院", 1000)


def staff_paper(ctx: Context, actor: Actor, provider: int, client: int, total: int, *,
                reason: str = "", origin: str = "paper", today: date = DAY) -> Response:
    """Return the version staff stored from a paper form."""
    raw: dict[str, Any] = {f"item{i + 1}": v
                           for i, v in enumerate(factories.scores_for_total(total))}
    valid = validate_response({**raw, "evaluation_date": date(2026, 6, 1), "signer_name": "李四"},
                              window=(date(2026, 1, 1), date(2026, 12, 31)), today=today)
    return run_write(ctx.engine, lambda s: responses.submit_paper(
        session=s, actor=actor, signer=ctx.signer, provider_id=provider, year=2026,
        client_id=client, valid=valid, attachments=responses.Attachments(), reason=reason,
        origin=origin, today=today))


def test_replacing_any_stored_version_needs_a_reason(scene: tuple[Context, int, int]) -> None:
    ctx, provider, client = scene
    staff = Actor("wang", "staff", provider)
    first = staff_paper(ctx, staff, provider, client, 84)
    assert (first.origin, first.entered_by, first.reason, first.version) == (
        "paper", "wang", "", 1)
    with pytest.raises(ValidationFailed) as refused:
        staff_paper(ctx, staff, provider, client, 88, reason="   ")
    assert [e.field for e in refused.value.errors] == ["reason"]
    assert "须填写更正原因" in refused.value.errors[0].zh
    with read_session(ctx.engine) as s:
        assert len(s.exec(select(Response)).all()) == 1  # nothing stored
    second = staff_paper(ctx, staff, provider, client, 88, reason="  誊写错误，按原件更正 ",
                         origin="import")
    assert (second.origin, second.entered_by, second.reason, second.version,
            second.supersedes_id) == ("import", "wang", "誊写错误，按原件更正", 2, first.id)


def test_overriding_the_clients_web_form_names_it_in_the_refusal(
        scene: tuple[Context, int, int]) -> None:
    ctx, provider, client = scene
    web = factories.submit_web(ctx, provider, client, 84, today=DAY)
    assert web.origin == "web" and web.entered_by == "client"
    with pytest.raises(ValidationFailed, match="用户网上提交的评价表") as refused:
        staff_paper(ctx, Actor("wang", "staff", provider), provider, client, 95)
    assert "the client's own web form" in refused.value.errors[0].en


def test_the_reason_is_signed_into_the_record(scene: tuple[Context, int, int]) -> None:
    ctx, provider, client = scene
    staff_paper(ctx, SYSTEM, provider, client, 84)
    staff_paper(ctx, SYSTEM, provider, client, 88, reason="原件第 3 项为 14 分")
    with read_session(ctx.engine) as s:
        assert verify_database(s, ctx.signer.public_key).ok
    with ctx.engine.begin() as conn:  # an insider edits the reason in place
        conn.exec_driver_sql("UPDATE response SET reason = '用户要求' WHERE version = 2")
    with read_session(ctx.engine) as s:
        result = verify_database(s, ctx.signer.public_key)
    assert [p.kind for p in result.problems] == ["hash_mismatch"]
    assert result.problems[0].seq == 2


@pytest.mark.parametrize("origin", ["paper", "import"])
def test_a_closed_campaign_takes_no_form_of_any_origin(scene: tuple[Context, int, int],
                                                       origin: str) -> None:
    ctx, provider, client = scene
    run_write(ctx.engine, lambda s: campaigns.close_campaign(
        session=s, actor=SYSTEM, provider_id=provider, year=2026))
    with pytest.raises(CampaignClosed):
        staff_paper(ctx, SYSTEM, provider, client, 90, origin=origin)
    with pytest.raises(CampaignClosed):  # nor after its closing date while still marked open
        run_write(ctx.engine, lambda s: campaigns.reopen_campaign(
            session=s, actor=SYSTEM, provider_id=provider, year=2026, reason="补录纸质表"))
        staff_paper(ctx, SYSTEM, provider, client, 90, origin=origin, today=date(2027, 1, 1))


def test_reopening_needs_an_administrator_and_a_reason(scene: tuple[Context, int, int]) -> None:
    ctx, provider, client = scene
    run_write(ctx.engine, lambda s: campaigns.close_campaign(
        session=s, actor=SYSTEM, provider_id=provider, year=2026))
    with pytest.raises(Conflict, match="reopen"):  # 'open' no longer reopens quietly
        factories.open_campaign(ctx, provider, 2026)
    with pytest.raises(PermissionDenied):
        run_write(ctx.engine, lambda s: campaigns.reopen_campaign(
            session=s, actor=Actor("wang", "staff", provider), provider_id=provider,
            year=2026, reason="补录"))
    with pytest.raises(ValidationFailed, match="reason"):
        run_write(ctx.engine, lambda s: campaigns.reopen_campaign(
            session=s, actor=SYSTEM, provider_id=provider, year=2026, reason=" "))
    run_write(ctx.engine, lambda s: campaigns.reopen_campaign(
        session=s, actor=Actor("root", "admin"), provider_id=provider, year=2026,
        reason="两家单位的纸质表邮寄延误"))
    assert staff_paper(ctx, SYSTEM, provider, client, 90).version == 1
    with read_session(ctx.engine) as s:
        entry = s.exec(select(AuditEntry).where(AuditEntry.action == "campaign_reopen")).one()
    assert entry.username == "root" and "两家单位的纸质表邮寄延误" in entry.after_json


def test_key_unit_flag_changes_are_dated(scene: tuple[Context, int, int]) -> None:
    ctx, provider, client = scene
    run_write(ctx.engine, lambda s: clients.update_client(
        session=s, actor=SYSTEM, client_id=client, fields={"key_unit": True}))
    run_write(ctx.engine, lambda s: clients.update_client(
        session=s, actor=SYSTEM, client_id=client, fields={"department": "保卫部"}))  # unchanged
    with read_session(ctx.engine) as s:
        trail = s.exec(select(KeyUnitChange).where(KeyUnitChange.client_id == client)
                       .order_by(col(KeyUnitChange.id))).all()
    assert [c.key_unit for c in trail] == [False, True]
    assert trail[0].changed_at <= trail[1].changed_at
