"""The provider as forger: it holds the signing key, so only independent timestamps can catch it.

With a real local TSA (tests/tsa_support.py): records are stored and anchored; then the provider
rewrites a record and re-signs the whole chain with its own key, or inserts a back-dated record.
Hashes, signatures and chain links all verify afterwards; the anchors must not.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import col, select

from analytics.bundle_verify import verify_bundle
from surveys import responses
from surveys.anchoring import anchor_now
from surveys.context import Context
from surveys.db import read_session, run_write
from surveys.models import Response, utcnow
from surveys.records import record_hash
from surveys.validation import validate_response
from surveys.verify import verify_database
from tests import factories
from tests.anchor_support import with_tsa
from tests.test_assessor_verifier import run_isolated
from tests.test_bundle_claims import make_bundle
from tests.tsa_support import LocalTSA

YEAR = 2026


@pytest.fixture
def anchored(ctx: Context, local_tsa: LocalTSA) -> tuple[Context, int, list[Response], Any]:
    """Return a provider whose four records were each anchored by the local TSA when stored."""
    settings = with_tsa(ctx, local_tsa.url("rsa"))
    provider = factories.make_provider(ctx)
    clients = [factories.make_client(ctx, provider, f"用户单位{i}", years={YEAR: 1000})
               for i in range(4)]
    factories.open_campaign(ctx, provider, YEAR)
    stored = []
    for index, client in enumerate(clients):
        stored.append(factories.submit(ctx, provider, YEAR, client, 84 + index,
                                       today=factories.TODAY))
        assert anchor_now(engine=ctx.engine, settings=settings, provider_id=provider).ok
    return ctx, provider, stored, settings


def resign_from(ctx: Context, provider: int, seq: int, change: Callable[[Response], None]) -> None:
    """Change the record at seq, then re-hash, re-link and re-sign it and all after it."""
    def work(session: Any) -> None:
        chain = list(session.exec(select(Response).where(Response.provider_id == provider)
                                  .order_by(col(Response.seq))).all())
        for index, record in enumerate(chain):
            if record.seq < seq:
                continue
            if record.seq == seq:
                change(record)
            record.prev_hash = chain[index - 1].record_hash if index else "0" * 64
            record.record_hash = record_hash(record)
            record.signature = ctx.signer.sign(record.record_hash)
            session.add(record)
            session.flush()
    run_write(ctx.engine, work)


def _raise_score(record: Response) -> None:
    record.item9, record.total = record.item9 + 4, record.total + 4  # 84 -> 88, as in the issue


def test_the_honest_chain_verifies_with_every_record_anchored(
        anchored: tuple[Context, int, list[Response], Any]) -> None:
    ctx, provider, stored, settings = anchored
    with read_session(ctx.engine) as s:
        result = verify_database(s, ctx.signer.public_key, expect_anchors=True)
    assert result.ok, [p.message for p in result.problems]
    first = result.anchoring[provider]
    assert sorted(first) == [1, 2, 3, 4] and all(f and f.delay < timedelta(minutes=5)
                                                 for f in first.values())
    assert verify_bundle(make_bundle(ctx, provider, YEAR)).ok


def test_a_rewrite_re_signed_with_the_providers_key_breaks_the_anchors(
        anchored: tuple[Context, int, list[Response], Any], tmp_path: Path) -> None:
    ctx, provider, stored, _settings = anchored
    resign_from(ctx, provider, 2, _raise_score)
    with read_session(ctx.engine) as s:
        result = verify_database(s, ctx.signer.public_key, expect_anchors=True)
    kinds = {p.kind for p in result.problems}
    assert kinds == {"anchor_mismatch"}  # hashes, signatures and links all verify again
    first_bad = next(p for p in result.problems if p.seq == 2)
    assert f"response {stored[1].id} (provider {provider}, seq 2)" in first_bad.message
    assert {p.seq for p in result.problems} == {2, 3, 4}  # seq 1 was anchored before: intact
    bundle = make_bundle(ctx, provider, YEAR)  # the export itself still runs
    checked = verify_bundle(bundle)
    assert not checked.ok
    assert any("timestamp of seq 2" in p and "no longer matches the chain" in p
               for p in checked.problems), checked.problems
    (tmp_path / "b.zip").write_bytes(bundle)
    with zipfile.ZipFile(io.BytesIO(bundle)) as archive:
        archive.extractall(tmp_path, [n for n in archive.namelist() if n.startswith("verify/")])
    alone = run_isolated(tmp_path, "b.zip")
    assert alone.returncode == 1 and "timestamp of seq 2" in alone.stdout


def test_a_back_dated_record_shows_as_anchored_late(
        anchored: tuple[Context, int, list[Response], Any]) -> None:
    ctx, provider, stored, settings = anchored
    client = stored[0].client_id
    raw: dict[str, Any] = {f"item{i + 1}": v
                           for i, v in enumerate(factories.scores_for_total(99))}
    valid = validate_response({**raw, "evaluation_date": factories.TODAY - timedelta(days=3),
                               "signer_name": "补签"},
                              window=(factories.TODAY.replace(month=1, day=1),
                                      factories.TODAY.replace(month=12, day=31)),
                              today=factories.TODAY)

    def insert(session: Any) -> Response:
        latest = responses.latest_version(session=session, invitation_id=stored[0].invitation_id)
        return responses.append_response(
            session=session, signer=ctx.signer, invitation_id=stored[0].invitation_id,
            valid=valid, origin="paper", attachments=responses.Attachments(),
            supersedes_id=latest.id if latest else None, entered_by="insider",
            reason="原件补录", now=utcnow() - timedelta(days=3))
    forged = run_write(ctx.engine, insert)
    assert forged.client_id == client
    assert anchor_now(engine=ctx.engine, settings=settings, provider_id=provider).ok
    with read_session(ctx.engine) as s:
        result = verify_database(s, ctx.signer.public_key, expect_anchors=True)
    assert [p.kind for p in result.problems] == ["anchored_late"]
    assert f"response {forged.id} " in result.problems[0].message
    assert "back-dated" in result.problems[0].message
    checked = verify_bundle(make_bundle(ctx, provider, YEAR))
    assert [p for p in checked.problems if "back-dated" in p] == [
        p for p in checked.problems if f"response {forged.id} " in p]
    assert len(checked.problems) == 1


def test_records_a_configured_tsa_never_covered_are_flagged(ctx: Context) -> None:
    provider = factories.make_provider(ctx)
    client = factories.make_client(ctx, provider, "甲", years={YEAR: 1000})
    factories.open_campaign(ctx, provider, YEAR)
    stored = factories.submit(ctx, provider, YEAR, client, 90, today=factories.TODAY)
    with read_session(ctx.engine) as s:
        fresh = verify_database(s, ctx.signer.public_key, expect_anchors=True)
        later = verify_database(s, ctx.signer.public_key, expect_anchors=True,
                                now=utcnow() + timedelta(hours=25))
        unconfigured = verify_database(s, ctx.signer.public_key, expect_anchors=False,
                                       now=utcnow() + timedelta(hours=25))
    assert fresh.ok and unconfigured.ok  # within the delay; or no TSA: a note, not a failure
    assert [p.kind for p in later.problems] == ["not_anchored"]
    assert f"response {stored.id} " in later.problems[0].message


def test_the_bundled_verifier_checks_the_tsa_against_the_assessors_root(
        anchored: tuple[Context, int, list[Response], Any], local_tsa: LocalTSA,
        tmp_path: Path) -> None:
    ctx, provider, _stored, _settings = anchored
    bundle = make_bundle(ctx, provider, YEAR)
    (tmp_path / "b.zip").write_bytes(bundle)
    with zipfile.ZipFile(io.BytesIO(bundle)) as archive:
        archive.extractall(tmp_path, [n for n in archive.namelist() if n.startswith("verify/")])
    (tmp_path / "other.der").write_bytes(local_tsa.other_root_der)
    trusted = run_isolated(tmp_path, "b.zip", "--tsa-root", str(local_tsa.roots_file))
    assert trusted.returncode == 0, trusted.stdout
    assert "CN=star-survey test tsa-rsa" in trusted.stdout
    other = run_isolated(tmp_path, "b.zip", "--tsa-root", str(tmp_path / "other.der"))
    assert other.returncode == 1
    assert "does not chain to a root given with --tsa-root" in other.stdout
