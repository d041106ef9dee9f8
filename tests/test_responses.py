"""Responses: append-only versions, idempotent submissions, the signed hash chain."""

from __future__ import annotations

import json
from datetime import date

import pytest

from surveys import responses
from surveys.access import SYSTEM
from surveys.context import Context
from surveys.db import read_session, run_write
from surveys.errors import Conflict
from surveys.keys import verify_signature
from surveys.records import GENESIS_HASH, receipt_code, record_hash
from surveys.validation import validate_response
from tests.factories import make_client, make_provider, open_campaign, submit


def test_a_correction_is_a_new_version_and_both_stay(ctx: Context) -> None:
    pid = make_provider(ctx)
    cid = make_client(ctx, pid, "甲", years={2026: 1})
    open_campaign(ctx, pid, 2026)
    first = submit(ctx, pid, 2026, cid, 80)
    second = submit(ctx, pid, 2026, cid, 92)
    assert (second.version, second.supersedes_id) == (2, first.id)
    with read_session(ctx.engine) as s:
        current = responses.current_responses(session=s, actor=SYSTEM, provider_id=pid,
                                              year=2026)
        versions = responses.response_versions(session=s, actor=SYSTEM,
                                               invitation_id=first.invitation_id)
    assert [r.total for r in current] == [92]
    assert [(v.version, v.total) for v in versions] == [(1, 80), (2, 92)]


def test_records_are_signed_and_chained_per_provider(ctx: Context) -> None:
    a, b = make_provider(ctx, "A"), make_provider(ctx, "B")
    ca, cb = make_client(ctx, a, "甲", years={2026: 1}), make_client(ctx, b, "乙", years={2026: 1})
    open_campaign(ctx, a, 2026)
    open_campaign(ctx, b, 2026)
    r1, r2, r3 = submit(ctx, a, 2026, ca, 90), submit(ctx, b, 2026, cb, 91), submit(
        ctx, a, 2026, ca, 92)
    assert (r1.seq, r1.prev_hash) == (1, GENESIS_HASH)
    assert (r2.seq, r2.prev_hash) == (1, GENESIS_HASH)
    assert (r3.seq, r3.prev_hash) == (2, r1.record_hash)
    for record in (r1, r2, r3):
        assert record_hash(record) == record.record_hash
        assert verify_signature(ctx.signer.public_key, record.record_hash, record.signature)
    assert len(receipt_code(r1.record_hash)) == 19


def test_hash_changes_when_any_signed_field_changes(ctx: Context) -> None:
    pid = make_provider(ctx)
    cid = make_client(ctx, pid, "甲", years={2026: 1})
    open_campaign(ctx, pid, 2026)
    record = submit(ctx, pid, 2026, cid, 90)
    original = record.record_hash
    for field, value in [("item1", record.item1 - 1), ("signer_name", "李四"),
                         ("signature_png", b"other"), ("evaluation_date", date(2026, 6, 16))]:
        saved = getattr(record, field)
        setattr(record, field, value)
        assert record_hash(record) != original, field
        setattr(record, field, saved)
    assert record_hash(record) == original


def _valid(total_date: str = "2026-06-01") -> object:
    """Return a valid full-marks form."""
    raw = {f"item{i}": m for i, m in zip(range(1, 10), [10, 5, 15, 5, 10, 10, 15, 15, 15],
                                        strict=True)}
    raw.update(evaluation_date=total_date, signer_name="张三")
    return validate_response(raw, window=(date(2026, 1, 1), date(2026, 12, 31)),
                             today=date(2026, 11, 24))


def test_a_repeated_submission_key_stores_one_version(ctx: Context) -> None:
    pid = make_provider(ctx)
    make_client(ctx, pid, "甲", years={2026: 1})
    open_campaign(ctx, pid, 2026)
    with read_session(ctx.engine) as s:
        from surveys.models import Invitation
        inv_id = s.exec(__import__("sqlmodel").select(Invitation.id)).one()

    def submit_once(s: object) -> object:
        return responses.append_response(
            session=s, signer=ctx.signer, invitation_id=inv_id, valid=_valid(),  # type: ignore
            origin="web", attachments=responses.Attachments(signature_png=b"sig"),
            submission_key="tap-1")
    one, two = run_write(ctx.engine, submit_once), run_write(ctx.engine, submit_once)
    assert one.id == two.id
    with pytest.raises(Conflict):  # a second tab that still believes nothing was submitted
        run_write(ctx.engine, lambda s: responses.append_response(
            session=s, signer=ctx.signer, invitation_id=inv_id, valid=_valid(),  # type: ignore
            origin="web", attachments=responses.Attachments(), submission_key="tab-2"))
    with read_session(ctx.engine) as s:
        assert len(responses.response_versions(session=s, actor=SYSTEM,
                                               invitation_id=inv_id)) == 1


def test_header_snapshot_keeps_both_blocks_with_client_edits(ctx: Context) -> None:
    pid = make_provider(ctx)
    cid = make_client(ctx, pid, "甲", years={2026: 1})
    open_campaign(ctx, pid, 2026)
    record = submit(ctx, pid, 2026, cid, 90)
    header = json.loads(record.header_json)
    assert header["client"]["name"] == "甲" and header["provider"]["manager"] == "王经理"
