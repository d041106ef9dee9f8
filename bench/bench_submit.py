"""Benchmark 1: the submission path (validate, sign, chain, store) against a plain insert-and-commit."""

from __future__ import annotations

import multiprocessing
import os
import queue
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, insert, text

from bench import Row
from surveys.context import open_context
from surveys.db import run_write
from surveys.models import Response
from surveys.schema import upgrade
from surveys.settings import Settings

PG_ADMIN_URL = os.environ.get("STAR_SURVEY_TEST_PG",
                              "postgresql+psycopg://postgres@127.0.0.1:5432/test")
SINGLE = int(os.environ.get("BENCH_SUBMIT_SINGLE", "200"))  # forms stored by the lone writer
EACH = int(os.environ.get("BENCH_SUBMIT_EACH", "30"))  # forms per writer when eight write at once
WRITERS = 8
TARGET = ">= 0.5x plain insert"


def _submit_worker(settings: Settings, ids: list[int], go: Any, out: Any) -> None:
    """Store one validated, signed, chained form per invitation; report (start, end)."""
    from tests.fault_support import append  # the same path as the fault tests

    ctx = open_context(settings)
    signer = ctx.signer
    go.wait()
    start = time.perf_counter()
    for invitation_id in ids:
        run_write(ctx.engine, lambda s, i=invitation_id: append(s, signer, i, f"b-{i}"))
    out.put((start, time.perf_counter()))
    ctx.engine.dispose()


def _insert_worker(settings: Settings, numbers: list[int], go: Any, out: Any,
                   template: dict[str, Any]) -> None:
    """Insert and commit one plain Response row per number; report (start, end)."""
    from surveys.db import make_engine

    engine = make_engine(settings.db_url)
    statement = insert(Response.__table__)  # type: ignore[attr-defined]
    go.wait()
    start = time.perf_counter()
    for number in numbers:
        with engine.begin() as conn:
            conn.execute(statement, {**template, "seq": number, "version": number + 1,
                                     "submission_key": f"plain-{number}"})
    out.put((start, time.perf_counter()))
    engine.dispose()


def _rate(target: Callable[..., None], jobs: list[tuple[Any, ...]], forms: int) -> float:
    """Return forms per second when the jobs run as parallel processes started together."""
    context = multiprocessing.get_context("fork")
    go, out = context.Event(), context.Queue()
    processes = [context.Process(target=target, args=(*job[:2], go, out, *job[2:]))
                 for job in jobs]
    for process in processes:
        process.start()
    time.sleep(0.5)
    go.set()
    spans: list[tuple[float, float]] = []
    while len(spans) < len(processes):
        try:
            spans.append(out.get(timeout=2))
        except queue.Empty:
            if any(p.exitcode not in (None, 0) for p in processes):
                raise RuntimeError("a benchmark writer failed (see its traceback above)") from None
    for process in processes:
        process.join()
    return forms / (max(end for _, end in spans) - min(start for start, _ in spans))


def _template(settings: Settings, ids: list[int]) -> dict[str, Any]:
    """Return the column values of a stored form, reused by the plain inserts."""
    from tests.fault_support import append

    ctx = open_context(settings)
    record = run_write(ctx.engine, lambda s: append(s, ctx.signer, ids[-1], "template"))
    values = {c.name: getattr(record, c.name) for c in Response.__table__.columns  # type: ignore[attr-defined]
              if c.name != "id"}
    provider = run_write(ctx.engine, lambda s: _plain_provider(s))
    ctx.engine.dispose()
    return {**values, "provider_id": provider}


def _plain_provider(session: Any) -> int:
    """Return the id of a provider that holds only the plain inserted rows."""
    from surveys import providers
    from surveys.access import SYSTEM

    return int(providers.create_provider(session=session, actor=SYSTEM, name="基线").id or 0)


def measure(backend: str, settings: Settings) -> list[Row]:
    """Return the four rows (1 and 8 writers, path vs plain insert) of one database."""
    from tests.fault_support import seed_invitations

    ctx = open_context(settings)
    upgrade(ctx.engine)
    _provider, ids = seed_invitations(ctx, SINGLE + WRITERS * EACH + 1)
    _ = ctx.signer
    ctx.engine.dispose()
    template = _template(settings, ids)
    rows = []
    for writers, each, offset in ((1, SINGLE, 0), (WRITERS, EACH, SINGLE)):
        chunks = [ids[offset + w * each: offset + (w + 1) * each] for w in range(writers)]
        path = _rate(_submit_worker, [(settings, chunk) for chunk in chunks], writers * each)
        numbers = [[offset + w * each + n + 1 for n in range(each)] for w in range(writers)]
        plain = _rate(_insert_worker, [(settings, chunk, template) for chunk in numbers],
                      writers * each)
        rows.append(Row("1 submit", f"{backend}, {writers} writer{'s' if writers > 1 else ''}",
                        path, "forms/s", plain, "plain insert+commit", TARGET,
                        f"{writers * each} forms"))
    return rows


@contextmanager
def postgres_schema() -> Iterator[str | None]:
    """Yield the URL of a fresh PostgreSQL schema (None if PostgreSQL is down), dropped after."""
    admin = create_engine(PG_ADMIN_URL)
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    try:
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception:
        yield None
        return
    try:
        yield f"{PG_ADMIN_URL}?options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def run() -> list[Row]:
    """Return the submission-path rows on SQLite and on PostgreSQL."""
    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        rows += measure("SQLite", Settings(db_url=f"sqlite:///{tmp}/bench.db", data_dir=data))
        with postgres_schema() as url:
            if url:
                rows += measure("PostgreSQL", Settings(db_url=url, data_dir=data))
    return rows
