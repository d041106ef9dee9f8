"""Drafts: kept per invitation behind the token, bounded, never answers, deleted at the end."""

from __future__ import annotations

import io
from datetime import date, timedelta
from typing import Any

import pytest
from PIL import Image
from sqlalchemy import func
from sqlmodel import select

from surveys.access import SYSTEM
from surveys.campaigns import close_campaign
from surveys.context import Context
from surveys.db import read_session, run_write
from surveys.drafts import MAX_SEAL_BYTES, Draft, load_draft, purge_drafts, save_draft
from surveys.errors import ValidationFailed
from surveys.invitations import list_invitations, revoke_invitation
from surveys.models import FormDraft, Response
from surveys.web_form import link_gone_reason
from tests.factories import TODAY, links, make_client, make_provider, open_campaign
from tests.test_web_form import YEAR, stored, submit


@pytest.fixture
def setup(ctx: Context) -> dict[str, Any]:
    """Return a provider, one invited client and its token."""
    provider = make_provider(ctx)
    make_client(ctx, provider, "北京市第一医院", years={YEAR: 50000})
    open_campaign(ctx, provider, YEAR)
    return {"provider": provider, "token": links(ctx, provider, YEAR)[0]["url"].split("?t=")[1]}

DRAFT = Draft(fields={"item1": 8, "item9": 15, "signer_name": "张三", "evaluation_date": TODAY,
                      "comment": "很好", "unknown": "dropped"},
              signature_json='{"objects": [{"type": "path"}]}', signature_png=b"\x89PNG sig",
              seal_image=b"seal bytes")


def save(ctx: Context, token: str, draft: Draft = DRAFT, today: date = TODAY) -> bool:
    """Return what save_draft returned."""
    return run_write(ctx.engine, lambda s: save_draft(session=s, token=token, draft=draft,
                                                      today=today))


def load(ctx: Context, token: str, today: date = TODAY) -> Draft | None:
    """Return the link's draft."""
    with read_session(ctx.engine) as s:
        return load_draft(session=s, token=token, today=today)


def drafts(ctx: Context) -> int:
    """Return how many drafts the database holds."""
    with read_session(ctx.engine) as s:
        return int(s.exec(select(func.count()).select_from(FormDraft)).one())


def test_draft_round_trip_keeps_everything_but_unknown_keys(ctx: Context,
                                                            setup: dict[str, Any]) -> None:
    assert load(ctx, setup["token"]) is None
    assert save(ctx, setup["token"])
    again = load(ctx, setup["token"])
    assert again is not None
    assert again.fields == {"item1": 8, "item9": 15, "signer_name": "张三",
                            "evaluation_date": TODAY.isoformat(), "comment": "很好"}
    assert (again.signature_json, again.signature_png, again.seal_image) == (
        DRAFT.signature_json, DRAFT.signature_png, DRAFT.seal_image)
    assert save(ctx, setup["token"], Draft(fields={"item1": 3}))  # replaces, one per invitation
    assert drafts(ctx) == 1 and load(ctx, setup["token"]) == Draft(fields={"item1": 3})
    assert stored(ctx) == []  # a draft is never an answer


@pytest.mark.parametrize("token", ["", "A" * 22, "../../x"])
def test_a_bad_token_neither_reads_nor_writes_a_draft(ctx: Context, setup: dict[str, Any],
                                                      token: str) -> None:
    save(ctx, setup["token"])
    assert load(ctx, token) is None and not save(ctx, token) and drafts(ctx) == 1


def test_oversize_draft_is_refused_and_changes_nothing(ctx: Context, setup: dict[str, Any]) -> None:
    save(ctx, setup["token"])
    for big in (Draft(fields={"comment": "字" * 9000}),
                Draft(seal_image=b"x" * (MAX_SEAL_BYTES + 1)),
                Draft(signature_json="x" * (600 * 1024))):
        with pytest.raises(ValidationFailed):
            save(ctx, setup["token"], big)
    assert load(ctx, setup["token"]) is not None and load(ctx, setup["token"]).fields["item1"] == 8


def test_storing_the_form_deletes_its_draft(ctx: Context, setup: dict[str, Any]) -> None:
    save(ctx, setup["token"])
    seal = io.BytesIO()
    Image.new("RGB", (50, 50), "red").save(seal, format="PNG")
    submit(ctx, setup["token"], seal=seal.getvalue())
    assert drafts(ctx) == 0 and len(stored(ctx)) == 1


def test_closing_the_campaign_deletes_its_drafts_and_says_closed(ctx: Context,
                                                                 setup: dict[str, Any]) -> None:
    save(ctx, setup["token"])
    run_write(ctx.engine, lambda s: close_campaign(session=s, actor=SYSTEM,
                                                   provider_id=setup["provider"], year=YEAR))
    assert drafts(ctx) == 0 and load(ctx, setup["token"]) is None
    with read_session(ctx.engine) as s:
        assert link_gone_reason(session=s, token=setup["token"], today=TODAY) == "closed"


def test_purge_removes_drafts_of_revoked_links_and_past_campaigns(
        ctx: Context, setup: dict[str, Any]) -> None:
    save(ctx, setup["token"])
    with read_session(ctx.engine) as s:
        assert link_gone_reason(session=s, token=setup["token"], today=TODAY) is None
        assert purge_drafts(session=s, today=TODAY) == 0
    after = date(YEAR + 2, 1, 1)
    assert run_write(ctx.engine, lambda s: purge_drafts(session=s, today=after)) == 1
    save(ctx, setup["token"])
    with read_session(ctx.engine) as s:
        invitation = list_invitations(session=s, actor=SYSTEM, provider_id=setup["provider"],
                                      year=YEAR)[0][0]
    run_write(ctx.engine, lambda s: revoke_invitation(session=s, actor=SYSTEM,
                                                      invitation_id=invitation.id))
    with read_session(ctx.engine) as s:
        assert link_gone_reason(session=s, token=setup["token"], today=TODAY) == "revoked"
    assert run_write(ctx.engine, lambda s: purge_drafts(session=s, today=TODAY)) == 1
    assert drafts(ctx) == 0
    assert not save(ctx, setup["token"], today=TODAY + timedelta(days=1))
    with read_session(ctx.engine) as s:
        assert s.exec(select(func.count()).select_from(Response)).one() == 0


def test_the_stored_seal_is_the_re_encoded_image(ctx: Context, setup: dict[str, Any]) -> None:
    from tests.test_uploads_images import camera_jpeg

    photo = camera_jpeg(3000, 2000)
    record = submit(ctx, setup["token"], seal=photo)
    assert record.seal_image is not None and record.seal_image != photo
    with Image.open(io.BytesIO(record.seal_image)) as image:
        assert max(image.size) <= 2000 and not image.getexif()
