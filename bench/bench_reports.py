"""Benchmark: reports over 1,000,000 responses (SQL GROUP BY) against loading the table into pandas.

Builds a SQLite file under a temporary directory: 10,000 providers x 50 clients x 2 years =
1,000,000 responses (and as many invitations and contract years), with Core executemany
inserts in big batches. Hash and signature columns hold short dummy text here only.
"""

from __future__ import annotations

import operator
import os
import random
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import Engine, Table, create_engine, event, insert, text

from analytics.overview import provider_summary
from analytics.report import provider_year_report
from bench import Row
from surveys.access import SYSTEM
from surveys.db import make_engine, read_session
from surveys.form_a1 import FORM_ID, ITEMS
from surveys.models import Campaign, Client, ContractYear, Invitation, Provider, Response
from surveys.schema import upgrade

PROVIDERS = int(os.environ.get("BENCH_REPORT_PROVIDERS", "10000"))
CLIENTS = 50  # per provider
YEARS = (2025, 2026)
BATCH = 50_000
REPEATS = 5
NOW = "2026-11-01 00:00:00.000000"  # how SQLAlchemy stores a DateTime on SQLite


def table(model: Any) -> Table:
    """Return the Core table of a model."""
    return model.__table__  # type: ignore[no-any-return]


def batched(rows: Iterator[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    """Yield lists of at most BATCH rows."""
    chunk: list[dict[str, Any]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == BATCH:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def score_pool(rng: random.Random, size: int = 997) -> list[dict[str, int]]:
    """Return plausible sets of nine item scores with their totals, to cycle through."""
    pool = []
    for _ in range(size):
        values = {f"item{item.no}": max(0, item.max_score - rng.choice((0, 0, 0, 1, 1, 2, 3)))
                  for item in ITEMS}
        pool.append({**values, "total": sum(values.values())})
    return pool


def client_id(provider: int, index: int) -> int:
    """Return the id of a provider's index-th client."""
    return (provider - 1) * CLIENTS + index + 1


def invitation_id(provider: int, index: int, year_no: int) -> int:
    """Return the id of a client's invitation of a year."""
    return (client_id(provider, index) - 1) * len(YEARS) + year_no + 1


def responses(rng: random.Random) -> Iterator[dict[str, Any]]:
    """Yield one version-1 response per invitation, in provider order (seq per provider)."""
    pool = score_pool(rng)
    for provider in range(1, PROVIDERS + 1):
        seq = 0
        for year_no, year in enumerate(YEARS):
            for index in range(CLIENTS):
                seq += 1
                inv = invitation_id(provider, index, year_no)
                yield {"id": inv, "invitation_id": inv, "provider_id": provider,
                       "client_id": client_id(provider, index), "year": year, "form_id": FORM_ID,
                       **pool[(inv * 7919) % len(pool)], "header_json": "{}", "signer_name": "张三",
                       "signer_title": "", "signer_phone": "", "scan_name": "",
                       "evaluation_date": f"{year}-{1 + index % 11:02d}-{1 + index % 28:02d}",
                       "comment": "", "origin": "web", "submitted_at": NOW, "version": 1,
                       "supersedes_id": None, "submission_key": None, "seq": seq,
                       "prev_hash": "bench", "record_hash": f"h{inv}", "signature": "bench",
                       "key_id": "bench"}


def build(path: Path) -> float:
    """Return the seconds taken to create and fill the benchmark database at path."""
    start = time.perf_counter()
    url = f"sqlite:///{path}"
    upgrade(make_engine(url))
    engine = create_engine(url)

    @event.listens_for(engine, "connect")
    def _fast(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.execute("PRAGMA synchronous = OFF")
        dbapi_connection.execute("PRAGMA cache_size = -200000")

    rng = random.Random(5)
    plan: list[tuple[Table, Callable[[], Iterator[dict[str, Any]]]]] = [
        (table(Provider), lambda: ({"id": p, "name": f"服务单位{p}", "department": "",
                                    "manager": "", "phone": "", "created_at": NOW}
                                   for p in range(1, PROVIDERS + 1))),
        (table(Client), lambda: ({"id": client_id(p, i), "provider_id": p, "name": f"用户{i}",
                                  "department": "", "manager": "", "phone": "",
                                  "key_unit": i % 8 == 0, "active": True, "created_at": NOW}
                                 for p in range(1, PROVIDERS + 1) for i in range(CLIENTS))),
        (table(ContractYear), lambda: ({"client_id": client_id(p, i), "year": y,
                                        "amount": 20000 + 500 * (i % 7)}
                                       for p in range(1, PROVIDERS + 1) for i in range(CLIENTS)
                                       for y in YEARS)),
        (table(Campaign), lambda: ({"id": (p - 1) * len(YEARS) + n + 1, "provider_id": p,
                                    "year": y, "opens": f"{y}-01-01", "closes": f"{y}-12-31",
                                    "is_open": False, "created_at": NOW}
                                   for p in range(1, PROVIDERS + 1)
                                   for n, y in enumerate(YEARS))),
        (table(Invitation), lambda: ({"id": invitation_id(p, i, n),
                                      "campaign_id": (p - 1) * len(YEARS) + n + 1,
                                      "client_id": client_id(p, i), "token_nonce": "n",
                                      "token_hash": f"t{invitation_id(p, i, n)}",
                                      "created_at": NOW}
                                     for p in range(1, PROVIDERS + 1) for i in range(CLIENTS)
                                     for n in range(len(YEARS)))),
        (table(Response), lambda: responses(rng)),
    ]
    with engine.begin() as conn:
        for target, rows in plan:
            # Core executemany of plain tuples: the compiled INSERT of the keys the rows carry.
            for chunk in batched(rows()):
                names = list(chunk[0])
                statement = str(insert(target).compile(dialect=engine.dialect,
                                                       column_keys=names))
                values = operator.itemgetter(*names)
                conn.exec_driver_sql(statement, [values(row) for row in chunk])
        conn.execute(text("ANALYZE"))
    engine.dispose()
    return time.perf_counter() - start


def median_time(work: Callable[[], Any], repeats: int = REPEATS) -> float:
    """Return the median seconds of several runs of work (after one warm-up run)."""
    work()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def pandas_baseline(engine: Engine) -> float:
    """Return the seconds to load the whole response table into pandas and group it."""
    start = time.perf_counter()
    with engine.connect() as conn:
        frame = pd.read_sql(text("SELECT * FROM response"), conn)
    current = frame[~frame["id"].isin(frame["supersedes_id"].dropna())]
    grouped = current.groupby(["provider_id", "year"]).agg(
        responses=("total", "size"), total_sum=("total", "sum"), min_total=("total", "min"),
        max_total=("total", "max"), **{f"item{i.no}": (f"item{i.no}", "sum") for i in ITEMS})
    assert len(grouped) == PROVIDERS * len(YEARS)
    return time.perf_counter() - start


def run() -> list[Row]:
    """Return the report timings and the pandas baseline, measured in the same run."""
    with tempfile.TemporaryDirectory(prefix="bench-reports-") as tmp:
        path = Path(tmp) / "reports.db"
        build_seconds = build(path)
        engine = make_engine(f"sqlite:///{path}")
        provider, year = PROVIDERS // 2, YEARS[-1]
        with read_session(engine) as session:
            report = provider_year_report(session=session, actor=SYSTEM, provider_id=provider,
                                          year=year)
            assert report["responses"] == CLIENTS and report["invited"] == CLIENTS
            single = median_time(lambda: provider_year_report(
                session=session, actor=SYSTEM, provider_id=provider, year=year))
            summary = median_time(lambda: provider_summary(session=session, actor=SYSTEM,
                                                           year=year), repeats=3)
        baseline = pandas_baseline(engine)
        engine.dispose()
    rows = PROVIDERS * CLIENTS * len(YEARS)
    label = "pd.read_sql(response) + groupby"
    note = f"{rows:,} responses, SQLite; build {build_seconds:.0f} s"
    return [
        Row("reports", "one provider-year report (incl. §5 eligibility)", single, "s", baseline,
            label, ">= 20x", note),
        Row("reports", f"all-provider summary of {year}", summary, "s", baseline, label, "", note),
    ]
