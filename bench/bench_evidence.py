"""Benchmark 3: the evidence bundle of a year of 200 (and 1,000) forms: seconds and peak memory."""

from __future__ import annotations

import csv
import io
import json
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from bench import Row

SIZES = (200, 1000)
ROOT = Path(__file__).resolve().parents[1]


def _signature_png() -> bytes:
    """Return a real signature-like PNG (a drawn line), as the web form stores."""
    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (600, 200), (255, 255, 255, 0))
    ImageDraw.Draw(image).line([(30, 150), (150, 40), (300, 160), (560, 50)], fill="black",
                               width=5)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def child(forms: int) -> dict[str, float]:
    """Return timings and peak memory of building one bundle (run in a fresh process)."""
    from analytics.evidence_bundle import build_bundle
    from analytics.evidence_data import collect_evidence
    from surveys.access import SYSTEM
    from surveys.context import open_context
    from surveys.db import read_session, run_write
    from surveys.models import Response
    from surveys.responses import current_responses
    from surveys.schema import upgrade
    from surveys.settings import Settings
    from tests.fault_support import YEAR, append, seed_invitations

    tmp = Path(tempfile.mkdtemp())
    ctx = open_context(Settings(db_url=f"sqlite:///{tmp / 'e.db'}", data_dir=tmp / "data"))
    upgrade(ctx.engine)
    provider_id, ids = seed_invitations(ctx, forms)
    png = _signature_png()
    for start in range(0, forms, 100):
        run_write(ctx.engine, lambda s, chunk=ids[start:start + 100]: [
            append(s, ctx.signer, i, f"e-{i}", png) for i in chunk])
    idle = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    with read_session(ctx.engine) as session:  # baseline: the same year as a zipped CSV
        rows = current_responses(session=session, actor=SYSTEM, provider_id=provider_id,
                                 year=YEAR)
        text = io.StringIO()
        writer = csv.writer(text)
        columns = [c.name for c in Response.__table__.columns  # type: ignore[attr-defined]
                   if c.name not in ("signature_png", "seal_image", "scan")]
        writer.writerows([[getattr(r, c) for c in columns] for r in rows])
        with zipfile.ZipFile(io.BytesIO(), "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("responses.csv", text.getvalue())
    plain = time.perf_counter() - started
    started = time.perf_counter()
    with read_session(ctx.engine) as session:
        data = collect_evidence(session=session, actor=SYSTEM, signer=ctx.signer,
                                provider_id=provider_id, year=YEAR, base_url="http://survey.test")
        bundle = build_bundle(data, ctx.signer)
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "plain_seconds": plain,
            "maxrss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "idle_maxrss_mib": idle / 1024, "bundle_mib": len(bundle) / 2**20}


def run() -> list[Row]:
    """Return seconds and peak memory of the bundle for each size, each in its own process."""
    rows: list[Row] = []
    for forms in SIZES:
        done = subprocess.run([sys.executable, "-m", "bench.bench_evidence", str(forms)],
                              cwd=ROOT, capture_output=True, text=True, timeout=3600)
        if done.returncode != 0:
            raise RuntimeError(done.stderr)
        result = json.loads(done.stdout.strip().splitlines()[-1])
        rows.append(Row("3 evidence bundle", f"{forms} forms: time", result["seconds"], "s",
                        result["plain_seconds"], "same forms as zipped CSV", "",
                        f"bundle {result['bundle_mib']:.1f} MiB"))
        rows.append(Row("3 evidence bundle", f"{forms} forms: peak RSS", result["maxrss_mib"],
                        "MiB", result["idle_maxrss_mib"], "process before building", "",
                        "ru_maxrss of a fresh process"))
    return rows


if __name__ == "__main__":
    print(json.dumps(child(int(sys.argv[1]))))
