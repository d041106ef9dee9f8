"""Eight concurrent writers, each with its own engine: the provider's chain stays linear."""

from __future__ import annotations

import threading
from datetime import date
from typing import Any

from sqlmodel import col, select

from surveys import responses
from surveys.access import SYSTEM
from surveys.context import Context
from surveys.db import make_engine, read_session, run_write
from surveys.models import Response
from surveys.records import GENESIS_HASH
from surveys.validation import validate_response
from surveys.verify import verify_database
from tests.factories import make_client, make_provider, open_campaign, scores_for_total

WRITERS = 8
ROUNDS = 3


def _writer(ctx: Context, provider: int, client: int, start: threading.Barrier,
            errors: list[BaseException]) -> None:
    """Submit ROUNDS versions of one client's form through a private engine."""
    engine = make_engine(ctx.settings.db_url)
    try:
        start.wait()
        for round_no in range(ROUNDS):
            raw: dict[str, Any] = {f"item{i + 1}": v
                                   for i, v in enumerate(scores_for_total(85 + round_no))}
            raw.update(evaluation_date=date(2026, 6, 15), signer_name=f"签字人{client}")
            valid = validate_response(raw, window=(date(2026, 1, 1), date(2027, 6, 30)),
                                      today=date(2026, 11, 24))
            why = "并发更正" if round_no else ""
            run_write(engine, lambda s, v=valid, why=why: responses.submit_paper(
                session=s, actor=SYSTEM, signer=ctx.signer, provider_id=provider, year=2026,
                client_id=client, valid=v, attachments=responses.Attachments(),
                reason=why, today=date(2026, 11, 24)), attempts=40)
    except BaseException as exc:  # reported to the test thread
        errors.append(exc)
    finally:
        engine.dispose()


def test_concurrent_appends_keep_one_linear_chain(ctx: Context) -> None:
    provider = make_provider(ctx)
    other = make_provider(ctx, "另一家维保公司")
    clients = [make_client(ctx, provider, f"用户单位{i}", years={2026: "1000"})
               for i in range(WRITERS - 2)]
    others = [make_client(ctx, other, f"其他单位{i}", years={2026: "1000"}) for i in range(2)]
    open_campaign(ctx, provider, 2026)
    open_campaign(ctx, other, 2026)
    _ = ctx.signer  # create the key before the threads start
    start, errors = threading.Barrier(WRITERS), []
    jobs = [(provider, c) for c in clients] + [(other, c) for c in others]
    threads = [threading.Thread(target=_writer, args=(ctx, p, c, start, errors))
               for p, c in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    with read_session(ctx.engine) as session:
        result = verify_database(session, ctx.signer.public_key)
        assert result.ok, [p.message for p in result.problems]
        assert result.records == WRITERS * ROUNDS
        for pid, count in ((provider, len(clients)), (other, len(others))):
            chain = session.exec(select(Response).where(Response.provider_id == pid)
                                 .order_by(col(Response.seq))).all()
            assert [r.seq for r in chain] == list(range(1, count * ROUNDS + 1))
            links = [r.prev_hash for r in chain]
            assert links == [GENESIS_HASH] + [r.record_hash for r in chain[:-1]]  # no fork
            versions = sorted((r.client_id, r.version) for r in chain)
            assert versions == sorted((c, v) for c in {r.client_id for r in chain}
                                      for v in range(1, ROUNDS + 1))
