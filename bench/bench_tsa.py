"""Benchmark (tsa): one chain-head anchor at a local TSA, and signing a 200-page evidence.pdf."""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from bench import Row

ANCHORS = 30
FORMS = 194  # 1 cover + 5 summary pages + one page per form = 200 pages


def _median(work: Callable[[], object], times: int) -> float:
    """Return the median seconds of work over the given number of runs."""
    spent = []
    for _ in range(times):
        started = time.perf_counter()
        work()
        spent.append(time.perf_counter() - started)
    return statistics.median(spent)


def _anchor_rows(ctx: Any, tsa: Any) -> list[Row]:
    """Return the cost of anchor_now (one token requested, checked, stored) and of checking."""
    from pyhanko.sign.timestamps import TimeStamper

    from surveys.anchoring import anchor_now
    from surveys.db import run_write
    from surveys.tsa import check_token, request_token
    from surveys.tsa_min import verify_timestamp_token
    from tests.fault_support import append, seed_invitations

    provider_id, ids = seed_invitations(ctx, ANCHORS * 2, name="锚定测试公司")
    url = tsa.url("ecdsa")
    settings = replace(ctx.settings, tsa_urls=(url,), tsa_roots=(tsa.roots_file,))
    forms = iter(ids)

    def store() -> None:
        run_write(ctx.engine, lambda s, i=next(forms): append(s, ctx.signer, i, f"a-{i}"))

    stored = _median(store, ANCHORS)
    both = _median(lambda: (store(), anchor_now(engine=ctx.engine, settings=settings,
                                                provider_id=provider_id)), ANCHORS)
    stamper = tsa.stamper("ecdsa")
    _nonce, query = TimeStamper().request_cms(bytes(32), "sha256")
    server = _median(lambda: stamper.request_tsa_response(query).dump(), ANCHORS)
    digest = bytes(32)
    token = request_token(url, digest)
    library = _median(lambda: check_token(token, digest, trusted_roots=[tsa.root_der]), 50)
    minimal = _median(lambda: verify_timestamp_token(token, trusted_roots=[tsa.root_der]), 50)
    return [
        Row("tsa", "anchor_now: one token requested, checked, stored (local TSA, loopback)",
            both - stored, "s", stored, "storing one form", "",
            f"median of {ANCHORS}; of which the test TSA's own signing {server * 1000:.0f} ms"),
        Row("tsa", "check_token (pyHanko, chain to root)", library, "s", minimal,
            "tsa_min (stdlib + cryptography)", "", "median of 50"),
    ]


def _pdf_rows(ctx: Any, url: str) -> list[Row]:
    """Return the cost of signing (and timestamping) a 200-page evidence.pdf."""
    from analytics.evidence_data import collect_evidence
    from analytics.evidence_pdf import render_evidence_pdf
    from analytics.pdf_signing import ensure_pdf_identity, sign_pdf_report
    from surveys.access import SYSTEM
    from surveys.db import read_session, run_write
    from tests.fault_support import YEAR, append, seed_invitations

    provider_id, ids = seed_invitations(ctx, FORMS)
    for start in range(0, len(ids), 100):
        run_write(ctx.engine, lambda s, chunk=ids[start:start + 100]: [
            append(s, ctx.signer, i, f"e-{i}") for i in chunk])
    with read_session(ctx.engine) as session:
        data = collect_evidence(session=session, actor=SYSTEM, signer=ctx.signer,
                                provider_id=provider_id, year=YEAR, base_url="http://survey.test")
    ensure_pdf_identity(ctx.settings)
    started = time.perf_counter()
    rendered = render_evidence_pdf(data)
    render = time.perf_counter() - started
    rows = []
    for case, urls in (("sign", ()), ("sign + document timestamp", (url,))):
        started = time.perf_counter()
        signed = sign_pdf_report(rendered.content, settings=ctx.settings, timestamp_urls=urls)
        spent = time.perf_counter() - started
        rows.append(Row("tsa", f"evidence.pdf, {rendered.pages} pages: {case}", spent, "s",
                        render, "rendering it unsigned", "",
                        f"{len(rendered.content) // 1024} → {len(signed.data) // 1024} KiB"))
    return rows


def run() -> list[Row]:
    """Return the anchoring and PDF-signing figures, each with a baseline from the same run."""
    from surveys.context import open_context
    from surveys.schema import upgrade
    from surveys.settings import Settings
    from tests.tsa_support import serve_local_tsa

    tmp = Path(tempfile.mkdtemp())
    ctx = open_context(Settings(db_url=f"sqlite:///{tmp / 't.db'}", data_dir=tmp / "data",
                                base_url="http://survey.test"))
    upgrade(ctx.engine)
    with serve_local_tsa(tmp) as tsa:
        rows = _anchor_rows(ctx, tsa) + _pdf_rows(ctx, tsa.url("rsa"))
    ctx.engine.dispose()
    return rows
