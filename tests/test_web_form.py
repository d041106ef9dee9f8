"""The web form's domain functions: what a link shows, checks, idempotency, versions, closing."""

from __future__ import annotations

import io
import threading
from datetime import date, timedelta
from typing import Any

import pytest
from PIL import Image, ImageDraw
from sqlmodel import select

from surveys.access import SYSTEM
from surveys.campaigns import close_campaign
from surveys.context import Context
from surveys.db import read_session, run_write
from surveys.errors import Conflict, SurveyError, ValidationFailed
from surveys.invitations import list_invitations, reissue_invitation, revoke_invitation
from surveys.models import Response
from surveys.responses import Attachments
from surveys.signature import png_is_blank
from surveys.web_form import (
    CampaignClosed,
    InvalidLink,
    load_form_state,
    note_opened,
    review_web_form,
    submit_web_form,
)
from tests.factories import FULL_MARKS, TODAY, links, make_client, make_provider, open_campaign

YEAR = 2026


def signature_png(blank: bool = False) -> bytes:
    """Return a PNG of a signature pad, drawn on or left blank."""
    image = Image.new("RGBA", (300, 120), (255, 255, 255, 255))
    if not blank:
        ImageDraw.Draw(image).line([(20, 80), (90, 30), (160, 90), (260, 40)], fill="black",
                                   width=4)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def raw_form(scores: list[Any] | None = None, **extra: Any) -> dict[str, Any]:
    """Return the raw fields of a filled form."""
    raw: dict[str, Any] = {f"item{i + 1}": v for i, v in enumerate(scores or FULL_MARKS)}
    raw.update(signer_name="张三", signer_title="处长", signer_phone="13900000000",
               evaluation_date=TODAY, comment="")
    raw.update(extra)
    return raw


@pytest.fixture
def setup(ctx: Context) -> dict[str, Any]:
    """Return a provider, one invited client and its token."""
    provider = make_provider(ctx)
    client = make_client(ctx, provider, "北京市第一医院", years={YEAR: 50000})
    open_campaign(ctx, provider, YEAR)
    token = links(ctx, provider, YEAR)[0]["url"].split("?t=")[1]
    return {"provider": provider, "client": client, "token": token}


def submit(ctx: Context, token: str, *, key: str = "k1", supersedes: int | None = None,
           raw: dict[str, Any] | None = None, seal: bytes | None = None,
           edits: dict[str, Any] | None = None, today: date = TODAY) -> Response:
    """Return the stored version after submitting the web form."""
    return run_write(ctx.engine, lambda s: submit_web_form(
        session=s, signer=ctx.signer, token=token, raw=raw or raw_form(),
        header_edits=edits or {}, attachments=Attachments(signature_png=signature_png(),
                                                          seal_image=seal),
        submission_key=key, supersedes_id=supersedes, today=today))


def stored(ctx: Context) -> list[Response]:
    """Return every stored response."""
    with read_session(ctx.engine) as s:
        return list(s.exec(select(Response).order_by(Response.id)).all())  # type: ignore[arg-type]


def test_state_shows_who_evaluates_whom(ctx: Context, setup: dict[str, Any]) -> None:
    with read_session(ctx.engine) as s:
        state = load_form_state(session=s, token=setup["token"], today=TODAY)
    assert state is not None and state.accepts and state.latest is None and state.first_open
    assert state.client["name"] == "北京市第一医院" and state.client["department"] == "保卫处"
    assert state.provider["name"] == "北京安防维保有限公司" and state.year == YEAR
    assert state.date_bounds(TODAY) == (date(YEAR, 1, 1), TODAY)
    run_write(ctx.engine, lambda s: note_opened(session=s, invitation_id=state.invitation_id))
    with read_session(ctx.engine) as s:
        again = load_form_state(session=s, token=setup["token"], today=TODAY)
    assert again is not None and not again.first_open


@pytest.mark.parametrize("token", ["", "short", "A" * 22, "A" * 21 + "!", "../../etc/passwd"])
def test_bad_tokens_show_nothing(ctx: Context, setup: dict[str, Any], token: str) -> None:
    with read_session(ctx.engine) as s:
        assert load_form_state(session=s, token=token, today=TODAY) is None
    with pytest.raises(InvalidLink):
        submit(ctx, token)
    assert stored(ctx) == []


@pytest.mark.parametrize("how", ["revoke", "reissue"])
def test_revoked_and_replaced_tokens_stop_working(ctx: Context, setup: dict[str, Any],
                                                  how: str) -> None:
    with read_session(ctx.engine) as s:
        invitation = list_invitations(session=s, actor=SYSTEM, provider_id=setup["provider"],
                                      year=YEAR)[0][0]
    if how == "revoke":
        run_write(ctx.engine, lambda s: revoke_invitation(session=s, actor=SYSTEM,
                                                          invitation_id=invitation.id))
    else:
        run_write(ctx.engine, lambda s: reissue_invitation(
            session=s, actor=SYSTEM, secret=ctx.link_secret, invitation_id=invitation.id))
    with read_session(ctx.engine) as s:
        assert load_form_state(session=s, token=setup["token"], today=TODAY) is None


def test_submit_stores_a_web_version_with_header_edits(ctx: Context, setup: dict[str, Any]) -> None:
    record = submit(ctx, setup["token"], raw=raw_form([9, 5, 14, 5, 10, 9, 15, 13, 15]),
                    edits={"department": "后勤保障部", "manager": "赵主任", "name": "改名"})
    assert (record.origin, record.total, record.version) == ("web", 95, 1)
    assert '"后勤保障部"' in record.header_json and '"北京市第一医院"' in record.header_json
    assert "改名" not in record.header_json and not png_is_blank(record.signature_png)
    with read_session(ctx.engine) as s:
        state = load_form_state(session=s, token=setup["token"], today=TODAY)
    assert state is not None and state.latest is not None and state.latest.id == record.id
    assert state.client["department"] == "后勤保障部"


def test_missing_items_blank_signature_and_bad_seal_are_all_reported(
        ctx: Context, setup: dict[str, Any]) -> None:
    raw = raw_form([10, None, 15, "", 10, 10, 15, 15, 15], signer_name=" ")
    with read_session(ctx.engine) as s, pytest.raises(ValidationFailed) as caught:
        review_web_form(session=s, token=setup["token"], raw=raw, header_edits={},
                        attachments=Attachments(signature_png=signature_png(blank=True),
                                                seal_image=b"%PDF-1.4 not an image"),
                        today=TODAY)
    fields = [e.field for e in caught.value.errors]
    assert fields == ["item2", "item4", "signer_name", "signature", "seal"]
    assert "维保工作规范表现" in caught.value.errors[0].zh
    assert all(e.zh and e.en for e in caught.value.errors)
    assert stored(ctx) == []


@pytest.mark.parametrize(("item", "score", "ok"), [
    (1, 0, True), (1, 10, True), (1, 11, False), (1, -1, False),
    (2, 5, True), (2, 6, False), (9, 15, True), (9, 16, False), (3, 7.5, False),
])
def test_score_boundaries(ctx: Context, setup: dict[str, Any], item: int, score: Any,
                          ok: bool) -> None:
    scores: list[Any] = list(FULL_MARKS)
    scores[item - 1] = score
    with read_session(ctx.engine) as s:
        def check() -> None:
            review_web_form(session=s, token=setup["token"], raw=raw_form(scores),
                            header_edits={}, attachments=Attachments(signature_png=signature_png()),
                            today=TODAY)
        if ok:
            check()
        else:
            with pytest.raises(ValidationFailed) as caught:
                check()
            assert [e.field for e in caught.value.errors] == [f"item{item}"]


@pytest.mark.parametrize(("when", "ok"), [
    (date(YEAR, 1, 1), True), (date(YEAR - 1, 12, 31), False), (TODAY, True),
    (TODAY + timedelta(days=1), False),
])
def test_date_boundaries(ctx: Context, setup: dict[str, Any], when: date, ok: bool) -> None:
    raw = raw_form(evaluation_date=when)
    if ok:
        assert submit(ctx, setup["token"], raw=raw).evaluation_date == when
    else:
        with pytest.raises(ValidationFailed):
            submit(ctx, setup["token"], raw=raw)
        assert stored(ctx) == []


def test_same_submission_key_stores_one_version(ctx: Context, setup: dict[str, Any]) -> None:
    first = submit(ctx, setup["token"], key="same")
    second = submit(ctx, setup["token"], key="same")
    assert first.id == second.id and len(stored(ctx)) == 1


def test_correction_is_a_new_version_and_stale_ones_conflict(
        ctx: Context, setup: dict[str, Any]) -> None:
    first = submit(ctx, setup["token"], key="a")
    with pytest.raises(Conflict):
        submit(ctx, setup["token"], key="b", supersedes=None)
    second = submit(ctx, setup["token"], key="c", supersedes=first.id,
                    raw=raw_form([5] * 9))
    assert (second.version, second.supersedes_id, second.total) == (2, first.id, 45)
    with pytest.raises(Conflict):
        submit(ctx, setup["token"], key="d", supersedes=first.id)
    assert [r.total for r in stored(ctx)] == [100, 45]


def test_two_tabs_at_once_store_one_version(ctx: Context, setup: dict[str, Any]) -> None:
    outcomes: list[object] = []
    barrier = threading.Barrier(2)

    def tab(key: str) -> None:
        barrier.wait()
        try:
            outcomes.append(submit(ctx, setup["token"], key=key))
        except SurveyError as exc:
            outcomes.append(exc)

    threads = [threading.Thread(target=tab, args=(k,)) for k in ("tab1", "tab2")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(type(o).__name__ for o in outcomes) == ["Conflict", "Response"]
    assert len(stored(ctx)) == 1


def test_closed_campaign_keeps_receipt_refuses_changes(ctx: Context, setup: dict[str, Any]) -> None:
    other = make_client(ctx, setup["provider"], "朝阳银行", years={YEAR: 1})
    open_campaign(ctx, setup["provider"], YEAR)
    other_token = next(link["url"].split("?t=")[1] for link in links(ctx, setup["provider"], YEAR)
                       if link["client_id"] == other)
    first = submit(ctx, setup["token"])
    run_write(ctx.engine, lambda s: close_campaign(session=s, actor=SYSTEM,
                                                   provider_id=setup["provider"], year=YEAR))
    with read_session(ctx.engine) as s:
        state = load_form_state(session=s, token=setup["token"], today=TODAY)
        assert state is not None and not state.accepts and state.latest is not None
        assert state.latest.id == first.id
        assert load_form_state(session=s, token=other_token, today=TODAY) is None
    with pytest.raises(CampaignClosed):
        submit(ctx, setup["token"], key="late", supersedes=first.id)
    with pytest.raises(CampaignClosed):
        submit(ctx, other_token, key="late2")


def test_campaign_past_its_closing_date_stops_accepting(ctx: Context, setup: dict[str, Any]) -> None:
    after = date(YEAR + 1, 1, 1)
    with read_session(ctx.engine) as s:
        assert load_form_state(session=s, token=setup["token"], today=after) is None
    with pytest.raises(CampaignClosed):
        submit(ctx, setup["token"], today=after)
