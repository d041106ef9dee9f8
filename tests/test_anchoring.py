"""Anchoring chain heads at a real local TSA: scheduling, backoff, several processes, status."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlmodel import select

from surveys.access import SYSTEM, Actor
from surveys.anchor_queries import (
    anchoring_status,
    anchors_for,
    as_utc,
    check_anchor,
    first_anchored,
    heads,
    mismatched_anchors,
)
from surveys.anchoring import anchor_due, anchor_now, backoff
from surveys.context import Context, open_context
from surveys.db import read_session
from surveys.errors import PermissionDenied
from surveys.models import AnchorSchedule, Response
from tests.anchor_support import add_record, provider_with_records, with_tsa
from tests.factories import make_provider
from tests.tsa_support import LocalTSA, closed_port_url

T0 = datetime(2026, 11, 29, 8, 0, tzinfo=UTC)


@pytest.fixture
def provider(ctx: Context) -> int:
    """Return a provider with two stored records."""
    return provider_with_records(ctx)


def chain(ctx: Context, provider_id: int) -> dict[int, tuple[str, datetime]]:
    """Return the provider's chain as {seq: (record_hash, submitted_at)}."""
    with read_session(ctx.engine) as s:
        rows = s.exec(select(Response).where(Response.provider_id == provider_id)).all()
    return {r.seq: (r.record_hash, r.submitted_at) for r in rows}


def schedule(ctx: Context, provider_id: int, url: str) -> AnchorSchedule:
    """Return the scheduling row of a provider and TSA."""
    with read_session(ctx.engine) as s:
        row = s.get(AnchorSchedule, (provider_id, url))
    assert row is not None
    row.next_attempt_at = as_utc(row.next_attempt_at)
    row.last_success_at = as_utc(row.last_success_at) if row.last_success_at else None
    return row


def test_the_head_is_anchored_once_and_the_token_checks(
        ctx: Context, provider: int, local_tsa: LocalTSA) -> None:
    url = local_tsa.url("rsa")
    settings = with_tsa(ctx, url, roots=[local_tsa.roots_file])
    attempts = anchor_due(engine=ctx.engine, settings=settings, now=T0)
    records = chain(ctx, provider)
    assert [(a.ok, a.head_seq, a.head_hash) for a in attempts] == [(True, 2, records[2][0])]
    assert local_tsa.count(url) == 1
    with read_session(ctx.engine) as s:
        anchors = anchors_for(s, provider)
    assert [(a.head_seq, a.head_hash, a.tsa_url) for a in anchors] == [(2, records[2][0], url)]
    check = check_anchor(anchors[0], trusted_roots=[local_tsa.root_der])
    assert check.ok and check.gen_time == anchors[0].gen_time == attempts[0].gen_time
    # nothing new: later passes send nothing
    assert anchor_due(engine=ctx.engine, settings=settings, now=T0 + timedelta(minutes=5)) == []
    assert local_tsa.count(url) == 1


def test_at_most_one_request_a_minute_per_provider(
        ctx: Context, provider: int, local_tsa: LocalTSA) -> None:
    url = local_tsa.url("ecdsa")
    settings = with_tsa(ctx, url)
    assert len(anchor_due(engine=ctx.engine, settings=settings, now=T0)) == 1
    for second in (1, 20, 59):
        add_record(ctx, provider)
        assert anchor_due(engine=ctx.engine, settings=settings,
                          now=T0 + timedelta(seconds=second)) == []
    assert local_tsa.count(url) == 1
    later = anchor_due(engine=ctx.engine, settings=settings, now=T0 + timedelta(seconds=61))
    assert [(a.ok, a.head_seq) for a in later] == [(True, 5)]  # one token covers all three
    assert local_tsa.count(url) == 2


def test_each_tsa_gets_its_own_token(ctx: Context, provider: int, local_tsa: LocalTSA) -> None:
    urls = [local_tsa.url("rsa"), local_tsa.url("pss")]
    anchor_due(engine=ctx.engine, settings=with_tsa(ctx, *urls), now=T0)
    with read_session(ctx.engine) as s:
        assert sorted(a.tsa_url for a in anchors_for(s, provider)) == sorted(urls)
    assert [local_tsa.count(u) for u in urls] == [1, 1]


def test_several_processes_on_one_database_send_one_request(
        ctx: Context, provider: int, local_tsa: LocalTSA) -> None:
    url = local_tsa.url("rsa")
    settings = with_tsa(ctx, url)
    others = [open_context(ctx.settings) for _ in range(4)]
    start = threading.Barrier(len(others))
    results: list[int] = []

    def process(other: Context) -> None:
        start.wait()
        results.append(len(anchor_due(engine=other.engine, settings=settings, now=T0)))

    threads = [threading.Thread(target=process, args=(o,)) for o in others]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    for other in others:
        other.engine.dispose()
    assert sorted(results) == [0, 0, 0, 1]
    assert local_tsa.count(url) == 1


def test_a_tsa_that_is_down_is_retried_with_backoff_and_later_succeeds(
        ctx: Context, provider: int, local_tsa: LocalTSA) -> None:
    url = closed_port_url("rsa")
    settings = with_tsa(ctx, url)
    now = T0
    for failures in (1, 2, 3):
        attempts = anchor_due(engine=ctx.engine, settings=settings, now=now)
        assert [(a.ok, a.retry_at) for a in attempts] == [(False, now + backoff(failures))]
        assert "unreachable" in attempts[0].error
        row = schedule(ctx, provider, url)
        assert row.failures == failures and row.next_attempt_at == now + backoff(failures)
        assert anchor_due(engine=ctx.engine, settings=settings,
                          now=row.next_attempt_at - timedelta(seconds=1)) == []
        now = row.next_attempt_at
    assert [backoff(n) for n in (1, 2, 3, 4, 7, 20)] == [
        timedelta(minutes=m) for m in (1, 2, 4, 8, 60, 60)]
    with local_tsa.serving_on(url):
        attempts = anchor_due(engine=ctx.engine, settings=settings, now=now)
    assert [(a.ok, a.head_seq) for a in attempts] == [(True, 2)]
    assert local_tsa.count(url) == 1
    row = schedule(ctx, provider, url)
    assert (row.failures, row.last_error, row.last_success_at) == (0, "", now)


def test_anchor_now_skips_the_minute_and_reports_what_happened(
        ctx: Context, provider: int, local_tsa: LocalTSA) -> None:
    up, down = local_tsa.url("rsa"), closed_port_url()
    settings = with_tsa(ctx, up, down)
    anchor_due(engine=ctx.engine, settings=settings, now=T0)
    add_record(ctx, provider)
    result = anchor_now(engine=ctx.engine, settings=settings, provider_id=provider,
                        now=T0 + timedelta(seconds=5))
    assert result.configured and not result.ok and result.head_seq == 3
    assert result.covered_by == (up,) and result.missing == (down,)
    assert "失败" in result.message() and down in result.message()
    assert local_tsa.count(up) == 2
    again = anchor_now(engine=ctx.engine, settings=with_tsa(ctx, up), provider_id=provider)
    assert again.ok and again.attempts == () and "already" in again.message()
    assert local_tsa.count(up) == 2


def test_without_a_tsa_nothing_is_sent_and_the_status_says_so(
        ctx: Context, provider: int) -> None:
    settings = with_tsa(ctx)
    assert anchor_due(engine=ctx.engine, settings=settings, now=T0) == []
    result = anchor_now(engine=ctx.engine, settings=settings, provider_id=provider)
    assert not result.configured and not result.ok and "not" in result.message()
    with read_session(ctx.engine) as s:
        status = anchoring_status(session=s, actor=SYSTEM, settings=settings,
                                  provider_id=provider)
    assert (status.configured, status.head_seq, status.uncovered) == (False, 2, 2)


def test_status_shows_coverage_failures_and_bad_roots(
        ctx: Context, provider: int, local_tsa: LocalTSA, tmp_path: Any) -> None:
    url, down = local_tsa.url("rsa"), closed_port_url()
    missing_roots = tmp_path / "absent.pem"
    settings = with_tsa(ctx, url, down, roots=[missing_roots])
    anchor_due(engine=ctx.engine, settings=settings, now=T0)
    add_record(ctx, provider)
    with read_session(ctx.engine) as s:
        status = anchoring_status(session=s, actor=SYSTEM, settings=settings,
                                  provider_id=provider)
        anchors = anchors_for(s, provider)
    assert status.configured and (status.head_seq, status.covered_seq, status.uncovered) == \
        (3, 2, 1)
    assert status.last_anchor_at == anchors[0].gen_time
    assert status.failures == 1 and "unreachable" in status.last_error
    assert status.next_attempt_at == T0 + timedelta(minutes=1)
    assert any("absent.pem" in p for p in status.problems)


def test_status_is_refused_to_other_providers_staff(ctx: Context, provider: int) -> None:
    other = make_provider(ctx, "另一家公司")
    staff = Actor(username="other-staff", role="staff", provider_id=other)
    with read_session(ctx.engine) as s, pytest.raises(PermissionDenied):
        anchoring_status(session=s, actor=staff, settings=ctx.settings, provider_id=provider)


def test_a_rewritten_record_is_no_longer_covered(
        ctx: Context, provider: int, local_tsa: LocalTSA) -> None:
    anchor_due(engine=ctx.engine, settings=with_tsa(ctx, local_tsa.url()), now=T0)
    with read_session(ctx.engine) as s:
        anchors = anchors_for(s, provider)
    records = chain(ctx, provider)
    assert [c is not None for c in first_anchored(records, anchors).values()] == [True, True]
    rewritten = {**records, 2: ("f" * 64, records[2][1])}  # seq 2 re-signed with new content
    assert first_anchored(rewritten, anchors) == {1: None, 2: None}
    assert mismatched_anchors(rewritten, anchors) == anchors
    assert mismatched_anchors({1: records[1]}, anchors) == anchors  # the head was cut off
    forged = replace(anchors[0], gen_time=anchors[0].gen_time - timedelta(days=3))
    assert not check_anchor(forged, trusted_roots=None).ok


def test_heads_are_read_per_provider(ctx: Context, provider: int) -> None:
    other = make_provider(ctx, "另一家公司")
    with read_session(ctx.engine) as s:
        found = heads(s)
        assert heads(s, provider) == {provider: found[provider]}
    assert other not in found and found[provider][0] == 2


def _anchor(seq: int, head_hash: str, minute: int, url: str = "http://tsa.test") -> Any:
    """Return an anchor at a head with genTime T0 + minute."""
    from surveys.anchor_queries import Anchor

    return Anchor(1, seq, head_hash, url, b"", T0 + timedelta(minutes=minute), T0)


RECORDS = {seq: (f"{seq:064x}", T0) for seq in range(1, 6)}


@pytest.mark.parametrize(("anchors", "expected"), [
    ([], [None] * 5),
    ([_anchor(5, f"{5:064x}", 30)], [30] * 5),
    ([_anchor(2, f"{2:064x}", 10), _anchor(4, f"{4:064x}", 20)], [10, 10, 20, 20, None]),
    ([_anchor(4, f"{4:064x}", 20), _anchor(2, f"{2:064x}", 10)], [10, 10, 20, 20, None]),
    ([_anchor(3, f"{3:064x}", 40), _anchor(5, f"{5:064x}", 15)], [15] * 5),  # later TSA clock
    ([_anchor(5, "e" * 64, 1), _anchor(4, f"{4:064x}", 20)], [20, 20, 20, 20, None]),
    ([_anchor(9, f"{9:064x}", 1)], [None] * 5),  # beyond the chain
])
def test_first_anchored_takes_the_earliest_matching_head_at_or_after_each_record(
        anchors: list[Any], expected: list[int | None]) -> None:
    found = first_anchored(RECORDS, anchors)
    assert list(found) == [5, 4, 3, 2, 1]
    got = [None if found[seq] is None else int((found[seq].gen_time - T0).total_seconds() // 60)
           for seq in range(1, 6)]
    assert got == expected
    for seq in range(1, 6):
        first = found[seq]
        if first is not None:
            assert first.delay == first.gen_time - RECORDS[seq][1]
            assert first.head_seq >= seq and RECORDS[first.head_seq][0] == f"{first.head_seq:064x}"


def test_a_rewritten_head_gets_its_own_token_and_the_old_one_is_kept(
        ctx: Context, provider: int, local_tsa: LocalTSA) -> None:
    from sqlalchemy import update

    from surveys.db import run_write

    url = local_tsa.url("rsa")
    settings = with_tsa(ctx, url)
    anchor_due(engine=ctx.engine, settings=settings, now=T0)
    original = chain(ctx, provider)[2][0]
    run_write(ctx.engine, lambda s: s.execute(  # an insider rewrites seq 2 and its hash
        update(Response).where(Response.provider_id == provider, Response.seq == 2)  # type: ignore[arg-type]
        .values(record_hash="f" * 64)))
    later = anchor_due(engine=ctx.engine, settings=settings, now=T0 + timedelta(minutes=2))
    assert [(a.ok, a.head_hash) for a in later] == [(True, "f" * 64)]
    with read_session(ctx.engine) as s:
        anchors = anchors_for(s, provider)
    assert sorted(a.head_hash for a in anchors) == sorted([original, "f" * 64])
    records = chain(ctx, provider)
    assert [a.head_hash for a in mismatched_anchors(records, anchors)] == [original]
    first = first_anchored(records, anchors)
    assert [first[seq].gen_time for seq in (1, 2)] == [later[0].gen_time] * 2  # type: ignore[union-attr]
    assert anchor_due(engine=ctx.engine, settings=settings, now=T0 + timedelta(minutes=9)) == []


def test_unusable_tsa_urls_are_skipped_and_named(
        ctx: Context, provider: int, local_tsa: LocalTSA) -> None:
    good, long_url, ftp = local_tsa.url(), "http://tsa.test/" + "x" * 600, "ftp://tsa.test/"
    settings = with_tsa(ctx, long_url, ftp, good)
    attempts = anchor_due(engine=ctx.engine, settings=settings, now=T0)
    assert [(a.tsa_url, a.ok) for a in attempts] == [(good, True)]
    result = anchor_now(engine=ctx.engine, settings=settings, provider_id=provider)
    assert [a.error for a in result.attempts] == ["not an http(s) URL of at most 500 characters"] * 2
    with read_session(ctx.engine) as s:
        status = anchoring_status(session=s, actor=SYSTEM, settings=settings,
                                  provider_id=provider)
    assert len(status.problems) == 2 and "ftp://tsa.test/" in status.problems[1]
