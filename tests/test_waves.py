"""Reminder waves: who owes an answer, choosing by state, never a client that answered."""

from __future__ import annotations

import pytest
from sqlmodel import select

from surveys.access import SYSTEM, Actor
from surveys.context import Context
from surveys.db import read_session, run_write
from surveys.errors import Conflict, PermissionDenied, ValidationFailed
from surveys.invitations import revoke_invitation
from surveys.models import AuditEntry, Invitation, WaveRecipient
from surveys.waves import create_wave, list_waves, owed_answers
from tests.factories import submit
from tests.outreach_support import YEAR, open_link, outreach_campaign


def owed(ctx: Context, provider_id: int, selection: str = "unanswered",
         actor: Actor = SYSTEM) -> list[str]:
    """Return the names of the clients the selection chooses."""
    with read_session(ctx.engine) as s:
        return [c.client for c in owed_answers(session=s, actor=actor, provider_id=provider_id,
                                               year=YEAR, selection=selection)]


def wave(ctx: Context, provider_id: int, selection: str = "unanswered", channel: str = "email",
         actor: Actor = SYSTEM) -> int:
    """Return the id of a new wave."""
    return run_write(ctx.engine, lambda s: create_wave(
        session=s, actor=actor, provider_id=provider_id, year=YEAR, selection=selection,
        channel=channel).id)


def statuses(ctx: Context, wave_id: int) -> dict[int, tuple[str, str]]:
    """Return {client id: (status, address)} of a wave."""
    with read_session(ctx.engine) as s:
        rows = s.exec(select(WaveRecipient).where(WaveRecipient.wave_id == wave_id)).all()
    return {r.client_id: (r.status, r.address) for r in rows}


def test_selection_by_state_leaves_out_answered_and_revoked(ctx: Context) -> None:
    provider_id, ids = outreach_campaign(ctx)
    open_link(ctx, ids["乙银行"])
    open_link(ctx, ids["甲医院"])
    submit(ctx, provider_id, YEAR, ids["甲医院"], 92)
    with read_session(ctx.engine) as s:
        invitation = s.exec(select(Invitation).where(Invitation.client_id == ids["丁商场"])).one()
    run_write(ctx.engine, lambda s: revoke_invitation(session=s, actor=SYSTEM,
                                                      invitation_id=invitation.id))
    assert sorted(owed(ctx, provider_id)) == sorted(["丙学校", "乙银行"])
    assert owed(ctx, provider_id, "not_opened") == ["丙学校"]
    assert owed(ctx, provider_id, "opened") == ["乙银行"]


def test_a_second_wave_reaches_only_non_respondents(ctx: Context) -> None:
    provider_id, ids = outreach_campaign(ctx)
    first = wave(ctx, provider_id)
    assert statuses(ctx, first) == {
        ids["甲医院"]: ("queued", "jia@client.test"), ids["乙银行"]: ("queued", "yi@client.test"),
        ids["丙学校"]: ("queued", "bing@client.test"), ids["丁商场"]: ("no_address", "")}
    submit(ctx, provider_id, YEAR, ids["甲医院"], 92)
    submit(ctx, provider_id, YEAR, ids["丁商场"], 88)
    second = wave(ctx, provider_id)
    assert set(statuses(ctx, second)) == {ids["乙银行"], ids["丙学校"]}
    with read_session(ctx.engine) as s:
        waves = list_waves(session=s, actor=SYSTEM, provider_id=provider_id, year=YEAR)
        audit = s.exec(select(AuditEntry).where(AuditEntry.action == "wave_create")).all()
    assert [(w.id, w.recipients, w.created_by) for w in waves] == [
        (first, 4, "system"), (second, 2, "system")]
    assert len(audit) == 2


def test_a_printed_wave_lists_the_clients(ctx: Context) -> None:
    provider_id, ids = outreach_campaign(ctx)
    open_link(ctx, ids["丁商场"])
    printed = wave(ctx, provider_id, "opened", "print")
    assert statuses(ctx, printed) == {ids["丁商场"]: ("listed", "")}


def test_nobody_to_remind_closed_campaign_and_bad_choices_are_refused(ctx: Context) -> None:
    provider_id, ids = outreach_campaign(ctx, {"甲医院": "jia@client.test"})
    with pytest.raises(Conflict):
        wave(ctx, provider_id, "opened")
    with pytest.raises(ValidationFailed) as info:
        wave(ctx, provider_id, "everyone")
    assert info.value.errors[0].field == "selection"
    with pytest.raises(ValidationFailed) as info:
        wave(ctx, provider_id, "unanswered", "sms")
    assert info.value.errors[0].field == "channel"
    submit(ctx, provider_id, YEAR, ids["甲医院"], 92)
    with pytest.raises(Conflict):
        wave(ctx, provider_id)
    with read_session(ctx.engine) as s:
        assert s.exec(select(WaveRecipient)).all() == []


def test_only_staff_who_may_change_the_provider_start_a_wave(ctx: Context) -> None:
    provider_id, _ids = outreach_campaign(ctx)
    other, _ = outreach_campaign(ctx, {"别家客户": "x@client.test"}, provider="别家公司")
    mine = Actor("clerk", "staff", provider_id)
    assessor = Actor("assessor", "assessor")
    assert len(owed(ctx, provider_id, actor=assessor)) == 4
    for actor, target in ((assessor, provider_id), (mine, other)):
        with pytest.raises(PermissionDenied):
            wave(ctx, target, actor=actor)
    with pytest.raises(PermissionDenied):
        owed(ctx, other, actor=mine)
    assert wave(ctx, provider_id, actor=mine) > 0
